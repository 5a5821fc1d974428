"""Reading field import files (kit sync, SIAK statuses, students).

A thin layer over the CSV/XLSX reading the residents import uses too (`bot.tables`): the same
file types, UTF-8/BOM and ``,``/``;`` sniffing, streaming XLSX, header mapping, row numbers (the
header is row 1, blank rows skipped) and ``<stem>.rejects.csv`` listing. It adds what the field
imports share: a size limit (IMPORT_MAX_MB), skipping title rows above the header, messages
that say which columns were expected, a file hash for the `import_runs` ledger, memoised date
cells, and ``<stem>.notes.csv`` — every problem of the run (rejects included) with its row number
and a masked NIK, safe to send back to the staff chat.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from bot.core.nik import mask, parse_nik
from bot.errors import ImportFileError, NikError
from bot.imports.limits import DEFAULT_LIMITS, Limits
from bot.imports.tables import Output, RowError, map_columns, open_table, parse_day

#: e-KTP recording started in 2011; an earlier recording date is a typing error.
FIRST_RECORDING_DAY = date(2011, 1, 1)
#: Rows with a single filled cell above the header (a title) that are skipped.
TITLE_ROWS = 3
#: Checked rows appended to the staging tables at a time (`stage_rows`).
STAGE_ROWS = 10_000
#: Sorted rows applied in one write transaction, unless the caller asks for fewer or more.
APPLY_ROWS = 20_000

_Staged = TypeVar("_Staged")
#: DDMM of 29 February in a NIK (women add 40 to the day): a date only in leap years.
_LEAP_DAYS = frozenset({"2902", "6902"})


def check_size(path: Path, max_mb: float) -> None:
    """Refuse a missing file or one over the limit before reading a byte of it."""
    if not path.is_file():
        raise ImportFileError(f"file not found: {path}")
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise ImportFileError(
            f"{path.name}: the file is {size / 1024 / 1024:.1f} MB; the limit is {max_mb:g} MB"
            " (IMPORT_MAX_MB) — split it into smaller files"
        )


def file_hash(path: Path) -> str:
    """blake2b of the file's bytes: the same file imported again is recognised."""
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class FieldTable:
    """An open file: wanted columns, numbered non-blank rows, listings next to the file."""

    path: Path
    columns: dict[str, int]
    rows: Iterator[tuple[int, list[str]]]
    rejects: Output
    notes: Output
    counts: dict[str, int] = field(default_factory=dict)
    limits: Limits = DEFAULT_LIMITS
    _days: dict[tuple[str, str], str] = field(default_factory=dict)
    _regions: set[str] = field(default_factory=set)  # NIK region parts parse_nik accepted
    _days_months: set[str] = field(default_factory=set)  # NIK DDMM parts it accepted

    _picks: dict[tuple[str, ...], tuple[tuple[int, ...], int]] = field(default_factory=dict)

    def cell(self, cells: list[str], column: str) -> str:
        """A cell by column name ('' when the row is short or the column absent)."""
        i = self.columns.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def cells_of(self, cells: list[str], columns: tuple[str, ...]) -> list[str]:
        """Several cells by column name at once, as `cell` gives them (the hot path)."""
        found = self._picks.get(columns)
        if found is None:  # the positions, and the row length that has them all
            picks = tuple(self.columns.get(c, -1) for c in columns)
            found = self._picks[columns] = (picks, max(picks) + 1)
        picks, length = found
        if len(cells) >= length:
            return [cells[i].strip() if i >= 0 else "" for i in picks]
        return [self.cell(cells, column) for column in columns]

    def nik(self, cells: list[str], today: date) -> str:
        """The row's NIK cell, checked by `nik_of`; RowError when it is not a NIK."""
        return self.nik_of(self.cell(cells, "nik"), today)

    def nik_of(self, text: str, today: date) -> str:
        """A NIK cell's text checked by `parse_nik`; RowError when it is not a NIK.

        The hot path of a big file: parse_nik's rules are 16 digits, a region and a date part
        it accepts, and a serial other than 0000 (as `bot.imports.resident_rows` relies on too).
        Whether a day and month (DDMM) make a date does not depend on the year, except 29
        February; so a 16-ASCII-digit NIK whose region and DDMM it already accepted (29 February
        never counts as accepted), with a serial other than 0000, is accepted at once.
        """
        if (
            len(text) == 16
            and text[6:10] in self._days_months
            and text[:6] in self._regions
            and text.isdigit()
            and text.isascii()
            and text[12:] != "0000"
        ):
            return text
        try:
            nik = parse_nik(text, today).nik
        except NikError as exc:
            raise RowError(exc.detail) from None
        self._regions.add(nik[:6])
        if nik[6:10] not in _LEAP_DAYS:
            self._days_months.add(nik[6:10])
        return nik

    def day(self, cells: list[str], column: str, today: date, earliest: date) -> str:
        """A date cell as ISO text (see `day_of`)."""
        return self.day_of(self.cell(cells, column), column, today, earliest)

    def day_of(self, text: str, column: str, today: date, earliest: date) -> str:
        """A date cell's text as ISO text (see `parse_day`); good dates are memoised (they
        repeat)."""
        found = self._days.get((column, text))
        if found is None:
            found = parse_day(text, column, today, earliest).isoformat()
            self._days[(column, text)] = found
        return found

    def reject(self, row: int, cells: list[str], reason: str, *, kind: str = "rejected") -> None:
        """List a rejected row (raw in the rejects file, masked in the notes)."""
        nik = self.cell(cells, "nik")
        self.rejects.write([*cells, str(row), reason], f"row {row} rejected: {reason}")
        self.note(row, nik, f"rejected: {reason}", kind=kind)

    def note(self, row: int, nik: str, text: str, *, kind: str) -> None:
        """One problem line (NIK masked) and its count by kind."""
        self.notes.write([str(row), mask(nik), text], f"row {row}: {text} ({mask(nik)})")
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def close(self) -> tuple[Path | None, Path | None]:
        """Close the listings: (rejects path, notes path), None when empty."""
        return self.rejects.close(), self.notes.close()


