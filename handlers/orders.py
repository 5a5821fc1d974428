"""/pesan (alias /order): kind → location → 1–3 dates from an inline calendar → slot.

The rest of the flow (participants or NIK list, phone, summary, confirm) is in
`handlers.order_details`; the state lives in the chat row, so a restart loses nothing.
"""

from __future__ import annotations

import re
from datetime import date

from bot.core.capacity import Slot, bookable_days, check_order_day, is_slot_full
from bot.core.messages import Button, Reply, Verb, payload
from bot.core.numbers import parse_code, parse_number, parse_ymd
from bot.core.orders import OfficialStatus, OrderKind
from bot.errors import DateError
from bot.outreach.order_text import short_day
from handlers import order_details
from handlers.access import calendar
from handlers.context import Context
from handlers.router import Router
from handlers.start import START_PAYLOADS
from handlers.states import State
from handlers.steps import OfficialStep, OrderStep
from storage import chats, officials, teams, visits

MAX_DATES = 3
PAGE = 10
MAX_PAGE = 100
_KINDS = (OrderKind.KOLEKTIF, OrderKind.RUMAH, OrderKind.SEKOLAH, OrderKind.INSTANSI)
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?$")


async def order(ctx: Context, arg: str) -> list[Reply]:
    """/pesan: choose the kind of visit (arg: a kelurahan code from a poster deep link)."""
    if ctx.chat.is_group:
        return [ctx.reply("private_only_order")]
    official = await officials.official_for_chat(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    area = parse_code(arg)
    if area and (official is None or not official.approved):
        buttons = [
            ctx.button("btn_register_official", Verb.OFFICIAL, OfficialStep.START, area),
            ctx.button("btn_home_visit", Verb.ORDER, OrderStep.KIND, OrderKind.RUMAH),
        ]
        return [ctx.reply("order_link_intro", buttons)]
    await ctx.set_state(State.ORDER_KIND)
    buttons = [ctx.button(f"kind_{k.value}", Verb.ORDER, OrderStep.KIND, k) for k in _KINDS]
    return [ctx.reply("ask_kind", [*buttons, ctx.button("btn_cancel", Verb.CANCEL)])]


async def order_button(ctx: Context, arg: str) -> list[Reply]:
    """Every 'ord:…' button of the flow."""
    step, _, value = arg.partition(":")
    if step == OrderStep.KIND:
        return await _take_kind(ctx, value)
    state = ctx.state
    if state.flow != State.ORDER_KIND.flow:
        return [ctx.reply("stale_button")]
    if step == OrderStep.SKIP_PIN and state is State.ORDER_PIN:
        return [ctx.in_place(r) for r in await show_calendar(ctx, 0)]
    page = parse_number(value, high=MAX_PAGE)
    if step == OrderStep.PAGE and page is not None and state is State.ORDER_DATES:
        return [ctx.in_place(r) for r in await show_calendar(ctx, page)]
    day = parse_ymd(value)
    if step == OrderStep.DAY and state is State.ORDER_DATES and day is not None:
        return await _toggle_day(ctx, day)
    if step == OrderStep.DATES_DONE and state is State.ORDER_DATES:
        return [ctx.in_place(r) for r in await _dates_done(ctx)]
    if step == OrderStep.SLOT and state is State.ORDER_SLOT and value in Slot.__members__:
        return await _take_slot(ctx, Slot(value))
    return await order_details.detail_button(ctx, step, value)


async def _take_kind(ctx: Context, value: str) -> list[Reply]:
    if ctx.chat.is_group or value not in OrderKind.__members__:
        return [ctx.reply("stale_button")]
    kind = OrderKind(value)
    official = await officials.official_for_chat(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    approved = official is not None and official.approved
    if kind is not OrderKind.RUMAH and not approved:
        waiting = official is not None and official.status is OfficialStatus.MENUNGGU
        return [ctx.reply("order_wait_approval" if waiting else "order_needs_official")]
    linked = await chats.linked_niks(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    if kind is OrderKind.RUMAH and not approved and not linked:
        return [ctx.reply("order_home_needs_link")]
    data: dict[str, object] = {"kind": kind.value, "dates": []}
    if approved and official is not None:
        data.update(official_id=official.id, kecamatan=official.kecamatan,
                    kelurahan=official.kelurahan, rw=official.rw, rt=official.rt)  # fmt: skip
    await ctx.set_state(State.ORDER_ADDRESS, **data)
    return [ctx.reply(f"ask_address_{kind.value}")]


async def on_address(ctx: Context) -> list[Reply]:
    """Where the team should come (free text)."""
    address = " ".join((ctx.inbound.text or "").split())
    if not 5 <= len(address) <= 200:
        return [ctx.reply("address_invalid")]
    await ctx.set_state(State.ORDER_PIN, **{**ctx.chat.state_data, "address": address})
    return [ctx.reply("ask_pin", [ctx.button("btn_skip", Verb.ORDER, OrderStep.SKIP_PIN)])]


async def on_pin(ctx: Context) -> list[Reply]:
    """An optional map pin; anything else is a reminder of the two choices."""
    pin = ctx.inbound.location
    if pin is None:
        return [
            ctx.reply("ask_pin_again", [ctx.button("btn_skip", Verb.ORDER, OrderStep.SKIP_PIN)])
        ]
    data = {**ctx.chat.state_data, "lat": pin.latitude, "lon": pin.longitude}
    await ctx.set_state(State.ORDER_PIN, **data)
    return await show_calendar(ctx, 0)


async def _open_days(ctx: Context) -> list[date]:
    """Bookable days with at least one free team in some slot."""
    s, today, cal = ctx.settings, ctx.clock.today(), await calendar(ctx)
    days = bookable_days(today, cal, lead_days=s.order_lead_days, max_days=s.order_max_days)
    if not days:
        return []
    capacity = [team.capacity() for team in await teams.list_teams(ctx.db)]
    booked = await visits.bookings(ctx.db, days[0], days[-1])
    return [d for d in days if any(not is_slot_full(capacity, booked, d, sl, cal) for sl in Slot)]


async def show_calendar(ctx: Context, page: int) -> list[Reply]:
    """One page of open working days; chosen days carry a tick."""
    days = await _open_days(ctx)
    if not days:
        await ctx.clear_state()
        return [ctx.reply("no_open_days", remove_keyboard=True)]
    pages = (len(days) + PAGE - 1) // PAGE
    page = min(max(page, 0), pages - 1)
    chosen = set(ctx.chat.state_data.get("dates", []))
    await ctx.set_state(State.ORDER_DATES, **{**ctx.chat.state_data, "page": page})
    buttons = []
    for day in days[page * PAGE : (page + 1) * PAGE]:
        tick = "✅ " if day.isoformat() in chosen else ""
        pressed = payload(Verb.ORDER, OrderStep.DAY, f"{day:%Y%m%d}")
        buttons.append(Button(title=tick + short_day(ctx.lang, day), payload=pressed))
    if page > 0:
        buttons.append(ctx.button("btn_prev", Verb.ORDER, OrderStep.PAGE, page - 1))
    if page + 1 < pages:
        buttons.append(ctx.button("btn_next", Verb.ORDER, OrderStep.PAGE, page + 1))
    if chosen:
        buttons.append(ctx.button("btn_dates_done", Verb.ORDER, OrderStep.DATES_DONE))
    return [ctx.reply("ask_dates", buttons, max=MAX_DATES, count=len(chosen))]


def parse_day(text: str, today: date) -> date | None:
    """'2026-12-07', '7/12/2026', '07-12-26' or '7/12' (this year, or next once past)."""
    text = text.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else _dmy(text, today)
    except ValueError:
        return None


def _dmy(text: str, today: date) -> date | None:
    match = _DATE.match(text)
    if not match:
        return None
    day, month, year = int(match[1]), int(match[2]), match[3]
    if year is None:
        guess = date(today.year, month, day)
        return guess if guess >= today else date(today.year + 1, month, day)
    return date(int(year) + (2000 if len(year) == 2 else 0), month, day)


async def on_date_text(ctx: Context) -> list[Reply]:
    """A typed date is checked like a pressed one."""
    day = parse_day(ctx.inbound.text or "", ctx.clock.today())
    if day is None:
        return [ctx.reply("date_unreadable")]
    return await _toggle_day(ctx, day)


async def _toggle_day(ctx: Context, day: date) -> list[Reply]:
    """Tick or untick a day; the calendar updates in place (a refused day: why, then the
    calendar again, so it stays the latest question)."""
    chosen: list[str] = list(ctx.chat.state_data.get("dates", []))
    page = int(ctx.chat.state_data.get("page", 0))
    refused: list[Reply] = []
    if day.isoformat() in chosen:
        chosen.remove(day.isoformat())
    elif problem := await _day_problem(ctx, day):
        refused = [ctx.reply(problem, date=short_day(ctx.lang, day))]
    elif len(chosen) >= MAX_DATES:
        refused = [ctx.reply("dates_max", max=MAX_DATES)]
    else:
        chosen = sorted([*chosen, day.isoformat()])
    await ctx.set_state(State.ORDER_DATES, **{**ctx.chat.state_data, "dates": chosen})
    return refused + [ctx.in_place(r) for r in await show_calendar(ctx, page)]


async def _day_problem(ctx: Context, day: date) -> str | None:
    s, cal = ctx.settings, await calendar(ctx)
    try:
        check_order_day(day, ctx.clock.today(), cal, lead_days=s.order_lead_days,
                        max_days=s.order_max_days)  # fmt: skip
    except DateError as exc:
        return exc.key
    return None if day in await _open_days(ctx) else "date_full"


async def _dates_done(ctx: Context) -> list[Reply]:
    if not ctx.chat.state_data.get("dates"):
        return await show_calendar(ctx, 0)
    await ctx.set_state(State.ORDER_SLOT, **ctx.chat.state_data)
    return [_slot_picker(ctx)]


def _slot_picker(ctx: Context) -> Reply:
    buttons = [ctx.button(f"slot_{s.value}", Verb.ORDER, OrderStep.SLOT, s) for s in Slot]
    return ctx.reply("ask_slot", buttons)


async def _take_slot(ctx: Context, slot: Slot) -> list[Reply]:
    """Keep the chosen days where this slot still has a free team."""
    cal = await calendar(ctx)
    days = [date.fromisoformat(d) for d in ctx.chat.state_data.get("dates", [])]
    capacity = [team.capacity() for team in await teams.list_teams(ctx.db)]
    booked = await visits.bookings(ctx.db, min(days), max(days)) if days else []
    free = [d for d in days if not is_slot_full(capacity, booked, d, slot, cal)]
    if not free:
        full = ctx.reply("slot_full", slot=ctx.t(f"slot_{slot.value}"))
        return [full, ctx.in_place(_slot_picker(ctx))]
    data = {**ctx.chat.state_data, "slot": slot.value, "dates": [d.isoformat() for d in free]}
    await ctx.set_state(State.ORDER_SLOT, **data)
    dropped = [short_day(ctx.lang, d) for d in days if d not in free]
    replies = [ctx.reply("slot_dropped_days", days=", ".join(dropped))] if dropped else []
    # the slot picker keeps its question and loses its buttons; the next question follows
    return [*ctx.spent_buttons(), *replies, *await order_details.after_slot(ctx)]


def register(router: Router) -> None:
    """Add this module's commands, buttons and states."""
    router.command("pesan", "order", handler=order)
    START_PAYLOADS["order"] = "pesan"  # poster QR codes: '/start order-<kelurahan code>'
    router.button(Verb.ORDER, order_button)
    router.state(State.ORDER_ADDRESS, on_address)
    router.state(State.ORDER_PIN, on_pin)
    router.state(State.ORDER_DATES, on_date_text)
    order_details.register(router)
