"""The catalogue file format: formats 1 and 2, per-source stated values, and errors that name the entry."""

from __future__ import annotations

import time
from datetime import date

import pytest

from scanner.embedded import embedded_text, load_embedded, parse_catalogue_toml
from scanner.errors import CatalogueError
from scanner.models import Kind

GOOD_HEAD = 'format = 1\n[sources.s]\ntitle = "t"\n'
HEAD_2 = 'format = 2\n[sources.kb]\ntitle = "the KB article"\ndate = 2013-12-10\n[sources.list]\ntitle = "a list"\n'
ENTRY = '[[entries]]\nkb = "KB2903938"\ntitle = "Update rollup: December 2013"\nkind = "update-rollup"\n' \
        'products = ["ws2012"]\nsources = ["kb", "list"]\n'


def test_embedded_catalogue_is_found_as_a_package_resource():
    text, where = embedded_text()
    assert where == "kbdata/catalogue.toml" and "KB2903938" in text


def test_embedded_catalogue_parses_quickly_and_loads_once_per_process():
    text, where = embedded_text()
    started = time.perf_counter()
    for _ in range(5):
        parse_catalogue_toml(text, where)
    assert (time.perf_counter() - started) / 5 < 0.25  # about 20 ms on a loaded 2-core machine
    first, again = load_embedded(), load_embedded()
    assert first == again and first[0] is not again[0]  # one parse; every caller gets its own list


def test_every_source_named_is_described_with_a_title():
    entries, sources = load_embedded()
    named = {s for e in entries for s in e.sources} | {s for e in entries for v in e.provenance.values() for s in v}
    named |= {s for e in entries for pairs in e.stated.values() for s, _ in pairs}
    assert named <= set(sources)
    assert all(desc["title"] for desc in sources.values())


def test_format_1_files_are_still_read():
    entries, sources = parse_catalogue_toml(
        GOOD_HEAD + '[[entries]]\nkb = "2779069"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\n'
        'provenance = { title = ["s"] }\n', "old.toml")
    assert [(e.kb, e.kind, e.released, dict(e.stated), dict(e.provenance)) for e in entries] == [
        ("KB2779069", Kind.HOTFIX, None, {}, {"title": ("s",)})]
    assert sources == {"s": {"title": "t"}}


def test_stated_values_fill_the_entry_in_file_order():
    text = HEAD_2 + ENTRY + 'released = 2013-12-10\nstated = { released = { list = 2013-12-11, kb = 2013-12-10 }, ' \
        'title = { kb = "Update rollup: December 2013", list = "December 2013 rollup" } }\n'
    entries, sources = parse_catalogue_toml(text, "kbdata/catalogue.toml")
    assert dict(entries[0].stated) == {
        "title": (("kb", "Update rollup: December 2013"), ("list", "December 2013 rollup")),
        "released": (("list", "2013-12-11"), ("kb", "2013-12-10")),
    }
    assert entries[0].released == date(2013, 12, 10)
    assert sources["kb"] == {"title": "the KB article", "date": "2013-12-10"}


@pytest.mark.parametrize("order", [("kb", "list", "third"), ("third", "list", "kb"), ("list", "third", "kb")])
def test_released_must_be_the_earliest_stated_date_in_any_order(order: tuple[str, ...]):
    dates = {"kb": "2013-12-10", "list": "2013-12-12", "third": "2013-12-10"}
    stated = ", ".join(f"{s} = {dates[s]}" for s in order)
    head = HEAD_2 + '[sources.third]\ntitle = "another list"\n'
    entry = ENTRY.replace('["kb", "list"]', '["kb", "list", "third"]')
    table = f"stated = {{ released = {{ {stated} }} }}\n"
    entries, _ = parse_catalogue_toml(head + entry + "released = 2013-12-10\n" + table, "x.toml")
    assert entries[0].stated["released"] == tuple((s, dates[s]) for s in order)
    with pytest.raises(CatalogueError, match=r"released is 2013-12-12, but the earliest stated date is 2013-12-10"):
        parse_catalogue_toml(head + entry + "released = 2013-12-12\n" + table, "x.toml")


