"""Working days and holidays (hari kerja, hari libur nasional) for sending and scheduling."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from bot.errors import ConfigError

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
