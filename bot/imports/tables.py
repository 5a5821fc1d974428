"""Reading CSV/XLSX import files, shared by the residents import and the field imports.

`open_table` streams a ``.csv``/``.txt`` (UTF-8, a BOM is fine, cells separated by ``,``, ``;``
or a tab, sniffed from the header line) or an ``.xlsx``/``.xlsm`` (first sheet, read-only;
cells as the text a CSV export would hold) and turns an unusable file into `ImportFileError`.
`map_columns` finds the wanted columns by header name (any order, any case) and refuses blank
(e.g. merged), repeated or missing header cells. Row numbers are those the spreadsheet shows:
the header is row 1 unless title rows above it were skipped. `Output` writes a listing CSV
(rejects, warnings, notes) next to the file, and `RowError`/`parse_day` are the row checks
the importers share.
"""

from __future__ import annotations

import csv
import logging
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from bot.core.files import open_private_text
from bot.errors import ImportFileError
from bot.imports.limits import (
    DEFAULT_LIMITS,
    BlockState,
    Limits,
    bounded_lines,
    bounded_rows,
    check_header,
    check_xlsx,
    clip,
    read_header_line,
)
from bot.imports.unchanged import KnownLines, LineSplitter

logger = logging.getLogger(__name__)

#: Notes an `Output` keeps (and logs) for the summary.
SHOW_FIRST = 10
#: Characters of a note kept for the summary and the log (half of them, twice).
LISTING_NOTE = 150


@dataclass(slots=True)
class Table:
    """An open file: header cells, data rows as text cells, the CSV delimiter, first row number."""

    header: list[str]
    rows: Iterator[list[str]]
    delimiter: str = ","
    first_row: int = 2  # spreadsheet number of the first data row
    #: With `open_table(known=...)` on a CSV: unchanged lines come as `UNCHANGED`, and
    #: `lines.current` is the line hash of each record (`bot.imports.unchanged`).
    lines: LineSplitter | None = None
    #: True for the row just read when it cannot hold an overlong cell (see `bounded_rows`).
    short: Callable[[], bool] | None = None


@contextmanager
def open_table(
    path: Path,
    *,
    title_rows: int = 0,
    limits: Limits = DEFAULT_LIMITS,
    known: KnownLines | None = None,
    stop_lines: int | None = None,
) -> Iterator[Table]:
    """Open a .csv or .xlsx file for streaming, bounded by `limits` (`bot.imports.limits`).

    Up to `title_rows` rows above the header holding a single filled cell (a title, often
    merged across the columns, as staff make them in Excel) are skipped. With `known` (the
    line hashes on file), a CSV with a ``nik`` column is split by `LineSplitter`, and
    `stop_lines` ends it after that many lines below the header (another process reads the
    rest: `bot.imports.resident_split`).
    """
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".txt", ".xlsx", ".xlsm"}:
        raise ImportFileError(f"{path.name}: unsupported file type {suffix!r}; use .csv or .xlsx")
    if not path.is_file():
        raise ImportFileError(f"file not found: {path}")
    csv_opener = partial(_open_csv, known=known, stop_lines=stop_lines)
    opener = _open_xlsx if suffix in {".xlsx", ".xlsm"} else csv_opener
    with opener(path, limits) as table:
        check_header(table.header, path.name, limits)
        if table.lines is None:  # the splitter bounds its rows itself
            table.rows = bounded_rows(table.rows, path.name, limits, table.first_row, table.short)
        _skip_titles(table, title_rows)
        check_header(table.header, path.name, limits)
        yield table


def _skip_titles(table: Table, limit: int) -> None:
    """Move the header down past up to `limit` title rows (one filled cell each)."""
    while sum(1 for c in table.header if c.strip()) == 1 and table.first_row <= limit + 1:
        following = next(table.rows, None)
        if following is None:
            break
        table.header, table.first_row = following, table.first_row + 1


@contextmanager
def _open_csv(
    path: Path, limits: Limits, known: KnownLines | None = None, stop_lines: int | None = None
) -> Iterator[Table]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        try:
            first = read_header_line(f, path.name, limits)
        except UnicodeDecodeError:
            raise ImportFileError(f"{path.name}: not UTF-8; save it as 'CSV UTF-8'") from None
        if not first.strip():
            raise ImportFileError(f"{path.name}: the file is empty or its header row is blank")
        delimiter = max((",", ";", "\t"), key=first.count)
        state = BlockState()
        lines = bounded_lines(f, first, path.name, limits, state)
        reader = csv.reader(lines, delimiter=delimiter)
        header = next(reader)
        names = column_names(header)
        if known is None or "nik" not in names:
            short = _one_short_line(reader, state)
            yield Table(header, _csv_rows(reader, path.name), delimiter, short=short)
            return
        splitter = LineSplitter(known, delimiter, names.index("nik"), path.name, limits)
        if stop_lines is not None:
            lines = islice(lines, stop_lines)
        rows = split_rows(splitter, lines, state, path.name)
        yield Table(header, rows, delimiter, lines=splitter)


def _one_short_line(reader: Any, state: BlockState) -> Callable[[], bool]:
    """For `bounded_rows`: the row just read came from one line of a short block."""
    last = reader.line_num

    def one_line() -> bool:
        nonlocal last
        now = reader.line_num
        single, last = now - last == 1, now
        return single and state.short

    return one_line


def split_rows(
    splitter: LineSplitter, lines: Iterator[str], state: BlockState, name: str
) -> Iterator[list[str]]:
    """The records the splitter yields (lines not on file), with decoding and CSV errors
    turned into ImportFileError; the row number of each is ``2 + splitter.index``."""
    try:
        yield from splitter.records(lines, state)
    except UnicodeDecodeError:
        raise ImportFileError(f"{name}: not UTF-8; save it as 'CSV UTF-8'") from None
    except csv.Error as exc:
        raise ImportFileError(f"{name}: unreadable CSV: {exc}") from None


