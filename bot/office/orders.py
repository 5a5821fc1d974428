"""Handling orders: the queue, claiming, the days and teams on offer, scheduling, rejecting.

The staff group's buttons, the web console and the CLI all go through these functions:

    queue(office) -> list[QueuedOrder]                 BARU orders, oldest first, with their age
    detail(office, order_id) -> OrderDetail | None     the order and its live visit
    claim(office, staff, order_id) -> Claimed          take it for handling (one holder at a time)
    day_choices(office, staff, order_id) -> DayChoices claim + the requester's days with a free
                                                       team in the order's slot + nearby visits
    team_choices(office, staff, order_id, day) -> TeamChoices   claim + the free teams that day
    days_on_offer(office, order) / teams_on_offer(office, order, day)   the same, read only
    schedule(office, staff, ScheduleRequest) -> Scheduled       BARU → DITERIMA on a team's slot
    reject(office, staff, order_id, reason) -> Rejected         BARU → DITOLAK with a reason
    replan(office, staff, order_id) -> Replanned       DITERIMA → BARU (reschedule request)

Every outcome carries an `Attempt` (`bot.core.orders`): DONE when this staff member won;
TAKEN when another holds a fresh claim (`holder` names them); HANDLED when the order moved on
(`order.status` and `holder` say how and by whom); FULL when the team's slot was taken a moment
ago (the database's unique index decides); NOT_FOUND; INVALID for a day, team or reason that is
not on offer. Claims lapse after `CLAIM_TTL`; two staff pressing at once end with exactly one
winner. Winning writes the audit row (`staff.actor`) and enqueues the requester's notice in the
outbox (scheduled: date, slot, team; rejected: the reason).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.core.capacity import TeamCapacity, free_teams, slot_left, working_days_between
from bot.core.clock import from_iso
from bot.core.orders import Attempt, OrderEvent, OrderStatus, can
from bot.office.desk import Office, Staff
from bot.outreach import order_notices
from storage import orders, teams, visits
from storage.orders import Order
from storage.visits import Visit

logger = logging.getLogger(__name__)

REASON_MIN, REASON_MAX = 3, 300


class RejectReason(StrEnum):
    """Common reasons offered as buttons (their texts: `reject_<CODE>` in the catalogue)."""

    WILAYAH = "WILAYAH"
    PENUH = "PENUH"
    DATA = "DATA"
    KURANG = "KURANG"


@dataclass(frozen=True)
class QueuedOrder:
    """A BARU order waiting for staff: `age` in working days since it came in."""

    order: Order
    age: int
    overdue: bool  # older than ORDER_SLA_DAYS working days


@dataclass(frozen=True)
class OrderDetail:
    """An order and its live visit (None while it is not scheduled)."""

    order: Order
    visit: Visit | None


@dataclass(frozen=True)
class Claimed:
    """The outcome of taking an order for handling; `holder` names who holds or handled it."""

    outcome: Attempt
    order: Order | None = None
    holder: str = ""


@dataclass(frozen=True)
class DayOption:
    """One of the requester's days: free teams in the order's slot, recordings they can do."""

    day: date
    free_teams: int
    recordings_left: int


@dataclass(frozen=True)
class DayChoices:
    """After a claim: the days on offer and other visits nearby on those days."""

    claim: Claimed
    days: list[DayOption] = field(default_factory=list)
    nearby: list[Visit] = field(default_factory=list)


@dataclass(frozen=True)
class TeamOption:
    """A team free on the day; `fits` when it can record the expected participants."""

    team: TeamCapacity
    fits: bool


@dataclass(frozen=True)
class TeamChoices:
    """After a claim: the teams free on `day` in the order's slot."""

    claim: Claimed
    day: date | None = None
    teams: list[TeamOption] = field(default_factory=list)


