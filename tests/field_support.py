"""Helpers for the field tests (kit sync, SIAK statuses, schools, progress, privacy)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.app import App
from bot.cli.demo import make_kk, make_nik
from bot.core.capacity import Slot
from bot.core.orders import Attempt, Tallies
from storage import visits
from storage.staging import connect_worker
from tests.order_support import ADMIN, add_team, saved_order


def write_csv(path: Path, header: str, lines: Iterable[str]) -> Path:
    """A CSV file with a header line."""
    path.write_text(header + "\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], merge: str | None = None) -> Path:
    """An Excel file (first sheet), optionally with merged cells (e.g. 'A1:B1')."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


async def scalar(app: App, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """One value from a read."""
    row = await app.db.fetchone(sql, params)
    assert row is not None
    return row[0]


async def status_of(app: App, nik: str) -> str:
    """A resident's stored status."""
    return str(await scalar(app, "SELECT status FROM residents WHERE nik = ?", (nik,)))


async def closed_visit(app: App, day: date, terekam: int = 5) -> tuple[str, int]:
    """A community visit in Kel. Bacang RW 002 RT 001, scheduled and closed: (code, visit id)."""
    team_id = await add_team(app)
    order = await saved_order(app, days=(day,))
    staff = (ADMIN, "Admin")
    outcome = await visits.schedule(
        app.db, order.id, team_id, day, Slot.PAGI, staff, "test", app.clock.now()
    )
    assert outcome is Attempt.DONE
    await visits.close_visit(app.db, order.id, Tallies(terekam=terekam), "test", app.clock.now())
    visit = await visits.visit_of_order(app.db, order.id)
    assert visit is not None
    return order.code, visit.id


def bulk_residents(
    db_path: Path | str, count: int, today: date, status: str = "BELUM_REKAM"
) -> list[str]:
    """Insert `count` adult residents fast (the import worker connection, SQLite or
    PostgreSQL); returns their NIKs."""
    niks, rows = [], []
    for i in range(count):
        born = today - timedelta(days=20 * 365 + i % 5000)
        nik = make_nik(f"{i % 7 + 1:02d}", born, "L", 1 + i % 9999)
        nik = nik[:12] + f"{(i // 9999) % 10}{nik[13:]}" if i >= 9999 else nik
        niks.append(nik)
        kk = make_kk("01", date(2015, 1, 1), 1 + i % 9999)
        rows.append((nik, kk, f"Warga {i}", born.isoformat(), "L", f"{1 + i % 9:03d}",
                     "001", "Bacang", "Bukit Intan", status, "x", "x"))  # fmt: skip
    with closing(connect_worker(db_path)) as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT OR IGNORE INTO residents (nik, no_kk, nama, tanggal_lahir, jenis_kelamin, rt,"
            " rw, kelurahan, kecamatan, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")
    return niks
