"""A test that needs a tool from outside Python (chromium, systemd-analyze, strace, ../shared): on a
developer's machine it skips with a reason when the tool is missing; under CI=true it fails, because
.ci/run installs every such tool and a green CI must not come from skipping (conftest.py applies it)."""

from __future__ import annotations

import os

import pytest


def needs(present: bool, what: str) -> pytest.MarkDecorator:
    """`@needs(shutil.which("strace") is not None, "strace (.ci/run installs it)")`, or as `pytestmark`."""
    return pytest.mark.needs_tool(missing=None if present else what)


def require(present: bool, what: str) -> None:
    """Inside a test or helper: skip when `what` is missing, fail under CI=true (the rule of `needs`)."""
    if present:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {what} is missing: .ci/run must install it (no green CI by skipping)")
    pytest.skip(f"{what} is missing")
