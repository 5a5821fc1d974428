"""School drives ("jemput bola tanpa order"): students, schools to visit, target lists.

`jemput import students FILE` (``nik, nama, tanggal_lahir, sekolah, kelas``) upserts students
by NIK (re-import changes nothing; bad rows are rejected with their row number). Residents
with a `sekolah` count too. Schools are ranked by students aged 16+ who are not recorded;
those turning 17 within SCHOOL_MONTHS are shown as "soon". A school visit is an order of kind
SEKOLAH planned by staff and scheduled like any order (teams, slots, visits); the team gets the
target list as a CSV (name, class, birth date, masked NIK — students bring their KK).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.core.clock import iso
from bot.core.messages import Document
from bot.core.nik import mask
from bot.core.status import RECORDING_MIN_AGE, WAJIB_KTP_AGE
from bot.errors import ImportFileError
from bot.field_files import FieldTable, file_hash, open_field_table
from bot.outreach import born_by
from bot.tables import RowError
from storage import audit
from storage import field as runs
from storage import schools as sql
from storage.db import Database
from storage.schools import SchoolCount, Target

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
    db: Database, path: Path, *, today: date, now: datetime, actor: str, max_mb: float
) -> StudentSummary:
    """Import a school list; raise ImportFileError when the file as a whole is unusable."""
    path = Path(path)
    try:
        return await asyncio.to_thread(_import, db.path, path, today, iso(now), actor, max_mb)
    except ImportFileError as exc:
        await audit.record(db, now, actor, "import.students", {"refused": str(exc)})
        raise


def _import(
    db_path: Path, path: Path, today: date, at: str, actor: str, max_mb: float
) -> StudentSummary:
    summary = StudentSummary(file=path.name)
    with open_field_table(path, REQUIRED, OPTIONAL, max_mb) as table:
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
    with closing(runs.connect(db_path)) as conn:
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


def _windows(today: date, months: int) -> tuple[date, date, date]:
    """(born by for 16+, born by for 17+, born by for 17+ in `months` months)."""
    later = _add_months(today, months)
    return born_by(today, RECORDING_MIN_AGE), born_by(today, WAJIB_KTP_AGE), born_by(later)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(day.year + year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


async def schools(db: Database, today: date, months: int) -> list[SchoolCount]:
    """Schools by students to record, most first."""
    return await sql.school_counts(db, *_windows(today, months))


async def school_lines(db: Database, today: date, months: int) -> list[str]:
    """`jemput schools`: one line per school."""
    found = await schools(db, today, months)
    head = f"{'school':<40} {'to record':>9} {'turn 17 ≤' + str(months) + 'mo':>12} {'students':>8}"
    return [head] + [f"{s.sekolah[:40]:<40} {s.to_record:>9} {s.soon:>12} {s.students:>8}"
                     for s in found] if found else ["no students to record"]  # fmt: skip


def school_key(name: str) -> str:
    """A short, stable button argument for a school name (callback data ≤ 64 bytes)."""
    return hashlib.blake2b(name.casefold().encode(), digest_size=5).hexdigest()


async def targets(db: Database, today: date, school: str) -> list[Target]:
    """The school's students to record."""
    return await sql.targets(db, school, born_by(today, RECORDING_MIN_AGE))


def targets_csv(school: str, people: list[Target]) -> Document:
    """The team's list: class, name, birth date, masked NIK, status."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("no", "kelas", "nama", "tanggal_lahir", "nik", "status"))
    for i, p in enumerate(people, start=1):
        writer.writerow(
            (i, p.kelas, p.nama, p.tanggal_lahir.isoformat(), mask(p.nik), p.status or "-")
        )
    slug = "".join(c if c.isalnum() else "-" for c in school.lower()).strip("-")[:40]
    return Document(
        filename=f"sasaran-{slug}.csv",
        mime_type="text/csv",
        content=("\ufeff" + out.getvalue()).encode(),
    )


async def write_targets(db: Database, today: date, school: str, folder: Path) -> tuple[Path, int]:
    """`jemput schools --targets SCHOOL`: write the target list into `folder`."""
    people = await targets(db, today, school)
    doc = targets_csv(school, people)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / doc.filename
    path.write_bytes(doc.content)
    return path, len(people)
