"""Get-WindowsHotfixes XML lists (UpdatesListCluster.xml / UpdatesListHyperV.xml) and their free-text notes.

Each `<Update Id|id="KB...">` has a `<Description>` that starts with the date the line was added to the
list (not always the release date), a `<DownloadURL>` and `<Notes>` ("Includes KB2898774", "This update
replace update KB2870270, include also updates KB2869923, KB2908415"). The date is kept as `released`
only for update rollups and cumulative updates whose title names the same month; otherwise it goes into
the notes (`listed 2013-12-12`). "Includes X" on R is returned as a relation R -> X for the merge to
store as X.included_in R. Parsed with lxml without DTDs, entities or network: a document with a DOCTYPE
(entities, internal or external DTD) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

from scanner.dates import parse_date
from scanner.errors import SourceError
from scanner.models import CatalogueEntry, try_kb_id
from scanner.sources.build import make_entry
from scanner.sources.interface import SourceHints
from scanner.sources.prose import replaced
from scanner.sources.text import (
    clean,
    included_in_from_text,
    includes_from_text,
    products_in,
    replaced_by_from_text,
    roles_in,
    sort_kbs,
)

# "2013-12-10 Title", "2014-02-11: Title", "2014-01-20 - Title"
_LEADING_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4})"
                           r"(?:\s*[:–—-]\s*|\s+)(.*)$", re.S)
_LIST_START = re.compile(r"\A[\ufeff\s]*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<\?[^>]*\?>\s*|"
                         r"<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)*<Updates[\s>/]", re.S | re.IGNORECASE)


@dataclass(frozen=True)
class ParsedList:
    entries: tuple[CatalogueEntry, ...]
    includes: tuple[tuple[str, str], ...]  # (package, member): the package carries the member
    description: str


def looks_like_list(text: str) -> bool:
    """True when the first element, after an optional declaration, comments and a DOCTYPE, is <Updates>."""
    return _LIST_START.match(text) is not None


def parse_xml_list(data: bytes, where: str, hints: SourceHints) -> ParsedList:
    if re.search(rb"<!ENTITY|<!DOCTYPE[^>]*\[", data[:65536], re.IGNORECASE):
        raise SourceError(f"{where}: the XML declares entities or an internal DTD; refused (a list never needs them)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as e:
        raise SourceError(f"{where}: not well-formed XML: {e}") from e
    if root.getroottree().docinfo.doctype:  # what the byte check above cannot see (UTF-16, past 64 KiB)
        raise SourceError(f"{where}: the XML has a DOCTYPE (a DTD or entities); refused (a list never needs one)")
    if _name(root) != "updates":
        raise SourceError(f"{where}: not a Get-WindowsHotfixes list (root <{root.tag}>, expected <Updates>)")
    description = _child_text(root, "description")
    origin = _child_text(root, "source").replace("-", " ").replace(".", " ")
    hints = _list_hints(hints, f"{description} {origin}")
    entries: dict[str, CatalogueEntry] = {}
    includes: list[tuple[str, str]] = []
    replaced_by: list[tuple[str, str]] = []
    for update in (e for e in root.iter() if _name(e) == "update"):
        kb = _update_kb(update)
        if kb is None:
            continue
        text = _child_text(update, "description")
        match = _LEADING_DATE.match(text)
        listed, title = (parse_date(match.group(1)), match.group(2)) if match else (None, text)
        notes_text = _child_text(update, "notes")
        url = _child_text(update, "downloadurl")
        entry = make_entry(kb, title, hints, roles_text="", supersedes=replaced([(notes_text, False)], kb),
                           included_in=included_in_from_text(notes_text),  # it is listed: still standalone
                           download=(url,) if url.startswith(("http://", "https://")) else ())
        if listed is not None:  # when the line joined the list: never a release date, for any kind
            entry = replace(entry, notes=f"listed {listed.isoformat()}")
        if notes_text:
            entry = replace(entry, notes="; ".join(p for p in (entry.notes, notes_text) if p))
        includes += [(kb, member) for member in includes_from_text(notes_text) if member != kb]
        replaced_by += [(newer, kb) for newer in replaced_by_from_text(notes_text) if newer != kb]
        previous = entries.get(kb)
        entries[kb] = entry if previous is None else _combine(previous, entry)
    for newer, older in replaced_by:  # "Superseded by KB2919394": stored on the newer entry, when listed
        if newer in entries and older not in entries[newer].supersedes:
            entries[newer] = replace(entries[newer], supersedes=sort_kbs((*entries[newer].supersedes, older)),
                                     provenance={**entries[newer].provenance, "supersedes": (hints.name,)})
    return ParsedList(tuple(entries.values()), tuple(dict.fromkeys(includes)), description)


def _name(element: etree._Element) -> str:
    """The element's local name, lower-cased: PowerShell reads `$xml.Updates.Update` without regard to
    case, so `<updates>` lists work there, and a default namespace changes nothing."""
    tag = element.tag
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str:
    return next((clean(child.text or "") for child in element if _name(child) == name), "")


def _update_kb(update: etree._Element) -> str | None:
    """`Id="KB2902014"` (any case), `KB="..."`, or an `<Id>` / `<KB>` child."""
    attributes = {key.lower(): value for key, value in update.attrib.items() if isinstance(key, str)}
    value = attributes.get("id") or attributes.get("kb") or _child_text(update, "id") or _child_text(update, "kb")
    return try_kb_id(value or "")


def _list_hints(hints: SourceHints, description: str) -> SourceHints:
    """A list without configured hints takes its scope from its own description and source URL, when
    they name one product; roles only when they name exactly one role (a "Hyper-V and Cluster" list has
    no role hint, so its entries apply to any host of their product)."""
    products = hints.products or products_in(description)
    roles = hints.roles or roles_in(description)
    return replace(hints, products=products if len(products) == 1 else hints.products,
                   roles=roles if len(roles) == 1 else hints.roles)


def _combine(first: CatalogueEntry, second: CatalogueEntry) -> CatalogueEntry:
    """A KB listed twice (KB2894032): the first title stays, facts and links are added."""
    return replace(first, supersedes=tuple(dict.fromkeys(first.supersedes + second.supersedes)),
                   download=tuple(dict.fromkeys(first.download + second.download)),
                   notes="; ".join(dict.fromkeys(p for p in (first.notes, second.notes) if p)))
