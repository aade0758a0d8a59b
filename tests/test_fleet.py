"""Combining inventories: duplicates become one host with a warning; [[hosts]] facts fill gaps."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.config import HostGroup
from scanner.fleet import apply_host_groups, combine
from scanner.models import HostInventory, InstalledUpdate


def inv(host: str, path: str, *kbs: str, **facts: object) -> HostInventory:
    return HostInventory(host=host, path=path, format="test",
                         updates=tuple(InstalledUpdate(kb) for kb in kbs), **facts)  # type: ignore[arg-type]


def test_host_groups_fill_only_missing_facts_first_match_per_key():
    groups = (HostGroup("HV0*", cluster="CLU1"), HostGroup("HV*", os="ws2012", roles=("hyper-v",),
                                                           cluster="OTHER"))
    filled = apply_host_groups(inv("HV01", "a", os=None), groups)
    assert (filled.os, filled.roles, filled.cluster) == ("ws2012", ("hyper-v",), "CLU1")
    own = apply_host_groups(inv("HV01", "a", os="ws2012r2", roles=(), cluster="C9"), groups)
    assert (own.os, own.roles, own.cluster) == ("ws2012r2", (), "C9")
    assert apply_host_groups(inv("CL01", "a"), groups) == inv("CL01", "a")


def test_host_in_two_files_is_reported_once_with_a_warning():
    older = inv("HV01", "a.txt", "KB2779069", os="ws2012", os_caption="Microsoft Windows Server 2012",
                collected_at=datetime(2013, 12, 1, tzinfo=UTC))
    newer = InstalledUpdate("KB2903938", date(2013, 12, 11))
    newest = HostInventory(host="HV01", path="b.json", format="kbscan-json", updates=(newer,),
                           roles=("hyper-v",), collected_at=datetime(2013, 12, 19, tzinfo=UTC))
    combined, warnings = combine([older, newest, inv("HV02", "c.txt")])
    assert [h.host for h in combined] == ["HV01", "HV02"]
    merged = combined[0]
    assert (merged.path, merged.format, merged.os, merged.roles) == ("b.json", "kbscan-json", "ws2012", ("hyper-v",))
    assert merged.updates == (InstalledUpdate("KB2779069"), newer)
    assert merged.collected_at == datetime(2013, 12, 19, tzinfo=UTC)
    assert warnings == ["host HV01 appears in 2 inventories (a.txt, b.json); reported once, with the "
                        "newest file's facts and every KB listed"]


def test_merged_host_is_as_old_as_its_newest_file_not_an_older_files_collected_at():
    """A collector file of a week ago and today's systeminfo (no collected_at, modified now) merge; the host's
    time is today's file's, so it is not stale (found by the reference-model comparison)."""
    from datetime import UTC, datetime, timedelta

    from scanner.dates import parse_duration
    from scanner.models import HostInventory

    now = datetime(2013, 12, 10, 23, 0, tzinfo=UTC)
    old = HostInventory("HV01", "hv01.json", "kbscan-json", collected_at=now - timedelta(days=6, hours=23))
    new = HostInventory("HV01", "hv01.txt", "systeminfo", modified_at=now)
    [merged], _ = combine([old, new], (), parse_duration("7 days"))
    assert (merged.path, merged.taken_at, merged.collected_at) == ("hv01.txt", now, None)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["HV01", "hv01", "HV0?", "HV*", "CL01", "*", "[HC]*01", "hv02"]),
                          st.none() | st.sampled_from(["ws2012", "ws2012r2"]),
                          st.none() | st.just(("hyper-v",)), st.none() | st.sampled_from(["C1", "C2"])),
                max_size=6),
       st.sampled_from(["HV01", "hv01", "HV02", "CL01", "X"]))
def test_groups_found_by_name_give_what_the_first_matching_group_per_key_gives(
        specs: list[tuple[str, str | None, tuple[str, ...] | None, str | None]], host: str):
    from scanner.fleet import HostGroups
    from tests.reference_model import glob_matches

    groups = [HostGroup(match, os, roles, cluster) for match, os, roles, cluster in specs]
    plain: dict[str, object] = {"os": None, "roles": None, "cluster": None}
    for group in groups:  # DESIGN.md section 5: first match wins per key
        if glob_matches(group.match, host):  # the independent matcher, not the product's own
            for key in plain:
                if plain[key] is None:
                    plain[key] = getattr(group, key)
    filled = HostGroups(groups).apply(inv(host, "a", os=None, roles=None))
    assert (filled.os, filled.roles, filled.cluster) == (plain["os"], plain["roles"], plain["cluster"])
