"""A page's text as blocks in reading order (one pass over the BeautifulSoup tree, for posts and articles).

A block is the text of one block element that is not inside a child block: `<div>intro<ul><li>a</li></ul>
outro</div>` reads as "intro", "a", "outro". Inside a list item or a heading, paragraphs and divs are part
of the item. Subtrees the caller skips (comments, sidebars) are not read at all. The walk is iterative and
linear, so deep or huge markup costs no more than its size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from bs4.element import CData, NavigableString, Tag

from scanner.sources.text import clean

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset({*HEADINGS, "p", "div", "li", "td", "th", "dt", "dd", "blockquote", "pre", "section", "article",
                     "header", "footer", "aside", "main", "nav", "ul", "ol", "dl", "table", "tr", "form", "figure",
                     "figcaption", "body", "html", "[document]"})
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "iframe"})
_BOLD = frozenset({"b", "strong"})
# Inside these, nested paragraphs and divs are part of the item (`<li><p>KB1 – ...</p></li>`).
_ITEMS = frozenset({*HEADINGS, "li", "td", "th", "dt", "dd"})
_ITEM_BLOCKS = frozenset({"li", "ul", "ol", "table", "tr", "td", "th"})


@dataclass(frozen=True)
class Block:
    """One block's own text. `bold`: every visible character is inside `<b>`/`<strong>`. `container`: the
    innermost ancestor `is_container` accepted (a post), or None. `index`: position in the reading order."""

    index: int
    tag: str
    element: Any
    text: str
    bold: bool
    links: tuple[tuple[str, str], ...]
    container: Any

    @property
    def level(self) -> int:
        return int(self.tag[1]) if self.tag in HEADINGS else 0


class _Open:
    """A block being read: its text so far."""

    __slots__ = ("bold", "container", "element", "links", "parts")

    def __init__(self, element: Any, container: Any) -> None:
        self.element, self.container = element, container
        self.parts: list[str] = []
        self.bold = True
        self.links: list[tuple[str, str]] = []


class _Ctx(NamedTuple):
    """What an element's children are read in."""

    container: Any
    bold: bool
    item: bool  # inside a list item or heading: p/div do not start blocks




@dataclass(frozen=True)
class Reading:
    """The blocks and, for each container, the range of block indexes it holds (start, end)."""

    blocks: tuple[Block, ...]
    spans: dict[int, tuple[int, int]]

    def span(self, container: Any) -> tuple[int, int]:
        return self.spans.get(id(container), (0, len(self.blocks)))


def read_blocks(root: Any, *, skip: Callable[[Any], bool] = lambda _tag: False,
                is_container: Callable[[Any], bool] = lambda _tag: False) -> Reading:
    """The blocks under `root` in document order; `skip(tag)` leaves a subtree out. The stack holds the
    nodes still to read and markers for what ends after an element's children (few are allocated: a
    big page's garbage collections scan the whole tree)."""
    blocks: list[Block] = []
    spans: dict[int, tuple[int, int]] = {}
    opened: list[_Open] = [_Open(root, None)]

    def flush(block: _Open) -> None:
        if not block.parts:
            return
        text = clean("".join(block.parts))
        if text:
            blocks.append(Block(len(blocks), _name(block.element), block.element, text, block.bold,
                                tuple(block.links), block.container))
        block.parts, block.bold, block.links = [], True, []

    ctx = _Ctx(None, False, False)
    stack: list[Any] = list(reversed(_children(root)))
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is NavigableString or kind is CData:
            top = opened[-1]
            top.parts.append(node)
            if not ctx.bold and not node.isspace():
                top.bold = False
        elif kind is _Open:
            flush(node)
            opened.pop()
        elif kind is _Ctx:
            ctx = node
        elif kind is _End:
            spans[id(node.container)] = (spans[id(node.container)][0], len(blocks))
        elif isinstance(node, Tag) and node.name not in _NOT_TEXT and not skip(node):
            ctx = _enter(node, ctx, stack, opened, spans, blocks, flush, is_container)
    flush(opened[0])
    return Reading(tuple(blocks), spans)


@dataclass(frozen=True)
class _End:
    container: Any


def _enter(node: Any, ctx: _Ctx, stack: list[Any], opened: list[_Open], spans: dict[int, tuple[int, int]],
           blocks: list[Block], flush: Callable[[_Open], None], is_container: Callable[[Any], bool]) -> _Ctx:
    """Start reading an element: open its block or container, push its children and what ends after
    them; the context its children are read in."""
    name = node.name
    starts_block = name in _BLOCKS and not (ctx.item and name not in _ITEM_BLOCKS and name not in HEADINGS)
    if starts_block:
        flush(opened[-1])
    elif name in _BLOCKS or name == "br":
        opened[-1].parts.append(" ")
    if name == "a":
        opened[-1].links.append((str(node.get("href") or ""), clean(node.get_text(" "))))
    container = ctx.container
    if is_container(node):
        container = node
        spans[id(node)] = (len(blocks), len(blocks))
    if starts_block:
        inner = _Ctx(container, name in HEADINGS, ctx.item or name in _ITEMS)
    elif container is not ctx.container or (name in _BOLD and not ctx.bold):
        inner = _Ctx(container, ctx.bold or name in _BOLD, ctx.item)
    else:
        inner = ctx
    if inner is not ctx:
        stack.append(ctx)  # restored after the children
    if container is not ctx.container:
        stack.append(_End(node))
    if starts_block:
        block = _Open(node, container)
        opened.append(block)
        stack.append(block)
    stack.extend(reversed(node.contents))
    return inner


def _children(node: Any) -> list[Any]:
    return list(getattr(node, "contents", ()))


def _name(element: Any) -> str:
    return str(getattr(element, "name", "") or "")


def tokens(tag: Any) -> list[str]:
    """The element's class names and id, lower case."""
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    ident = tag.get("id")
    return [str(c).lower() for c in classes] + ([str(ident).lower()] if isinstance(ident, str) else [])
