"""Staff group buttons under an order: Jadwalkan → date → team, Tolak → reason, Detail.

Every press is authorised by who pressed it. The first staff member to press Jadwalkan or
Tolak claims the order in the database; the others are told who is handling it, and a second
press after the order was handled changes nothing. The winner's pickers update in place (day
picker → team picker → the record); answers to the others are new messages, so a shared
picker in the group is never taken from the staff member using it. The work is
`bot.office.orders`'; this module only turns its outcomes into replies.
"""

from __future__ import annotations

from bot.core.messages import Button, Reply, Verb, payload
from bot.core.numbers import parse_id, parse_ymd, payload_args
from bot.core.orders import Attempt
from bot.office import orders as desk
from bot.office.desk import Staff
from bot.office.orders import Claimed, RejectReason, ScheduleRequest
from bot.outreach.order_text import short_day, slot_text, summary, visit_line
from handlers.access import staff
from handlers.context import Context
from handlers.router import Router
from storage.orders import Order


async def _staff(ctx: Context) -> tuple[Staff | None, list[Reply]]:
    """The presser as staff, or the reply that says the button is for staff only."""
    who = await staff(ctx)
    return (who, []) if who is not None else (None, [ctx.reply("staff_only")])


def _handled(ctx: Context, order: Order) -> Reply:
    status = ctx.t(f"order_status_{order.status.value}")
    return ctx.reply(
        "order_already_handled", code=order.code, status=status, by=order.handler_name or "-"
    )


def lost(ctx: Context, outcome: Attempt, order: Order | None, holder: str) -> Reply:
    """Why the presser did not get the order: handled, held by someone else, slot taken, gone."""
    if order is None or outcome in (Attempt.NOT_FOUND, Attempt.INVALID):
        return ctx.reply("stale_button")
    if outcome is Attempt.HANDLED:
        return _handled(ctx, order)
    if outcome is Attempt.FULL:
        return ctx.reply("slot_taken", code=order.code)
    return ctx.reply("order_taken_by", code=order.code, by=holder)


def _lost(ctx: Context, claimed: Claimed) -> list[Reply]:
    return [lost(ctx, claimed.outcome, claimed.order, claimed.holder)]


async def schedule_button(ctx: Context, arg: str) -> list[Reply]:
    """Jadwalkan: the requester's dates where a team is free, with trip hints."""
    who, refused = await _staff(ctx)
    order_id = parse_id(arg)
    if who is None or order_id is None:
        return refused or [ctx.reply("stale_button")]
    choices = await desk.day_choices(ctx.office, who, order_id)
    order = choices.claim.order
    if choices.claim.outcome is not Attempt.DONE or order is None:
        return _lost(ctx, choices.claim)
    buttons = [
        Button(
            title=ctx.t("btn_day_left", day=short_day(ctx.lang, d.day), teams=d.free_teams,
                        left=d.recordings_left),
            payload=payload(Verb.SCHEDULE_DAY, order.id, f"{d.day:%Y%m%d}"),
        )
        for d in choices.days
    ]  # fmt: skip
    if not buttons:
        return [ctx.reply("no_capacity_for_order", code=order.code)]
    text = ctx.t("choose_day", code=order.code, slot=slot_text(ctx.lang, order.slot))
    if choices.nearby:
        lines = [visit_line(ctx.lang, v) for v in choices.nearby]
        text += "\n\n" + ctx.t("trip_hints") + "\n" + "\n".join(lines)
    return [Reply(text=text, buttons=buttons)]


async def day_button(ctx: Context, arg: str) -> list[Reply]:
    """'sjd:<order>:<yyyymmdd>': the free teams on that day and slot."""
    who, refused = await _staff(ctx)
    order_arg, day_arg = payload_args(arg, 2) or ("", "")
    order_id, day = parse_id(order_arg), parse_ymd(day_arg)
    if who is None or order_id is None or day is None:
        return refused or [ctx.reply("stale_button")]
    choices = await desk.team_choices(ctx.office, who, order_id, day)
    order = choices.claim.order
    if choices.claim.outcome is not Attempt.DONE or order is None:
        return _lost(ctx, choices.claim)
    if not choices.teams:
        return [ctx.reply("slot_taken", code=order.code)]
    buttons = [
        Button(
            title=ctx.t("btn_team", name=o.team.name, per_slot=o.team.per_slot)
            + ("" if o.fits else " ⚠️"),
            payload=payload(Verb.SCHEDULE_TEAM, order.id, f"{day:%Y%m%d}", o.team.team_id),
        )
        for o in choices.teams
    ]
    picker = ctx.reply("choose_team", buttons, code=order.code, day=short_day(ctx.lang, day))
    return [ctx.in_place(picker)]  # the day picker becomes the team picker


