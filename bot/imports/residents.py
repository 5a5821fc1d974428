"""`jemput import residents FILE`: load the data wajib KTP from a CSV or XLSX file.

Columns are found by header name (any order, any case): nik, no_kk, nama, tanggal_lahir,
jenis_kelamin and status_ektp are required (an empty status cell means BELUM_REKAM; a missing
status *column* is refused because it would reset everyone's status); alamat, rt, rw, kelurahan,
kecamatan, no_hp, kawin and sekolah are optional; other columns are ignored. CSV files are
UTF-8 (a BOM is fine) separated by ``,`` or ``;`` (sniffed from the header).

The file is streamed: checked rows are staged, then upserted by NIK in short transactions
(see `storage.imports`), so nothing changes until the whole file has been read. A row equal to
what is stored is counted as unchanged: importing the same file twice changes nothing. A bad
row is rejected with its spreadsheet row number (the header is row 1) and listed with its
reason in ``<stem>.rejects.csv`` next to the file (same columns and delimiter, plus ``row`` and
``reason``: fix it and import it as it is); the other rows still import. When a NIK repeats
within the file the first row wins and the later ones are rejected (listed last). A NIK whose
birth date or sex disagrees with the columns (or whose region is not a known kecamatan, with
``--regions``) is imported and listed in ``<stem>.warnings.csv``. Status changes go to
``status_history`` with the summary's `changed_at` (see `storage.imports.status_changes`); a
new resident gets no history row (its status and created_at say it all). Logs mask NIKs.

A status never moves back (`bot.core.status.STAGE`): a row whose status is an earlier stage
than the one on file keeps the stored status, is listed in the warnings and counted as
``status_kept``. Re-importing is cheap: a CSV line exactly as on file (its hash is kept in
``residents.line_hash``) is passed by unread (`bot.imports.unchanged`). Files are bounded by
`bot.imports.limits` before and while they are read.

The file is read by `bot.imports.tables`, each row checked by `bot.imports.resident_rows` and
the region lists read by `bot.imports.regions`; this module runs the import and sums it up. On
PostgreSQL a large CSV is read by two processes at once (`bot.imports.resident_split`), with
the same rows, rejects, warnings and summary as one pass.

Run from the CLI as ``import_residents(db, path, today=..., actor="cli:<user>",
progress=stderr_progress)`` and print ``summary.line()``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
from array import array
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from bot.core.clock import iso
from bot.core.nik import mask
from bot.errors import ImportFileError
from bot.imports import resident_split
from bot.imports.limits import DEFAULT_LIMITS, Limits
from bot.imports.regions import load_regions, region_files
from bot.imports.resident_rows import OPTIONAL, REQUIRED, RowChecker
from bot.imports.tables import (
    Output,
    RowError,
    Table,
    column_names,
    map_columns,
    open_table,
    read_rows,
)
from bot.imports.unchanged import KnownLines
from storage import import_runs as runs
from storage import outbox
from storage import resident_import as imports
from storage.db import Database
from storage.import_runs import WorkerConnection
from storage.resident_import import Record, WarningRow

logger = logging.getLogger(__name__)

BATCH_ROWS = 10_000
PROGRESS_EVERY = 50_000
ACTION = "import.residents"

_NUMBER16 = re.compile(r"\d{16}")  # a NIK or KK in a reason: masked in logs


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did; `changed_at` is the timestamp of its writes and history rows."""

    file: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    warnings: int
    status_changed: int
    rejects_path: Path | None
    warnings_path: Path | None
    changed_at: str
    first_rejects: tuple[str, ...] = ()
    first_warnings: tuple[str, ...] = ()
    status_kept: int = 0  # rows whose status would have moved a resident back (warnings)

    def line(self) -> str:
        """One-line summary for the CLI."""
        text = (
            f"inserted {self.inserted}, updated {self.updated}, unchanged {self.unchanged},"
            f" rejected {self.rejected}, warnings {self.warnings}"
        )
        if self.status_kept:
            text += f" (status not moved back: {self.status_kept})"
        files = [f"rejects: {self.rejects_path}"] if self.rejects_path else []
        files += [f"warnings: {self.warnings_path}"] if self.warnings_path else []
        return f"{text} ({'; '.join(files)})" if files else text


def stderr_progress(rows: int) -> None:
    """Progress printer: a counter on a terminal, else a line every `PROGRESS_EVERY` rows."""
    if sys.stderr.isatty():
        sys.stderr.write(f"{rows:,} rows\r")  # the next output overwrites the counter
    elif rows % PROGRESS_EVERY == 0:
        sys.stderr.write(f"{rows:,} rows\n")
    sys.stderr.flush()


