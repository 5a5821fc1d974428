"""Pesanan: the queue (overdue against ORDER_SLA_DAYS first), an order's detail with the days
and teams on offer (capacity left, nearby visits), schedule and reject.

Scheduling and rejecting call `bot.office.orders` — the same single-winner claim in the
database as the staff group's buttons: when a chat press got there first, the page says who
holds or handled the order and nothing changes. The requester is told by the service, as from
the chat.
"""

from __future__ import annotations

from datetime import date

from starlette.responses import Response

from bot.core.orders import Attempt
from bot.office import orders as office_orders
from bot.office.orders import RejectReason, ScheduleRequest
from bot.web.auth import Visit, staff_page

#: The note shown after an attempt, by outcome.
NOTES = {
    Attempt.DONE: "done",
    Attempt.TAKEN: "taken",
    Attempt.HANDLED: "handled",
    Attempt.FULL: "full",
    Attempt.NOT_FOUND: "not_found",
    Attempt.INVALID: "invalid",
}


@staff_page
async def queue_page(visit: Visit) -> Response:
    """GET /pesanan: orders waiting, overdue first, then oldest."""
    waiting = await office_orders.queue(visit.office)
    waiting.sort(key=lambda q: (not q.overdue, -q.age, q.order.id))
    return visit.page("orders.html", tab="pesanan", queue=waiting)


@staff_page
async def detail_page(visit: Visit) -> Response:
    """GET /pesanan/{id}: the order, its visit, and the schedule and reject forms."""
    office = visit.office
    order_id = int(visit.request.path_params["order_id"])
    found = await office_orders.detail(office, order_id)
    if found is None:
        return visit.page("missing.html", 404, tab="pesanan")
    days, nearby = await office_orders.days_on_offer(office, found.order)
    options = [(d, await office_orders.teams_on_offer(office, found.order, d.day)) for d in days]
    return visit.page(
        "order.html", tab="pesanan", order=found.order, visit_=found.visit, options=options,
        nearby=nearby, reasons=list(RejectReason), sla=office.settings.order_sla_days,
    )  # fmt: skip


def _choice(value: str) -> tuple[date, int] | None:
    """'2026-12-01|3' → (day, team id)."""
    day, _, team = value.partition("|")
    try:
        return date.fromisoformat(day), int(team)
    except ValueError:
        return None


@staff_page
async def schedule(visit: Visit) -> Response:
    """POST /pesanan/{id}/jadwal (pilihan=DAY|TEAM): schedule it, if this click wins."""
    order_id = int(visit.request.path_params["order_id"])
    choice = _choice(visit.field("pilihan"))
    if choice is None:
        return visit.back(f"/pesanan/{order_id}", NOTES[Attempt.INVALID])
    day, team_id = choice
    request = ScheduleRequest(order_id, team_id, day)
    result = await office_orders.schedule(visit.office, visit.staff, request)
    return _after(visit, order_id, result.outcome, result.holder)


@staff_page
async def reject(visit: Visit) -> Response:
    """POST /pesanan/{id}/tolak (alasan=CODE or lainnya + teks): reject with a reason."""
    order_id = int(visit.request.path_params["order_id"])
    code = visit.field("alasan")
    typed = visit.field("teks")
    reason = visit.t(f"reject_{code}") if code in RejectReason.__members__ else typed
    result = await office_orders.reject(visit.office, visit.staff, order_id, reason)
    return _after(visit, order_id, result.outcome, result.holder)


def _after(visit: Visit, order_id: int, outcome: Attempt, holder: str) -> Response:
    """Back to the queue when done; else to the order with what happened (and who)."""
    if outcome is Attempt.DONE:
        return visit.back("/pesanan", NOTES[outcome])
    return visit.back(f"/pesanan/{order_id}", NOTES[outcome], oleh=holder)
