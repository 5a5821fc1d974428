"""Staff group buttons under an order: Jadwalkan → date → team, Tolak → reason, Detail.

Every press is authorised by who pressed it. The first staff member to press Jadwalkan or
Tolak claims the order in the database; the others are told who is handling it, and a second
press after the order was handled changes nothing.
"""

from __future__ import annotations

import logging
from datetime import date

from bot.core.capacity import free_teams, slot_left
from bot.core.messages import Button, Reply
from bot.core.orders import Attempt, OrderEvent, can
from bot.outreach import order_notices
from bot.outreach.order_text import short_day, slot_text, summary, visit_line
from handlers.access import actor, calendar, is_staff, staff_name
from handlers.context import Context
from handlers.router import Router
from storage import orders, teams, visits
from storage.orders import Order

logger = logging.getLogger(__name__)

REJECT_REASONS = ("WILAYAH", "PENUH", "DATA", "KURANG")


async def _order_for_staff(ctx: Context, arg: str) -> tuple[Order | None, list[Reply]]:
    """The order a staff button names, or the reply that explains why not."""
    if not await is_staff(ctx):
        return None, [ctx.reply("staff_only")]
    order_id = arg.split(":", 1)[0]
    order = await orders.get_order(ctx.db, int(order_id)) if order_id.isdigit() else None
    if order is None:
        return None, [ctx.reply("stale_button")]
    return order, []


def _handled(ctx: Context, order: Order) -> Reply:
    status = ctx.t(f"order_status_{order.status.value}")
    return ctx.reply(
        "order_already_handled", code=order.code, status=status, by=order.handler_name or "-"
    )


async def _lost(ctx: Context, order: Order) -> Reply:
    """Why the presser lost the order: handled already, or another staff member holds it."""
    fresh = await orders.get_order(ctx.db, order.id) or order
    if not can(fresh.status, OrderEvent.SCHEDULE):
        return _handled(ctx, fresh)
    return ctx.reply("order_taken_by", code=order.code, by=fresh.handler_name)


async def _claimed_order(ctx: Context, arg: str) -> tuple[Order | None, list[Reply]]:
    """The order a staff button names once the presser holds it, or the reply why not."""
    order, problem = await _order_for_staff(ctx, arg)
    if order is None:
        return None, problem
    if not can(order.status, OrderEvent.SCHEDULE):
        return None, [_handled(ctx, order)]
    name = await staff_name(ctx)
    claimed = await orders.claim(ctx.db, order.id, ctx.inbound.user_id or "", name, ctx.clock.now())
    if claimed is not Attempt.DONE:
        return None, [await _lost(ctx, order)]
    return order, []


async def schedule_button(ctx: Context, arg: str) -> list[Reply]:
    """Jadwalkan: the requester's dates where a team is free, with trip hints."""
    order, problem = await _claimed_order(ctx, arg)
    if order is None:
        return problem
    cal, today = await calendar(ctx), ctx.clock.today()
    capacity = [t.capacity() for t in await teams.list_teams(ctx.db)]
    days = [d for d in order.dates if d > today and cal.has_slots(d)]
    booked = await visits.bookings(ctx.db, min(days), max(days)) if days else []
    buttons = []
    for day in days:
        free, recordings = slot_left(capacity, booked, day, order.slot)
        if free:
            title = ctx.t("btn_day_left", day=short_day(ctx.lang, day), teams=free, left=recordings)
            buttons.append(Button(title=title, payload=f"sjd:{order.id}:{day:%Y%m%d}"))
    if not buttons:
        return [ctx.reply("no_capacity_for_order", code=order.code)]
    hints = await trip_hints(ctx, order, days)
    text = ctx.t("choose_day", code=order.code, slot=slot_text(ctx.lang, order.slot))
    return [Reply(text=text + (f"\n\n{hints}" if hints else ""), buttons=buttons)]


async def trip_hints(ctx: Context, order: Order, days: list[date]) -> str:
    """Other accepted visits in the same kelurahan or kecamatan on the candidate days."""
    if not days:
        return ""
    nearby = [
        v for v in await visits.visits_between(ctx.db, min(days), max(days))
        if v.day in days and v.order_id != order.id
        and (v.kelurahan == order.kelurahan or v.kecamatan == order.kecamatan)
    ]  # fmt: skip
    if not nearby:
        return ""
    lines = [visit_line(ctx.lang, v) for v in nearby]
    return ctx.t("trip_hints") + "\n" + "\n".join(lines)


async def day_button(ctx: Context, arg: str) -> list[Reply]:
    """'sjd:<order>:<yyyymmdd>': the free teams on that day and slot."""
    order, problem = await _claimed_order(ctx, arg)
    if order is None:
        return problem
    day = _day(arg.split(":")[-1])
    if day is None or day not in order.dates:
        return [ctx.reply("stale_button")]
    capacity = [t.capacity() for t in await teams.list_teams(ctx.db)]
    free = free_teams(capacity, await visits.bookings(ctx.db, day, day), day, order.slot)
    if not free:
        return [ctx.reply("slot_taken", code=order.code)]
    buttons = [
        Button(
            title=ctx.t("btn_team", name=t.name, per_slot=t.per_slot)
            + (" ⚠️" if t.per_slot < order.participants else ""),
            payload=f"sjt:{order.id}:{day:%Y%m%d}:{t.team_id}",
        )
        for t in free
    ]
    return [ctx.reply("choose_team", buttons, code=order.code, day=short_day(ctx.lang, day))]