async def import_residents(
    db: Database,
    path: Path,
    *,
    today: date,
    actor: str,
    regions: Path | Sequence[Path] | None = None,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
    batch_rows: int = BATCH_ROWS,
    limits: Limits = DEFAULT_LIMITS,
    merge_rows: int = imports.MERGE_ROWS,
    split_bytes: int = resident_split.SPLIT_BYTES,
) -> ImportSummary:
    """Import residents from a CSV/XLSX file; raise ImportFileError when the file is unusable.

    `regions`: Kepmendagri code lists (kode,nama,tingkat[,terakhir_ada_tahun]); a file
    ``X_historic.csv`` next to ``X.csv`` is read too. `progress` gets the rows read so far.
    On PostgreSQL a CSV of `split_bytes` or more is read by two processes
    (`bot.imports.resident_split`; 0: never).
    """
    job = _Job(
        db_target=runs.worker_target(db),
        path=Path(path),
        today=today,
        actor=actor,
        at=iso(now or datetime.now(UTC)),
        regions=region_files(regions),
        progress=progress,
        batch_rows=batch_rows,
        limits=limits,
        merge_rows=max(merge_rows, 1),
        split_bytes=split_bytes,
    )
    summary = await asyncio.to_thread(_run, job)
    if summary.status_changed:  # summons of residents who recorded stop at once
        await outbox.cancel_summons_of_recorded(db, now or datetime.now(UTC))
    return summary


# --- running an import ---------------------------------------------------------------------


def _mask_match(found: re.Match[str]) -> str:
    return mask(found.group())


@dataclass(frozen=True, slots=True)
class _Job:
    """Everything one import needs, handed to the worker thread."""

    db_target: Path | str
    path: Path
    today: date
    actor: str
    at: str
    regions: list[Path]
    progress: Callable[[int], None] | None
    batch_rows: int
    limits: Limits
    merge_rows: int
    split_bytes: int


class _Listing(Protocol):
    """Where rejected rows go (an `Output`; the helper's events in a split read)."""

    def write(self, cells: list[str], note: str) -> None:
        """List one row."""


class _Staging(Protocol):
    """Where checked rows go (a `Stager`; the helper's COPY file in a split read)."""

    def add(self, records: list[Record], warnings: list[WarningRow]) -> None:
        """Stage a batch."""


class _Reader:
    """Reads and checks the rows of a table (the import's, or the split helper's part)."""

    def __init__(
        self, job: _Job, table: Table, regions: dict[str, int | None], rejects: _Listing
    ) -> None:
        self.job = job
        self.table = table
        columns = map_columns(table.header, job.path.name, required=REQUIRED, optional=OPTIONAL)
        self.checker = RowChecker(columns, len(column_names(table.header)), job.today, regions)
        self.nik_col = columns["nik"]
        self.rows = 0
        self.unchanged = 0  # lines passed by as on file (`bot.imports.unchanged`)
        self.rejects: _Listing = rejects

    def _read(self, stager: _Staging) -> None:
        check, size, records = self.checker.check, self.job.batch_rows, []
        lines, first = self.table.lines, self.table.first_row
        for row, cells in enumerate(self.table.rows, first):
            if not (cells and cells[0]) and not any(c.strip() for c in cells):
                continue  # blank row
            self.rows += 1
            if lines is not None:  # lines on file were passed by: the splitter counts rows
                row = first + lines.index
            try:
                records.append(check(cells, row, lines.current if lines else 0))
            except RowError as exc:
                self.reject(row, cells, exc.reason)
            if self.rows % size == 0:
                self._stage(stager, records)
                records = []
        if self.rows % size:
            self._stage(stager, records)
        if lines is not None:
            self.unchanged = lines.unchanged
            self.rows += lines.unchanged

    def _stage(self, stager: _Staging, records: list[Record]) -> None:
        stager.add(records, self.checker.warnings)
        self.checker.warnings = []
        if self.job.progress is not None:
            self.job.progress(self.rows)

    def reject(self, row: int, cells: list[str], reason: str) -> None:
        """List a rejected row as read, followed by its row number and reason."""
        width = len(self.table.header)
        extra = [c for c in cells[width:] if c.strip()]
        out = cells[:width] + [""] * (width - len(cells)) + [str(row), reason, *extra]
        nik = cells[self.nik_col] if self.nik_col < len(cells) else ""
        note = f"row {row} rejected: {_NUMBER16.sub(_mask_match, reason)} (NIK {mask(nik)})"
        self.rejects.write(out, note)


