"""Capacity rules for mobile recording visits (pure: no storage, no clock).

Each working day has two slots (pagi, siang). A team serves one visit per slot and can record
`kits × per_kit` people in it. Weekends, holidays and closed days have no slots. Requesters
may pick days from `lead_days` to `max_days` ahead (today is never bookable).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.core.calendar import is_working_day
from bot.errors import DateError


class Slot(StrEnum):
    """Half-day slots of a working day."""

    PAGI = "PAGI"  # morning
    SIANG = "SIANG"  # afternoon


@dataclass(frozen=True, slots=True)
class TeamCapacity:
    """What one team can do in one slot."""

    team_id: int
    name: str
    kits: int
    per_kit: int

    @property
    def per_slot(self) -> int:
        """Recordings per slot: kits × recordings per kit."""
        return self.kits * self.per_kit


@dataclass(frozen=True, slots=True)
class Booking:
    """A live visit occupying a team's slot."""

    team_id: int
    day: date
    slot: Slot


@dataclass(frozen=True, slots=True)
class Calendar:
    """The days that exist for scheduling: holidays and closed days have no slots."""

    holidays: frozenset[date]
    closed: frozenset[date] = frozenset()

    def has_slots(self, day: date) -> bool:
        """A working day that is not closed."""
        return is_working_day(day, self.holidays) and day not in self.closed


def check_order_day(
    day: date, today: date, cal: Calendar, *, lead_days: int, max_days: int
) -> None:
    """Raise DateError (with a message key) when a requester may not pick `day`."""
    if day < today:
        raise DateError("date_past", f"{day} is in the past")
    if day == today:
        raise DateError("date_today", f"{day} is today")
    if day > today + timedelta(days=max_days):
        raise DateError("date_too_far", f"{day} is more than {max_days} days ahead")
    if day < today + timedelta(days=lead_days):
        raise DateError("date_too_soon", f"{day} is less than {lead_days} days ahead")
    if day in cal.closed:
        raise DateError("date_closed", f"{day} is closed")
    if not is_working_day(day, cal.holidays):
        raise DateError("date_not_working", f"{day} is a weekend or holiday")


def bookable_days(today: date, cal: Calendar, *, lead_days: int, max_days: int) -> list[date]:
    """Every day a requester may pick, in order."""
    first = today + timedelta(days=max(lead_days, 1))
    last = today + timedelta(days=max_days)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if cal.has_slots(d)]


def free_teams(
    teams: Iterable[TeamCapacity], bookings: Iterable[Booking], day: date, slot: Slot
) -> list[TeamCapacity]:
    """Teams with no visit in this slot (none at all on a day without slots is the caller's)."""
    busy = {b.team_id for b in bookings if b.day == day and b.slot == slot}
    return [team for team in teams if team.team_id not in busy]


def slot_left(
    teams: Iterable[TeamCapacity], bookings: Iterable[Booking], day: date, slot: Slot
) -> tuple[int, int]:
    """(free teams, recordings they can still do) in one slot."""
    free = free_teams(teams, bookings, day, slot)
    return len(free), sum(team.per_slot for team in free)


def is_slot_full(
    teams: Iterable[TeamCapacity],
    bookings: Iterable[Booking],
    day: date,
    slot: Slot,
    cal: Calendar,
) -> bool:
    """True when no team is free in the slot (or the day has no slots at all)."""
    return not cal.has_slots(day) or not free_teams(teams, bookings, day, slot)


def working_days_between(start: date, end: date, holidays: frozenset[date]) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, holidays)
    return count


def next_working_day(day: date, holidays: frozenset[date]) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day
