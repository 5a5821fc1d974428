"""SIAK status import: `jemput import statuses FILE` (columns ``nik, status, tanggal``).

`status` holds one of our codes or a SIAK source code (any case, see `bot.core.status`); an
unknown code, a malformed NIK, a NIK not in the data or a bad/future date is rejected with its
row number. Each change becomes a `status_history` row; the outreach triggers turn PRR and
DICETAK changes into the resident's notice through the outbox (the CLI and the staff upload run
them at once, the hourly job would otherwise). A resident who becomes recorded has their pending
summons cancelled. Re-importing changes nothing; an older report never overrides a newer one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path

from bot.core.clock import iso
from bot.core.status import parse_status
from bot.errors import ImportFileError
from bot.imports.field_table import (
    APPLY_ROWS,
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
from storage import statuses as sql
from storage.db import Database
from storage.import_runs import WorkerConnection

logger = logging.getLogger(__name__)

REQUIRED = ("nik", "status", "tanggal")


@dataclass
class StatusImportSummary:
    """What a SIAK status import did."""

    file: str
    rows: int = 0
    changed: int = 0
    unchanged: int = 0  # same status as on file, or already imported
    kept: int = 0  # not applied: older than a report on file, or a kit recording stands
    rejected: int = 0
    recorded: int = 0  # residents who became recorded
    summons_cancelled: int = 0
    resumed: bool = False
    rejects_path: Path | None = None
    notes_path: Path | None = None

    def counts(self) -> dict[str, object]:
        """Counts for the run ledger and audit_log (no NIKs)."""
        names = ("rows", "changed", "unchanged", "kept", "rejected", "recorded",
                 "summons_cancelled", "resumed")  # fmt: skip
        return {"file": self.file, **{n: getattr(self, n) for n in names}}

    def line(self) -> str:
        """One-line summary for the CLI (with the listings' paths)."""
        return summary_line(self.brief(), self.rejects_path, self.notes_path)

    def brief(self) -> str:
        """The counts, without paths (for chats)."""
        text = (
            f"changed {self.changed}, unchanged {self.unchanged}, kept {self.kept},"
            f" rejected {self.rejected}, summons cancelled {self.summons_cancelled}"
        )
        if self.resumed:
            text += " (finished an interrupted import)"
        return text


async def import_statuses(
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
) -> StatusImportSummary:
    """Import SIAK statuses; raise ImportFileError when the file as a whole is unusable."""
    path = Path(path)
    summary = StatusImportSummary(file=path.name)
    with closing(runs.connect(db)) as conn:
        sql.create_staging(conn)
        try:
            with open_field_table(path, REQUIRED, (), max_mb, limits) as table:
                await asyncio.to_thread(_read, table, conn, summary, today)
                digest = await asyncio.to_thread(file_hash, path)
                run_id, summary.resumed = await asyncio.to_thread(
                    runs.start_run, conn, "statuses", path.name, digest, actor, iso(now)
                )
                await _apply(db, conn, table, summary, (run_id, now, apply_rows, progress))
                summary.rejects_path, summary.notes_path = table.close()
        except ImportFileError as exc:
            await audit.record(db, now, actor, "import.statuses", {"refused": str(exc)})
            raise
        counts = summary.counts()
        await asyncio.to_thread(runs.finish_run, conn, run_id, iso(now), actor, counts)
    logger.info("Status import %s: %s", path.name, summary.line())
    return summary


def _read(table: FieldTable, conn: WorkerConnection, s: StatusImportSummary, today: date) -> None:
    """Check and stage every row; reject unknown NIKs and duplicates (worker thread)."""
    s.rows = stage_rows(table, _check, partial(sql.stage, conn), today)
    unknown, dups = sql.sort_staged(conn)
    reasons = {row: "NIK is not in the data wajib KTP" for row, _ in unknown}
    reasons.update({row: f"duplicate of row {first}" for row, first in dups})
    for row, cells in read_rows(table.path, set(reasons), table.limits):
        table.reject(row, cells, reasons[row])
    s.rejected = table.counts.get("rejected", 0)


def _check(table: FieldTable, row: int, cells: list[str], today: date) -> sql.Staged:
    """One row as (row, nik, tanggal, status code); RowError when it cannot be used."""
    nik = table.nik(cells, today)
    code = table.cell(cells, "status")
    if not code:
        raise RowError("status is empty")
    try:
        status = parse_status(code)
    except ValueError:
        raise RowError(f"unknown status code {code!r}") from None
    day = table.day(cells, "tanggal", today, FIRST_RECORDING_DAY)
    return (row, nik, day, status.value)


async def _apply(
    db: Database,
    conn: WorkerConnection,
    table: FieldTable,
    s: StatusImportSummary,
    job: tuple[int, datetime, int, Callable[[int], None] | None],
) -> None:
    """Apply chunk by chunk; cancel the summons of the newly recorded after each commit."""
    run_id, now, size, progress = job
    last = runs.last_id(conn, "st_sorted")
    for lo in range(1, last + 1, size):
        done = await asyncio.to_thread(sql.apply_chunk, conn, lo, lo + size - 1, run_id, iso(now))
        s.changed += done.changed
        s.recorded += len(done.recorded)
        for row, nik, text, kind in done.notes:
            table.note(row, nik, text, kind=kind)
        if done.recorded:
            s.summons_cancelled += await outbox.cancel_pending_for_residents(db, done.recorded, now)
        if progress is not None:
            progress(min(lo + size - 1, last))
    s.kept = table.counts.get("kept", 0)
    s.unchanged = s.rows - s.rejected - s.changed - s.kept