def run_part(
    task: resident_split.HelperTask, table: Table, stager: _Staging, rejects: _Listing
) -> int:
    """The split helper's read of its part (`bot.imports.resident_split`); its row count."""
    job = _Job(
        db_target=task.target, path=task.path, today=task.today, actor="", at="",
        regions=task.regions, progress=None, batch_rows=BATCH_ROWS, limits=task.limits,
        merge_rows=1, split_bytes=0,
    )  # fmt: skip
    regions = load_regions(task.regions) if task.regions else {}
    reader = _Reader(job, table, regions, rejects)
    reader._read(stager)
    return reader.rows


class _Run(_Reader):
    """One import: reads and checks rows, stages them, lists rejects and warnings, merges."""

    rejects: Output

    def __init__(
        self, job: _Job, table: Table, regions: dict[str, int | None], known: KnownLines
    ) -> None:
        out, stem, sep = job.path.parent, job.path.stem, table.delimiter
        rejects = Output(out / f"{stem}.rejects.csv", [*table.header, "row", "reason"], sep)
        super().__init__(job, table, regions, rejects)
        self.warns = Output(out / f"{stem}.warnings.csv", ["row", "nik", "nama", "warning"], sep)
        self.known = known
        self.kept = 0  # statuses not moved back
        self.twice: set[int] = set()  # NIKs of lines on file passed by in both parts

    def read(self, conn: WorkerConnection, helper: resident_split.Helper | None = None) -> None:
        """Check every row; stage the good ones in batches, list the bad ones; with a
        `helper`, take in the part it read."""
        with imports.Stager(conn) as stager:
            self._read(stager)
            if helper is not None:
                self._take(helper, stager)

    def _take(self, helper: resident_split.Helper, stager: imports.Stager) -> None:
        """Replay the helper's rejects and warnings, stage its rows, add its counts."""
        waited = time.monotonic()
        helper.wait()
        waited = time.monotonic() - waited
        done: tuple[int, array[int], array[int], array[int], int] | None = None
        for kind, value in helper.events():
            if kind == "rejects":
                for cells, note in value:
                    self.rejects.write(cells, note)
            elif kind == "warnings":
                stager.add([], value)
            elif kind == "error":
                raise resident_split.error_of(value)
            else:
                done = value
        if done is None or self.table.lines is None:
            raise ImportFileError(f"{self.job.path.name}: the second reader gave no result")
        copied = time.monotonic()
        with helper.rows_file() as data:
            stager.add_spooled(data)
        copied = time.monotonic() - copied
        rows, fast_rows, fast_niks, hashes, peak = done
        logger.debug(
            "%s: second reader: %d rows, waited for %.1f s, its COPY %.1f s, peak RSS %d MiB",
            *(self.job.path.name, rows, waited, copied, peak >> 10),
        )
        lines = self.table.lines
        self.twice = {fast_niks[n] for n in resident_split.twice_taken(self.known, hashes)}
        lines.fast_rows.extend(fast_rows)
        lines.fast_niks.extend(fast_niks)
        lines.unchanged += len(fast_rows)
        self.unchanged += len(fast_rows)
        self.rows += rows
        if self.job.progress is not None:
            self.job.progress(self.rows)

    def stage_unchanged(self, conn: WorkerConnection) -> None:
        """Note the lines passed by whose NIK is also on a staged row, or on another line
        passed by (`twice`), to find repeats."""
        lines = self.table.lines
        if lines is None or not lines.unchanged:
            return
        wanted = imports.staged_niks(conn) | self.twice
        if not wanted:
            return
        first, fast = self.table.first_row, zip(lines.fast_rows, lines.fast_niks, strict=True)
        imports.stage_unchanged(
            conn, [(first + row, f"{nik:016d}") for row, nik in fast if nik in wanted]
        )

    def list_warnings(self, conn: WorkerConnection, skip: dict[int, int]) -> None:
        """Write the staged warnings, leaving out rows rejected as repeats."""
        for row, nik, nama, text in imports.staged_warnings(conn):
            if row not in skip:
                self.warns.write([str(row), nik, nama, text], f"row {row}: {text} ({mask(nik)})")

    def summary(self, merged: imports.MergeResult) -> ImportSummary:
        """Close the listings and sum up."""
        return ImportSummary(
            file=self.job.path.name,
            rows=self.rows,
            inserted=merged.inserted,
            updated=merged.updated,
            unchanged=merged.unchanged + self.unchanged,
            rejected=self.rejects.count,
            warnings=self.warns.count,
            status_changed=merged.status_changed,
            status_kept=self.kept,
            rejects_path=self.rejects.close(),
            warnings_path=self.warns.close(),
            changed_at=self.job.at,
            first_rejects=tuple(self.rejects.first),
            first_warnings=tuple(self.warns.first),
        )


