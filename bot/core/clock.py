"""Time: one injectable clock so tests can travel, and one timestamp format for storage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    """Tells the time in UTC and the local date in the office's time zone."""

    def __init__(self, tz: str = "Asia/Jakarta", now: Callable[[], datetime] | None = None):
        self.tz = ZoneInfo(tz)
        self._now = now or (lambda: datetime.now(UTC))
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """Aware UTC datetime."""
        return self._now() + self._offset

    def local_now(self) -> datetime:
        """Aware datetime in the office's time zone."""
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        """The local date in the office's time zone."""
        return self.local_now().date()

    def travel(self, delta: timedelta) -> None:
        """Move the clock (tests and demos only)."""
        self._offset += delta


def iso(moment: datetime) -> str:
    """Storage form of a moment: UTC, fixed width, sorts as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_iso(text: str) -> datetime:
    """Inverse of `iso`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
