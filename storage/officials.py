"""Areas (kecamatan, kelurahan) and the officials (pengurus) registered for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel

from bot.core.clock import iso
from storage import audit
from storage.db import Database


class Area(BaseModel):
    """A kecamatan or kelurahan (Kepmendagri code without dots)."""

    kode: str
    nama: str
    level: str
    parent: str | None = None


class AreaLike(Protocol):
    """Anything with an area's four fields (bot.regions.AreaRow, Area)."""

    @property
    def kode(self) -> str: ...
    @property
    def nama(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def parent(self) -> str | None: ...


class Role(StrEnum):
    """What an official heads."""

    RT = "RT"
    RW = "RW"
    LURAH = "LURAH"
    CAMAT = "CAMAT"


class OfficialStatus(StrEnum):
    """Where a registration stands."""

    MENUNGGU = "MENUNGGU"
    DISETUJUI = "DISETUJUI"
    DITOLAK = "DITOLAK"


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


_AREA = "SELECT kode, nama, level, parent FROM areas"
_OFFICIAL = (
    "SELECT id, channel, chat_id, user_id, role, kecamatan, kelurahan, area_kode, rw, rt, nama,"
    " phone, status, decided_by FROM officials"
)


async def upsert_areas(db: Database, areas: Sequence[AreaLike]) -> int:
    """Insert or rename areas (parents must come before their children); returns the count."""
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO areas (kode, nama, level, parent) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (kode) DO UPDATE SET nama = excluded.nama, level = excluded.level,"
            " parent = excluded.parent",
            [(a.kode, a.nama, a.level, a.parent) for a in areas],
        )
    return len(areas)


async def count_areas(db: Database) -> int:
    """How many areas are loaded."""
    row = await db.fetchone("SELECT count(*) FROM areas")
    return int(row[0]) if row else 0


async def kecamatan_list(db: Database) -> list[Area]:
    """Every kecamatan by name."""
    rows = await db.fetchall(f"{_AREA} WHERE level = 'kecamatan' ORDER BY nama")
    return [Area.model_validate(dict(r)) for r in rows]


async def kelurahan_list(db: Database, kecamatan_kode: str) -> list[Area]:
    """The kelurahan of one kecamatan by name."""
    rows = await db.fetchall(f"{_AREA} WHERE parent = ? ORDER BY nama", (kecamatan_kode,))
    return [Area.model_validate(dict(r)) for r in rows]


async def get_area(db: Database, kode: str) -> Area | None:
    """One area by code."""
    row = await db.fetchone(f"{_AREA} WHERE kode = ?", (kode,))
    return Area.model_validate(dict(row)) if row else None


async def find_kelurahan(db: Database, name: str) -> Area | None:
    """A kelurahan by name (any case)."""
    row = await db.fetchone(
        f"{_AREA} WHERE level = 'kelurahan' AND nama = ? COLLATE NOCASE", (name.strip(),)
    )
    return Area.model_validate(dict(row)) if row else None


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
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'MENUNGGU', ?, ?)"
            " ON CONFLICT (channel, chat_id) DO UPDATE SET user_id = excluded.user_id,"
            " role = excluded.role, kecamatan = excluded.kecamatan,"
            " kelurahan = excluded.kelurahan, area_kode = excluded.area_kode,"
            " rw = excluded.rw, rt = excluded.rt, nama = excluded.nama, phone = excluded.phone,"
            " status = 'MENUNGGU', decided_by = '', decided_at = NULL,"
            " updated_at = excluded.updated_at",
            (o.channel, o.chat_id, o.user_id, o.role.value, o.kecamatan, o.kelurahan,
             o.area_kode, o.rw, o.rt, o.nama, o.phone, stamp, stamp),
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
            " WHERE id = ? AND status = 'MENUNGGU'",
            (status.value, actor, iso(now), iso(now), official_id),
        )
        if cur.rowcount:
            action = "official.approve" if approve else "official.reject"
            await audit.add(conn, now, actor, action, {"official_id": official_id})
    return bool(cur.rowcount)
