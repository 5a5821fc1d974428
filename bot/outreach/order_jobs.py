"""Scheduled jobs for orders: D-1 visit reminders and the escalation of unanswered orders.

Both are idempotent: every message has a dedupe key (per visit and recipient, or per day), so
a job run twice, or caught up after a restart, enqueues each message once. They return a
`JobResult` (counts) for `job_runs` and the CLI.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from bot.core.calendar import holidays_for
from bot.core.capacity import next_working_day, working_days_between
from bot.core.clock import Clock, from_iso
from bot.core.messages import Channel, Reply
from bot.core.orders import OrderKind, OrderStatus, VisitStatus
from bot.i18n import t
from bot.outreach import notify
from bot.outreach.order_text import long_day, slot_text
from bot.outreach.results import JobResult
from bot.settings import Settings
from storage import chats, orders, teams, visits
from storage import visit_audience as reach
from storage.db import Database
from storage.orders import Order
from storage.outbox import Kind
from storage.visits import Visit

logger = logging.getLogger(__name__)


async def run_visit_reminders(db: Database, settings: Settings, clock: Clock) -> JobResult:
    """Remind requester, team and linked unrecorded residents of visits up to the next working
    day (on a Friday that includes Monday)."""
    today = clock.today()
    last = next_working_day(today, holidays_for(settings))
    count = 0
    for visit in await visits.visits_between(db, today + timedelta(days=1), last):
        if visit.status is VisitStatus.TERJADWAL:
            count += await _remind(db, settings, clock, visit)
    return JobResult.done(reminders=count)


async def _remind(db: Database, settings: Settings, clock: Clock, visit: Visit) -> int:
    order = await orders.get_order(db, visit.order_id)
    if order is None:
        return 0
    sent = await _remind_requester(db, clock, order, visit)
    sent += await _remind_team(db, settings, clock, order, visit)
    sent += await _remind_residents(db, clock, order, visit)
    return sent


def _when(lang: str, visit: Visit, today: date) -> str:
    return t(lang, "when_tomorrow" if visit.day == today + timedelta(days=1) else "when_on")


async def _lang(db: Database, channel: str, chat_id: str, default: str) -> str:
    chat = await chats.get_chat(db, channel, chat_id)
    return chat.language if chat else default


async def _remind_requester(db: Database, clock: Clock, order: Order, visit: Visit) -> int:
    lang = await _lang(db, order.channel, order.chat_id, "id")
    text = t(
        lang, "reminder_requester", when=_when(lang, visit, clock.today()), code=order.code,
        date=long_day(lang, visit.day), slot=slot_text(lang, visit.slot), address=order.address,
    )  # fmt: skip
    new = await notify.notify_chat(
        db, order.channel, order.chat_id, Reply(text=text), kind=Kind.REMINDER,
        dedupe_key=f"visit-reminder:{visit.id}", now=clock.now(),
    )  # fmt: skip
    return int(new)


async def _remind_team(
    db: Database, settings: Settings, clock: Clock, order: Order, visit: Visit
) -> int:
    team = await teams.get_team(db, visit.team_id)
    lang = settings.default_language
    text = t(
        lang, "reminder_team", team=visit.team_name, date=long_day(lang, visit.day),
        slot=slot_text(lang, visit.slot), code=order.code, address=order.address,
        count=order.participants, phone=order.phone,
    )  # fmt: skip
    key, now = f"visit-reminder-team:{visit.id}", clock.now()
    members = team.members if team else []
    if not members:
        return int(
            await notify.notify_staff(db, settings, Reply(text=text), dedupe_key=key, now=now)
        )
    sent = 0
    for user_id in members:
        sent += await notify.notify_chat(
            db, Channel.TELEGRAM, user_id, Reply(text=text), kind=Kind.STAFF, dedupe_key=key,
            now=now,
        )  # fmt: skip
    return sent


async def _remind_residents(db: Database, clock: Clock, order: Order, visit: Visit) -> int:
    if order.kind is OrderKind.RUMAH:
        people = await reach.linked_chats_of(db, [p.nik for p in order.people])
    else:
        people = await reach.linked_unrecorded(
            db, kecamatan=order.kecamatan, kelurahan=order.kelurahan, rw=order.rw, rt=order.rt
        )
    sent = 0
    for person in people:
        if (person.channel, person.chat_id) == (order.channel, order.chat_id):
            continue
        lang = await _lang(db, person.channel, person.chat_id, "id")
        text = t(
            lang, "reminder_resident", when=_when(lang, visit, clock.today()),
            date=long_day(lang, visit.day), slot=slot_text(lang, visit.slot),
            address=order.address, name=person.nama.split()[0] if person.nama else "-",
        )  # fmt: skip
        sent += await notify.notify_chat(
            db, person.channel, person.chat_id, Reply(text=text), kind=Kind.REMINDER,
            dedupe_key=f"visit-reminder-res:{visit.id}:{person.nik}", now=clock.now(),
            outreach=True, nik=person.nik,
        )  # fmt: skip
    return sent


async def overdue_orders(db: Database, settings: Settings, clock: Clock) -> list[tuple[Order, int]]:
    """BARU orders older than ORDER_SLA_DAYS working days, with their age in working days."""
    holidays = holidays_for(settings)
    today = clock.today()
    out = []
    for order in await orders.orders_with_status(db, OrderStatus.BARU):
        created = from_iso(order.created_at).astimezone(clock.tz).date()
        age = working_days_between(created, today, holidays)
        if age > settings.order_sla_days:
            out.append((order, age))
    return out


async def run_order_escalation(db: Database, settings: Settings, clock: Clock) -> JobResult:
    """Each working morning: remind the staff group of overdue orders; tell the head of office."""
    today = clock.today()
    if next_working_day(today - timedelta(days=1), holidays_for(settings)) != today:
        return JobResult.skipped("not_working_day")
    overdue = await overdue_orders(db, settings, clock)
    if not overdue:
        return JobResult.done(escalated=0)
    lang = settings.default_language
    lines = "\n".join(
        t(lang, "escalation_line", code=o.code, kelurahan=o.kelurahan or "-", age=age,
          handler=o.handler_name or "-")
        for o, age in overdue
    )  # fmt: skip
    staff = t(
        lang, "escalation_staff", count=len(overdue), days=settings.order_sla_days, lines=lines
    )
    head = t(lang, "escalation_head", count=len(overdue), lines=lines)
    now, day = clock.now(), today.isoformat()
    await notify.notify_staff(
        db, settings, Reply(text=staff), dedupe_key=f"escalation:{day}", now=now
    )
    await notify.notify_escalation(
        db, settings, Reply(text=head), dedupe_key=f"escalation-head:{day}", now=now
    )
    logger.info("Escalated %s overdue orders", len(overdue))
    return JobResult.done(escalated=len(overdue))
