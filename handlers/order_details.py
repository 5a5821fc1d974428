"""The second half of /pesan: participants or the home-visit NIK list, phone, summary, confirm.

The order is saved (with its code) before the staff group is told about it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from typing import Any

from bot.core.capacity import Slot
from bot.core.messages import Button, ButtonKind, Reply, Verb, payload
from bot.core.nik import looks_like_number16, mask, parse_nik
from bot.core.numbers import parse_number
from bot.core.orders import OrderKind, Reason
from bot.core.phone import normalize_phone
from bot.core.status import NEEDS_RECORDING
from bot.errors import NikError
from bot.outreach import order_notices
from bot.outreach.order_text import summary
from handlers.context import Context
from handlers.router import Router
from handlers.states import State
from handlers.steps import OrderStep
from storage import chats, officials, orders
from storage.orders import OrderDraft, OrderPerson
from storage.residents import Resident, get_resident, get_residents

logger = logging.getLogger(__name__)

MAX_PEOPLE = 10
MAX_PARTICIPANTS = 2000


def person_token(nik: str) -> str:
    """A stand-in for a NIK in button payloads."""
    return hashlib.sha256(nik.encode()).hexdigest()[:12]


async def after_slot(ctx: Context) -> list[Reply]:
    """Ask for the expected participants, or the people to visit at home."""
    if ctx.chat.state_data.get("kind") == OrderKind.RUMAH.value:
        await ctx.set_state(State.ORDER_PEOPLE, **{**ctx.chat.state_data, "people": []})
        return [await _ask_person(ctx)]
    await ctx.set_state(State.ORDER_COUNT, **ctx.chat.state_data)
    return [ctx.reply("ask_participants", min=ctx.settings.order_min_participants)]


async def on_count(ctx: Context) -> list[Reply]:
    """Expected participants: a whole number, at least the minimum."""
    count = parse_number((ctx.inbound.text or "").replace(".", ""))
    if count is None:
        return [ctx.reply("participants_not_number")]
    minimum = ctx.settings.order_min_participants
    if count < minimum:
        return [ctx.reply("participants_below_min", min=minimum)]
    if count > MAX_PARTICIPANTS:
        return [ctx.reply("participants_too_many", max=MAX_PARTICIPANTS)]
    return await _ask_phone(ctx, participants=count)


async def _linked_candidates(ctx: Context) -> list[Resident]:
    niks = await chats.linked_niks(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    return [r for r in await get_residents(ctx.db, niks) if r.status in NEEDS_RECORDING]


async def _ask_person(ctx: Context) -> Reply:
    chosen = {p["nik"] for p in ctx.chat.state_data.get("people", [])}
    buttons = [
        Button(
            title=f"{(r.nama or '-').split()[0][:14]} {mask(r.nik)[-4:]}",
            payload=payload(Verb.ORDER, OrderStep.PERSON, person_token(r.nik)),
        )
        for r in await _linked_candidates(ctx)
        if r.nik not in chosen
    ]
    if chosen:
        buttons.append(ctx.button("btn_people_done", Verb.ORDER, OrderStep.PEOPLE_DONE))
    return ctx.reply("ask_person_nik", buttons, count=len(chosen), max=MAX_PEOPLE)


async def on_person(ctx: Context) -> list[Reply]:
    """A typed NIK for the home-visit list."""
    text = ctx.inbound.text or ""
    if not looks_like_number16(text):
        return [ctx.reply("nik_not_16_digits")]
    try:
        nik = parse_nik(text, ctx.clock.today()).nik
    except NikError as exc:
        return [ctx.reply(exc.key)]
    return await _take_person(ctx, nik)


async def _take_person(ctx: Context, nik: str) -> list[Reply]:
    problem = await _person_problem(ctx, nik)
    if problem:
        return [ctx.reply(problem, nik=mask(nik)), await _ask_person(ctx)]
    await ctx.set_state(State.ORDER_REASON, **{**ctx.chat.state_data, "pending": nik})
    buttons = [ctx.button(f"reason_{r.value}", Verb.ORDER, OrderStep.REASON, r) for r in Reason]
    return [ctx.reply("ask_reason", buttons, nik=mask(nik))]


async def _person_problem(ctx: Context, nik: str) -> str | None:
    """Why this NIK cannot be on the list (message key), or None."""
    data = ctx.chat.state_data
    if any(p["nik"] == nik for p in data.get("people", [])):
        return "person_already_listed"
    if len(data.get("people", [])) >= MAX_PEOPLE:
        return "people_max"
    resident = await get_resident(ctx.db, nik)
    if resident is None:
        return "person_not_in_data"
    if resident.status not in NEEDS_RECORDING:
        return "person_already_recorded"
    official_id = data.get("official_id")
    if official_id is None:
        linked = await chats.linked_niks(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
        return None if nik in linked else "person_not_linked"
    official = await officials.get_official(ctx.db, int(official_id))  # ours: set by _take_kind
    return None if official and _in_area(resident, official) else "person_outside_area"


def _in_area(resident: Resident, official: officials.Official) -> bool:
    same_kec = resident.kecamatan.casefold() == official.kecamatan.casefold()
    if not official.kelurahan:
        return same_kec
    return same_kec and resident.kelurahan.casefold() == official.kelurahan.casefold()


async def detail_button(ctx: Context, step: str, value: str) -> list[Reply]:
    """'ord:p:<token>', 'ord:r:<REASON>', 'ord:pd', 'ord:ok' (the other steps are in orders)."""
    state = ctx.state
    if step == OrderStep.PERSON and state is State.ORDER_PEOPLE:
        for resident in await _linked_candidates(ctx):
            if person_token(resident.nik) == value:
                return await _take_person(ctx, resident.nik)
    if step == OrderStep.REASON and state is State.ORDER_REASON and value in Reason.__members__:
        return await _take_reason(ctx, Reason(value))
    people = ctx.chat.state_data.get("people")
    if step == OrderStep.PEOPLE_DONE and state is State.ORDER_PEOPLE and people:
        return await _ask_phone(ctx, participants=len(people))
    if step == OrderStep.CONFIRM and state is State.ORDER_CONFIRM:
        return await _confirm(ctx)
    return [ctx.reply("stale_button")]


async def _take_reason(ctx: Context, reason: Reason) -> list[Reply]:
    data = dict(ctx.chat.state_data)
    nik = str(data.pop("pending", ""))
    data["people"] = [*data.get("people", []), {"nik": nik, "reason": reason.value}]
    await ctx.set_state(State.ORDER_PEOPLE, **data)
    return [await _ask_person(ctx)]


async def _ask_phone(ctx: Context, *, participants: int) -> list[Reply]:
    await ctx.set_state(State.ORDER_PHONE, **{**ctx.chat.state_data, "participants": participants})
    share = Button(title=ctx.t("btn_share_phone"), kind=ButtonKind.SHARE_CONTACT)
    return [ctx.reply("ask_order_phone", [share, ctx.button("btn_cancel", Verb.CANCEL)])]


async def on_phone(ctx: Context) -> list[Reply]:
    """A contact phone: the user's own shared contact, or a typed number."""
    contact = ctx.inbound.contact
    if contact is not None and contact.user_id != ctx.inbound.user_id:
        return [ctx.reply("contact_not_own")]
    phone = normalize_phone(contact.phone if contact else ctx.inbound.text)
    if not phone:
        return [ctx.reply("phone_invalid")]
    await ctx.set_state(State.ORDER_CONFIRM, **{**ctx.chat.state_data, "phone": phone})
    draft = await draft_from_state(ctx)
    buttons = [
        ctx.button("btn_send_order", Verb.ORDER, OrderStep.CONFIRM),
        ctx.button("btn_cancel", Verb.CANCEL),
    ]
    text = ctx.t("order_summary", summary=summary(ctx.lang, draft))
    return [Reply(text=text, buttons=buttons, remove_keyboard=True)]