@pytest.mark.parametrize(("stated", "message"), [
    ('released = 2013-12-11\nstated = { released = { kb = 2013-12-10, list = 2013-12-11 } }\n',
     "released is 2013-12-11, but the earliest stated date is 2013-12-10 (kb); use the earliest"),
    ('stated = { released = { kb = 2013-12-10, list = 2013-12-11 } }\n',
     "released is not set, but the earliest stated date is 2013-12-10 (kb)"),
    ('released = 2013-12-10\nstated = { released = { kb = "2013-12-10" } }\n',
     "stated.released.kb must be a TOML date"),
    ('stated = { kind = { kb = "hotfix", list = "rollup" } }\n', "stated.kind.list: 'rollup' is not a valid Kind"),
    ('stated = { kind = { kb = "hotfix", list = "cumulative-update" } }\n',
     "kind 'update-rollup' is not one of the stated values"),
    ('stated = { title = { kb = "Another title" } }\n', "title 'Update rollup: December 2013' is not one of"),
    ('stated = { products = { kb = "ws2012" } }\n', "stated names 'products'; only title, kind, released"),
    ('stated = { title = { nobody = "Update rollup: December 2013" } }\n',
     "source 'nobody' is not described under [sources]"),
    ('stated = { title = {} }\n', "'stated' must be a table of fact = { source = value, ... }"),
])
def test_stated_values_are_checked(stated: str, message: str):
    with pytest.raises(CatalogueError) as error:
        parse_catalogue_toml(HEAD_2 + ENTRY + stated, "kbdata/catalogue.toml")
    assert str(error.value).startswith("kbdata/catalogue.toml: entries[0] (KB2903938): ")
    assert message in str(error.value)


@pytest.mark.parametrize(("body", "message"), [
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\nkind = "rollup"\n',
     "entries[0] (KB1234567): 'rollup' is not a valid Kind"),
    ('[[entries]]\nkb = "Q123456"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\n',
     "entries[0] (Q123456): not a KB id"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2013"]\nsources = ["s"]\n',
     "unknown product or role 'ws2013'"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nroles = ["dns"]\nsources = ["s"]\n',
     "unknown product or role 'dns'"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["nobody"]\n',
     "source 'nobody' is not described under [sources]"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\n'
     'provenance = { released = ["nobody"] }\n', "source 'nobody' is not described under [sources]"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\n'
     'provenance = { release = ["s"] }\n', "provenance names unknown fact 'release'"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\nstandalone = false\n',
     "standalone = false needs included_in"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\nreleased = "2013"\n',
     "'released' must be a TOML date"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\nproduct = []\n',
     "unknown key 'product'"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\n'
     'stated = { title = { s = "x" } }\n', "unknown key 'stated' (stated needs format = 2)"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\n'
     '[[entries]]\nkb = "1234567"\ntitle = "y"\nproducts = ["ws2012"]\nsources = ["s"]\n',
     "entries[1] (1234567): KB1234567 is listed twice"),
])
def test_broken_catalogue_names_the_entry(body: str, message: str):
    with pytest.raises(CatalogueError) as error:
        parse_catalogue_toml(GOOD_HEAD + body, "kbdata/catalogue.toml")
    assert str(error.value).startswith("kbdata/catalogue.toml: ")
    assert message in str(error.value)


@pytest.mark.parametrize(("text", "message"), [
    ('format = 2\n[sources.s]\nurl = "https://x"\n', r"\[sources\.s\]: 'title' must be a non-empty string"),
    ('format = 1\n[sources.s]\ntitle = "t"\ndate = 2014-01-22\n', r"\[sources\.s\]: unknown key 'date' in format 1"),
    ('format = 2\n[sources.s]\ntitle = "t"\nauthor = "x"\n', r"\[sources\.s\]: unknown key 'author' in format 2"),
    ('format = 2\nsources = "s"\n', r"\[sources\] must be a table"),
    ('format = 3\n', r"unsupported catalogue format 3; expected one of 1, 2"),
    ('format = \n', r"not valid TOML"),
    ('format = 2\n[sources.s]\ntitle = "t"\n', r"no \[\[entries\]\]; the catalogue would be empty"),
])
def test_broken_file_or_source_is_a_catalogue_error(text: str, message: str):
    with pytest.raises(CatalogueError, match=r"^x\.toml: .*" + message):
        parse_catalogue_toml(text, "x.toml")