def _csv_rows(reader: Iterator[list[str]], name: str) -> Iterator[list[str]]:
    """The reader's rows, with decoding and CSV errors turned into ImportFileError."""
    try:
        yield from reader
    except UnicodeDecodeError:
        raise ImportFileError(f"{name}: not UTF-8; save it as 'CSV UTF-8'") from None
    except csv.Error as exc:
        raise ImportFileError(f"{name}: unreadable CSV: {exc}") from None


@contextmanager
def _open_xlsx(path: Path, limits: Limits) -> Iterator[Table]:
    check_xlsx(path, limits)  # sizes, ratios and XML before openpyxl reads a byte
    import openpyxl  # slow to import; only XLSX imports need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFileError(f"{path.name}: not a readable .xlsx file ({exc})") from None
    try:
        sheet = book.worksheets[0]
        # A sheet wider than the limit is read one column past it: a filled one is refused
        # (bounded_rows), and no row grows to Excel's 16,384 columns.
        wide = (sheet.max_column or 0) > limits.max_columns
        rows = sheet.iter_rows(max_col=limits.max_columns + 1 if wide else None, values_only=True)
        first = next(rows, None)
        if first is None or not any(c is not None and str(c).strip() for c in first):
            raise ImportFileError(f"{path.name}: the sheet is empty or its header row is blank")
        yield Table([_cell_text(c) for c in first], ([_cell_text(c) for c in r] for r in rows))
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export would hold (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(
    path: Path, wanted: Collection[int], limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[int, list[str]]]:
    """Read the file again for the raw cells of a few rows (e.g. repeats found after staging)."""
    if not wanted:
        return
    with open_table(path, limits=limits) as table:
        for row, cells in enumerate(table.rows, table.first_row):
            if row in wanted:
                yield row, cells


# --- columns -------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_names(header: Sequence[str]) -> list[str]:
    """Header cells as column names (no BOM, lower case, '_' for spaces); trailing blanks go."""
    names = [h.replace("\ufeff", "").strip().lower().replace(" ", "_") for h in header]
    while names and not names[-1]:
        names.pop()
    return names


def map_columns(
    header: Sequence[str],
    file_name: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    explain: bool = False,
) -> dict[str, int]:
    """Wanted column → index (the required ones and the optional ones present).

    Refuses a blank (merged or empty) header cell, a repeated column name (wanted or not) and
    missing required columns. `explain` adds how to fix a blank cell and which columns were
    expected and found to the message (for staff who send files from a chat).
    """
    names = column_names(header)
    index: dict[str, int] = {}
    for i, col in enumerate(names):
        if not col:
            hint = "; the first row must hold one column name per cell" if explain else ""
            where = f"column {column_letter(i)}"
            raise ImportFileError(
                f"{file_name}: header cell in {where} is blank (merged or empty){hint}"
            )
        if col in index:
            both = f"columns {column_letter(index[col])} and {column_letter(i)}"
            raise ImportFileError(f"{file_name}: column {col!r} appears twice ({both})")
        index[col] = i
    missing = [c for c in required if c not in index]
    if missing:
        found = ", ".join(names) or "none"
        hint = f" (expected {', '.join(required + optional)}; found {found})" if explain else ""
        raise ImportFileError(f"{file_name}: missing required columns: {', '.join(missing)}{hint}")
    return {c: index[c] for c in required + optional if c in index}


# --- rows ----------------------------------------------------------------------------------


class RowError(Exception):
    """A row that cannot be used; `reason` goes to the listings."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_day(
    text: str,
    column: str,
    today: date,
    earliest: date,
    *,
    time_after_t: bool = True,
    earliest_text: str | None = None,
) -> date:
    """YYYY-MM-DD or DD-MM-YYYY (also with '/', and a trailing time after ' ' or, with
    `time_after_t`, 'T'); not in the future nor before `earliest` (named `earliest_text`)."""
    raw = text.strip()
    day_part = raw.split(" ")[0]
    if time_after_t:
        day_part = day_part.split("T")[0]
    parts = day_part.replace("/", "-").split("-")
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
        raise RowError(f"{column} {raw!r} is before {earliest_text or earliest.isoformat()}")
    return day


class Output:
    """A listing CSV next to the input (rejects, warnings, notes), created on the first row."""

    def __init__(self, path: Path, header: list[str], delimiter: str) -> None:
        self.path = path
        self.count = 0
        self.first: list[str] = []
        self._header = header
        self._delimiter = delimiter
        self._file: TextIO | None = None
        self._writer: Any = None
        path.unlink(missing_ok=True)  # a file left by an earlier run would mislead

    def write(self, cells: Sequence[str], note: str) -> None:
        """Append a row; log and keep the first `SHOW_FIRST` notes (mask NIKs in them)."""
        if self._file is None:
            self._file = open_private_text(self.path, "utf-8-sig", newline="")  # 0600
            self._writer = csv.writer(self._file, delimiter=self._delimiter)
            self._writer.writerow(self._header)
        self._writer.writerow([clip(c) for c in cells])
        self.count += 1
        if len(self.first) < SHOW_FIRST:
            note = clip(note, 2 * LISTING_NOTE)
            self.first.append(note)
            logger.warning("%s", note)

    def close(self) -> Path | None:
        """Close the file; its path when anything was written."""
        if self._file is not None:
            self._file.close()
            self._file = None
        return self.path if self.count else None
