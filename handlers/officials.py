"""/pengurus: RT/RW heads, lurah and camat register; staff approve or reject in the group.

Steps: role → kecamatan → kelurahan (buttons) → RW → RT → name → phone (contact share).
A deep link from a poster ('/start order-<kelurahan>') may preselect the area.
"""

from __future__ import annotations

import logging

from bot.core.messages import Button, ButtonKind, Reply, Verb, payload
from bot.core.numbers import parse_code, parse_id, parse_number
from bot.core.orders import OfficialStatus, Role
from bot.core.phone import normalize_phone
from bot.i18n import t
from bot.office import officials as office_officials
from bot.office.officials import ROLE_KEYS, Decision
from bot.outreach import notify
from handlers.access import staff
from handlers.context import Context
from handlers.router import Router
from handlers.states import State
from handlers.steps import OfficialStep
from storage import areas, officials
from storage.officials import Official

logger = logging.getLogger(__name__)


_REGISTRATION_KEYS = {
    OfficialStatus.DISETUJUI: "official_is_approved",
    OfficialStatus.MENUNGGU: "official_is_waiting",
    OfficialStatus.DITOLAK: "official_was_rejected",
}


async def register_official(ctx: Context, arg: str) -> list[Reply]:
    """/pengurus: show the registration, or start it (arg: a kelurahan code from a deep link)."""
    if ctx.chat.is_group:
        return [ctx.reply("private_only_order")]
    current = await officials.official_for_chat(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    if current is not None and arg != OfficialStep.REDO:
        key = _REGISTRATION_KEYS[current.status]
        redo = ctx.button("btn_register_again", Verb.OFFICIAL, OfficialStep.REDO)
        return [ctx.reply(key, [redo], area=area_text(ctx, current))]
    return await _ask_role(ctx, area=parse_code(arg) or "")


async def _ask_role(ctx: Context, area: str = "") -> list[Reply]:
    await ctx.set_state(State.OFFICIAL_ROLE, area=area)
    buttons = [
        ctx.button(key, Verb.OFFICIAL, OfficialStep.ROLE, role) for role, key in ROLE_KEYS.items()
    ]
    return [ctx.reply("ask_role", [*buttons, ctx.button("btn_cancel", Verb.CANCEL)])]


async def official_button(ctx: Context, arg: str) -> list[Reply]:
    """'off:role:RT', 'off:kec:197101', 'off:kel:1971011006', 'off:redo', 'off:start:<kel>'."""
    step, _, value = arg.partition(":")
    if step == OfficialStep.REDO:
        return await register_official(ctx, OfficialStep.REDO)
    if step == OfficialStep.START:
        return await _ask_role(ctx, area=parse_code(value) or "")
    if ctx.state.flow != State.OFFICIAL_ROLE.flow:
        return [ctx.reply("stale_button")]
    if step == OfficialStep.ROLE and value in Role.__members__:
        return await _take_role(ctx, Role(value))
    code = parse_code(value)
    if step == OfficialStep.KECAMATAN and code:
        return await _take_kecamatan(ctx, code)
    if step == OfficialStep.KELURAHAN and code:
        return await _take_kelurahan(ctx, code)
    return [ctx.reply("stale_button")]


async def _take_role(ctx: Context, role: Role) -> list[Reply]:
    data = {**ctx.chat.state_data, "role": role.value}
    area = await areas.get_area(ctx.db, str(data.get("area", "")))
    if area is not None and area.level == "kelurahan" and area.parent:
        data.update(kec=area.parent, kel=area.kode)
        await ctx.set_state(State.OFFICIAL_AREA, **data)
        return await _after_area(ctx)
    await ctx.set_state(State.OFFICIAL_AREA, **data)
    buttons = [
        Button(title=a.nama, payload=payload(Verb.OFFICIAL, OfficialStep.KECAMATAN, a.kode))
        for a in await areas.kecamatan_list(ctx.db)
    ]
    return [ctx.reply("ask_kecamatan", buttons)]


async def _take_kecamatan(ctx: Context, kode: str) -> list[Reply]:
    area = await areas.get_area(ctx.db, kode)
    if area is None or area.level != "kecamatan":
        return [ctx.reply("stale_button")]
    data = {**ctx.chat.state_data, "kec": kode, "kel": ""}
    await ctx.set_state(State.OFFICIAL_AREA, **data)
    if data.get("role") == Role.CAMAT.value:
        return await _after_area(ctx)
    kels = await areas.kelurahan_list(ctx.db, kode)
    buttons = [
        Button(title=a.nama, payload=payload(Verb.OFFICIAL, OfficialStep.KELURAHAN, a.kode))
        for a in kels
    ]
    return [ctx.reply("ask_kelurahan", buttons, kecamatan=area.nama)]


async def _take_kelurahan(ctx: Context, kode: str) -> list[Reply]:
    area = await areas.get_area(ctx.db, kode)
    if area is None or area.parent != ctx.chat.state_data.get("kec"):
        return [ctx.reply("stale_button")]
    await ctx.set_state(State.OFFICIAL_AREA, **{**ctx.chat.state_data, "kel": kode})
    return await _after_area(ctx)


async def _after_area(ctx: Context) -> list[Reply]:
    role = ctx.chat.state_data.get("role")
    if role in (Role.RT.value, Role.RW.value):
        await ctx.set_state(State.OFFICIAL_RW, **ctx.chat.state_data)
        return [ctx.reply("ask_rw")]
    await ctx.set_state(State.OFFICIAL_NAME, **ctx.chat.state_data)
    return [ctx.reply("ask_official_name")]


def three_digits(text: str | None) -> str | None:
    """'2', '02', '002' → '002'; None unless 1–999."""
    number = parse_number(text, low=1, high=999)
    return None if number is None else f"{number:03d}"


async def on_rw(ctx: Context) -> list[Reply]:
    """The RW number."""
    rw = three_digits(ctx.inbound.text)
    if rw is None:
        return [ctx.reply("rw_rt_not_number")]
    data = {**ctx.chat.state_data, "rw": rw}
    if data.get("role") == Role.RT.value:
        await ctx.set_state(State.OFFICIAL_RT, **data)
        return [ctx.reply("ask_rt")]
    await ctx.set_state(State.OFFICIAL_NAME, **data)
    return [ctx.reply("ask_official_name")]


async def on_rt(ctx: Context) -> list[Reply]:
    """The RT number."""
    rt = three_digits(ctx.inbound.text)
    if rt is None:
        return [ctx.reply("rw_rt_not_number")]
    await ctx.set_state(State.OFFICIAL_NAME, **{**ctx.chat.state_data, "rt": rt})
    return [ctx.reply("ask_official_name")]


async def on_name(ctx: Context) -> list[Reply]:
    """The official's full name."""
    name = " ".join((ctx.inbound.text or "").split())
    if not 3 <= len(name) <= 80 or any(ch.isdigit() for ch in name):
        return [ctx.reply("official_name_invalid")]
    await ctx.set_state(State.OFFICIAL_PHONE, **{**ctx.chat.state_data, "name": name})
    share = Button(title=ctx.t("btn_share_phone"), kind=ButtonKind.SHARE_CONTACT)
    return [ctx.reply("ask_official_phone", [share, ctx.button("btn_cancel", Verb.CANCEL)])]


async def on_phone(ctx: Context) -> list[Reply]:
    """Only the user's own number, shared with the button, is accepted."""
    contact = ctx.inbound.contact
    if contact is None:
        return [ctx.reply("official_phone_share")]
    if not contact.user_id or contact.user_id != ctx.inbound.user_id:
        return [ctx.reply("contact_not_own")]
    phone = normalize_phone(contact.phone)
    if not phone:
        return [ctx.reply("phone_invalid")]
    return await _save(ctx, phone)


async def _save(ctx: Context, phone: str) -> list[Reply]:
    data = ctx.chat.state_data
    kec = await areas.get_area(ctx.db, str(data.get("kec", "")))
    kel = await areas.get_area(ctx.db, str(data.get("kel", "")))
    if kec is None:
        await ctx.clear_state()
        return [ctx.reply("stale_button", remove_keyboard=True)]
    draft = Official(
        channel=ctx.chat.channel, chat_id=ctx.chat.chat_id, user_id=ctx.inbound.user_id or "",
        role=Role(str(data["role"])), kecamatan=kec.nama, kelurahan=kel.nama if kel else "",
        area_kode=kel.kode if kel else kec.kode, rw=str(data.get("rw", "")),
        rt=str(data.get("rt", "")), nama=str(data["name"]), phone=phone,
    )  # fmt: skip
    saved = await officials.save_registration(ctx.db, draft, ctx.clock.now())
    await ctx.clear_state()
    await _tell_staff(ctx, saved)
    logger.info("Official registration %s waiting for approval", saved.id)
    return [ctx.reply("official_registered", remove_keyboard=True, area=area_text(ctx, saved))]


def area_text(ctx: Context, official: Official) -> str:
    """'Ketua RT 003 / RW 002, Kel. Bacang, Kec. Bukit Intan' in the chat's language."""
    return office_officials.area_text(ctx.lang, official)


async def _tell_staff(ctx: Context, o: Official) -> None:
    lang = ctx.settings.default_language
    area = office_officials.area_text(lang, o)
    text = t(lang, "staff_new_official", name=o.nama, area=area, phone=o.phone)
    buttons = [
        Button(title=t(lang, "btn_approve"), payload=payload(Verb.APPROVE_OFFICIAL, o.id)),
        Button(title=t(lang, "btn_reject"), payload=payload(Verb.REJECT_OFFICIAL, o.id)),
    ]
    key = f"official:{o.id}:{ctx.clock.now().timestamp():.0f}"
    await notify.notify_staff(
        ctx.db, ctx.settings, Reply(text=text, buttons=buttons), dedupe_key=key, now=ctx.clock.now()
    )


async def decide_button(ctx: Context, arg: str, approve: bool) -> list[Reply]:
    """Staff press Setujui/Tolak under a registration; the official is told."""
    who = await staff(ctx)
    if who is None:
        return [ctx.reply("staff_only")]
    official_id = parse_id(arg)
    if official_id is None:
        return [ctx.reply("stale_button")]
    decided = await office_officials.decide(ctx.office, who, official_id, approve)
    official = decided.official
    if official is None:
        return [ctx.reply("stale_button")]
    if decided.outcome is Decision.ALREADY_DECIDED:
        status = ctx.t(f"official_status_{official.status.value}")
        return [ctx.reply("official_already_decided", name=official.nama, status=status)]
    done = "staff_official_approved" if approve else "staff_official_rejected"
    return [ctx.reply(done, name=official.nama, by=ctx.inbound.user_name or ctx.inbound.user_id)]


def register(router: Router) -> None:
    """Add this module's commands, buttons and states."""
    router.command("pengurus", "daftar_pengurus", "official", handler=register_official)
    router.button(Verb.OFFICIAL, official_button)

    async def approve(ctx: Context, arg: str) -> list[Reply]:
        return await decide_button(ctx, arg, True)

    async def reject(ctx: Context, arg: str) -> list[Reply]:
        return await decide_button(ctx, arg, False)

    router.button(Verb.APPROVE_OFFICIAL, approve)
    router.button(Verb.REJECT_OFFICIAL, reject)

    async def press_a_button(ctx: Context) -> list[Reply]:
        return [ctx.reply("press_a_button")]

    router.state(State.OFFICIAL_ROLE, press_a_button)
    router.state(State.OFFICIAL_AREA, press_a_button)
    router.state(State.OFFICIAL_RW, on_rw)
    router.state(State.OFFICIAL_RT, on_rt)
    router.state(State.OFFICIAL_NAME, on_name)
    router.state(State.OFFICIAL_PHONE, on_phone)
