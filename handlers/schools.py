"""/sekolah (alias /schools): staff pick a school to visit, get its target list, plan the visit.

`/sekolah [bulan]` lists schools by students aged 16+ not recorded (those turning 17 within
SCHOOL_MONTHS, or the given months, shown as "soon"), each with a button. The button sends the
school's target list as a CSV and offers "Rencanakan kunjungan": that saves an order of kind
SEKOLAH (no requester: its notices go to the chat where it was planned) with the next working
days where a team is free as proposed dates, and shows the usual Jadwalkan / Tolak / Detail
buttons, so the visit is scheduled on the same teams and slots as any order. After the visit,
staff close it with /selesai (tallies) and the kit sync fills the recordings.
"""

from __future__ import annotations

from bot.core.capacity import Slot, bookable_days, free_teams
from bot.core.messages import Button, Reply, Verb, payload
from bot.core.numbers import parse_number
from bot.core.orders import OrderKind
from bot.outreach import order_notices
from bot.outreach.order_text import short_day
from bot.reports.schools import school_key, schools, targets, targets_csv
from handlers.access import actor, calendar, is_staff
from handlers.context import Context
from handlers.router import Router
from storage import orders, teams, visits
from storage import schools as school_store
from storage.orders import OrderDraft
from storage.schools import SchoolCount

LIST_LINES = 10
MAX_MONTHS = 120
PROPOSED_DAYS = 3


async def list_schools(ctx: Context, arg: str) -> list[Reply]:
    """The ranking, with a button per school (staff only)."""
    if not await is_staff(ctx):
        return [ctx.reply("field_staff_only")]
    months = parse_number(arg, low=1, high=MAX_MONTHS) or ctx.settings.school_months
    found = await schools(ctx.db, ctx.clock.today(), months)
    if not found:
        return [ctx.reply("schools_none")]
    lines = [ctx.t("schools_head", months=months)]
    shown = list(enumerate(found[:LIST_LINES], start=1))
    lines += [ctx.t("schools_line", n=i, school=s.sekolah, count=s.to_record, soon=s.soon,
                    students=s.students) for i, s in shown]  # fmt: skip
    lines.append(ctx.t("schools_hint"))
    buttons = [
        Button(title=f"{i}. {s.sekolah[:24]}", payload=payload(Verb.SCHOOL, school_key(s.sekolah)))
        for i, s in shown
    ]
    return [Reply(text="\n".join(lines), buttons=buttons)]


async def _school(ctx: Context, key: str) -> SchoolCount | None:
    for found in await schools(ctx.db, ctx.clock.today(), ctx.settings.school_months):
        if school_key(found.sekolah) == key:
            return found
    return None


async def school_button(ctx: Context, arg: str) -> list[Reply]:
    """A school: its target list as CSV and the plan button."""
    if not await is_staff(ctx):
        return [ctx.reply("field_staff_only")]
    school = await _school(ctx, arg)
    if school is None:
        return [ctx.reply("school_unknown")]
    people = await targets(ctx.db, ctx.clock.today(), school.sekolah)
    plan = ctx.button("btn_school_plan", Verb.SCHOOL_PLAN, arg)
    reply = ctx.reply("school_detail", [plan], school=school.sekolah, count=len(people))
    reply.document = targets_csv(school.sekolah, people)
    return [reply]


async def plan_button(ctx: Context, arg: str) -> list[Reply]:
    """Save a SEKOLAH order with the next free days; staff schedule it with the order buttons."""
    if not await is_staff(ctx):
        return [ctx.reply("field_staff_only")]
    school = await _school(ctx, arg)
    if school is None:
        return [ctx.reply("school_unknown")]
    today, cal = ctx.clock.today(), await calendar(ctx)
    horizon = ctx.settings.order_max_days
    days = bookable_days(today, cal, lead_days=1, max_days=horizon)
    capacity = [team.capacity() for team in await teams.list_teams(ctx.db)]
    booked = await visits.bookings(ctx.db, days[0], days[-1]) if days else []
    free = [d for d in days if free_teams(capacity, booked, d, Slot.PAGI)][:PROPOSED_DAYS]
    if not free:
        return [ctx.reply("school_no_days", days=horizon)]
    draft = OrderDraft(
        kind=OrderKind.SEKOLAH, channel=ctx.chat.channel, chat_id=ctx.chat.chat_id,
        user_id=ctx.inbound.user_id or "", address=school.sekolah, dates=free, slot=Slot.PAGI,
        participants=max(school.to_record, 1), phone=ctx.settings.office_phone or "-",
    )  # fmt: skip
    order = await orders.create_order(ctx.db, draft, ctx.clock.now(), today.year)
    await school_store.add_school_order(
        ctx.db, order.id, school.sekolah, actor(ctx), ctx.clock.now()
    )
    dates = ", ".join(short_day(ctx.lang, d) for d in free)
    buttons = order_notices.staff_buttons(ctx.lang, order.id)
    return [ctx.reply("school_planned", buttons, code=order.code, school=school.sekolah,
                      count=school.to_record, dates=dates)]  # fmt: skip


def register(router: Router) -> None:
    """Add /sekolah and its buttons."""
    router.command("sekolah", "schools", handler=list_schools)
    router.button(Verb.SCHOOL, school_button)
    router.button(Verb.SCHOOL_PLAN, plan_button)
