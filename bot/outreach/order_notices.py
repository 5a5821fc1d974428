"""Messages about orders that are not replies: to the staff group and to requesters (outbox)."""

from __future__ import annotations

from datetime import datetime

from bot.core.messages import Button, Reply, Verb, payload
from bot.i18n import t
from bot.outreach import notify
from bot.outreach.order_text import long_day, slot_text, summary, tallies_text
from bot.settings import Settings
from storage import chats, orders
from storage.db import Database
from storage.orders import Order
from storage.visits import Visit


def staff_buttons(lang: str, order_id: int) -> list[Button]:
    """Jadwalkan / Tolak / Detail under an order in the staff group."""
    return [
        Button(title=t(lang, "btn_schedule"), payload=payload(Verb.SCHEDULE, order_id)),
        Button(title=t(lang, "btn_reject"), payload=payload(Verb.REJECT, order_id)),
        Button(title=t(lang, "btn_detail"), payload=payload(Verb.DETAIL, order_id)),
    ]


async def new_order(
    db: Database, settings: Settings, order: Order, now: datetime, *, again: str = ""
) -> None:
    """Tell the staff group about a new (or again unscheduled) order, with its buttons."""
    lang = settings.default_language
    head = t(lang, "staff_order_again" if again else "staff_new_order", code=order.code)
    text = f"{head}\n\n{summary(lang, order)}"
    reply = Reply(text=text, buttons=staff_buttons(lang, order.id))
    key = f"order-new:{order.id}" + (f":{again}" if again else "")
    await notify.notify_staff(db, settings, reply, dedupe_key=key, now=now)


async def requester_lang(db: Database, order: Order, default: str = "id") -> str:
    """The requester's chat language."""
    chat = await chats.get_chat(db, order.channel, order.chat_id)
    return chat.language if chat else default


async def tell_requester(
    db: Database, order: Order, key: str, now: datetime, *, tag: str = "", **values: object
) -> None:
    """One notice to the requester about their order (deduplicated per order, key and tag)."""
    lang = await requester_lang(db, order)
    text = t(lang, key, code=order.code, **values)
    dedupe = f"order:{order.id}:{key}" + (f":{tag}" if tag else "")
    await notify.notify_chat(
        db, order.channel, order.chat_id, Reply(text=text), kind="notice", dedupe_key=dedupe,
        now=now,
    )  # fmt: skip


async def scheduled(db: Database, order: Order, visit: Visit, now: datetime) -> None:
    """DITERIMA: date, slot and team."""
    lang = await requester_lang(db, order)
    await tell_requester(
        db, order, "requester_scheduled", now, tag=str(visit.id),
        date=long_day(lang, visit.day), slot=slot_text(lang, visit.slot), team=visit.team_name,
    )  # fmt: skip


async def closed(db: Database, order: Order, visit: Visit, now: datetime) -> None:
    """SELESAI: thank-you with the numbers."""
    if visit.tallies is None:
        return
    lang = await requester_lang(db, order)
    await tell_requester(
        db, order, "requester_closed", now, tallies=tallies_text(lang, visit.tallies)
    )


async def flagged(
    db: Database, settings: Settings, order_ids: list[int], why: str, now: datetime
) -> None:
    """Visits lost their team or day: staff see the orders again, requesters are told."""
    stamp = f"{now.timestamp():.0f}"
    for order_id in order_ids:
        order = await orders.get_order(db, order_id)
        if order is None:
            continue
        await tell_requester(db, order, "requester_rescheduling", now, tag=stamp)
        await new_order(db, settings, order, now, again=f"{why}:{stamp}")


async def notify_staff_text(
    db: Database,
    settings: Settings,
    text: str,
    dedupe_key: str,
    now: datetime,
    buttons: list[Button] | None = None,
) -> None:
    """A plain notice (optionally with buttons) to the staff group."""
    reply = Reply(text=text, buttons=buttons or [])
    await notify.notify_staff(db, settings, reply, dedupe_key=dedupe_key, now=now)
