"""Visits: closing one with its tallies, and the plan staff read (visits, waiting orders,
handling times).

    close_visit(office, staff, order_id, tallies) -> Closed
    close_by_code(office, staff, code, tallies) -> Closed
    plan(office, start, end) -> Plan

Closing moves the visit TERJADWAL → SELESAI and its order DITERIMA → SELESAI (one transaction,
audited with `staff.actor`) and enqueues the requester's thank-you with the numbers. It is
refused before the visit's day (TOO_EARLY) and when the order has no scheduled visit
(NOT_SCHEDULED: never scheduled, closed already, cancelled or re-planned).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.core.orders import Tallies, VisitStatus
from bot.office.desk import Office, Staff
from bot.office.orders import QueuedOrder, queue
from bot.outreach import order_notices
from storage import orders, visits
from storage.orders import Order
from storage.visits import Visit

logger = logging.getLogger(__name__)


class CloseOutcome(StrEnum):
    """What came of closing a visit."""

    DONE = "done"
    NOT_FOUND = "not_found"  # no such order
    NOT_SCHEDULED = "not_scheduled"  # the order has no scheduled visit (any more)
    TOO_EARLY = "too_early"  # the visit's day has not come


#: The staff message key for each outcome (chat and CLI; values: code=…).
CLOSE_KEYS = {
    CloseOutcome.DONE: "close_done",
    CloseOutcome.NOT_SCHEDULED: "close_not_scheduled",
    CloseOutcome.TOO_EARLY: "close_too_early",
    CloseOutcome.NOT_FOUND: "close_usage",
}


@dataclass(frozen=True)
class Closed:
    """The outcome of closing; `visit` carries the tallies when DONE."""

    outcome: CloseOutcome
    order: Order | None = None
    visit: Visit | None = None


@dataclass(frozen=True)
class HandlingTime:
    """Per team: visits scheduled and the average hours from order to scheduling."""

    team: str
    visits: int
    hours: float


@dataclass(frozen=True)
class Plan:
    """What staff see for a span of days."""

    start: date
    end: date
    visits: list[Visit] = field(default_factory=list)
    waiting: list[QueuedOrder] = field(default_factory=list)
    handling: list[HandlingTime] = field(default_factory=list)


async def close_by_code(office: Office, staff: Staff, code: str, tallies: Tallies) -> Closed:
    """`close_visit` for an order code such as 'JB-2026-0042' (any case)."""
    order = await orders.find_order(office.db, code)
    if order is None:
        return Closed(CloseOutcome.NOT_FOUND)
    return await close_visit(office, staff, order.id, tallies)


async def close_visit(office: Office, staff: Staff, order_id: int, tallies: Tallies) -> Closed:
    """Record the visit's results on or after its day and thank the requester."""
    order = await orders.get_order(office.db, order_id)
    if order is None:
        return Closed(CloseOutcome.NOT_FOUND)
    visit = await visits.visit_of_order(office.db, order_id)
    if visit is None or visit.status is not VisitStatus.TERJADWAL:
        return Closed(CloseOutcome.NOT_SCHEDULED, order, visit)
    if visit.day > office.clock.today():
        return Closed(CloseOutcome.TOO_EARLY, order, visit)
    now = office.clock.now()
    if not await visits.close_visit(office.db, order_id, tallies, staff.actor, now):
        return Closed(CloseOutcome.NOT_SCHEDULED, order, visit)
    done = await visits.visit_of_order(office.db, order_id)
    fresh = await orders.get_order(office.db, order_id) or order
    if done is not None:
        await order_notices.closed(office.db, fresh, done, now)
    logger.info("Visit of order %s closed by %s", order.code, staff.actor)
    return Closed(CloseOutcome.DONE, fresh, done)


async def plan(office: Office, start: date, end: date) -> Plan:
    """Live visits between two dates, the orders waiting, and handling times per team."""
    planned = await visits.visits_between(office.db, start, end)
    hours = [HandlingTime(*row) for row in await visits.handling_hours(office.db)]
    return Plan(start, end, planned, await queue(office), hours)
