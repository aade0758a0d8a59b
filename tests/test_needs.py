"""tests/needs.py: a missing tool skips on a developer's machine and fails under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROBE = '''
from tests.needs import needs

@needs(False, "a-tool-nobody-has (.ci/run installs it)")
def test_uses_the_tool():
    raise AssertionError("must not run without the tool")
'''


@pytest.mark.parametrize(("ci", "code", "said"), [
    ("", 0, "a-tool-nobody-has (.ci/run installs it) is missing\n1 skipped"),
    ("true", 1, "CI=true and a-tool-nobody-has (.ci/run installs it) is missing: .ci/run must install it"),
])
def test_a_missing_tool_skips_locally_and_fails_on_ci(ci: str, code: int, said: str):
    probe = REPO / "tests" / "test_needs_probe.py"
    probe.write_text(PROBE)
    try:
        env = {**os.environ, "CI": ci}
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    finally:
        probe.unlink()
    assert done.returncode == code, done.stdout
    assert said in done.stdout


def test_require_inside_a_helper_skips_here_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch):
    from tests.needs import require

    require(True, "nothing")  # present: no effect
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="the shared data is missing"):
        require(False, "the shared data")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and the shared data is missing"):
        require(False, "the shared data")
