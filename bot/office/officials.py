"""Officials (Ketua RT/RW, lurah, camat): the registrations waiting and staff's decision.

    waiting(office) -> list[Official]                      MENUNGGU, oldest first
    approved(office) -> list[Official]                     DISETUJUI, by area
    decide(office, staff, official_id, approve) -> Decided

Deciding moves MENUNGGU → DISETUJUI or DITOLAK once (a second press, or a second staff member,
gets ALREADY_DECIDED with the registration as it stands), is audited with `staff.actor`, and
enqueues a notice to the official's chat in its language (approved: they may now order visits
with /pesan). `area_text` is how a registration reads in every face.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from bot.core.messages import Reply
from bot.core.orders import Role
from bot.i18n import t
from bot.office.desk import Office, Staff
from bot.outreach import notify
from storage import chats, officials
from storage.officials import Official

logger = logging.getLogger(__name__)

ROLE_KEYS = {
    Role.RT: "role_rt",
    Role.RW: "role_rw",
    Role.LURAH: "role_lurah",
    Role.CAMAT: "role_camat",
}


class Decision(StrEnum):
    """What came of a decision."""

    DONE = "done"
    ALREADY_DECIDED = "already_decided"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Decided:
    """The outcome; `official` as it stands afterwards."""

    outcome: Decision
    official: Official | None = None


def area_text(lang: str, official: Official) -> str:
    """'Ketua RT 003 / RW 002, Kel. Bacang, Kec. Bukit Intan'."""
    text = t(lang, ROLE_KEYS[official.role])
    if official.role is Role.RT:
        text += f" {official.rt} / RW {official.rw}"
    elif official.role is Role.RW:
        text += f" {official.rw}"
    if official.kelurahan:
        text += f", Kel. {official.kelurahan}"
    return f"{text}, Kec. {official.kecamatan}"


async def waiting(office: Office) -> list[Official]:
    """Registrations staff have not decided yet."""
    return await officials.waiting_officials(office.db)


async def approved(office: Office) -> list[Official]:
    """Approved officials by area (the console's list)."""
    return await officials.approved_officials(office.db)


async def decide(office: Office, staff: Staff, official_id: int, approve: bool) -> Decided:
    """Approve or reject a waiting registration; the official is told."""
    official = await officials.get_official(office.db, official_id)
    if official is None:
        return Decided(Decision.NOT_FOUND)
    now = office.clock.now()
    if not await officials.decide(office.db, official.id, approve, staff.actor, now):
        current = await officials.get_official(office.db, official.id) or official
        return Decided(Decision.ALREADY_DECIDED, current)
    key = "official_approved" if approve else "official_rejected"
    chat = await chats.get_chat(office.db, official.channel, official.chat_id)
    lang = chat.language if chat else office.settings.default_language
    text = t(lang, key, area=area_text(lang, official))
    await notify.notify_chat(
        office.db, official.channel, official.chat_id, Reply(text=text), kind="notice",
        dedupe_key=f"official-decision:{official.id}:{key}", now=now,
    )  # fmt: skip
    logger.info("Official %s %s by %s", official.id, key, staff.actor)
    decided = await officials.get_official(office.db, official.id) or official
    return Decided(Decision.DONE, decided)
