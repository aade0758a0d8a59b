"""Blog posts: one KB a post (titled `KB2779069 – <title>` and the other ways posts title a KB), bold
paragraph titles inside a post, and roundup posts that list KBs as bullets. Comments, related-post widgets,
sidebars and footers are never read: what readers write is not what the post recommends."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from scanner.models import CatalogueEntry
from scanner.sources.blocks import Block, Reading, read_blocks, tokens
from scanner.sources.build import downloads, make_entry
from scanner.sources.interface import Page, PageParser, ParsedPage, SourceHints
from scanner.sources.prose import stated, statements
from scanner.sources.text import included_in_from_text, kb_from_link, products_in

log = logging.getLogger(__name__)

_SEP = r"\s*(?:[–—:|-]|&#82(?:11|12);)\s*"
_WORD = r"(?:(?:new\s+|another\s+)?(?:hotfix|update|fix|patch)\s*[:–—-]\s*)?"  # "Hotfix: KB2779069 – ..."
_KB_FIRST = re.compile(rf"^{_WORD}KB\s?(\d{{6,7}}){_SEP}(\S.*)$", re.IGNORECASE)
_BRACKETED = re.compile(rf"^{_WORD}[\[(]KB\s?(\d{{6,7}})[\])](?:{_SEP}|\s+)(\S.*)$", re.IGNORECASE)
_BARE_FIRST = re.compile(rf"^(\d{{6,7}}){_SEP}(\S.*)$")
_LOOK_BACK = 50  # blocks between a list and the heading that introduces it
_NOTE = re.compile(r"\s*\([^()]*\b\d{6,7}\b[^()]*\)\s*$")
_KB_LAST = re.compile(r"^(\S.*?)\s*(?:[\[(]KB\s?(\d{6,7})[\])]|[–—|-]\s*KB\s?(\d{6,7}))$", re.IGNORECASE)

# WordPress and Blogger mark a post with these; `single-post` is on <body> and marks nothing.
_POST_TOKENS = frozenset({"post", "hentry", "type-post", "blog-post", "entry", "entry-content", "post-body",
                          "post-content", "postentry", "post-entry", "post-outer"})
_CHROME = re.compile(r"^(?:comments?|commentlist|comment-?list|comment-\S+|comments-\S+|respond|replies|pingbacks?|"
                     r"trackbacks?|related|related-?posts?|relatedposts|jp-relatedposts\S*|yarpp\S*|crp_related\S*|"
                     r"sidebar\S*|secondary|widget\S*|site-footer|footer\S*|navigation|nav|navbar|menu\S*|"
                     r"breadcrumbs?|sharedaddy|sharing\S*|share\S*|social\S*|disqus_thread)$")
_CHROME_TAGS = frozenset({"aside", "nav", "footer"})
_CHROME_ROLES = frozenset({"complementary", "navigation", "contentinfo"})
# Headings that end a post: comments, related posts.
_END = re.compile(r"^\s*(?:\d+\s+)?(?:responses?|comments?|replies|leave\s+a\s+(?:reply|comment)|related|"
                  r"you\s+may\s+also\s+like|recent\s+posts|trackbacks?|pingbacks?|share\s+this)\b", re.IGNORECASE)
# What the text before a bullet list says when the list is the post's round-up of fixes, and when it is not.
# "Updates" alone is not enough: "Updates installed on the nodes" lists what a lab had, not what to install.
_ROUNDUP = re.compile(r"\b(?:hot)?fix(?:es)?\b|\bpatch(?:es)?\b|\brollups?\b|\bKBs\b|\breleased?\b|\brecommend\w*|"
                      r"\bnew\s+updates\b|\bupdates\s+(?:for|this|last|released)\b", re.IGNORECASE)
_NOT_ROUNDUP = re.compile(r"\bsee\s+also\b|\breferences?\b|\brelated\b|\bfurther\s+reading\b|\bmore\s+information\b|"
                          r"\brecent\s+(?:posts|articles|comments)\b|\bpopular\s+(?:posts|articles)\b|"
                          r"\bprerequisites?\b|\bsuperseded\b|\breplaced\b|\bknown\s+issues?\b", re.IGNORECASE)
_ITEMS = ("li", "td", "th", "dt", "dd")
_LONGEST = 300  # characters: a longer heading or bold paragraph is text, not a title


@dataclass(frozen=True)
class _Titled:
    block: Block
    kb: str
    title: str


def _shape(text: str) -> tuple[str, str, str] | None:
    """(number, title, strength) of a text that titles a KB: `kb`, `suffix` ("... (KB2908415)") or `bare`
    ("2905412 – ..."), else None."""
    for pattern, strength in ((_KB_FIRST, "kb"), (_BRACKETED, "kb"), (_BARE_FIRST, "bare")):
        if match := pattern.match(text):
            return match.group(1), _without_note(match.group(2)), strength
    if match := _KB_LAST.match(text):
        return match.group(2) or match.group(3), match.group(1), "suffix"
    return None


def _without_note(title: str) -> str:
    """"Data loss on a shared SCSI disk (no hotfix: install update rollup 2903938)": the note is a relation
    (read from the text), not part of the title, and must not make the KB a rollup."""
    return _NOTE.sub("", title) or title


def _skip(tag: Any) -> bool:
    if tag.name in ("body", "html"):
        return False
    if not tag.attrs:
        return tag.name in _CHROME_TAGS
    role = str(tag.get("role") or "").lower()
    return tag.name in _CHROME_TAGS or role in _CHROME_ROLES or any(_CHROME.match(t) for t in tokens(tag))


def _is_post(tag: Any) -> bool:
    if tag.name == "article":
        return True
    return bool(tag.attrs) and tag.name not in ("body", "html") and not _POST_TOKENS.isdisjoint(tokens(tag))


def _titles(reading: Reading) -> list[_Titled]:
    """Headings (h1-h6) and, inside a post, bold paragraphs that title a KB. A heading titled "KB... –"
    counts anywhere; "... (KB2908415)" only as a post's title; a bare "2905412 –" only beside KB titles."""
    found: list[tuple[Block, tuple[str, str, str]]] = []
    for block in reading.blocks:
        in_post = block.container is not None
        if len(block.text) > _LONGEST or not (block.level or (in_post and block.bold and block.tag in ("p", "div"))):
            continue
        shape = _shape(block.text)
        if shape is None or (shape[2] != "kb" and not (in_post or _title_class(block))):
            continue
        found.append((block, shape))
    strong = any(shape[2] == "kb" for _block, shape in found)
    return [_Titled(block, f"KB{number}", title) for block, (number, title, kind) in found
            if kind != "bare" or strong]


