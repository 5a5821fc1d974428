"""Capacity rules: which days a requester may pick, and which team slots are free."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.capacity import (
    Booking,
    Calendar,
    Slot,
    TeamCapacity,
    bookable_days,
    check_order_day,
    free_teams,
    is_slot_full,
    next_working_day,
    slot_left,
    working_days_between,
)
from bot.errors import DateError

TODAY = date(2026, 11, 28)  # a Saturday
CAL = Calendar(holidays=frozenset({date(2026, 12, 25)}), closed=frozenset({date(2026, 12, 4)}))
ALPHA = TeamCapacity(1, "Alpha", kits=2, per_kit=25)
BETA = TeamCapacity(2, "Beta", kits=1, per_kit=25)


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2026, 11, 27), "date_past"),
        (TODAY, "date_today"),
        (date(2026, 11, 30), "date_too_soon"),  # Monday: only 2 days ahead
        (date(2027, 1, 28), "date_too_far"),  # 61 days ahead
        (date(2026, 12, 5), "date_not_working"),  # Saturday
        (date(2026, 12, 25), "date_not_working"),  # holiday
        (date(2026, 12, 4), "date_closed"),
    ],
)
def test_days_a_requester_may_not_pick(day: date, key: str) -> None:
    with pytest.raises(DateError) as caught:
        check_order_day(day, TODAY, CAL, lead_days=3, max_days=60)
    assert caught.value.key == key


def test_first_and_last_bookable_days() -> None:
    check_order_day(date(2026, 12, 1), TODAY, CAL, lead_days=3, max_days=60)
    check_order_day(date(2027, 1, 27), TODAY, CAL, lead_days=3, max_days=60)  # day 60, Wed
    days = bookable_days(TODAY, CAL, lead_days=3, max_days=60)
    assert days[0] == date(2026, 12, 1) and days[-1] == date(2027, 1, 27)
    assert date(2026, 12, 25) not in days and date(2026, 12, 4) not in days
    assert all(d.weekday() < 5 for d in days)
    assert len(days) == 40  # 42 weekdays in the window, less the holiday and the closed day


def test_team_capacity_is_kits_times_recordings_per_kit() -> None:
    assert ALPHA.per_slot == 50 and BETA.per_slot == 25


def test_a_team_serves_one_visit_per_slot() -> None:
    day = date(2026, 12, 1)
    booked = [Booking(1, day, Slot.PAGI)]
    assert free_teams([ALPHA, BETA], booked, day, Slot.PAGI) == [BETA]
    assert free_teams([ALPHA, BETA], booked, day, Slot.SIANG) == [ALPHA, BETA]
    assert slot_left([ALPHA, BETA], booked, day, Slot.PAGI) == (1, 25)
    assert slot_left([ALPHA, BETA], booked, day, Slot.SIANG) == (2, 75)
    booked.append(Booking(2, day, Slot.PAGI))
    assert is_slot_full([ALPHA, BETA], booked, day, Slot.PAGI, CAL)
    assert not is_slot_full([ALPHA, BETA], booked, date(2026, 12, 2), Slot.PAGI, CAL)


def test_holidays_closed_days_and_no_teams_have_no_slots() -> None:
    assert is_slot_full([ALPHA], [], date(2026, 12, 25), Slot.PAGI, CAL)
    assert is_slot_full([ALPHA], [], date(2026, 12, 4), Slot.SIANG, CAL)
    assert is_slot_full([], [], date(2026, 12, 1), Slot.PAGI, CAL)


def test_working_day_arithmetic() -> None:
    holidays = frozenset({date(2026, 12, 25)})
    assert working_days_between(date(2026, 11, 26), date(2026, 11, 30), holidays) == 2  # Fri, Mon
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 28), holidays) == 1
    assert next_working_day(TODAY, holidays) == date(2026, 11, 30)
    assert next_working_day(date(2026, 12, 24), holidays) == date(2026, 12, 28)
