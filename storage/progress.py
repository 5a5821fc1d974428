"""SQL for progress to the deadline: coverage by area, recordings per day, exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel

from bot.core.orders import VisitStatus
from bot.core.status import RECORDED
from storage.db import Database
from storage.flow import LIVE
from storage.outbox import NEEDS_RECORDING_SQL
from storage.staging import WorkerConnection

_RECORDED_SQL = ", ".join(f"'{s.value}'" for s in sorted(RECORDED))
#: Residents who must have an e-KTP today (17+ on :born_by, or married): the target.
_WAJIB = "(kawin = 1 OR tanggal_lahir <= ?)"


class AreaCount(BaseModel):
    """Target and recorded residents of one RW."""

    kecamatan: str
    kelurahan: str
    rw: str
    target: int
    recorded: int


async def coverage(db: Database, born_by: date) -> list[AreaCount]:
    """Target and recorded per kecamatan, kelurahan and RW (one scan of residents).

    The unary ``+`` keeps SQLite off the residents_area index: walking it means a primary-key
    lookup per resident (2.2 s at 1M residents); a plain scan and a sort take 1.4 s.
    """
    rows = await db.fetchall(
        "SELECT kecamatan, kelurahan, rw, count(*) AS target,"
        f" sum(CASE WHEN status IN ({_RECORDED_SQL}) THEN 1 ELSE 0 END) AS recorded"
        f" FROM residents WHERE {_WAJIB}"
        " GROUP BY +kecamatan, +kelurahan, +rw",
        (born_by.isoformat(),),
    )
    return [AreaCount.model_validate(dict(r)) for r in rows]


async def recordings_per_day(db: Database, since: date) -> dict[date, int]:
    """Recordings per day from the kit/SIAK ledger, plus the tallies of closed visits whose
    recordings are not in the ledger (so nothing is counted twice)."""
    ledger = await db.fetchall(
        "SELECT tanggal_rekam, count(*) FROM recordings WHERE cleanup = 0 AND tanggal_rekam >= ?"
        " GROUP BY tanggal_rekam",
        (since.isoformat(),),
    )
    tallies = await db.fetchall(
        f"SELECT v.day, sum(v.terekam) FROM visits v WHERE v.status = '{VisitStatus.SELESAI}'"
        " AND v.terekam IS NOT NULL AND v.day >= ?"
        " AND NOT EXISTS (SELECT 1 FROM recordings k WHERE k.visit_id = v.id) GROUP BY v.day",
        (since.isoformat(),),
    )
    days: dict[date, int] = {}
    for day, count in [*ledger, *tallies]:
        key = date.fromisoformat(day)
        days[key] = days.get(key, 0) + int(count or 0)
    return days


async def team_capacity(db: Database) -> float | None:
    """Average recordings per visit the active teams can do (kits × per kit), None without."""
    row = await db.fetchone("SELECT avg(kits * per_kit) FROM teams WHERE active = 1")
    return float(row[0]) if row and row[0] is not None else None


def unrecorded_by_rt(conn: WorkerConnection, born_by: date) -> Iterator[tuple[str, ...]]:
    """Wajib-KTP residents still to record, by area and RT: (kecamatan, kelurahan, rw, rt, nama,
    nik, alamat, status) — streamed on a worker connection."""
    yield from conn.execute(
        "SELECT kecamatan, kelurahan, rw, rt, nama, nik, alamat, status FROM residents"
        f" WHERE status IN ({NEEDS_RECORDING_SQL}) AND {_WAJIB}"
        " ORDER BY kecamatan, kelurahan, rw, rt, nama",
        (born_by.isoformat(),),
    )


def orders_export(conn: WorkerConnection) -> Iterator[tuple[object, ...]]:
    """Every order with its visit (if any): code, kind, status, area, address, participants,
    created, visit day, slot, team, visit status, tallies."""
    yield from conn.execute(
        "SELECT o.code, o.kind, o.status, o.kecamatan, o.kelurahan, o.rw, o.rt, o.address,"
        " o.participants, substr(o.created_at, 1, 10), v.day, v.slot, t.name, v.status,"
        " v.terekam, v.gagal, v.tidak_hadir, v.sudah_punya, v.belum_16,"
        " (SELECT count(*) FROM recordings k WHERE k.visit_id = v.id)"
        " FROM orders o LEFT JOIN visits v ON v.order_id = o.id"
        f" AND v.status IN ({LIVE}) LEFT JOIN teams t ON t.id = v.team_id"
        " ORDER BY o.id"
    )
