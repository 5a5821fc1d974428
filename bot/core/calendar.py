"""Working days, holidays (hari kerja, hari libur nasional) and the sending window."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.errors import ConfigError
from bot.settings import Settings

logger = logging.getLogger(__name__)


def load_holidays(path: Path | None) -> frozenset[date]:
    """Dates from a file, one `YYYY-MM-DD` a line (text after '#' ignored); none without a file."""
    if path is None:
        return frozenset()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"HOLIDAYS_FILE {path} cannot be read: {exc.strerror}") from None
    days: set[date] = set()
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            days.add(date.fromisoformat(text))
        except ValueError:
            raise ConfigError(f"HOLIDAYS_FILE {path} line {number}: not a date: {text!r}") from None
    logger.info("Loaded %s holidays from %s", len(days), path)
    return frozenset(days)


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    """Monday–Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def holidays_for(settings: Settings) -> frozenset[date]:
    """The holidays in force for these settings (HOLIDAYS_FILE, read again when it changes)."""
    path = settings.holidays_file
    try:
        stamp = path.stat().st_mtime_ns if path is not None else None
    except OSError:
        stamp = None  # load_holidays says why in one line
    return _holidays_cached(path, stamp)


@lru_cache(maxsize=8)
def _holidays_cached(path: Path | None, stamp: int | None) -> frozenset[date]:
    return load_holidays(path)


class SendWindow:
    """When business-initiated messages may reach residents (local time, working days)."""

    def __init__(self, settings: Settings, holidays: frozenset[date] = frozenset()) -> None:
        self.tz = ZoneInfo(settings.timezone)
        self.start, self.end = settings.window()
        self.on_sunday = settings.send_on_sunday
        self.holidays = holidays

    @classmethod
    def from_settings(cls, settings: Settings) -> SendWindow:
        """The window with the holidays file read."""
        return cls(settings, holidays_for(settings))

    def is_sending_day(self, day: date) -> bool:
        """Not a holiday, and not a Sunday unless SEND_ON_SUNDAY."""
        return day not in self.holidays and (self.on_sunday or day.weekday() != 6)

    def next_open(self, moment: datetime) -> datetime:
        """`moment` itself when the window is open, else when it next opens."""
        local = moment.astimezone(self.tz)
        for offset in range(370):
            day = local.date() + timedelta(days=offset)
            if not self.is_sending_day(day):
                continue
            opens = datetime.combine(day, self.start, tzinfo=self.tz)
            end_day, end = (day, self.end) if self.end else (day + timedelta(days=1), time(0))
            if local < datetime.combine(end_day, end, tzinfo=self.tz):
                return max(local, opens)
        raise ConfigError("No sending day within a year: check SEND_ON_SUNDAY and HOLIDAYS_FILE")

    def is_open(self, moment: datetime) -> bool:
        """True inside the window."""
        return self.next_open(moment) == moment
