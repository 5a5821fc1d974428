"""Reading field import files (kit sync, SIAK statuses, students).

A thin layer over the residents importer's CSV/XLSX machinery (`bot.importer`): the same file
types, UTF-8/BOM and ``,``/``;`` sniffing, streaming XLSX, row numbers (the header is row 1,
blank rows skipped) and ``<stem>.rejects.csv`` listing. It adds what the field imports share:
a size limit (IMPORT_MAX_MB), header mapping for their own columns, a file hash for the
`import_runs` ledger, a dates check, and ``<stem>.notes.csv`` — every problem of the run (rejects
included) with its row number and a masked NIK, safe to send back to the staff chat.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.core.nik import mask
from bot.errors import ImportFileError
from bot.importer import _column_letter, _open_table, _Output

#: e-KTP recording started in 2011; an earlier recording date is a typing error.
FIRST_RECORDING_DAY = date(2011, 1, 1)
#: Rows with a single filled cell above the header (a title) that are skipped.
TITLE_ROWS = 3


class RowError(Exception):
    """A row that cannot be used; `reason` goes to the listings."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


def map_columns(
    header: list[str], name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, int]:
    """Column name → index for the wanted columns; refuse blank, repeated or missing ones."""
    names = [h.replace("\ufeff", "").strip().lower().replace(" ", "_") for h in header]
    while names and not names[-1]:
        names.pop()
    index: dict[str, int] = {}
    for i, col in enumerate(names):
        if not col:
            raise ImportFileError(
                f"{name}: header cell in column {_column_letter(i)} is blank (merged or empty);"
                " the first row must hold one column name per cell"
            )
        if col in index:
            both = f"columns {_column_letter(index[col])} and {_column_letter(i)}"
            raise ImportFileError(f"{name}: column {col!r} appears twice ({both})")
        index[col] = i
    missing = [c for c in required if c not in index]
    if missing:
        found = ", ".join(names) or "none"
        raise ImportFileError(
            f"{name}: missing required columns: {', '.join(missing)}"
            f" (expected {', '.join(required + optional)}; found {found})"
        )
    return {c: index[c] for c in required + optional if c in index}


def parse_day(text: str, column: str, today: date, earliest: date) -> date:
    """YYYY-MM-DD or DD-MM-YYYY (also '/', a trailing time); not in the future nor too early."""
    raw = text.strip()
    parts = raw.split(" ")[0].split("T")[0].replace("/", "-").split("-")
    if len(parts) == 3 and len(parts[2]) == 4:
        parts.reverse()
    if len(parts) != 3 or len(parts[0]) != 4 or not all(p.isascii() and p.isdigit() for p in parts):
        raise RowError(f"{column} must be YYYY-MM-DD or DD-MM-YYYY, not {raw!r}")
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise RowError(f"{column} {raw!r} is not a real date") from None
    if day > today:
        raise RowError(f"{column} {raw!r} is in the future")
    if day < earliest:
        raise RowError(f"{column} {raw!r} is before {earliest.isoformat()}")
    return day


@dataclass
class FieldTable:
    """An open file: wanted columns, numbered non-blank rows, listings next to the file."""

    path: Path
    columns: dict[str, int]
    rows: Iterator[tuple[int, list[str]]]
    rejects: _Output
    notes: _Output
    counts: dict[str, int] = field(default_factory=dict)
    _days: dict[tuple[str, str], str] = field(default_factory=dict)

    def cell(self, cells: list[str], column: str) -> str:
        """A cell by column name ('' when the row is short or the column absent)."""
        i = self.columns.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def day(self, cells: list[str], column: str, today: date, earliest: date) -> str:
        """A date cell as ISO text (see `parse_day`); good dates are memoised (they repeat)."""
        text = self.cell(cells, column)
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


@contextmanager
def open_field_table(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...], max_mb: float
) -> Iterator[FieldTable]:
    """Open a field import file for streaming; raise ImportFileError when it is unusable.

    Title rows above the header (one filled cell, often merged across the columns, as staff
    make them in Excel) are skipped; row numbers stay those the spreadsheet shows.
    """
    check_size(path, max_mb)
    with _open_table(path) as table:
        header, first = _skip_titles(table.header, table.rows)
        columns = map_columns(header, path.name, required, optional)
        out, sep = path.parent, table.delimiter
        rejects = _Output(out / f"{path.stem}.rejects.csv", [*header, "row", "reason"], sep)
        notes = _Output(out / f"{path.stem}.notes.csv", ["row", "nik", "note"], sep)
        numbered = (
            (row, cells)
            for row, cells in enumerate(table.rows, first)
            if any(c.strip() for c in cells)
        )
        found = FieldTable(path, columns, numbered, rejects, notes)
        try:
            yield found
        finally:
            found.close()


def _skip_titles(header: list[str], rows: Iterator[list[str]]) -> tuple[list[str], int]:
    """The header row (after up to TITLE_ROWS title rows) and the number of the first data row."""
    first = 2
    while sum(1 for c in header if c.strip()) == 1 and first <= TITLE_ROWS + 1:
        following = next(rows, None)
        if following is None:
            break
        header, first = following, first + 1
    return header, first


def raw_rows(path: Path, wanted: set[int]) -> Iterator[tuple[int, list[str]]]:
    """Read the file again for the cells of a few rows (duplicates found after staging)."""
    if not wanted:
        return
    with _open_table(path) as table:
        for row, cells in enumerate(table.rows, 2):
            if row in wanted:
                yield row, cells
