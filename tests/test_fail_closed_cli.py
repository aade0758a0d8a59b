"""DESIGN.md 3a through `kbscan`: every case where the evidence is missing or contradicts itself ends in
`unknown` or `missing`, never `compliant` or covered (issue 13's cases, as a user reproduces them)."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from scanner.cli import main
from tests.seed import seed_only  # noqa: F401 (a fixture)

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "scanner" / "schema" / "report.schema.json").read_text())
HV_CLUSTER_KBS = ("KB2779069", "KB2908415", "KB2902014", "KB2894485", "KB2903938")


def systeminfo(host: str, *kbs: str, caption: str = "Microsoft Windows Server 2012 Datacenter") -> bytes:
    """systeminfo's list output as cmd redirects it from PowerShell 5: UTF-16LE with a BOM, CRLF."""
    lines = [f"Host Name:                 {host}", f"OS Name:                   {caption}",
             "OS Version:                6.2.9200 N/A Build 9200",
             "OS Manufacturer:           Microsoft Corporation", "System Type:               x64-based PC",
             f"Hotfix(s):                 {len(kbs)} Hotfix(s) Installed."]
    lines += [f"                           [{i:02d}]: {kb}" for i, kb in enumerate(kbs, 1)]
    lines += ["Network Card(s):           1 NIC(s) Installed.", "                           [01]: Intel(R) 82574L"]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-16-le")


def write(path: Path, data: bytes, modified: datetime | None = None) -> Path:
    path.write_bytes(data)
    if modified is not None:
        os.utime(path, (modified.timestamp(), modified.timestamp()))
    return path


def config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'state_dir = "{tmp_path / "state"}"\nreports_dir = "{tmp_path / "reports"}"\n{extra}')
    return path


