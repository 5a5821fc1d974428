"""Browser tests: Playwright driving the system's Chromium (Debian's `chromium` package; never a
downloaded browser). Without /usr/bin/chromium they skip with one visible line, unless
JEMPUT_REQUIRE_BROWSER=1 (CI), which makes a missing browser a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("JEMPUT_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
MISSING = f"browser tests skipped: {CHROMIUM} not found (apt-get install -y chromium)"


def browser_available() -> bool:
    """True when the system Chromium is there; fails the run when it is required."""
    if CHROMIUM.exists():
        return True
    if os.environ.get("JEMPUT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"JEMPUT_REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
    return False


_skipped: list[str] = []


@pytest.fixture
def chromium() -> Path:
    """The Chromium executable, or skip (one line in the summary)."""
    if not browser_available():
        _skipped.append(MISSING)
        pytest.skip(MISSING)
    return CHROMIUM


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, visibly, that the browser tests did not run."""
    if _skipped:
        terminalreporter.write_line(MISSING, yellow=True)