def _reject_repeats(run: _Run, repeats: dict[int, int]) -> None:
    """Read the file again for the raw cells of rows whose NIK came earlier (rare)."""
    for row, cells in read_rows(run.job.path, repeats, run.job.limits):
        run.reject(row, cells, f"NIK repeats row {repeats[row]}")


def _audit_detail(summary: ImportSummary) -> dict[str, object]:
    """Counts and the file name for audit_log (no NIKs)."""
    return {
        "file": summary.file,
        "rows": summary.rows,
        "inserted": summary.inserted,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": summary.rejected,
        "warnings": summary.warnings,
        "status_changed": summary.status_changed,
        "status_kept": summary.status_kept,
    }


def _run(job: _Job) -> ImportSummary:
    """The whole import, synchronously (runs in a worker thread)."""
    started = time.monotonic()
    regions = load_regions(job.regions) if job.regions else {}
    with closing(imports.connect(job.db_target)) as conn:
        known = KnownLines(imports.line_hashes(conn))  # 8 bytes a resident on file
        plan = _plan(job, conn, known)
        stop = plan.lines - 1 if plan else None
        with open_table(job.path, limits=job.limits, known=known, stop_lines=stop) as table:
            run = _Run(job, table, regions, known)
            helper = None
            if plan is not None and table.lines is not None:
                row = plan.lines + 1
                logger.debug("%s: rows from %d on read by a second process", job.path.name, row)
                helper = resident_split.start_helper(
                    str(job.db_target), job.path, plan, table, today=job.today,
                    regions=job.regions, limits=job.limits, with_known=len(known) > 0,
                )  # fmt: skip
            try:
                summary = _import(job, run, conn, started, helper)
            finally:
                if helper is not None:
                    helper.stop()
    done = time.monotonic()
    logger.debug("Imported %s in %.1f s: %s", job.path.name, done - started, summary.line())
    return summary


def _plan(job: _Job, conn: WorkerConnection, known: KnownLines) -> resident_split.SplitPlan | None:
    """Where to cut the file for two readers: a large CSV imported into PostgreSQL, unless
    the residents on file are more than half its lines (a re-import)."""
    if not job.split_bytes or not imports.copies(conn):
        return None
    if job.path.suffix.lower() not in {".csv", ".txt"} or not job.path.is_file():
        return None
    plan = resident_split.plan_split(job.path, job.split_bytes)
    if plan is None or not known:
        return plan
    lines = plan.lines * job.path.stat().st_size // plan.offset  # about
    return None if 2 * len(known) > lines else plan  # one reader passes lines on file faster


def _import(
    job: _Job,
    run: _Run,
    conn: WorkerConnection,
    started: float,
    helper: resident_split.Helper | None = None,
) -> ImportSummary:
    """Read, sort, list and merge one open file."""
    try:
        run.read(conn, helper)
        read = time.monotonic()
        _list_repeats_and_warnings(run, conn)
    finally:
        run.rejects.close()
        run.warns.close()
    sort = time.monotonic()
    summary = run.summary(imports.merge(conn, job.at, chunk=job.merge_rows))
    imports.write_audit(conn, job.at, job.actor, ACTION, _audit_detail(summary))
    logger.debug(
        "phases of %s: read %.1f s (%d unchanged lines passed by), sort %.1f s, merge %.1f s",
        *(job.path.name, read - started, run.unchanged, sort - read, time.monotonic() - sort),
    )
    return summary


def _list_repeats_and_warnings(run: _Run, conn: WorkerConnection) -> None:
    """Sort the staged rows; reject repeated NIKs; list the warnings of the rows kept."""
    if not run.rows:
        raise ImportFileError(f"{run.job.path.name}: the file has a header but no data rows")
    run.stage_unchanged(conn)
    repeats = imports.sort_staged(conn)
    if repeats:
        run.unchanged -= imports.unchanged_repeats(conn)
        _reject_repeats(run, repeats)
    run.kept = imports.note_kept_back(conn)
    run.list_warnings(conn, repeats)