def _title_class(block: Block) -> bool:
    return any("title" in t for t in tokens(block.element))


def _body_end(reading: Reading, titled: _Titled, starts: set[int]) -> int:
    """Where a post's text ends: the next title, a heading at the title's level or above, a comments or
    related-posts heading, or the end of the post's container."""
    end = reading.span(titled.block.container)[1] if titled.block.container is not None else len(reading.blocks)
    level = titled.block.level
    for block in reading.blocks[titled.block.index + 1:end]:
        if block.index in starts or (block.level and ((level and block.level <= level) or _END.match(block.text))):
            return block.index
    return end


def _roundup(reading: Reading, taken: list[range]) -> list[tuple[Block, str, str, str]]:
    """Bullets of a post's round-up list: (item, kb, title, the text that introduces the list). A list
    counts when two or more items name a KB, one of them as "KBn – title", and its heading or the
    paragraph before it speaks of fixes or updates (not "See also", "Related", "Prerequisites")."""
    lists: dict[int, list[Block]] = {}
    in_posts = {index for body in taken for index in body}
    for block in reading.blocks:
        if block.tag == "li" and block.container is not None and block.index not in in_posts:
            lists.setdefault(id(block.element.parent), []).append(block)
    found: list[tuple[Block, str, str, str]] = []
    for items in lists.values():
        named = [(item, shape) for item in items if (shape := _item_shape(item))]
        if len(named) < 2 or not any(shape[2] == "kb" for _item, shape in named):
            continue
        lead = _lead(reading, items[0])
        if not _ROUNDUP.search(lead) or _NOT_ROUNDUP.search(lead):
            continue
        found += [(item, f"KB{number}", title, lead) for item, (number, title, _kind) in named]
    return found


