"""`jemput import students FILE` (``nik, nama, tanggal_lahir, sekolah, kelas``) for school drives.

Students are upserted by NIK (re-import changes nothing; bad rows are rejected with their row
number); `bot.reports.schools` ranks the schools to visit from them.
"""

from __future__ import annotations

import asyncio
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.core.clock import iso
from bot.errors import ImportFileError
from bot.imports.field_table import FieldTable, file_hash, open_field_table
from bot.imports.limits import DEFAULT_LIMITS, Limits
from bot.imports.tables import RowError
from storage import audit
from storage import import_runs as runs
from storage import schools as sql
from storage.db import Database

REQUIRED = ("nik", "nama", "tanggal_lahir", "sekolah")
OPTIONAL = ("kelas",)
EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass
class StudentSummary:
    """What a students import did."""

    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    rejects_path: Path | None = None
    notes_path: Path | None = None

    @property
    def unchanged(self) -> int:
        """Rows equal to what is on file."""
        return self.rows - self.rejected - self.inserted - self.updated

    def line(self) -> str:
        """One-line summary for the CLI."""
        text = self.brief()
        return f"{text} (rejects: {self.rejects_path})" if self.rejects_path else text

    def brief(self) -> str:
        """The counts, without paths (for chats)."""
        return (
            f"inserted {self.inserted}, updated {self.updated}, unchanged {self.unchanged},"
            f" rejected {self.rejected}"
        )


async def import_students(
    db: Database, path: Path, *, today: date, now: datetime, actor: str, max_mb: float,
    limits: Limits = DEFAULT_LIMITS,
) -> StudentSummary:  # fmt: skip
    """Import a school list; raise ImportFileError when the file as a whole is unusable."""
    path = Path(path)
    try:
        return await asyncio.to_thread(
            _import, runs.worker_target(db), path, today, iso(now), actor, (max_mb, limits)
        )
    except ImportFileError as exc:
        await audit.record(db, now, actor, "import.students", {"refused": str(exc)})
        raise


def _import(
    db_target: Path | str,
    path: Path,
    today: date,
    at: str,
    actor: str,
    bounds: tuple[float, Limits],
) -> StudentSummary:
    summary = StudentSummary(file=path.name)
    with open_field_table(path, REQUIRED, OPTIONAL, *bounds) as table:
        rows: dict[str, sql.Student] = {}
        for row, cells in table.rows:
            summary.rows += 1
            try:
                student = _check(table, row, cells, today)
                if student[1] in rows:
                    raise RowError(f"NIK repeats row {rows[student[1]][0]}")
                rows[student[1]] = student
            except RowError as exc:
                table.reject(row, cells, exc.reason)
        if not summary.rows:
            raise ImportFileError(f"{path.name}: the file has a header but no data rows")
        summary.rejected = table.counts.get("rejected", 0)
        summary.rejects_path, summary.notes_path = table.close()
    with closing(runs.connect(db_target)) as conn:
        run_id, _ = runs.start_run(conn, "students", path.name, file_hash(path), actor, at)
        summary.inserted, summary.updated = sql.upsert_students(
            conn, list(rows.values()), run_id, at
        )
        counts = {"file": path.name, "rows": summary.rows, "inserted": summary.inserted,
                  "updated": summary.updated, "rejected": summary.rejected}  # fmt: skip
        runs.finish_run(conn, run_id, at, actor, counts)
    return summary


def _check(table: FieldTable, row: int, cells: list[str], today: date) -> sql.Student:
    nik = table.nik(cells, today)
    nama, sekolah = table.cell(cells, "nama"), " ".join(table.cell(cells, "sekolah").split())
    if not nama or not sekolah:
        raise RowError("nama is empty" if not nama else "sekolah is empty")
    born = table.day(cells, "tanggal_lahir", today, EARLIEST_BIRTH)
    return (row, nik, nama, born, sekolah, table.cell(cells, "kelas"))