async def draft_from_state(ctx: Context) -> OrderDraft:
    """The order as filled in so far (area from the official, or the first person's record)."""
    data: dict[str, Any] = dict(ctx.chat.state_data)
    people = [OrderPerson(nik=p["nik"], reason=Reason(p["reason"])) for p in data.get("people", [])]
    if people and data.get("official_id") is None:
        first = await get_resident(ctx.db, people[0].nik)
        if first is not None:
            data.update(
                kecamatan=first.kecamatan, kelurahan=first.kelurahan, rw=first.rw, rt=first.rt
            )
    return OrderDraft(
        kind=OrderKind(data["kind"]), channel=ctx.chat.channel, chat_id=ctx.chat.chat_id,
        user_id=ctx.inbound.user_id or "", official_id=data.get("official_id"),
        kecamatan=data.get("kecamatan", ""), kelurahan=data.get("kelurahan", ""),
        rw=data.get("rw", ""), rt=data.get("rt", ""), address=data["address"],
        latitude=data.get("lat"), longitude=data.get("lon"),
        dates=[date.fromisoformat(d) for d in data["dates"]], slot=Slot(data["slot"]),
        participants=int(data["participants"]), phone=data["phone"], people=people,
    )  # fmt: skip


async def _confirm(ctx: Context) -> list[Reply]:
    draft = await draft_from_state(ctx)
    now = ctx.clock.now()
    saved = await orders.create_order(ctx.db, draft, now, ctx.clock.today().year)
    await ctx.clear_state()
    logger.info("Order %s saved (%s)", saved.code, saved.kind.value)
    await order_notices.new_order(ctx.db, ctx.settings, saved, now)
    return [ctx.reply("order_saved", code=saved.code)]


def register(router: Router) -> None:
    """States of the second half of the flow."""

    async def press_a_button(ctx: Context) -> list[Reply]:
        return [ctx.reply("press_a_button")]

    for state in (State.ORDER_KIND, State.ORDER_SLOT, State.ORDER_REASON, State.ORDER_CONFIRM):
        router.state(state, press_a_button)
    router.state(State.ORDER_COUNT, on_count)
    router.state(State.ORDER_PEOPLE, on_person)
    router.state(State.ORDER_PHONE, on_phone)
