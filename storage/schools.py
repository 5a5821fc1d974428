"""Students and school drives: the students table, schools by students to record, targets.

A student is anyone in `students` (school lists) or a resident with a `sekolah`; the school
list wins for a NIK in both. A student counts as recorded by their resident status when they
are in the data wajib KTP, else when a kit recorded their NIK.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel

from bot.core.status import RECORDED
from storage import audit
from storage.db import Database
from storage.dialect import Dialect
from storage.staging import WorkerConnection

#: row, nik, nama, tanggal_lahir, sekolah, kelas.
Student = tuple[int, str, str, str, str, str]

_RECORDED_SQL = ", ".join(f"'{s.value}'" for s in sorted(RECORDED))
_PEOPLE = f"""
WITH people AS (
    SELECT s.nik, s.nama, s.tanggal_lahir, s.sekolah, s.kelas FROM students s
    UNION ALL
    SELECT r.nik, r.nama, r.tanggal_lahir, r.sekolah, '' FROM residents r
    WHERE r.sekolah <> '' AND NOT EXISTS (SELECT 1 FROM students s WHERE s.nik = r.nik)),
flagged AS (
    SELECT p.*, coalesce(r.status, '') AS status,
           CASE WHEN r.nik IS NOT NULL THEN r.status IN ({_RECORDED_SQL})
                ELSE EXISTS (SELECT 1 FROM recordings k WHERE k.nik = p.nik) END AS recorded
    FROM people p LEFT JOIN residents r ON r.nik = p.nik)
"""


class SchoolCount(BaseModel):
    """One school: students on file, those 16+ still to record, and those still to record who
    turn 17 within the window (the two may overlap: a 16-year-old turning 17 soon is in both)."""

    sekolah: str
    students: int
    to_record: int
    soon: int


class Target(BaseModel):
    """A student the team should record."""

    nik: str
    nama: str
    tanggal_lahir: date
    kelas: str
    status: str


def upsert_students(
    conn: WorkerConnection, rows: Sequence[Student], run_id: int, at: str
) -> tuple[int, int]:
    """Insert or update students by NIK in one transaction: (inserted, updated)."""
    niks = [(r[1],) for r in rows]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS known_students (nik TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.known_students")
        conn.executemany(
            "INSERT OR IGNORE INTO temp.known_students SELECT nik FROM students WHERE nik = ?", niks
        )
        before = conn.execute("SELECT count(*) FROM temp.known_students").fetchone()[0]
        changed = conn.executemany(
            "INSERT INTO students (nik, nama, tanggal_lahir, sekolah, kelas, run_id, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (nik) DO UPDATE SET nama = excluded.nama,"
            " tanggal_lahir = excluded.tanggal_lahir, sekolah = excluded.sekolah,"
            " kelas = excluded.kelas, run_id = excluded.run_id, updated_at = excluded.updated_at"
            " WHERE (students.nama, students.tanggal_lahir, students.sekolah, students.kelas)"
            " IS DISTINCT FROM"
            " (excluded.nama, excluded.tanggal_lahir, excluded.sekolah, excluded.kelas)",
            [(r[1], r[2], r[3], r[4], r[5], run_id, at) for r in rows],
        ).rowcount
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    inserted = len(rows) - int(before)
    return inserted, max(changed, 0) - inserted


async def school_counts(
    db: Database, born16: date, born17: date, born17_by: date
) -> list[SchoolCount]:
    """Schools with students to record: 16+ (born on or before `born16`: `to_record`) or
    turning 17 within the window (born after `born17`, on or before `born17_by`: `soon`, any
    age now); most to record first, then most turning 17 soon."""
    # the school's name as first in byte order (SQLite's BINARY; PostgreSQL's "C")
    name = 'min(sekolah COLLATE "C")' if db.dialect is Dialect.POSTGRES else "min(sekolah)"
    rows = await db.fetchall(
        f"{_PEOPLE} SELECT * FROM (SELECT {name} AS sekolah, count(*) AS students,"
        " sum(CASE WHEN NOT recorded AND tanggal_lahir <= ? THEN 1 ELSE 0 END) AS to_record,"
        " sum(CASE WHEN NOT recorded AND tanggal_lahir > ? AND tanggal_lahir <= ? THEN 1"
        " ELSE 0 END) AS soon FROM flagged GROUP BY sekolah COLLATE NOCASE) AS ranked"
        " WHERE to_record > 0 OR soon > 0 ORDER BY to_record DESC, soon DESC, sekolah",
        (born16.isoformat(), born17.isoformat(), born17_by.isoformat()),
    )
    return [SchoolCount.model_validate(dict(r)) for r in rows]


async def targets(db: Database, school: str, born16: date) -> list[Target]:
    """The school's students aged 16+ who are not recorded, by class and name."""
    rows = await db.fetchall(
        f"{_PEOPLE} SELECT nik, nama, tanggal_lahir, kelas, status FROM flagged"
        " WHERE sekolah = ? COLLATE NOCASE AND NOT recorded AND tanggal_lahir <= ?"
        " ORDER BY kelas, nama, nik",
        (school, born16.isoformat()),
    )
    return [Target.model_validate(dict(r)) for r in rows]


async def add_school_order(
    db: Database, order_id: int, school: str, actor: str, now: datetime
) -> None:
    """Name the school of a SEKOLAH order (audited as `school.plan`)."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT OR REPLACE INTO school_orders (order_id, sekolah) VALUES (?, ?)",
            (order_id, school),
        )
        await audit.add(conn, now, actor, "school.plan", {"order_id": order_id, "school": school})
