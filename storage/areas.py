"""Areas: the kecamatan and kelurahan of the city, from the operator's Kepmendagri list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel

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


_AREA = "SELECT kode, nama, level, parent FROM areas"


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
