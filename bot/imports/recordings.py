"""Kit sync: `jemput import recordings FILE` (or a CSV/XLSX sent by staff to the bot).

Columns (any order, any case): ``nik, tanggal_rekam, kit`` and optionally ``kode_kunjungan``
(the order code of the visit, e.g. JB-2026-0042). Every good row goes into the `recordings`
ledger; a resident who still had to record becomes SUDAH_REKAM (with a status_history row) and
their pending summons are cancelled right after each chunk commits (the dispatcher re-checks
the status before sending anyway); the tally of a closed visit becomes the number of its
recordings. Reported, never silently dropped: a malformed row (bad NIK, bad or future date)
is rejected with its row number; a repeated row (same NIK and date) is rejected as a duplicate;
a NIK recorded twice (two dates) is kept and noted; a NIK not in the data is kept, flagged for
cleanup. Importing the same file again changes nothing; an import killed half-way is finished
by running it again (see `storage.field`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, closing
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path

from bot.core.clock import iso
from bot.errors import ImportFileError
from bot.imports.field_table import (
    FIRST_RECORDING_DAY,
    FieldTable,
    file_hash,
    open_field_table,
    stage_rows,
    summary_line,
)
from bot.imports.limits import DEFAULT_LIMITS, Limits
from bot.imports.tables import RowError, read_rows
from storage import audit, outbox
from storage import import_runs as runs
from storage import recordings as sql
from storage.db import Database
from storage.import_runs import WorkerConnection

logger = logging.getLogger(__name__)

REQUIRED = ("nik", "tanggal_rekam", "kit")
OPTIONAL = ("kode_kunjungan",)
COLUMNS = (*REQUIRED, *OPTIONAL)
KIT_MAX = 60
#: Sorted rows applied in one write transaction: 50,000 rows hold the write lock ~0.5 s here
#: (a running bot's writes wait that long once), and each chunk rewrites the pages of the
#: outbox and the ledger's indexes it shares with the others: fewer chunks, fewer pages.
APPLY_ROWS = 50_000


@dataclass
class KitSyncSummary:
    """What a kit sync did."""

    file: str
    rows: int = 0
    recorded: int = 0  # new ledger rows
    status_changed: int = 0  # residents who became SUDAH_REKAM
    already: int = 0  # rows already in the ledger (an earlier import of the same data)
    flagged: int = 0  # new rows whose NIK is not in the data (kept, flagged for cleanup)
    twice: int = 0  # NIKs recorded on two dates
    duplicates: int = 0
    rejected: int = 0
    summons_cancelled: int = 0
    reconciled: int = 0  # flagged rows applied because their NIK arrived
    resumed: bool = False
    visits: list[tuple[str, str, int]] = field(default_factory=list)
    rejects_path: Path | None = None
    notes_path: Path | None = None

    def counts(self) -> dict[str, object]:
        """Counts for the run ledger and audit_log (no NIKs)."""
        names = (
            *("rows", "recorded", "status_changed", "already", "flagged", "twice"),
            *("duplicates", "rejected", "summons_cancelled", "reconciled", "resumed"),
        )
        return {"file": self.file, **{n: getattr(self, n) for n in names}}

    def line(self) -> str:
        """One-line summary for the CLI (with the listings' paths)."""
        return summary_line(self.brief(), self.rejects_path, self.notes_path)

    def brief(self) -> str:
        """The counts, without paths (for chats)."""
        text = (
            f"recorded {self.recorded} (status changed {self.status_changed}), already imported"
            f" {self.already}, flagged for cleanup {self.flagged}, NIK twice {self.twice},"
            f" duplicates {self.duplicates}, rejected {self.rejected},"
            f" summons cancelled {self.summons_cancelled}"
        )
        if self.visits:
            text += ", visits " + " ".join(f"{c}={n}" for c, _, n in self.visits)
        if self.resumed:
            text += " (finished an interrupted import)"
        return text


@dataclass
class _Job:
    db: Database
    path: Path
    today: date
    now: datetime
    actor: str
    max_mb: float
    apply_rows: int
    progress: Callable[[int], None] | None
    limits: Limits = DEFAULT_LIMITS


async def import_recordings(
    db: Database,
    path: Path,
    *,
    today: date,
    now: datetime,
    actor: str,
    max_mb: float,
    apply_rows: int = APPLY_ROWS,
    progress: Callable[[int], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> KitSyncSummary:
    """Sync a kit export; raise ImportFileError when the file as a whole is unusable."""
    job = _Job(db, Path(path), today, now, actor, max_mb, apply_rows, progress, limits)
    summary = KitSyncSummary(file=job.path.name)
    with closing(runs.connect(db)) as conn, ExitStack() as files:
        sql.create_staging(conn)
        try:
            table = await asyncio.to_thread(files.enter_context, _open(job))
            await asyncio.to_thread(_read, job, table, conn, summary)
        except ImportFileError as exc:
            await audit.record(db, now, actor, "import.recordings", {"refused": str(exc)})
            raise
        digest = await asyncio.to_thread(file_hash, job.path)
        run_id, summary.resumed = await asyncio.to_thread(
            runs.start_run, conn, "recordings", job.path.name, digest, job.actor, iso(job.now)
        )
        reconciled = await asyncio.to_thread(sql.reconcile, conn, iso(now))
        summary.reconciled = reconciled.added
        summary.summons_cancelled += reconciled.cancelled
        problems = await _apply(job, conn, run_id, summary)
        await asyncio.to_thread(_note_problems, table, problems, summary)
        summary.visits = await asyncio.to_thread(sql.visit_tallies, conn, run_id)
        summary.summons_cancelled += await outbox.cancel_summons_of_recorded(db, now)
        counts = summary.counts()
        await asyncio.to_thread(runs.finish_run, conn, run_id, iso(now), job.actor, counts)
    logger.info("Kit sync %s: %s", job.path.name, summary.line())
    return summary


async def _apply(
    job: _Job, conn: WorkerConnection, run_id: int, summary: KitSyncSummary
) -> list[sql.Problem]:
    """Apply the sorted rows chunk by chunk (summons stop in the chunk's own transaction); the
    new rows the notes list."""
    last, at, done = runs.last_id(conn, "kit_sorted"), iso(job.now), 0
    problems: list[sql.Problem] = []
    for lo in range(1, last + 1, job.apply_rows):
        hi = lo + job.apply_rows - 1
        chunk = await asyncio.to_thread(sql.apply_chunk, conn, lo, hi, run_id, at)
        summary.recorded += chunk.added
        summary.status_changed += chunk.changed
        summary.summons_cancelled += chunk.cancelled
        problems += chunk.problems
        done = min(hi, last)
        if job.progress is not None:
            job.progress(done)
    applied = summary.rows - summary.rejected - summary.duplicates
    summary.already = max(applied - summary.recorded, 0)
    return problems


def _open(job: _Job) -> AbstractContextManager[FieldTable]:
    """The kit export, open until the notes are written (after the rows are applied)."""
    return open_field_table(job.path, REQUIRED, OPTIONAL, job.max_mb, job.limits)


def _read(job: _Job, table: FieldTable, conn: WorkerConnection, summary: KitSyncSummary) -> None:
    """Check and stage every row, then sort and list what needs a note (worker thread)."""
    summary.rows = stage_rows(table, _check, partial(sql.stage, conn), job.today)
    _note_sorted(conn, table, summary)
    summary.rejected = table.counts.get("rejected", 0)


def _check(table: FieldTable, row: int, cells: list[str], today: date) -> sql.Staged:
    """One row as (row, nik, tanggal_rekam, kit, code); RowError when it cannot be used."""
    nik, day, kit, code = table.cells_of(cells, COLUMNS)
    nik = table.nik_of(nik, today)
    day = table.day_of(day, "tanggal_rekam", today, FIRST_RECORDING_DAY)
    if len(kit) > KIT_MAX:
        raise RowError(f"kit is longer than {KIT_MAX} characters")
    return (row, nik, day, kit, code.upper())


def _note_sorted(conn: WorkerConnection, table: FieldTable, summary: KitSyncSummary) -> None:
    """Duplicates (rejected), NIKs twice, unknown visit codes, unknown NIKs, earlier dates."""
    duplicates: dict[int, int] = {}
    first_of_nik: dict[str, tuple[int, str]] = {}
    first_of_day: dict[tuple[str, str], int] = {}
    for row, nik, day in sql.sort_staged(conn):
        first_row, first_day = first_of_nik.setdefault(nik, (row, day))
        if (nik, day) in first_of_day:
            duplicates[row] = first_of_day[(nik, day)]
        elif first_row != row:
            table.note(
                row, nik, f"NIK also recorded on {first_day} (row {first_row})", kind="twice"
            )
        first_of_day.setdefault((nik, day), row)
    sql.mark_duplicates(conn, list(duplicates))
    for row, cells in read_rows(table.path, set(duplicates), table.limits):
        table.reject(row, cells, f"duplicate of row {duplicates[row]}", kind="duplicate")
    for row, nik, code in sql.unknown_codes(conn):
        table.note(row, nik, f"kode_kunjungan {code} is not a scheduled visit", kind="code")
    summary.duplicates = table.counts.get("duplicate", 0)


def _note_problems(table: FieldTable, problems: list[sql.Problem], summary: KitSyncSummary) -> None:
    """Note the new rows whose NIK is not in the data or was recorded before (found while
    applying), in row order; close the listings (worker thread)."""
    for row, nik, other, known in sorted(problems):
        if not known:
            table.note(row, nik, "NIK not in the data: kept, flagged for cleanup", kind="flag")
        elif other is not None:
            table.note(row, nik, f"NIK already recorded on {other}", kind="twice")
    summary.twice = table.counts.get("twice", 0)
    summary.flagged = table.counts.get("flag", 0)
    summary.rejects_path, summary.notes_path = table.close()