@dataclass(frozen=True)
class ScheduleRequest:
    """Put order `order_id` on team `team_id` on `day` (in the slot the requester chose)."""

    order_id: int
    team_id: int
    day: date


@dataclass(frozen=True)
class Scheduled:
    """The outcome of scheduling; `visit` is the new visit when DONE."""

    outcome: Attempt
    order: Order | None = None
    visit: Visit | None = None
    holder: str = ""


@dataclass(frozen=True)
class Rejected:
    """The outcome of rejecting; `reason` as stored and told to the requester."""

    outcome: Attempt
    order: Order | None = None
    reason: str = ""
    holder: str = ""


async def queue(office: Office) -> list[QueuedOrder]:
    """Orders waiting to be scheduled, oldest first, with their age against ORDER_SLA_DAYS."""
    today, holidays = office.clock.today(), office.holidays()
    waiting = await orders.orders_with_status(office.db, OrderStatus.BARU)
    out = []
    for order in waiting:
        created = from_iso(order.created_at).astimezone(office.clock.tz).date()
        age = working_days_between(created, today, holidays)
        out.append(QueuedOrder(order, age, age > office.settings.order_sla_days))
    return out


async def detail(office: Office, order_id: int) -> OrderDetail | None:
    """The order and its live visit."""
    order = await orders.get_order(office.db, order_id)
    if order is None:
        return None
    return OrderDetail(order, await visits.visit_of_order(office.db, order_id))


async def claim(office: Office, staff: Staff, order_id: int) -> Claimed:
    """Take the order for handling (the claim rule of `bot.core.orders`)."""
    order = await orders.get_order(office.db, order_id)
    if order is None:
        return Claimed(Attempt.NOT_FOUND)
    if not can(order.status, OrderEvent.SCHEDULE):
        return Claimed(Attempt.HANDLED, order, order.handler_name)
    now = office.clock.now()
    outcome = await orders.claim(office.db, order.id, staff.user_id, staff.name, now)
    return await _after(office, outcome, order)


async def _after(office: Office, outcome: Attempt, order: Order) -> Claimed:
    """The order as it is now, with who holds it."""
    fresh = await orders.get_order(office.db, order.id) or order
    return Claimed(outcome, fresh, fresh.handler_name)


async def day_choices(office: Office, staff: Staff, order_id: int) -> DayChoices:
    """Claim, then the requester's days (from tomorrow) with a team free in the order's slot."""
    claimed = await claim(office, staff, order_id)
    if claimed.outcome is not Attempt.DONE or claimed.order is None:
        return DayChoices(claimed)
    options, close_by = await days_on_offer(office, claimed.order)
    return DayChoices(claimed, options, close_by)


async def days_on_offer(office: Office, order: Order) -> tuple[list[DayOption], list[Visit]]:
    """The requester's days (from tomorrow) with a team free in the order's slot, and other
    visits nearby on those days; reads only (the console shows them before anyone claims)."""
    cal, today = await office.calendar(), office.clock.today()
    days = [d for d in order.dates if d > today and cal.has_slots(d)]
    if not days:
        return [], []
    capacity = [team.capacity() for team in await teams.list_teams(office.db)]
    booked = await visits.bookings(office.db, min(days), max(days))
    options = []
    for day in days:
        free, left = slot_left(capacity, booked, day, order.slot)
        if free:
            options.append(DayOption(day, free, left))
    return options, await nearby(office, order, days)


async def nearby(office: Office, order: Order, days: list[date]) -> list[Visit]:
    """Other live visits in the order's kelurahan or kecamatan on these days (one car, several
    stops)."""
    if not days:
        return []
    return [
        v for v in await visits.visits_between(office.db, min(days), max(days))
        if v.day in days and v.order_id != order.id
        and (v.kelurahan == order.kelurahan or v.kecamatan == order.kecamatan)
    ]  # fmt: skip