def _day(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


async def team_button(ctx: Context, arg: str) -> list[Reply]:
    """'sjt:<order>:<yyyymmdd>:<team>': schedule it (one winner, enforced by the database)."""
    order, problem = await _order_for_staff(ctx, arg)
    if order is None:
        return problem
    parts = arg.split(":")
    day = _day(parts[1]) if len(parts) == 3 else None
    team = await teams.get_team(ctx.db, int(parts[2])) if day and parts[2].isdigit() else None
    if day is None or team is None or not team.active or day not in order.dates:
        return [ctx.reply("stale_button")]
    staff = (ctx.inbound.user_id or "", await staff_name(ctx))
    now = ctx.clock.now()
    outcome = await visits.schedule(
        ctx.db, order.id, team.id, day, order.slot, staff, actor(ctx), now
    )
    fresh = await orders.get_order(ctx.db, order.id) or order
    if outcome is Attempt.FULL:
        return [ctx.reply("slot_taken", code=order.code)]
    if outcome is not Attempt.DONE:
        return [
            _handled(ctx, fresh)
            if outcome is Attempt.HANDLED
            else ctx.reply("order_taken_by", code=order.code, by=fresh.handler_name)
        ]
    visit = await visits.visit_of_order(ctx.db, order.id)
    assert visit is not None
    await order_notices.scheduled(ctx.db, fresh, visit, now)
    logger.info("Order %s scheduled by %s", order.code, staff[0])
    return [
        ctx.reply("staff_scheduled", code=order.code, line=visit_line(ctx.lang, visit), by=staff[1])
    ]


async def reject_button(ctx: Context, arg: str) -> list[Reply]:
    """Tolak: common reasons as buttons, or free text with /tolak."""
    order, problem = await _claimed_order(ctx, arg)
    if order is None:
        return problem
    buttons = [
        Button(title=ctx.t(f"reject_{code}"), payload=f"str:{order.id}:{code}")
        for code in REJECT_REASONS
    ]
    return [ctx.reply("choose_reject_reason", buttons, code=order.code)]


async def reason_button(ctx: Context, arg: str) -> list[Reply]:
    """'str:<order>:<CODE>': reject with a common reason."""
    order, problem = await _order_for_staff(ctx, arg)
    if order is None:
        return problem
    code = arg.split(":")[-1]
    if code not in REJECT_REASONS:
        return [ctx.reply("stale_button")]
    return await reject_order(ctx, order, ctx.t(f"reject_{code}"))


async def reject_order(ctx: Context, order: Order, reason: str) -> list[Reply]:
    """BARU → DITOLAK (single winner), then tell the requester."""
    name, now = await staff_name(ctx), ctx.clock.now()
    staff = (ctx.inbound.user_id or "", name)
    if await orders.reject(ctx.db, order.id, reason, staff, actor(ctx), now) is not Attempt.DONE:
        return [await _lost(ctx, order)]
    await order_notices.tell_requester(ctx.db, order, "requester_rejected", now, reason=reason)
    logger.info("Order %s rejected by %s", order.code, ctx.inbound.user_id)
    return [ctx.reply("staff_rejected", code=order.code, reason=reason, by=name)]


async def detail_button(ctx: Context, arg: str) -> list[Reply]:
    """Detail: the whole order (NIKs masked), its status and visit."""
    order, problem = await _order_for_staff(ctx, arg)
    if order is None:
        return problem
    status = ctx.t(f"order_status_{order.status.value}")
    lines = [f"{order.code} · {status}", summary(ctx.lang, order)]
    visit = await visits.visit_of_order(ctx.db, order.id)
    if visit is not None:
        lines.append(visit_line(ctx.lang, visit))
    if order.handler_name:
        lines.append(ctx.t("handled_by", by=order.handler_name))
    return [Reply(text="\n".join(lines))]


async def replan_button(ctx: Context, arg: str) -> list[Reply]:
    """'srs:<order>': take a scheduled order back to plan it again (reschedule request)."""
    order, problem = await _order_for_staff(ctx, arg)
    if order is None:
        return problem
    now = ctx.clock.now()
    if not await visits.unschedule_order(ctx.db, order.id, actor(ctx), now):
        return [_handled(ctx, order)]
    await order_notices.flagged(ctx.db, ctx.settings, [order.id], "replan", now)
    return [ctx.reply("staff_replanned", code=order.code)]


def register(router: Router) -> None:
    """Add this module's buttons."""
    router.button("sj", schedule_button)
    router.button("sjd", day_button)
    router.button("sjt", team_button)
    router.button("st", reject_button)
    router.button("str", reason_button)
    router.button("sd", detail_button)
    router.button("srs", replan_button)
