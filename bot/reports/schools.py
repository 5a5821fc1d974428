"""School drives ("jemput bola tanpa order"): schools to visit and their target lists.

Students come from `jemput import students` (`bot.imports.students`); residents with a
`sekolah` count too. A school is listed when it has students still to record who are 16+ now
or turn 17 within SCHOOL_MONTHS (`--months`), any age now; the two columns say which (a
16-year-old turning 17 soon counts in both). Ranked by the 16+ to record, then the "soon".
A school visit is an order of kind SEKOLAH planned by staff and scheduled like any order
(teams, slots, visits); the team gets the target list as a CSV (name, class, birth date,
masked NIK — students bring their KK).
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from pathlib import Path

from bot.core.files import private_dir, write_private_bytes
from bot.core.messages import Document
from bot.core.nik import mask
from bot.core.status import RECORDING_MIN_AGE, WAJIB_KTP_AGE, born_by
from storage import schools as sql
from storage.db import Database
from storage.schools import SchoolCount, Target


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
    soon = f"turn 17 ≤{months}mo"
    head = f"{'school':<40} {'16+ to record':>13} {soon:>13} {'students':>8}"
    return [head] + [f"{s.sekolah[:40]:<40} {s.to_record:>13} {s.soon:>13} {s.students:>8}"
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
    path = write_private_bytes(private_dir(folder) / doc.filename, doc.content)  # 0600
    return path, len(people)