async def team_choices(office: Office, staff: Staff, order_id: int, day: date) -> TeamChoices:
    """Claim, then the teams with no visit on `day` in the order's slot; a day the requester
    did not ask for is refused first, taking no claim."""
    asked = await orders.get_order(office.db, order_id)
    if asked is not None and day not in asked.dates:
        return TeamChoices(Claimed(Attempt.INVALID, asked))
    claimed = await claim(office, staff, order_id)
    if claimed.outcome is not Attempt.DONE or claimed.order is None:
        return TeamChoices(claimed)
    return TeamChoices(claimed, day, await teams_on_offer(office, claimed.order, day))


async def teams_on_offer(office: Office, order: Order, day: date) -> list[TeamOption]:
    """The teams with no visit on `day` in the order's slot (reads only)."""
    capacity = [team.capacity() for team in await teams.list_teams(office.db)]
    free = free_teams(capacity, await visits.bookings(office.db, day, day), day, order.slot)
    return [TeamOption(team, team.per_slot >= order.participants) for team in free]


async def schedule(office: Office, staff: Staff, request: ScheduleRequest) -> Scheduled:
    """BARU → DITERIMA with a visit on the team's slot (one winner); the requester is told."""
    order = await orders.get_order(office.db, request.order_id)
    if order is None:
        return Scheduled(Attempt.NOT_FOUND)
    team = await teams.get_team(office.db, request.team_id)
    if team is None or not team.active or not await _bookable(office, order, request.day):
        return Scheduled(Attempt.INVALID, order)
    now = office.clock.now()
    outcome = await visits.schedule(
        office.db, order.id, team.id, request.day, order.slot, staff.handler, staff.actor, now
    )
    fresh = await orders.get_order(office.db, order.id) or order
    if outcome is not Attempt.DONE:
        return Scheduled(outcome, fresh, holder=fresh.handler_name)
    visit = await visits.visit_of_order(office.db, order.id)
    assert visit is not None
    await order_notices.scheduled(office.db, fresh, visit, now)
    logger.info("Order %s scheduled by %s", order.code, staff.actor)
    return Scheduled(outcome, fresh, visit, staff.name)


async def _bookable(office: Office, order: Order, day: date) -> bool:
    """One of the requester's days, after today, a working day that is not closed."""
    cal = await office.calendar()
    return day in order.dates and day > office.clock.today() and cal.has_slots(day)


async def reject(office: Office, staff: Staff, order_id: int, reason: str) -> Rejected:
    """BARU → DITOLAK with a reason of 3–300 characters (one winner); the requester is told."""
    reason = " ".join(reason.split())
    order = await orders.get_order(office.db, order_id)
    if order is None:
        return Rejected(Attempt.NOT_FOUND)
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        return Rejected(Attempt.INVALID, order)
    now = office.clock.now()
    outcome = await orders.reject(office.db, order.id, reason, staff.handler, staff.actor, now)
    claimed = await _after(office, outcome, order)
    if outcome is not Attempt.DONE:
        return Rejected(outcome, claimed.order, holder=claimed.holder)
    await order_notices.tell_requester(office.db, order, "requester_rejected", now, reason=reason)
    logger.info("Order %s rejected by %s", order.code, staff.actor)
    return Rejected(outcome, claimed.order, reason, staff.name)


async def replan(office: Office, staff: Staff, order_id: int) -> Claimed:
    """DITERIMA → BARU to plan it again (the requester asked for another date): the visit is
    flagged, the requester told, the staff group sees the order again. HANDLED when it was not
    scheduled."""
    order = await orders.get_order(office.db, order_id)
    if order is None:
        return Claimed(Attempt.NOT_FOUND)
    now = office.clock.now()
    if not await visits.unschedule_order(office.db, order.id, staff.actor, now):
        return Claimed(Attempt.HANDLED, order, order.handler_name)
    await order_notices.flagged(office.db, office.settings, [order.id], "replan", now)
    return await _after(office, Attempt.DONE, order)
