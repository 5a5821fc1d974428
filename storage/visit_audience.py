"""Who to remind about a visit: chats linked to residents of an area who still need recording."""

from __future__ import annotations

from pydantic import BaseModel

from storage.db import Database
from storage.outbox import NEEDS_RECORDING_SQL


class LinkedResident(BaseModel):
    """A chat linked to a resident who still has to record."""

    channel: str
    chat_id: str
    nik: str
    nama: str


async def linked_unrecorded(
    db: Database, *, kecamatan: str, kelurahan: str = "", rw: str = "", rt: str = ""
) -> list[LinkedResident]:
    """Linked chats of unrecorded residents in an area ('' parts match everything)."""
    rows = await db.fetchall(
        "SELECT l.channel, l.chat_id, r.nik, r.nama FROM chat_links l"
        " JOIN residents r ON r.nik = l.nik"
        f" WHERE r.status IN ({NEEDS_RECORDING_SQL}) AND r.kecamatan = ? COLLATE NOCASE"
        " AND (? = '' OR r.kelurahan = ? COLLATE NOCASE) AND (? = '' OR r.rw = ?)"
        " AND (? = '' OR r.rt = ?) ORDER BY l.channel, l.chat_id, r.nik",
        (kecamatan, kelurahan, kelurahan, rw, rw, rt, rt),
    )
    return [LinkedResident.model_validate(dict(r)) for r in rows]


async def linked_chats_of(db: Database, niks: list[str]) -> list[LinkedResident]:
    """Chats linked to these residents (home visits), whatever their status."""
    if not niks:
        return []
    marks = ",".join("?" * len(niks))
    rows = await db.fetchall(
        "SELECT l.channel, l.chat_id, r.nik, r.nama FROM chat_links l"
        f" JOIN residents r ON r.nik = l.nik WHERE l.nik IN ({marks})"
        " ORDER BY l.channel, l.chat_id, r.nik",
        niks,
    )
    return [LinkedResident.model_validate(dict(r)) for r in rows]
