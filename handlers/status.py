"""/status: verify a resident (NIK + KK, or own phone) and tell the e-KTP status and next step."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from bot.core.clock import from_iso
from bot.core.messages import Button, ButtonKind, Reply, Verb, payload
from bot.core.nik import age_on, clean_number, looks_like_number16, mask, parse_kk, parse_nik
from bot.core.numbers import parse_number
from bot.core.phone import same_phone
from bot.core.status import WAJIB_KTP_AGE, Status, seventeenth_birthday
from bot.errors import NikError
from bot.i18n import format_date, status_text
from handlers.context import Context
from handlers.router import Router
from handlers.states import State
from storage import chats
from storage.residents import Resident, get_resident, get_residents

logger = logging.getLogger(__name__)


async def status(ctx: Context, arg: str) -> list[Reply]:
    """Show linked residents' statuses, or start verification ('/status NIK [KK]' works too)."""
    if ctx.chat.is_group:
        return [ctx.reply("private_only")]
    parts = split_numbers(arg)
    if parts:
        return await _take_nik(ctx, parts[0], parts[1] if len(parts) > 1 else None)
    niks = await chats.linked_niks(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    if niks:
        await ctx.clear_state()
        residents = await get_residents(ctx.db, niks)
        return [_status_reply(ctx, residents, [_add_other(ctx)])]
    return await ask_nik(ctx, "")


def split_numbers(arg: str) -> list[str]:
    """'NIK', 'NIK KK', or either typed in groups ('1971 0111 …') → the numbers."""
    joined = clean_number(arg)
    if joined.isdigit() and len(joined) in (16, 32):
        return [joined[:16], joined[16:]] if len(joined) == 32 else [joined]
    return arg.split()


async def ask_nik(ctx: Context, arg: str) -> list[Reply]:
    """Ask for the NIK (also the 'Cek NIK lain' button)."""
    if ctx.chat.is_group:
        return [ctx.reply("private_only")]
    if locked := await _locked_out(ctx):
        return [locked]
    await ctx.set_state(State.STATUS_NIK)
    return [ctx.reply("ask_nik", [_cancel(ctx)])]


def _cancel(ctx: Context) -> Button:
    return ctx.button("btn_cancel", Verb.CANCEL)


def _add_other(ctx: Context) -> Button:
    return ctx.button("btn_add_other", Verb.STATUS, "add")


async def on_nik(ctx: Context) -> list[Reply]:
    """The chat is expected to send a NIK."""
    if ctx.inbound.text is None or ctx.inbound.contact is not None:
        return [ctx.reply("nik_not_16_digits")]
    return await _take_nik(ctx, ctx.inbound.text, None)


async def _take_nik(ctx: Context, text: str, kk_text: str | None) -> list[Reply]:
    if locked := await _locked_out(ctx):
        return [locked]
    try:
        nik = parse_nik(text, ctx.clock.today()).nik
    except NikError as exc:
        await ctx.set_state(State.STATUS_NIK)
        return [ctx.reply(exc.key)]
    if ctx.inbound.phone:  # the platform vouches for the sender's number (WhatsApp)
        resident = await get_resident(ctx.db, nik)
        if resident and same_phone(ctx.inbound.phone, resident.no_hp):
            return await _verified(ctx, resident)
    await ctx.set_state(State.STATUS_KK, nik=nik)
    if kk_text is not None:
        return await _take_kk(ctx, nik, kk_text)
    cancel = _cancel(ctx)
    if ctx.inbound.phone:  # the number is already known (and did not match): KK only
        return [ctx.reply("ask_kk", [cancel])]
    share = Button(title=ctx.t("btn_share_phone"), kind=ButtonKind.SHARE_CONTACT)
    return [ctx.reply("ask_kk_or_phone", [share, cancel])]


async def on_kk(ctx: Context) -> list[Reply]:
    """The chat is expected to send a KK number or share its own phone number."""
    nik = str(ctx.chat.state_data.get("nik", ""))
    contact = ctx.inbound.contact
    if contact is not None:
        if not contact.user_id or contact.user_id != ctx.inbound.user_id:
            return [ctx.reply("contact_not_own")]
        return await _verify(ctx, nik, phone=contact.phone)
    text = ctx.inbound.text or ""
    if looks_like_number16(text) or parse_number(text) is not None:
        return await _take_kk(ctx, nik, text)
    return [ctx.reply("kk_not_16_digits")]


async def _take_kk(ctx: Context, nik: str, text: str) -> list[Reply]:
    try:
        kk = parse_kk(text)
    except NikError as exc:
        return [ctx.reply(exc.key)]
    return await _verify(ctx, nik, kk=kk)


async def _verify(
    ctx: Context, nik: str, *, kk: str | None = None, phone: str | None = None
) -> list[Reply]:
    if locked := await _locked_out(ctx):
        return [locked]
    resident = await get_resident(ctx.db, nik)
    ok = resident is not None and (
        (kk is not None and kk == resident.no_kk)
        or (phone is not None and same_phone(phone, resident.no_hp))
    )
    if resident is None or not ok:
        return await _failed(ctx, nik)
    return await _verified(ctx, resident)


async def _failed(ctx: Context, nik: str) -> list[Reply]:
    await ctx.clear_state()
    now = ctx.clock.now()
    await chats.record_verify_failure(ctx.db, ctx.chat.channel, ctx.chat.chat_id, now)
    logger.info("Verification failed for NIK %s in %s chat", mask(nik), ctx.chat.channel)
    if locked := await _locked_out(ctx):
        return [locked]
    failures = await _recent_failures(ctx)
    left = ctx.settings.verify_max_failures - len(failures)
    return [ctx.reply("no_match", remove_keyboard=True, left=left)]


async def _verified(ctx: Context, resident: Resident) -> list[Reply]:
    await ctx.clear_state()
    s = ctx.settings
    await chats.clear_verify_failures(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    linked = await chats.link_resident(
        ctx.db,
        ctx.chat.channel,
        ctx.chat.chat_id,
        resident.nik,
        ctx.clock.now(),
        s.max_linked_residents,
    )
    logger.info("Chat verified for NIK %s on %s", mask(resident.nik), ctx.chat.channel)
    note = ctx.t("linked_note") if linked else ctx.t("link_cap", cap=s.max_linked_residents)
    reply = _status_reply(ctx, [resident], [_add_other(ctx)])
    reply.text += "\n\n" + note
    reply.remove_keyboard = True
    return [reply]


def _status_reply(ctx: Context, residents: list[Resident], buttons: list[Button]) -> Reply:
    blocks = [ctx.t("status_header")]
    for resident in residents:
        blocks.append(_status_block(ctx, resident))
    return Reply(text="\n\n".join(blocks), buttons=buttons)


def _status_block(ctx: Context, resident: Resident) -> str:
    code = resident.status.value
    block = ctx.t(
        "status_line",
        name=resident.nama or "-",
        nik=mask(resident.nik),
        label=status_text(ctx.lang, code, "label"),
        meaning=status_text(ctx.lang, code, "meaning"),
        next=status_text(ctx.lang, code, "next"),
    )
    today = ctx.clock.today()
    if resident.status is Status.PRR and age_on(resident.tanggal_lahir, today) < WAJIB_KTP_AGE:
        day = seventeenth_birthday(resident.tanggal_lahir)
        block += "\n" + ctx.t("prr_underage", date=format_date(ctx.lang, day))
    return block


async def _recent_failures(ctx: Context) -> list[str]:
    window = timedelta(minutes=ctx.settings.verify_window_minutes)
    return await chats.verify_failures_since(
        ctx.db, ctx.chat.channel, ctx.chat.chat_id, ctx.clock.now() - window
    )


async def _locked_out(ctx: Context) -> Reply | None:
    """THE lock-out check: after VERIFY_MAX_FAILURES failed checks within the window, the
    reply saying until when (a status flow in progress ends); None while the chat may check."""
    until = await _locked_until(ctx)
    if until is None:
        return None
    if ctx.state.flow == State.STATUS_NIK.flow:
        await ctx.clear_state()
    return ctx.reply("locked", until=until, remove_keyboard=True)


async def _locked_until(ctx: Context) -> str | None:
    """Local time ('14:05', or '29 November 2026 14:05') the lock-out ends; None when free."""
    failures = await _recent_failures(ctx)
    limit = ctx.settings.verify_max_failures
    if len(failures) < limit:
        return None
    window = timedelta(minutes=ctx.settings.verify_window_minutes)
    until = (from_iso(failures[-limit]) + window).astimezone(ctx.clock.tz)
    if until.date() == ctx.clock.today():
        return until.strftime("%H:%M")
    return f"{format_date(ctx.lang, until.date())} {until.strftime('%H:%M')}"


def forget_token(nik: str) -> str:
    """A short stand-in for a NIK in button payloads (NIKs never travel in callback data)."""
    return hashlib.sha256(nik.encode()).hexdigest()[:12]


async def forget(ctx: Context, arg: str) -> list[Reply]:
    """/lupakan: unlink the only resident, or ask which one."""
    niks = await chats.linked_niks(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    if not niks:
        return [ctx.reply("forget_none")]
    if len(niks) == 1:
        return await _unlink(ctx, niks)
    residents = await get_residents(ctx.db, niks)
    buttons = [
        Button(
            title=f"{(r.nama or '-').split()[0][:12]} {r.nik[-4:]}",
            payload=payload(Verb.FORGET, forget_token(r.nik)),
        )
        for r in residents
    ]
    buttons.append(ctx.button("btn_forget_all", Verb.FORGET, "all"))
    return [ctx.reply("forget_choose", buttons)]


async def forget_button(ctx: Context, arg: str) -> list[Reply]:
    """A choice from /lupakan."""
    niks = await chats.linked_niks(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    chosen = niks if arg == "all" else [n for n in niks if forget_token(n) == arg]
    if not chosen:
        return [ctx.reply("stale_button")]
    return await _unlink(ctx, chosen)


async def _unlink(ctx: Context, niks: list[str]) -> list[Reply]:
    removed = await chats.unlink_residents(ctx.db, ctx.chat.channel, ctx.chat.chat_id, niks)
    return [ctx.reply("forget_done", count=removed)]


async def nik_fallback(ctx: Context) -> list[Reply] | None:
    """An idle chat that just sends 16 digits is starting a status check."""
    text = ctx.inbound.text or ""
    if looks_like_number16(text) and not ctx.chat.is_group:
        return await _take_nik(ctx, text, None)
    return None


def register(router: Router) -> None:
    """Add this module's commands, buttons and states."""
    router.command("status", "cek", "check", handler=status)
    router.command("lupakan", "forget", handler=forget)
    router.button(Verb.STATUS, ask_nik)
    router.button(Verb.FORGET, forget_button)
    router.state(State.STATUS_NIK, on_nik)
    router.state(State.STATUS_KK, on_kk)
    router.fallback(nik_fallback)