async def team_button(ctx: Context, arg: str) -> list[Reply]:
    """'sjt:<order>:<yyyymmdd>:<team>': schedule it (one winner, enforced by the database)."""
    who, refused = await _staff(ctx)
    order_arg, day_arg, team_arg = payload_args(arg, 3) or ("", "", "")
    order_id, day, team_id = parse_id(order_arg), parse_ymd(day_arg), parse_id(team_arg)
    if who is None or order_id is None or day is None or team_id is None:
        return refused or [ctx.reply("stale_button")]
    request = ScheduleRequest(order_id=order_id, team_id=team_id, day=day)
    done = await desk.schedule(ctx.office, who, request)
    if done.outcome is not Attempt.DONE or done.order is None or done.visit is None:
        return [lost(ctx, done.outcome, done.order, done.holder)]
    line = visit_line(ctx.lang, done.visit)
    scheduled = ctx.reply("staff_scheduled", code=done.order.code, line=line, by=who.name)
    return [ctx.in_place(scheduled)]  # the team picker becomes the record


async def reject_button(ctx: Context, arg: str) -> list[Reply]:
    """Tolak: common reasons as buttons, or free text with /tolak."""
    who, refused = await _staff(ctx)
    order_id = parse_id(arg)
    if who is None or order_id is None:
        return refused or [ctx.reply("stale_button")]
    claimed = await desk.claim(ctx.office, who, order_id)
    order = claimed.order
    if claimed.outcome is not Attempt.DONE or order is None:
        return _lost(ctx, claimed)
    buttons = [
        ctx.button(f"reject_{code}", Verb.REJECT_REASON, order.id, code) for code in RejectReason
    ]
    return [ctx.reply("choose_reject_reason", buttons, code=order.code)]


async def reason_button(ctx: Context, arg: str) -> list[Reply]:
    """'str:<order>:<CODE>': reject with a common reason."""
    who, refused = await _staff(ctx)
    order_arg, code = payload_args(arg, 2) or ("", "")
    order_id = parse_id(order_arg)
    if who is None or order_id is None or code not in RejectReason.__members__:
        return refused or [ctx.reply("stale_button")]
    return await reject_order(ctx, who, order_id, ctx.t(f"reject_{code}"))


async def reject_order(ctx: Context, who: Staff, order_id: int, reason: str) -> list[Reply]:
    """BARU → DITOLAK (single winner); the requester is told."""
    done = await desk.reject(ctx.office, who, order_id, reason)
    if done.outcome is not Attempt.DONE or done.order is None:
        return [lost(ctx, done.outcome, done.order, done.holder)]
    rejected = ctx.reply("staff_rejected", code=done.order.code, reason=done.reason, by=who.name)
    return [ctx.in_place(rejected)]  # a pressed reason picker becomes the record


async def detail_button(ctx: Context, arg: str) -> list[Reply]:
    """Detail: the whole order (NIKs masked), its status and visit."""
    who, refused = await _staff(ctx)
    order_id = parse_id(arg)
    found = await desk.detail(ctx.office, order_id) if who and order_id is not None else None
    if found is None:
        return refused or [ctx.reply("stale_button")]
    order = found.order
    status = ctx.t(f"order_status_{order.status.value}")
    lines = [f"{order.code} · {status}", summary(ctx.lang, order)]
    if found.visit is not None:
        lines.append(visit_line(ctx.lang, found.visit))
    if order.handler_name:
        lines.append(ctx.t("handled_by", by=order.handler_name))
    return [Reply(text="\n".join(lines))]


async def replan_button(ctx: Context, arg: str) -> list[Reply]:
    """'srs:<order>': take a scheduled order back to plan it again (reschedule request)."""
    who, refused = await _staff(ctx)
    order_id = parse_id(arg)
    if who is None or order_id is None:
        return refused or [ctx.reply("stale_button")]
    done = await desk.replan(ctx.office, who, order_id)
    if done.outcome is not Attempt.DONE or done.order is None:
        return _lost(ctx, done)
    return [ctx.reply("staff_replanned", code=done.order.code)]


def register(router: Router) -> None:
    """Add this module's buttons."""
    router.button(Verb.SCHEDULE, schedule_button)
    router.button(Verb.SCHEDULE_DAY, day_button)
    router.button(Verb.SCHEDULE_TEAM, team_button)
    router.button(Verb.REJECT, reject_button)
    router.button(Verb.REJECT_REASON, reason_button)
    router.button(Verb.DETAIL, detail_button)
    router.button(Verb.REPLAN, replan_button)
