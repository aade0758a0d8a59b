"""The shipped catalogue: the seven seed entries with their facts, and clear errors for broken files."""

from __future__ import annotations

from datetime import date

import pytest

from scanner.embedded import embedded_text, load_embedded, parse_catalogue_toml
from scanner.errors import CatalogueError
from scanner.models import Kind

GOOD_HEAD = 'format = 1\n[sources.s]\ntitle = "t"\n'


def test_embedded_catalogue_has_the_seed_facts():
    entries = {e.kb: e for e in load_embedded()[0]}
    assert sorted(entries) == ["KB2779069", "KB2894485", "KB2898774", "KB2902014", "KB2903938",
                               "KB2905412", "KB2908415"]
    facts = {kb: (e.products, e.roles, e.kind, e.standalone, e.included_in) for kb, e in entries.items()}
    assert facts == {
        "KB2779069": (("ws2008r2", "ws2012"), ("failover-clustering",), Kind.HOTFIX, True, ()),
        "KB2905412": (("ws2008", "win7", "ws2008r2", "win8", "ws2012"), (), Kind.HOTFIX, True, ()),
        "KB2908415": (("ws2012",), ("hyper-v", "failover-clustering"), Kind.HOTFIX, True, ()),
        "KB2902014": (("win8", "ws2012"), ("hyper-v",), Kind.HOTFIX, True, ()),
        "KB2894485": (("win8", "ws2012"), ("hyper-v",), Kind.HOTFIX, True, ()),
        "KB2898774": (("ws2012",), ("failover-clustering",), Kind.HOTFIX, False, ("KB2903938",)),
        "KB2903938": (("win8", "ws2012"), ("failover-clustering",), Kind.UPDATE_ROLLUP, True, ()),
    }
    assert entries["KB2903938"].released == date(2013, 12, 10)
    assert entries["KB2898774"].provenance["included_in"] == ("seed-blog", "reijoh-cluster")


def test_every_source_named_is_described():
    entries, sources = load_embedded()
    named = {s for e in entries for s in e.sources} | {s for e in entries for v in e.provenance.values() for s in v}
    assert named <= set(sources)


def test_embedded_catalogue_is_found_as_a_package_resource():
    text, where = embedded_text()
    assert where == "kbdata/catalogue.toml" and "KB2903938" in text


@pytest.mark.parametrize(("body", "message"), [
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\nkind = "rollup"\n',
     "entries[0] (KB1234567): 'rollup' is not a valid Kind"),
    ('[[entries]]\nkb = "Q123456"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\n',
     "entries[0] (Q123456): not a KB id"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2013"]\nsources = ["s"]\n',
     "unknown product or role 'ws2013'"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["nobody"]\n',
     "source 'nobody' is not described under [sources]"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\nstandalone = false\n',
     "standalone = false needs included_in"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\nreleased = "2013"\n',
     "'released' must be a TOML date"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\nproduct = []\n',
     "unknown key 'product'"),
    ('[[entries]]\nkb = "KB1234567"\ntitle = "x"\nproducts = ["ws2012"]\nsources = ["s"]\n'
     '[[entries]]\nkb = "1234567"\ntitle = "y"\nproducts = ["ws2012"]\nsources = ["s"]\n',
     "entries[1] (1234567): KB1234567 is listed twice"),
])
def test_broken_catalogue_names_the_entry(body: str, message: str):
    with pytest.raises(CatalogueError) as error:
        parse_catalogue_toml(GOOD_HEAD + body, "kbdata/catalogue.toml")
    assert str(error.value).startswith("kbdata/catalogue.toml: ")
    assert message in str(error.value)


def test_wrong_format_and_bad_toml_are_catalogue_errors():
    with pytest.raises(CatalogueError, match=r"unsupported catalogue format 2"):
        parse_catalogue_toml("format = 2\n", "x.toml")
    with pytest.raises(CatalogueError, match=r"x\.toml: not valid TOML"):
        parse_catalogue_toml("format = \n", "x.toml")