def stage_rows(
    table: FieldTable,
    check: Callable[[FieldTable, int, list[str], date], _Staged],
    stage: Callable[[Sequence[_Staged]], None],
    today: date,
) -> int:
    """Check every row, stage the good ones STAGE_ROWS at a time and reject the others
    (worker thread); the number of rows. ImportFileError when there are none."""
    rows = 0
    batch: list[_Staged] = []
    for row, cells in table.rows:
        rows += 1
        try:
            batch.append(check(table, row, cells, today))
        except RowError as exc:
            table.reject(row, cells, exc.reason)
        if len(batch) >= STAGE_ROWS:
            stage(batch)
            batch = []
    stage(batch)
    if not rows:
        raise ImportFileError(f"{table.path.name}: the file has a header but no data rows")
    return rows


def summary_line(brief: str, rejects: Path | None, notes: Path | None) -> str:
    """An import summary's line for the CLI: the counts, then the listings' paths."""
    files = [f"{k}: {p}" for k, p in (("rejects", rejects), ("notes", notes)) if p]
    return f"{brief} ({'; '.join(files)})" if files else brief


@contextmanager
def open_field_table(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    max_mb: float,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[FieldTable]:
    """Open a field import file for streaming; raise ImportFileError when it is unusable.

    Title rows above the header (one filled cell, often merged across the columns, as staff
    make them in Excel) are skipped; row numbers stay those the spreadsheet shows.
    """
    check_size(path, max_mb)
    with open_table(path, title_rows=TITLE_ROWS, limits=limits) as table:
        header = table.header
        columns = map_columns(header, path.name, required=required, optional=optional, explain=True)
        out, sep = path.parent, table.delimiter
        rejects = Output(out / f"{path.stem}.rejects.csv", [*header, "row", "reason"], sep)
        notes = Output(out / f"{path.stem}.notes.csv", ["row", "nik", "note"], sep)
        numbered = (
            (row, cells)
            for row, cells in enumerate(table.rows, table.first_row)
            if cells and (cells[0].strip() or "".join(cells).strip())  # not blank
        )
        found = FieldTable(path, columns, numbered, rejects, notes, limits=limits)
        try:
            yield found
        finally:
            found.close()
