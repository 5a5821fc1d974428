"""Residents (data wajib KTP): lookups used by conversations and jobs."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from bot.core.clock import iso
from bot.core.status import Status
from storage.db import Database

_COLUMNS = (
    "nik, no_kk, nama, tanggal_lahir, jenis_kelamin, alamat, rt, rw, kelurahan, kecamatan,"
    " no_hp, status, kawin, sekolah, status_changed_at"
)


class Resident(BaseModel):
    """One person in the data wajib KTP."""

    nik: str
    no_kk: str
    nama: str
    tanggal_lahir: date
    jenis_kelamin: str
    alamat: str = ""
    rt: str = ""
    rw: str = ""
    kelurahan: str = ""
    kecamatan: str = ""
    no_hp: str = ""
    status: Status = Status.BELUM_REKAM
    kawin: bool = False
    sekolah: str = ""
    status_changed_at: str | None = None


async def get_resident(db: Database, nik: str) -> Resident | None:
    """The resident with this NIK, or None."""
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM residents WHERE nik = ?", (nik,))
    return Resident.model_validate(dict(row)) if row else None


async def get_residents(db: Database, niks: list[str]) -> list[Resident]:
    """Residents for these NIKs, in the given order (unknown NIKs skipped)."""
    if not niks:
        return []
    marks = ",".join("?" * len(niks))
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM residents WHERE nik IN ({marks})", niks)
    found = {r["nik"]: Resident.model_validate(dict(r)) for r in rows}
    return [found[n] for n in niks if n in found]


async def count_residents(db: Database) -> int:
    """How many residents are on file."""
    row = await db.fetchone("SELECT count(*) FROM residents")
    return int(row[0]) if row else 0


async def add_residents(db: Database, residents: list[Resident], now: datetime) -> None:
    """Insert or replace residents as given (demo data and tests; files go through the importer)."""
    stamp = iso(now)
    rows = [
        (
            r.nik, r.no_kk, r.nama, r.tanggal_lahir.isoformat(), r.jenis_kelamin, r.alamat,
            r.rt, r.rw, r.kelurahan, r.kecamatan, r.no_hp, r.status.value, int(r.kawin),
            r.sekolah, stamp, stamp,
        )
        for r in residents
    ]  # fmt: skip
    async with db.write() as conn:
        await conn.executemany(
            "INSERT OR REPLACE INTO residents (nik, no_kk, nama, tanggal_lahir, jenis_kelamin,"
            " alamat, rt, rw, kelurahan, kecamatan, no_hp, status, kawin, sekolah, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
