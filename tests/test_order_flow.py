"""The order and visit state machine: one table, storage moves only as it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import App
from bot.core.capacity import Slot
from bot.core.orders import (
    ORDER_FLOW,
    VISIT_FLOW,
    Attempt,
    OrderEvent,
    OrderStatus,
    VisitStatus,
    can,
    next_status,
    next_visit_status,
)
from bot.errors import IllegalTransition, JemputError
from storage import orders, visits
from tests.order_support import ADMIN, TUE, order_status, saved_order

ROOT = Path(__file__).resolve().parents[1]


def test_every_event_has_one_target_and_illegal_moves_raise() -> None:
    for event, move in ORDER_FLOW.items():
        for status in OrderStatus:
            if status in move.sources:
                assert can(status, event) and next_status(status, event) is move.target
            else:
                assert not can(status, event)
                with pytest.raises(IllegalTransition) as refused:
                    next_status(status, event)
                assert isinstance(refused.value, JemputError)
                assert str(refused.value) == f"order in {status} cannot {event}"
    for visit_event, visit_move in VISIT_FLOW.items():
        for visit_status in VisitStatus:
            if visit_status in visit_move.sources:
                assert next_visit_status(visit_status, visit_event) is visit_move.target
            else:
                with pytest.raises(IllegalTransition):
                    next_visit_status(visit_status, visit_event)


def test_finished_orders_accept_no_event() -> None:
    for done in (OrderStatus.SELESAI, OrderStatus.DITOLAK, OrderStatus.DIBATALKAN):
        assert not any(can(done, event) for event in OrderEvent)


async def test_storage_moves_as_the_table_says(team_office: App) -> None:
    order = await saved_order(team_office)
    now, staff = team_office.clock.now(), (ADMIN, "Admin")
    scheduled = await visits.schedule(team_office.db, order.id, 1, TUE, Slot.PAGI, staff, "t", now)
    assert scheduled is Attempt.DONE
    assert await order_status(team_office, order.id) == next_status(
        OrderStatus.BARU, OrderEvent.SCHEDULE
    )
    again = await visits.schedule(team_office.db, order.id, 1, TUE, Slot.SIANG, staff, "t", now)
    assert again is Attempt.HANDLED  # DITERIMA cannot be scheduled again
    assert await orders.reject(team_office.db, order.id, "x", staff, "t", now) is Attempt.HANDLED
    assert await orders.cancel(team_office.db, order.id, "t", now)
    [] = await visits.visits_between(team_office.db, TUE, TUE)  # the visit is BATAL: slot free
    assert not await orders.cancel(team_office.db, order.id, "t", now)  # DIBATALKAN is final
    assert not await orders.request_reschedule(team_office.db, order.id, now)


def test_statuses_are_never_bare_strings_outside_the_core() -> None:
    names = "|".join(s.value for s in (*OrderStatus, *VisitStatus))
    bare = re.compile(rf"""['"]({names})['"]""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("bot", "handlers", "storage")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "orders.py" or path.parent.name != "core"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if bare.search(line) and "i18n" not in path.parts
    ]
    assert found == []
