"""Fuzz targets and mutations, shared by tests/test_fuzz.py (hypothesis, CI profile) and
benchmarks/fuzz_campaign.py (the long campaign of RELIABILITY.md).

A target takes bytes and may raise only its documented error (InventoryReadError for inventories,
SourceError for pages). Targets call each reader and page parser directly, past the safety nets of
`parse_bytes` and `parse_page`, so a bug those nets would hide still counts; the two entry points are
targets too. What a target returns is checked for the shape the rest of kbscan relies on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.errors import InventoryReadError, SourceError
from scanner.inventory import parse_bytes
from scanner.inventory.decode import decode
from scanner.inventory.detect import READERS
from scanner.inventory.values import host_problem
from scanner.models import HostInventory
from scanner.sources import PARSERS, SourceHints, parse_page
from scanner.sources.interface import Page, ParsedPage
from scanner.sources.json_list import parse_json_list
from scanner.sources.xml_list import parse_xml_list

ROOT = Path(__file__).resolve().parent
INVENTORIES = sorted((ROOT / "data" / "inventory").glob("*.*"))
PAGES = sorted((ROOT / "data" / "pages").glob("*.*"))
SHARED_LISTS = sorted((ROOT.parents[1] / "shared" / "fixtures").rglob("*.xml"))
EXAMPLES = [*sorted((ROOT.parent / "examples" / "inventory").rglob("*.*")),
            ROOT.parent / "collector" / "example-output.json"]
HINTS = SourceHints("fuzz", "http://127.0.0.1/fuzz")
_KB = re.compile(r"^KB[1-9][0-9]{3,7}$")


@dataclass(frozen=True)
class Target:
    name: str
    run: Callable[[bytes], object]
    allowed: tuple[type[BaseException], ...]
    seeds: tuple[bytes, ...]


def _read(paths: Sequence[Path]) -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in paths if p.is_file() and p.suffix != ".py")


def check_hosts(hosts: object) -> None:
    assert isinstance(hosts, list) and hosts, "a reader returned no hosts without an error"
    for host in hosts:
        assert isinstance(host, HostInventory) and host.host and host_problem(host.host) is None, host
        assert all(_KB.match(u.kb) for u in host.updates), host.updates


def check_page(parsed: object) -> None:
    if parsed is None:
        return
    entries = parsed.entries if isinstance(parsed, ParsedPage) else getattr(parsed, "entries", parsed)
    for entry in entries:  # type: ignore[attr-defined]
        assert _KB.match(entry.kb), entry.kb
        assert "\x1b" not in entry.title and "\x00" not in entry.title, entry.title


def _inventory_reader(reader: object) -> Callable[[bytes], object]:
    def run(data: bytes) -> object:
        text, _codec = decode(data, "fuzz.bin")
        hosts = reader.parse(text, "fuzz.bin")  # type: ignore[attr-defined]
        if hosts:
            check_hosts(hosts)
        return hosts
    return run


def _page_parser(parser: object) -> Callable[[bytes], object]:
    def run(data: bytes) -> object:
        page = Page(HINTS.url, data)
        if not parser.detect(page):  # type: ignore[attr-defined]
            return None
        parsed = parser.parse(page, HINTS)  # type: ignore[attr-defined]
        check_page(parsed)
        return parsed
    return run


def _parse_bytes(data: bytes) -> object:
    try:
        hosts = parse_bytes(data, "fuzz.bin")
    except InventoryReadError as error:
        assert "because of a kbscan bug" not in str(error), str(error)  # the safety net must never be needed
        raise
    check_hosts(hosts)
    return hosts


def _checked(parse: Callable[[bytes], object]) -> Callable[[bytes], object]:
    def run(data: bytes) -> object:
        parsed = parse(data)
        check_page(parsed)
        return parsed
    return run


def targets() -> list[Target]:
    inventory_seeds = _read(INVENTORIES) + _read(EXAMPLES)
    page_seeds = _read(PAGES)
    list_seeds = _read([p for p in PAGES if p.suffix == ".xml"]) + _read(SHARED_LISTS)
    found = [Target("inventory:parse_bytes", _parse_bytes, (InventoryReadError,), inventory_seeds)]
    # Readers are called on text: RecursionError is parse_bytes' to word (it does, as InventoryReadError).
    found += [Target(f"inventory:{reader.name}", _inventory_reader(reader), (InventoryReadError, RecursionError),
                     inventory_seeds) for reader in READERS]
    found.append(Target("page:parse_page", _checked(lambda b: parse_page(b, None, HINTS.url, HINTS)), (SourceError,),
                        page_seeds + list_seeds))
    found += [Target(f"page:{parser.name}", _page_parser(parser), (SourceError, RecursionError), page_seeds)
              for parser in PARSERS]
    found.append(Target("page:xml-list", _checked(lambda b: parse_xml_list(b, HINTS.url, HINTS)), (SourceError,),
                        list_seeds))
    found.append(Target("page:json-list", _checked(lambda b: parse_json_list(b, HINTS.url, HINTS)), (SourceError,),
                        (b'[{"kb": "KB2779069", "title": "t", "kind": "hotfix", "products": ["ws2012"]}]',)))
    return found


# ---- mutations -----------------------------------------------------------------------------------------

SPECIAL = [b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b'"', b"'", b",", b";", b"\t", b"\r\n", b"\n",
           b"\r", b"<", b">", b"&", b"&amp;", b"]]>", b"<!--", b"{", b"}", b"[", b"]", b":", b"\\", b"KB",
           b"KB2779069", b"0" * 20, b"\xc3", b"\x80", b"\xa0", b"\xe2\x80\xae", b"<table>", b"</table>", b"<tr>",
           b"<td>", b"Host Name:", b"HotFixID", b"=", b"-" * 30, b"\x1b[2J"]


def _flip(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    mutated = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        mutated[rng.randrange(len(mutated))] = rng.randrange(256)
    return bytes(mutated)


def _cut(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    return data[:rng.randint(0, len(data))]


def _delete(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + data[at + rng.randint(1, 256):]


def _insert(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + rng.choice(SPECIAL) * rng.choice((1, 1, 2, 10)) + data[at:]


def _splice(rng: random.Random, data: bytes, seeds: Sequence[bytes]) -> bytes:
    other = rng.choice(seeds)
    return data[:rng.randint(0, len(data))] + other[rng.randint(0, len(other)):]


def _duplicate(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    at = rng.randint(0, len(data))
    chunk = data[at:at + rng.randint(1, 512)]
    return data[:at] + chunk * rng.randint(2, 20) + data[at:]


def _mixed_encoding(rng: random.Random, data: bytes, _seeds: Sequence[bytes]) -> bytes:
    """Part of the text re-encoded (UTF-16LE, cp850, UTF-8), or a BOM that lies about the rest."""
    text, _codec = _text(data)
    at = rng.randint(0, len(text))
    first, second = rng.sample(["utf-16-le", "cp850", "utf-8", "cp1252", "utf-16-be"], 2)
    head = text[:at].encode(first, "replace")
    tail = text[at:].encode(second, "replace")
    bom = rng.choice([b"", b"", b"\xff\xfe", b"\xef\xbb\xbf", b"\xfe\xff"])
    return bom + head + tail


def _text(data: bytes) -> tuple[str, str]:
    try:
        return decode(data, "fuzz.bin")
    except InventoryReadError:
        return data.decode("latin-1"), "latin-1"


MUTATIONS: tuple[Callable[[random.Random, bytes, Sequence[bytes]], bytes], ...] = (
    _flip, _cut, _delete, _insert, _splice, _duplicate, _mixed_encoding)


def mutate(rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    """A random input: mostly one to four mutations of a seed, sometimes plain random bytes."""
    if rng.random() < 0.05:
        return rng.randbytes(rng.randint(0, 2048))
    data = rng.choice(seeds)
    for _ in range(rng.randint(1, 4)):
        data = rng.choice(MUTATIONS)(rng, data, seeds)
    return data


def huge_line(seed: bytes, size: int = 5 * 1024 * 1024) -> bytes:
    """The seed with one line of `size` bytes in its middle (no newline in it)."""
    at = seed.find(b"\n", len(seed) // 2)
    at = len(seed) if at < 0 else at
    return seed[:at] + b"\n" + b"A" * size + seed[at:]


def nested(depth: int) -> list[bytes]:
    """Deeply nested markup and JSON."""
    table = b"<table><tr><th>KB</th><th>Title</th></tr><tr><td>2779069</td><td>x</td></tr></table>"
    return [b"<div>" * depth + table, b"<table><tr><td>" * depth, b"<ul><li>" * depth + b"KB2779069",
            b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth,
            b"<Updates>" + b"<Update>" * depth]