def kbscan(cfg: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--config", str(cfg), *argv], out=out)
    return code, out.getvalue()


def scan(cfg: Path, folder: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, text = kbscan(cfg, "scan", str(folder), "--format", "json", *extra)
    report = json.loads(text)
    jsonschema.validate(report, SCHEMA)
    return code, report


pytestmark = pytest.mark.usefixtures("seed_only")  # the embedded catalogue is its seven seed entries


@pytest.fixture(autouse=True)
def _no_env_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KBSCAN_CONFIG", raising=False)


def test_systeminfo_host_without_roles_that_lacks_the_cluster_hotfixes_is_unknown(tmp_path: Path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    write(fleet / "node7.txt", systeminfo("NODE7", "KB2905412"))
    code, report = scan(config(tmp_path), fleet, "--at", "2014-01-20")
    [host] = report["hosts"]
    assert (code, host["status"], host["roles"]) == (1, "unknown", [])
    assert host["reasons"][0].startswith("roles unknown: the inventory does not list roles and no [[hosts]] group "
                                         "gives them, and 6 KB(s) for hosts with the failover-clustering or "
                                         "hyper-v role are missing: KB2779069 (failover-clustering)")
    assert "[[hosts]] group (roles = [...], [] for none) or collect with collector/collect-inventory.ps1" \
        in host["reasons"][0]
    assert {f["kb"]: (f["status"], f.get("requires_roles")) for f in host["findings"]} == {
        "KB2779069": ("missing", ["failover-clustering"]), "KB2894485": ("missing", ["hyper-v"]),
        "KB2898774": ("missing", ["failover-clustering"]), "KB2902014": ("missing", ["hyper-v"]),
        "KB2903938": ("missing", ["failover-clustering"]), "KB2905412": ("installed", None),
        "KB2908415": ("missing", ["hyper-v", "failover-clustering"])}


def test_roles_stated_as_none_in_a_hosts_group_check_only_role_free_entries(tmp_path: Path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    write(fleet / "node7.txt", systeminfo("NODE7", "KB2905412"))
    cfg = config(tmp_path, '[[hosts]]\nmatch = "NODE*"\nroles = []\n')
    code, report = scan(cfg, fleet, "--at", "2014-01-20")
    [host] = report["hosts"]
    assert (code, host["status"], [f["kb"] for f in host["findings"]]) == (0, "compliant", ["KB2905412"])


def test_a_systeminfo_left_on_the_share_for_a_year_is_unknown(tmp_path: Path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    year_ago = datetime.now(UTC).replace(microsecond=0) - (datetime(2026, 1, 1) - datetime(2025, 1, 1))
    write(fleet / "node7.txt", systeminfo("NODE7", "KB2905412"), modified=year_ago)
    cfg = config(tmp_path, '[[hosts]]\nmatch = "NODE*"\nroles = []\n')
    code, report = scan(cfg, fleet)
    [host] = report["hosts"]
    assert (code, host["status"], host["reasons"]) == (
        1, "unknown", [f"inventory file last modified {year_ago.date().isoformat()}, older than max_inventory_age "
                       "(7 days)"])
    assert host["inventory"]["modified_at"] == year_ago.isoformat().replace("+00:00", "Z")
    what_if = scan(cfg, fleet, "--at", year_ago.date().isoformat())[1]["hosts"][0]
    assert what_if["status"] == "compliant"  # --at on the file's own day still answers


def test_collected_at_in_the_future_is_an_error_for_that_host(tmp_path: Path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    inventory = {"host": "HV07", "os": {"caption": "Microsoft Windows Server 2012 Datacenter", "version": "6.2.9200"},
                 "roles": [], "cluster": None, "collected_at": "2099-01-01T00:00:00Z",
                 "updates": [{"kb": "KB2905412", "installed_on": None}]}
    write(fleet / "hv07.json", json.dumps(inventory).encode())
    code, report = scan(config(tmp_path), fleet)
    [host] = report["hosts"]
    assert (code, host["status"]) == (1, "unknown")
    assert host["reasons"][0].startswith("collected_at 2099-01-01T00:00+00:00 is later than this machine's clock")


def test_a_leftover_old_export_of_the_same_host_is_ignored_and_named(tmp_path: Path):
    """The 2011 file lists every hotfix; unioned, it would make today's host compliant."""
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    now = datetime.now(UTC).replace(microsecond=0)
    old = write(fleet / "node8-2011.txt", systeminfo("NODE8", "KB2905412", *HV_CLUSTER_KBS, "KB2898774"),
                modified=datetime(2011, 3, 1, tzinfo=UTC))
    write(fleet / "node8.txt", systeminfo("NODE8", "KB2905412"), modified=now)
    cfg = config(tmp_path, '[[hosts]]\nmatch = "NODE*"\nroles = ["hyper-v", "failover-clustering"]\n')
    code, report = scan(cfg, fleet)
    [host] = report["hosts"]
    assert (code, host["status"], host["inventory"]["path"]) == (1, "noncompliant", str(fleet / "node8.txt"))
    assert [f["kb"] for f in host["findings"] if f["status"] == "installed"] == ["KB2905412"]
    assert report["warnings"] == [
        f"host NODE8: ignored {old} (modified 2011-03-01T00:00+00:00): not collected within 7 days of its newest "
        f"inventory (modified {now.isoformat(timespec='minutes')}); remove or recollect them"]


def test_files_of_one_host_collected_together_are_merged(tmp_path: Path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    now = datetime.now(UTC).replace(microsecond=0)
    write(fleet / "node9-a.txt", systeminfo("NODE9", "KB2905412", "KB2779069"), modified=now)
    write(fleet / "node9-b.txt", systeminfo("NODE9", "KB2905412", "KB2903938"), modified=now)
    cfg = config(tmp_path, '[[hosts]]\nmatch = "NODE*"\nroles = ["failover-clustering"]\n')
    code, report = scan(cfg, fleet)
    [host] = report["hosts"]
    assert (code, host["status"]) == (0, "compliant")
    assert report["warnings"][0].startswith("host NODE9 appears in 2 inventories")


def _list(path: Path, *entries: dict) -> Path:  # type: ignore[type-arg]
    path.write_text(json.dumps(list(entries)))
    return path


def test_a_relation_cycle_in_an_imported_list_covers_nothing_and_is_reported(tmp_path: Path):
    cfg = config(tmp_path)
    listed = _list(tmp_path / "loop.json",
                   {"kb": "KB9100001", "title": "a", "products": ["ws2012"], "supersedes": ["KB9100002"]},
                   {"kb": "KB9100002", "title": "b", "products": ["ws2012"], "supersedes": ["KB9100001"]})
    code, out = kbscan(cfg, "catalogue", "import", str(listed))
    warning = ("relation cycle among KB9100001, KB9100002: KB9100001 supersedes KB9100002 (import:loop.json); "
               "KB9100002 supersedes KB9100001 (import:loop.json); these relations are not used, so none of "
               "these KBs covers another (fix or drop the source that states the wrong one)")
    assert code == 0 and f"warning: {warning}" in out.splitlines()
    assert f"warning: {warning}" in kbscan(cfg, "status")[1].splitlines()
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    write(fleet / "hv.txt", systeminfo("HV7", "KB9100002", "KB2905412"))
    cfg = config(tmp_path, '[[hosts]]\nmatch = "HV*"\nroles = []\n')
    code, report = scan(cfg, fleet, "--at", "2014-01-20")
    findings = {f["kb"]: f["status"] for f in report["hosts"][0]["findings"]}
    assert (code, findings["KB9100001"], findings["KB9100002"]) == (1, "missing", "installed")
    assert warning in report["warnings"]


@pytest.mark.parametrize("order", [("early", "late"), ("late", "early")])
def test_conflicting_release_dates_use_the_earliest_in_any_import_order(tmp_path: Path, order: tuple[str, str]):
    cfg = config(tmp_path, '[[hosts]]\nmatch = "HV*"\nroles = []\n')
    dates = {"early": "2013-12-10", "late": "2014-01-14"}
    for name in order:
        listed = _list(tmp_path / f"{name}.json", {"kb": "KB9200001", "title": "rollup", "kind": "update-rollup",
                                                    "released": dates[name], "products": ["ws2012"]})
        assert kbscan(cfg, "catalogue", "import", str(listed))[0] == 0
    code, shown = kbscan(cfg, "catalogue", "show", "KB9200001")
    assert code == 0
    assert "  stated released: 2013-12-10 (import:early.json); 2014-01-14 (import:late.json)" in shown.splitlines()
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    write(fleet / "hv.txt", systeminfo("HV7", "KB2905412"))
    report = scan(cfg, fleet, "--at", "2014-01-12")[1]
    rollup = next(f for f in report["hosts"][0]["findings"] if f["kb"] == "KB9200001")
    assert (rollup["status"], report["hosts"][0]["status"]) == ("missing", "noncompliant")  # due 2014-01-10


def capped_systeminfo(host: str, announced: int, *kbs: str) -> bytes:
    """systeminfo of Windows Server 2008 R2 whose hotfix list stops short of the count its header announces."""
    text = systeminfo(host, *kbs, caption="Microsoft Windows Server 2008 R2 Enterprise").decode("utf-16-le")
    text = text.replace(f"{len(kbs)} Hotfix(s) Installed.", f"{announced} Hotfix(s) Installed.")
    return text.replace("6.2.9200 N/A Build 9200", "6.1.7601 Service Pack 1 Build 7601").encode("utf-16-le")


def wmic_csv(host: str, *kbs: str) -> bytes:
    """`wmic qfe list full /format:csv > file` as cmd writes it: UTF-16LE with a BOM, a blank first line, CR CR LF."""
    rows = ["", "Node,Caption,CSName,Description,FixComments,HotFixID,InstallDate,InstalledBy,InstalledOn,Name,"
            "ServicePackInEffect,Status"]
    rows += [f"{host},http://support.microsoft.com/?kbid={kb[2:]},{host},Hotfix,,{kb},,NT AUTHORITY\\SYSTEM,"
             "12/11/2013,,," for kb in kbs]
    return ("\ufeff" + "\r\r\n".join(rows) + "\r\r\n").encode("utf-16-le")


def test_a_capped_systeminfo_list_is_unknown_until_a_wmic_file_of_the_same_time_completes_it(tmp_path: Path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    now = datetime.now(UTC).replace(microsecond=0)
    write(fleet / "cl08-07.txt", capped_systeminfo("CL08-07", 273, "KB2905412"), modified=now)
    cfg = config(tmp_path, '[[hosts]]\nmatch = "CL08-*"\nroles = ["failover-clustering"]\n')
    code, report = scan(cfg, fleet, "--at", "2014-01-20")
    [host] = report["hosts"]
    assert (code, host["status"], host["os"]) == (1, "unknown", "ws2008r2")
    assert (host["inventory"]["listed"], host["inventory"]["announced"]) == (1, 273)
    assert host["reasons"] == ["systeminfo listed 1 of 273 hotfixes, so KB2779069 may be installed but unlisted; "
                               "collect with wmic qfe, Get-HotFix or the collector (collect-inventory.ps1) and keep "
                               "that file beside this one"]
    write(fleet / "cl08-07-qfe.csv", wmic_csv("CL08-07", "KB2905412", "KB2779069"), modified=now)
    code, report = scan(cfg, fleet, "--at", "2014-01-20")
    [host] = report["hosts"]
    assert (code, host["status"], host["reasons"]) == (0, "compliant", [])
    assert (host["inventory"]["listed"], host["inventory"]["announced"]) == (None, None)