def _item_shape(item: Block) -> tuple[str, str, str] | None:
    if len(item.text) > 3 * _LONGEST:
        return None
    shape = _shape(item.text)
    if shape is not None and shape[2] != "suffix":
        return shape
    if len(item.links) == 1 and item.links[0][1] == item.text and (kb := kb_from_link(item.links[0][0])):
        return kb[2:], item.text, "link"  # a bullet that is only a link to the KB article
    return None


def _lead(reading: Reading, first: Block) -> str:
    """The nearest heading before a list (looking back a little way) and the paragraph just before it."""
    heading = paragraph = ""
    for block in reversed(reading.blocks[max(0, first.index - _LOOK_BACK):first.index]):
        if block.level:
            heading = block.text
            break
        if not paragraph and block.tag != "li":
            paragraph = block.text
    return f"{heading} {paragraph}".strip()


class BlogParser(PageParser):
    """A post yields an entry only when its title names a KB (or it rounds up KBs in a list); other
    posts, and pages that merely mention a KB, yield nothing."""

    name = "blog"

    def detect(self, page: Page) -> bool:
        if page.soup is None:
            return False
        reading = _read(page)
        titles = _titles(reading)
        return bool(titles) or bool(_roundup(reading, _bodies(reading, titles)))

    def parse(self, page: Page, hints: SourceHints) -> ParsedPage:
        entries: dict[str, CatalogueEntry] = {}
        includes: list[tuple[str, str]] = []
        if page.soup is None:
            return ParsedPage(self.name, ())
        reading = _read(page)
        titles = _titles(reading)
        bodies = _bodies(reading, titles)
        for titled, body in zip(titles, bodies, strict=True):
            blocks = reading.blocks[body.start - 1:body.stop]
            said = stated([(b.text, b.tag in _ITEMS) for b in blocks[1:]], titled.kb)
            text = statements(b.text for b in blocks[1:])
            links = [href for b in blocks for href, _text in b.links]
            if titled.kb not in entries:
                entries[titled.kb] = _entry(titled.kb, titled.title, hints, text, links, said.replaces)
                includes += [(titled.kb, member) for member in said.includes]
        for item, kb, title, lead in _roundup(reading, bodies):
            if kb in entries:
                continue
            said = stated([(item.text, False)], kb)
            context = item.text if products_in(item.text) else lead
            entries[kb] = _entry(kb, title, hints, statements([item.text]), [h for h, _t in item.links],
                                 said.replaces, context=context)
            includes += [(kb, member) for member in said.includes]
        log.debug("%s: %d entries from blog posts", page.url, len(entries))
        return ParsedPage(self.name, tuple(entries.values()), tuple(dict.fromkeys(includes)))


def _read(page: Page) -> Reading:
    return read_blocks(page.soup, skip=_skip, is_container=_is_post)


def _bodies(reading: Reading, titles: list[_Titled]) -> list[range]:
    starts = {t.block.index for t in titles}
    return [range(t.block.index + 1, _body_end(reading, t, starts)) for t in titles]


def _entry(kb: str, title: str, hints: SourceHints, text: str, links: list[str], supersedes: tuple[str, ...], *,
           context: str | None = None) -> CatalogueEntry:
    """Products from the title, else from the post (or the round-up's introduction); relations from the
    post's sentences by the rules of prose.py, never from a prerequisite."""
    included = included_in_from_text(text)
    scope = "" if products_in(title) else text if context is None else context
    return make_entry(kb, title, hints, context=scope, included_in=included, standalone=not included,
                      supersedes=supersedes, download=downloads(links))
