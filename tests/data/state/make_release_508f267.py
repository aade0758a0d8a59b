"""Make tests/data/state/release-508f267/: a state_dir written by RUNNING kbscan as released at commit 508f267,
the last release before the state database carried a schema version (DESIGN.md 3b).

Needs: a git checkout of kbscan that holds commit 508f267 (any worktree of this repository does), Python 3.11+
with kbscan's dependencies (the project's .venv is fine: the old code is put first on sys.path), and nothing from
the internet: the pages are served on 127.0.0.1 from the old release's own tests/data/pages.

Rerun (from the repository root; it replaces the folder):

    .venv/bin/python tests/data/state/make_release_508f267.py

What it does, all through the old release's CLI (`python -m scanner` with the old tree as the working directory):
1. `catalogue refresh` of four sources served on 127.0.0.1 (a wiki table, a blog with an ETag, an XML list, a 404),
   then a second refresh where the wiki page changed (KB2905249's title) and the blog answers 304: sources, last good
   parses, the merged catalogue and a change log with `added` and `changed` rows;
2. `catalogue import` of a list file (a source named `import:...`);
3. `kbscan daemon` scanning every 3 seconds an inventory folder that changes between scans (a KB installed, a host
   removed, a host added): scans, host states, findings, transitions (a host `gone`), daemon_state and the
   inventory cache; stopped by SIGTERM right after the fourth scan, so the WAL is checkpointed into kbscan.db
   as the daemon leaves it.
The inventory folder as the last scan saw it is kept beside the state, for tests that scan it again.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from contextlib import closing
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

COMMIT = "508f267"
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
OUT = HERE / "release-508f267"


def old_release(into: Path) -> Path:
    """The old release's files, from git itself (no worktree is registered, nothing in the repository changes)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", COMMIT], capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


class Pages:
    """A 127.0.0.1 server: path -> (status, headers, body); a request with a matching If-None-Match gets 304."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[dict[str, str], bytes]] = {}
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = pages.routes.get(self.path)
                if route is None:
                    status, headers, body = 404, {}, b"not found"
                elif route[0].get("ETag") and self.headers.get("If-None-Match") == route[0]["ETag"]:
                    status, headers, body = 304, route[0], b""
                else:
                    status, headers, body = 200, route[0], route[1]
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def host(name: str, roles: list[str], *kbs: str) -> str:
    return json.dumps({"host": name, "os": {"caption": "Microsoft Windows Server 2012 Datacenter",
                                            "version": "6.2.9200"},
                       "roles": roles, "cluster": "CLU1" if "failover-clustering" in roles else None,
                       "collected_at": datetime.now(UTC).isoformat(timespec="seconds"),
                       "updates": [{"kb": kb, "installed_on": "2013-12-12"} for kb in kbs]}, indent=1)


def run(old: Path, config: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), *args], cwd=old,
                          capture_output=True, text=True, timeout=120, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"kbscan {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done.stdout


def scans(database: Path) -> int:
    try:
        with closing(sqlite3.connect(database)) as conn:  # closed: the daemon's last close checkpoints the WAL
            return int(conn.execute("SELECT count(*) FROM scans").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def wait_for_scans(database: Path, count: int, daemon: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while scans(database) < count:
        if daemon.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the daemon did not record scan {count}: {daemon.communicate()[1]}")
        time.sleep(0.1)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="kbscan-508f267-"))
    old = old_release(work / "release")
    probe = subprocess.run([sys.executable, "-c", "import scanner; print(scanner.__file__)"], cwd=old,
                           capture_output=True, text=True, check=True).stdout.strip()
    if not probe.startswith(str(old)):
        raise SystemExit(f"python imports kbscan from {probe}, not from the old release in {old}")
    pages = old / "tests" / "data" / "pages"
    server = Pages()
    wiki = (pages / "hyperv-2012-wiki.html").read_bytes()
    server.routes["/wiki/15576"] = ({"Content-Type": "text/html; charset=utf-8"}, wiki)
    server.routes["/blog/2013/12"] = ({"Content-Type": "text/html; charset=utf-8", "ETag": '"b1"'},
                                      (pages / "blog-wordpress.html").read_bytes())
    server.routes["/lists/UpdatesListCluster.xml"] = ({"Content-Type": "application/xml"},
                                                      (pages / "list-own.xml").read_bytes())
    state, inventory = work / "state", work / "inventory"
    inventory.mkdir()
    config = work / "config.toml"
    config.write_text(f"""state_dir = "{state}"
[inventory]
paths = ["{inventory}"]
[schedule]
refresh = "0 4 * * *"
scan = "3 seconds"  # room to change the folder and to stop between two scans: always 4 scans
[http]
retries = 0
[[sources]]
name = "hyperv-2012"
url = "{server.base}/wiki/15576"
products = ["ws2012"]
roles = ["hyper-v"]
[[sources]]
name = "blog"
url = "{server.base}/blog/2013/12"
[[sources]]
name = "cluster-2012r2"
url = "{server.base}/lists/UpdatesListCluster.xml"
products = ["ws2012r2"]
roles = ["failover-clustering"]
[[sources]]
name = "gone"
url = "{server.base}/missing"
""")
    print(run(old, config, "catalogue", "refresh"))
    changed = wiki.replace(b"error when you migrate a virtual", b"error when you live-migrate a virtual")
    if changed == wiki:
        raise SystemExit("the wiki page no longer holds the phrase this script changes; pick another")
    server.routes["/wiki/15576"] = ({"Content-Type": "text/html; charset=utf-8"}, changed)
    print(run(old, config, "catalogue", "refresh"))
    print(run(old, config, "catalogue", "import", str(pages / "list-hyperv-2012.xml")))

    both = ["hyper-v", "failover-clustering"]
    examples = old / "examples" / "inventory"
    shutil.copy(examples / "HV02-systeminfo.txt", inventory)
    shutil.copy(examples / "HYPERV-LAB-hotfixes.csv", inventory)
    (inventory / "HV01.json").write_text(host("HV01", both, "KB2779069", "KB2905412"))
    (inventory / "HV03.json").write_text(host("HV03", ["hyper-v"], "KB2902014"))
    database = state / "kbscan.db"
    daemon = subprocess.Popen([sys.executable, "-m", "scanner", "--config", str(config), "daemon"], cwd=old,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_scans(database, 1, daemon)
        (inventory / "HV01.json").write_text(host("HV01", both, "KB2779069", "KB2905412", "KB2908415",
                                                  "KB2903938"))
        wait_for_scans(database, scans(database) + 1, daemon)
        (inventory / "HV03.json").unlink()
        (inventory / "HV04.json").write_text(host("HV04", both, "KB2779069"))
        wait_for_scans(database, scans(database) + 1, daemon)
        wait_for_scans(database, scans(database) + 1, daemon)  # one more, where nothing changed
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, log = daemon.communicate(timeout=60)
    print(log)
    server.httpd.shutdown()
    if Path(f"{database}-wal").exists():
        raise SystemExit(f"{database}-wal is still there: the daemon did not leave a checkpointed database")

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    shutil.copytree(state, OUT / "state", ignore=shutil.ignore_patterns("reports", "*.lock"))
    shutil.copytree(inventory, OUT / "inventory")
    shutil.rmtree(work)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
