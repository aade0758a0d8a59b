"""End to end: `kbscan catalogue refresh` against a real HTTP server on 127.0.0.1, then list and scan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scanner.embedded import load_embedded

CURATED = {e.kb for e in load_embedded()[0]}
PAGES = Path(__file__).resolve().parent / "data" / "pages"
REPO = Path(__file__).resolve().parents[1]


def kbscan(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=60, check=False)


def test_refresh_list_and_scan_use_the_scraped_catalogue(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    wiki = local_server.page("/wiki/15576", (PAGES / "hyperv-2012-wiki.html").read_bytes())
    blog = local_server.page("/blog/2013/12", (PAGES / "blog-wordpress.html").read_bytes(),
                             headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"b1"'})
    xml = local_server.page("/lists/UpdatesListCluster.xml", (PAGES / "list-own.xml").read_bytes(),
                            headers={"Content-Type": "application/xml"})
    config = tmp_path / "config.toml"
    config.write_text(f"""state_dir = "{tmp_path / 'state'}"
[http]
retries = 0
[[sources]]
name = "hyperv-2012"
url = "{wiki}"
products = ["ws2012"]
roles = ["hyper-v"]
[[sources]]
name = "blog"
url = "{blog}"
[[sources]]
name = "cluster-2012r2"
url = "{xml}"
products = ["ws2012r2"]
roles = ["failover-clustering"]
[[sources]]
name = "gone"
url = "{local_server.base}/missing"
""")
    refresh = kbscan(config, "catalogue", "refresh")
    assert refresh.returncode == 1, refresh.stderr  # one source is a 404
    lines = refresh.stdout.splitlines()
    assert [line.split()[:3] for line in lines[:4]] == [["hyperv-2012", "ok", "200"], ["blog", "ok", "200"],
                                                         ["cluster-2012r2", "ok", "200"], ["gone", "failed", "-"]]
    total = len(CURATED) + 2  # the list adds KB2919394 and KB2920193; every other KB is curated already
    assert lines[-1] == f"catalogue: {total} entries, {total} changes"

    listing = json.loads(kbscan(config, "catalogue", "list", "--format", "json").stdout)
    by_kb = {e["kb"]: e for e in listing}
    assert len(by_kb) == total
    assert by_kb["KB2905249"]["sources"] == ["reijoh-cluster", "hyperv-2012"]
    assert by_kb["KB2919394"]["supersedes"] == ["KB2887595"]
    assert by_kb["KB2920193"]["included_in"] == ["KB2919394"]
    assert by_kb["KB2898774"]["sources"] == ["seed-blog", "reijoh-cluster", "kb2903938", "blog"]

    inventory = tmp_path / "inv"
    inventory.mkdir()
    (inventory / "HV01.json").write_text(json.dumps({
        "host": "HV01", "os": {"caption": "Microsoft Windows Server 2012 Datacenter", "version": "6.2.9200"},
        "roles": ["hyper-v"], "cluster": None, "collected_at": "2013-12-19T08:00:00Z",
        "updates": [{"kb": "KB2902014", "installed_on": "2013-12-12"}]}))
    scan = kbscan(config, "scan", str(inventory), "--at", "2013-12-20", "--format", "json")
    report = json.loads(scan.stdout)
    assert scan.returncode == 1
    assert report["catalogue"]["origin"] == "database"
    assert report["catalogue"]["entries"] == total
    assert {s["name"]: s["state"] for s in report["catalogue"]["sources"]} == {
        "blog": "ok", "cluster-2012r2": "ok", "gone": "failed", "hyperv-2012": "ok"}
    findings = {f["kb"]: f["status"] for f in report["hosts"][0]["findings"]}
    applicable = {kb for kb, e in by_kb.items() if "ws2012" in e["products"] and set(e["roles"]) <= {"hyper-v"}}
    assert findings == {kb: "installed" if kb == "KB2902014" else "missing" for kb in applicable}
    assert {"KB2894485", "KB2905412"} <= applicable and "KB2905249" not in applicable  # curated roles win

    second = kbscan(config, "catalogue", "refresh")
    assert "blog                 ok        304" in second.stdout
    status = kbscan(config, "status")
    assert status.returncode == 0 and f"catalogue: database, {total} entries" in status.stdout
    assert any(line.split()[:3] == ["source", "gone", "failed"] and "last ok never" in line
               for line in status.stdout.splitlines())
    diff = kbscan(config, "catalogue", "diff")
    assert diff.returncode == 0 and len(diff.stdout.splitlines()) == total
    assert any(" KB2919394  added " in line and line.endswith("[cluster-2012r2]") for line in diff.stdout.splitlines())
    assert kbscan(config, "catalogue", "diff", "--since", "2999-01-01").stdout == (
        "no catalogue changes since 2999-01-01\n")


def test_import_adds_a_list_file(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\nsources = []\n')
    done = kbscan(config, "catalogue", "import", str(PAGES / "list-own.xml"))
    assert done.returncode == 0, done.stderr
    total = len(CURATED) + 2  # KB2919394 and KB2920193 are new; KB2919355 is curated
    assert done.stdout.splitlines()[-1] == f"catalogue: {total} entries, {total} changes"
    show = kbscan(config, "catalogue", "show", "KB2920193")
    assert "included_in:  KB2919394" in show.stdout and "import:list-own.xml" in show.stdout
    broken = tmp_path / "broken.xml"
    broken.write_bytes((PAGES / "list-entities.xml").read_bytes())
    failed = kbscan(config, "catalogue", "import", str(broken))
    assert failed.returncode == 2 and "declares entities" in failed.stderr
