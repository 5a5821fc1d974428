"""Working days, holidays (hari kerja, hari libur nasional) and the sending window.

Holidays are Indonesia's national days built in (the `holidays` package, HOLIDAYS_COUNTRY) plus
the office's HOLIDAYS_FILE: cuti bersama and local days added, a national day removed with a
`-DATE` line. `holidays_for(settings)` is the one place every feature asks.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import ConfigError
from bot.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Holiday:
    """A day off: its name and where it comes from ('nasional' or the HOLIDAYS_FILE)."""

    day: date
    name: str
    source: str


@dataclass(frozen=True)
class HolidayFile:
    """HOLIDAYS_FILE: days it adds (cuti bersama, local days) and national days it removes."""

    added: dict[date, str] = field(default_factory=dict)
    removed: frozenset[date] = frozenset()


def read_holiday_file(path: Path) -> HolidayFile:
    """`YYYY-MM-DD [name]` adds a day, `-YYYY-MM-DD` removes one; '#' starts a comment."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"HOLIDAYS_FILE {path} cannot be read: {exc.strerror}") from None
    added: dict[date, str] = {}
    removed: set[date] = set()
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        first, _, name = text.partition(" ")
        try:
            day = date.fromisoformat(first.removeprefix("-"))
        except ValueError:
            raise ConfigError(f"HOLIDAYS_FILE {path} line {number}: not a date: {text!r}") from None
        if first.startswith("-"):
            removed.add(day)
        else:
            added[day] = name.strip()
    logger.info("HOLIDAYS_FILE %s: %s days added, %s removed", path, len(added), len(removed))
    return HolidayFile(added, frozenset(removed))


def load_holidays(path: Path | None) -> frozenset[date]:
    """The days a HOLIDAYS_FILE adds (none without a file)."""
    return frozenset(read_holiday_file(path).added) if path is not None else frozenset()


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    """Monday–Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def national_holidays(country: str, years: Iterable[int]) -> dict[date, str]:
    """Public holidays of `country` (the `holidays` package; Islamic dates are estimates)."""
    if not country:
        return {}
    import holidays  # only where holidays are needed

    entity = _country_class(country)
    try:
        if entity is None:  # not in the registry: the package says what it makes of it
            found = holidays.country_holidays(country, years=list(years), language="id")
        else:
            found = entity(years=list(years), language="id")
    except NotImplementedError:
        raise ConfigError(f"HOLIDAYS_COUNTRY {country!r} is not known") from None
    return {day: str(name) for day, name in found.items()}


def _country_class(code: str) -> Any:
    """The `holidays` class of one country, loaded from that country's module alone (the
    package `holidays.countries` imports all ~250 of them: 0.05 s); None when not found."""
    import holidays
    from holidays.registry import COUNTRIES

    found = [(module, names[0]) for module, names in COUNTRIES.items() if code in names[1:]]
    if not found:
        return None
    module, name = found[0]
    qualified = f"holidays.countries.{module}"
    loaded = sys.modules.get(qualified)
    if loaded is None:
        path = Path(holidays.__file__).parent / "countries" / f"{module}.py"
        spec = importlib.util.spec_from_file_location(qualified, path)
        if spec is None or spec.loader is None or not path.is_file():
            return None
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = loaded  # `import holidays.countries` later reuses it
        spec.loader.exec_module(loaded)
    return getattr(loaded, name, None)


def holiday_list(settings: Settings, year: int) -> list[Holiday]:
    """Every holiday in force in `year`, by date (`jemput holidays`)."""
    extra = _file_for(settings)
    days = {
        day: Holiday(day, name, "nasional")
        for day, name in national_holidays(settings.holidays_country, [year]).items()
        if day not in extra.removed
    }
    for day, name in extra.added.items():
        if day.year == year:
            days[day] = Holiday(day, name or days.get(day, Holiday(day, "", "")).name, "file")
    return sorted(days.values(), key=lambda h: h.day)


def holidays_for(settings: Settings) -> frozenset[date]:
    """The holidays in force: national ones (HOLIDAYS_COUNTRY) for last year to two years
    ahead, plus HOLIDAYS_FILE's days, less its `-DATE` lines. The one place to ask."""
    this_year = date.today().year
    national = _national_cached(settings.holidays_country, this_year - 1, this_year + 2)
    extra = _file_for(settings)
    return (national - extra.removed) | frozenset(extra.added)


def _file_for(settings: Settings) -> HolidayFile:
    """HOLIDAYS_FILE, read again when it changes."""
    path = settings.holidays_file
    if path is None:
        return HolidayFile()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None  # read_holiday_file says why in one line
    return _file_cached(path, stamp)


@lru_cache(maxsize=8)
def _file_cached(path: Path, stamp: int | None) -> HolidayFile:
    return read_holiday_file(path)


@lru_cache(maxsize=8)
def _national_cached(country: str, first: int, last: int) -> frozenset[date]:
    return frozenset(national_holidays(country, range(first, last + 1)))


class SendWindow:
    """When business-initiated messages may reach residents (local time, working days)."""

    def __init__(self, settings: Settings, holidays: frozenset[date] | None = frozenset()) -> None:
        """`holidays=None`: the settings' holidays, read when first needed."""
        self.tz = ZoneInfo(settings.timezone)
        self.start, self.end = settings.window()
        self.on_sunday = settings.send_on_sunday
        self._settings = settings
        self._holidays = holidays

    @classmethod
    def from_settings(cls, settings: Settings) -> SendWindow:
        """The window with the settings' holidays (national and HOLIDAYS_FILE)."""
        return cls(settings, None)

    @property
    def holidays(self) -> frozenset[date]:
        """The days with no sending (loading them costs ~0.1 s: only when asked)."""
        if self._holidays is None:
            self._holidays = holidays_for(self._settings)
        return self._holidays

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
