"""Officials (pengurus): RT/RW heads, lurah and camat registered for an area, and their approval."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.core.clock import iso
from bot.core.orders import OfficialStatus, Role
from storage import audit
from storage.db import Database


class Official(BaseModel):
    """A registered RT/RW head, lurah or camat."""

    id: int = 0
    channel: str
    chat_id: str
    user_id: str = ""
    role: Role
    kecamatan: str
    kelurahan: str = ""
    area_kode: str
    rw: str = ""
    rt: str = ""
    nama: str
    phone: str
    status: OfficialStatus = OfficialStatus.MENUNGGU
    decided_by: str = ""

    @property
    def approved(self) -> bool:
        """Staff approved the registration."""
        return self.status is OfficialStatus.DISETUJUI


_OFFICIAL = (
    "SELECT id, channel, chat_id, user_id, role, kecamatan, kelurahan, area_kode, rw, rt, nama,"
    " phone, status, decided_by FROM officials"
)


async def official_for_chat(db: Database, channel: str, chat_id: str) -> Official | None:
    """The registration made from this chat, if any."""
    row = await db.fetchone(f"{_OFFICIAL} WHERE channel = ? AND chat_id = ?", (channel, chat_id))
    return Official.model_validate(dict(row)) if row else None


async def get_official(db: Database, official_id: int) -> Official | None:
    """One registration by id."""
    row = await db.fetchone(f"{_OFFICIAL} WHERE id = ?", (official_id,))
    return Official.model_validate(dict(row)) if row else None


async def save_registration(db: Database, official: Official, now: datetime) -> Official:
    """Store a (re-)registration as MENUNGGU; one registration per chat."""
    o, stamp = official, iso(now)
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO officials (channel, chat_id, user_id, role, kecamatan, kelurahan,"
            " area_kode, rw, rt, nama, phone, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, chat_id) DO UPDATE SET user_id = excluded.user_id,"
            " role = excluded.role, kecamatan = excluded.kecamatan,"
            " kelurahan = excluded.kelurahan, area_kode = excluded.area_kode,"
            " rw = excluded.rw, rt = excluded.rt, nama = excluded.nama, phone = excluded.phone,"
            " status = excluded.status, decided_by = '', decided_at = NULL,"
            " updated_at = excluded.updated_at",
            (o.channel, o.chat_id, o.user_id, o.role.value, o.kecamatan, o.kelurahan,
             o.area_kode, o.rw, o.rt, o.nama, o.phone, OfficialStatus.MENUNGGU.value, stamp,
             stamp),
        )  # fmt: skip
    saved = await official_for_chat(db, o.channel, o.chat_id)
    assert saved is not None
    return saved


async def decide(db: Database, official_id: int, approve: bool, actor: str, now: datetime) -> bool:
    """Approve or reject a waiting registration; False when it was already decided."""
    status = OfficialStatus.DISETUJUI if approve else OfficialStatus.DITOLAK
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE officials SET status = ?, decided_by = ?, decided_at = ?, updated_at = ?"
            " WHERE id = ? AND status = ?",
            (status.value, actor, iso(now), iso(now), official_id, OfficialStatus.MENUNGGU.value),
        )
        if cur.rowcount:
            action = "official.approve" if approve else "official.reject"
            await audit.add(conn, now, actor, action, {"official_id": official_id})
    return bool(cur.rowcount)


async def waiting_officials(db: Database) -> list[Official]:
    """Registrations waiting for a staff decision, oldest first."""
    rows = await db.fetchall(
        f"{_OFFICIAL} WHERE status = ? ORDER BY id", (OfficialStatus.MENUNGGU.value,)
    )
    return [Official.model_validate(dict(r)) for r in rows]


async def approved_officials(db: Database) -> list[Official]:
    """Approved officials by area (kecamatan, kelurahan, RW, RT)."""
    rows = await db.fetchall(
        f"{_OFFICIAL} WHERE status = ? ORDER BY kecamatan, kelurahan, rw, rt, id",
        (OfficialStatus.DISETUJUI.value,),
    )
    return [Official.model_validate(dict(r)) for r in rows]
