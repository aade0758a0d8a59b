"""The systemd units pass `systemd-analyze verify` (skipped where systemd-analyze is not installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.needs import needs

UNITS = Path(__file__).resolve().parents[1] / "systemd"
ANALYZE = shutil.which("systemd-analyze")


@needs(ANALYZE is not None, "systemd-analyze (.ci/run installs Debian's systemd)")
def test_units_verify(tmp_path: Path):
    fake = tmp_path / "kbscan"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace("/usr/bin/kbscan", str(fake)))
    done = subprocess.run([str(ANALYZE), "verify", "--man=no", *sorted(str(p) for p in tmp_path.glob("kbscan*.*"))],
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr.strip()) == (0, "")


def test_service_is_hardened_and_unprivileged():
    text = (UNITS / "kbscan.service").read_text()
    for line in ("DynamicUser=yes", "StateDirectory=kbscan", "ConfigurationDirectory=kbscan", "ProtectSystem=strict",
                 "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n",
                 "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "Restart=on-failure",
                 "ExecReload=/bin/kill -HUP $MAINPID"):
        assert line in text
