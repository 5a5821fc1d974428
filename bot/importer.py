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

Run from the CLI as ``import_residents(db, path, today=..., actor="cli:<user>",
progress=stderr_progress)`` and print ``summary.line()``.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import itertools
import logging
import re
import sqlite3
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from bot.core.clock import iso
from bot.core.nik import mask, parse_kk, parse_nik
from bot.core.phone import normalize_phone
from bot.core.status import parse_status
from bot.errors import ImportFileError, NikError
from storage import imports
from storage.db import Database
from storage.imports import Record

logger = logging.getLogger(__name__)

REQUIRED = ("nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "status_ektp")
#: Column order the row checker reads (status_ektp fills the record's status field).
FIELDS = (
    "nik",
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "rt",
    "rw",
    "kelurahan",
    "kecamatan",
    "no_hp",
    "status_ektp",
    "kawin",
    "sekolah",
)
BATCH_ROWS = 10_000
PROGRESS_EVERY = 50_000
SHOW_FIRST = 10
ACTION = "import.residents"

_SEXES = {
    **dict.fromkeys(("L", "LK", "LAKI", "LAKI-LAKI", "LAKI LAKI", "PRIA"), "L"),
    **dict.fromkeys(("P", "PR", "PEREMPUAN", "WANITA"), "P"),
}
_KAWIN = {
    **dict.fromkeys(("", "N", "T", "TIDAK", "0", "FALSE", "BELUM KAWIN"), "0"),
    **dict.fromkeys(("Y", "YA", "1", "TRUE", "KAWIN", "CERAI HIDUP", "CERAI MATI"), "1"),
}
_HASH_SEP = "\x1f"
_NUMBER16 = re.compile(r"\d{16}")  # a NIK or KK in a reason: masked in logs
_blake2b = hashlib.blake2b


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

    def line(self) -> str:
        """One-line summary for the CLI."""
        text = (
            f"inserted {self.inserted}, updated {self.updated}, unchanged {self.unchanged},"
            f" rejected {self.rejected}, warnings {self.warnings}"
        )
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
) -> ImportSummary:
    """Import residents from a CSV/XLSX file; raise ImportFileError when the file is unusable.

    `regions`: Kepmendagri code lists (kode,nama,tingkat[,terakhir_ada_tahun]); a file
    ``X_historic.csv`` next to ``X.csv`` is read too. `progress` gets the rows read so far.
    """
    job = _Job(
        db_path=db.path,
        path=Path(path),
        today=today,
        actor=actor,
        at=iso(now or datetime.now(UTC)),
        regions=_region_files(regions),
        progress=progress,
        batch_rows=batch_rows,
    )
    return await asyncio.to_thread(_run, job)


# --- regions -------------------------------------------------------------------------------


def _region_files(regions: Path | Sequence[Path] | None) -> list[Path]:
    """The region lists to read: the given ones plus a ``*_historic`` sibling when present."""
    given = [regions] if isinstance(regions, Path) else list(regions or ())
    found: list[Path] = []
    for p in given:
        historic = p.with_name(f"{p.stem}_historic{p.suffix}")
        found += [p, historic] if historic.exists() and historic not in given else [p]
    return found


def load_regions(paths: Iterable[Path]) -> dict[str, int | None]:
    """Kecamatan codes as 6 digits → last year they existed (None: still current)."""
    known: dict[str, int | None] = {}
    for path in paths:
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                for row in csv.DictReader(f):
                    if (row.get("tingkat") or "").strip() == "kecamatan":
                        code = (row.get("kode") or "").strip().replace(".", "")
                        last = (row.get("terakhir_ada_tahun") or "").strip()
                        if known.get(code, 0) is not None:
                            known[code] = int(last) if last.isdigit() else None
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ImportFileError(f"cannot read region list {path}: {exc}") from exc
    return known


# --- reading the file ----------------------------------------------------------------------


@dataclass(slots=True)
class _Table:
    """An open file: its header cells, its data rows as text cells and the CSV delimiter."""

    header: list[str]
    rows: Iterator[list[str]]
    delimiter: str = ","


@contextmanager
def _open_table(path: Path) -> Iterator[_Table]:
    """Open a .csv or .xlsx file for streaming."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".txt", ".xlsx", ".xlsm"}:
        raise ImportFileError(f"{path.name}: unsupported file type {suffix!r}; use .csv or .xlsx")
    if not path.is_file():
        raise ImportFileError(f"file not found: {path}")
    opener = _open_xlsx if suffix in {".xlsx", ".xlsm"} else _open_csv
    with opener(path) as table:
        yield table


@contextmanager
def _open_csv(path: Path) -> Iterator[_Table]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        try:
            first = f.readline()
        except UnicodeDecodeError:
            raise ImportFileError(f"{path.name}: not UTF-8; save it as 'CSV UTF-8'") from None
        if not first.strip():
            raise ImportFileError(f"{path.name}: the file is empty or its header row is blank")
        delimiter = max((",", ";", "\t"), key=first.count)
        reader = csv.reader(itertools.chain([first], f), delimiter=delimiter)
        header = next(reader)
        yield _Table(header, _csv_rows(reader, path.name), delimiter)


def _csv_rows(reader: Iterator[list[str]], name: str) -> Iterator[list[str]]:
    """The reader's rows, with decoding and CSV errors turned into ImportFileError."""
    try:
        yield from reader
    except UnicodeDecodeError:
        raise ImportFileError(f"{name}: not UTF-8; save it as 'CSV UTF-8'") from None
    except csv.Error as exc:
        raise ImportFileError(f"{name}: unreadable CSV: {exc}") from None


@contextmanager
def _open_xlsx(path: Path) -> Iterator[_Table]:
    import openpyxl  # slow to import; only XLSX imports need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFileError(f"{path.name}: not a readable .xlsx file ({exc})") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or not any(c is not None and str(c).strip() for c in first):
            raise ImportFileError(f"{path.name}: the sheet is empty or its header row is blank")
        yield _Table([_cell_text(c) for c in first], ([_cell_text(c) for c in r] for r in rows))
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


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _columns(header: list[str], name: str) -> dict[str, int]:
    """Map normalised column names to indexes; refuse blank, repeated or missing columns."""
    names = [h.replace("\ufeff", "").strip().lower().replace(" ", "_") for h in header]
    while names and not names[-1]:
        names.pop()
    index: dict[str, int] = {}
    for i, col in enumerate(names):
        where = f"column {_column_letter(i)}"
        if not col:
            raise ImportFileError(f"{name}: header cell in {where} is blank (merged or empty)")
        if col in index:
            both = f"columns {_column_letter(index[col])} and {_column_letter(i)}"
            raise ImportFileError(f"{name}: column {col!r} appears twice ({both})")
        index[col] = i
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise ImportFileError(f"{name}: missing required columns: {', '.join(missing)}")
    return index


# --- checking one row ----------------------------------------------------------------------


class _Reject(Exception):
    """A row that cannot be imported; `reason` goes to the rejects file."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _RowChecker:
    """Turns text cells into a `Record` or raises _Reject.

    This is the hot path of a million-row import (one call per row), so values from small
    domains (dates, sexes, statuses, kawin, RT/RW) are checked once and then looked up, and
    NIKs are checked by `parse_nik` once per region and once per date part: a NIK of 16 ASCII
    digits whose region and DDMMYY part `parse_nik` has already accepted today, and whose
    serial is not 0000, is accepted without calling it again (parse_nik's rules are exactly
    these three; if it gains one, check it here too). Anything else goes to `parse_nik`.
    """

    def __init__(self, columns: dict[str, int], today: date, regions: dict[str, int | None]):
        self._pad = len(columns)  # named columns; each row gets a '' cell here for absent ones
        self._get = itemgetter(*(columns.get(f, self._pad) for f in FIELDS))
        self._today = today
        self._regions = regions
        self._nik_regions: set[str] = set()
        self._nik_dates: set[str] = set()
        self._dates: dict[str, tuple[str, str, str]] = {}  # text → ISO, DDMMYY for L, for P
        self._sexes: dict[str, str] = {}
        self._statuses: dict[str, str] = {}
        self._kawin: dict[str, str] = {}
        self._areas: dict[str, str] = {}
        self._last_kk = ("", "")
        self.warnings: list[imports.WarningRow] = []

    def check(self, cells: list[str], row: int) -> Record:
        """The normalised record for a row (the cell list is padded in place)."""
        if len(cells) != self._pad:
            self._fit(cells)
        cells.append("")
        nik, kk, nama, born, sex, alamat, rt, rw, kel, kec, hp, st, kawin, sekolah = self._get(
            cells
        )
        if not (
            len(nik) == 16
            and nik.isdigit()
            and nik.isascii()
            and nik[6:12] in self._nik_dates
            and nik[:6] in self._nik_regions
            and nik[12:] != "0000"
        ):
            nik = self._nik(nik)
        kk = self._last_kk[1] if kk == self._last_kk[0] else self._kk(kk)
        nama = nama.strip()
        if not nama:
            raise _Reject("nama is empty")
        iso_born, as_man, as_woman = self._dates.get(born) or self._date(born)
        sex = self._sexes.get(sex) or self._sex(sex)
        alamat, kel, kec, sekolah = alamat.strip(), kel.strip(), kec.strip(), sekolah.strip()
        rt = self._areas.get(rt) or self._area(rt, "rt")
        rw = self._areas.get(rw) or self._area(rw, "rw")
        hp = normalize_phone(hp) if hp else ""
        st = self._statuses.get(st) or self._status(st)
        kawin = self._kawin.get(kawin) or self._married(kawin)
        if nik[6:12] != (as_man if sex == "L" else as_woman):
            self._mismatch(row, nik, nama, iso_born, sex)
        if self._regions:
            self._check_region(row, nik, nama, iso_born)
        fields = (nik, kk, nama, iso_born, sex, alamat, rt, rw, kel, kec, hp, st, kawin, sekolah)
        digest = _blake2b(_HASH_SEP.join(fields).encode(), digest_size=8).hexdigest()
        return (row, *fields[:12], kawin == "1", sekolah, digest)

    def _nik(self, text: str) -> str:
        """Check a NIK with `parse_nik`; remember its region and date part as good."""
        try:
            info = parse_nik(text, self._today)
        except NikError as exc:
            raise _Reject(_nik_reason(exc, text)) from None
        self._nik_regions.add(info.region)
        self._nik_dates.add(info.nik[6:12])
        return info.nik

    def _kk(self, text: str) -> str:
        """Parse a KK; family members usually follow each other, so remember the last one."""
        try:
            kk = parse_kk(text)
        except NikError as exc:
            raise _Reject(_nik_reason(exc, text)) from None
        self._last_kk = (text, kk)
        return kk

    def _fit(self, cells: list[str]) -> None:
        """Pad a short row; refuse a row with extra non-empty cells (shifted columns)."""
        extra = cells[self._pad :]
        if any(c.strip() for c in extra):
            raise _Reject(f"row has {len(cells)} cells but the header has {self._pad}")
        del cells[self._pad :]
        cells.extend([""] * (self._pad - len(cells)))

    def _date(self, text: str) -> tuple[str, str, str]:
        born = _birth_date(text, self._today)
        month_year = f"{born.month:02d}{born.year % 100:02d}"
        found = (born.isoformat(), f"{born.day:02d}{month_year}", f"{born.day + 40}{month_year}")
        self._dates[text] = found
        return found

    def _sex(self, text: str) -> str:
        sex = _SEXES.get(text.strip().upper())
        if sex is None:
            raise _Reject(f"jenis_kelamin must be L or P, not {text.strip()!r}")
        self._sexes[text] = sex
        return sex

    def _status(self, text: str) -> str:
        try:
            status = parse_status(text).value
        except ValueError:
            raise _Reject(f"unknown status_ektp {text.strip()!r}") from None
        self._statuses[text] = status
        return status

    def _married(self, text: str) -> str:
        married = _KAWIN.get(" ".join(text.upper().split()))
        if married is None:
            raise _Reject(f"kawin must be Y or N, not {text.strip()!r}")
        self._kawin[text] = married
        return married

    def _area(self, text: str, name: str) -> str:
        t = text.strip()
        if t == "":
            return ""
        if not (t.isascii() and t.isdigit() and len(t) <= 3 and int(t) > 0):
            raise _Reject(f"{name} must be a number from 1 to 999, not {t!r}")
        self._areas[text] = t.zfill(3)
        return self._areas[text]

    def _mismatch(self, row: int, nik: str, nama: str, born: str, sex: str) -> None:
        """Warn that the NIK's date part or sex disagrees with the columns (century aside)."""
        info = parse_nik(nik, self._today)
        column = date.fromisoformat(born)
        if (info.birth_date.day, info.birth_date.month) != (column.day, column.month) or (
            info.birth_date.year % 100 != column.year % 100
        ):
            text = f"NIK birth date {info.birth_date:%d-%m-%y} differs from tanggal_lahir"
            self._warn(row, nik, nama, text)
        if info.sex != sex:
            self._warn(row, nik, nama, f"NIK says jenis_kelamin {info.sex}, the column says {sex}")

    def _warn(self, row: int, nik: str, nama: str, text: str) -> None:
        """Note a warning; two on the same row are joined into one."""
        if self.warnings and self.warnings[-1][0] == row:
            text = f"{self.warnings[-1][3]}; {text}"
            self.warnings.pop()
        self.warnings.append((row, nik, nama, text))

    def _check_region(self, row: int, nik: str, nama: str, born: str) -> None:
        """Warn when the NIK's region is unknown, or was retired before the birth year."""
        region = nik[:6]
        last = self._regions.get(region, 0)
        if last is None or (last and int(born[:4]) <= last):
            return
        code = f"{region[0:2]}.{region[2:4]}.{region[4:6]}"
        if last:
            self._warn(row, nik, nama, f"NIK region {code} was retired in {last}, before birth")
        else:
            self._warn(row, nik, nama, f"NIK region {code} is not a known kecamatan")


def _birth_date(text: str, today: date) -> date:
    """YYYY-MM-DD or DD-MM-YYYY (also with '/', and a trailing 00:00:00); not in the future."""
    parts = text.strip().split(" ")[0].replace("/", "-").split("-")
    if len(parts) == 3 and len(parts[2]) == 4:
        parts.reverse()
    if len(parts) != 3 or len(parts[0]) != 4 or not all(p.isascii() and p.isdigit() for p in parts):
        raise _Reject(f"tanggal_lahir must be YYYY-MM-DD or DD-MM-YYYY, not {text.strip()!r}")
    try:
        born = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise _Reject(f"tanggal_lahir {text.strip()!r} is not a real date") from None
    if born > today:
        raise _Reject(f"tanggal_lahir {text.strip()!r} is in the future")
    if born.year < 1900:
        raise _Reject(f"tanggal_lahir {text.strip()!r} is before 1900")
    return born


def _mask_match(found: re.Match[str]) -> str:
    return mask(found.group())


def _nik_reason(exc: NikError, text: str) -> str:
    """The NikError text, with a hint when Excel turned the number into 1.97E+15."""
    if "E+" in text.upper():
        which = "NIK" if exc.key.startswith("nik") else "KK"
        return f"{which} was saved as a number ({text.strip()}): format the column as Text"
    return exc.detail


# --- running an import ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Job:
    """Everything one import needs, handed to the worker thread."""

    db_path: Path
    path: Path
    today: date
    actor: str
    at: str
    regions: list[Path]
    progress: Callable[[int], None] | None
    batch_rows: int


class _Output:
    """A CSV next to the input, created on the first row written."""

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
        """Append a row; log and keep the first `SHOW_FIRST` notes (NIKs masked)."""
        if self._file is None:
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file, delimiter=self._delimiter)
            self._writer.writerow(self._header)
        self._writer.writerow(cells)
        self.count += 1
        if len(self.first) < SHOW_FIRST:
            self.first.append(note)
            logger.warning("%s", note)

    def close(self) -> Path | None:
        """Close the file; its path when anything was written."""
        if self._file is not None:
            self._file.close()
            self._file = None
        return self.path if self.count else None


class _Run:
    """One import: reads and checks rows, stages them, lists rejects and warnings, merges."""

    def __init__(self, job: _Job, table: _Table, regions: dict[str, int | None]):
        self.job = job
        self.table = table
        columns = _columns(table.header, job.path.name)
        self.checker = _RowChecker(columns, job.today, regions)
        self.nik_col = columns["nik"]
        self.rows = 0
        out, stem, sep = job.path.parent, job.path.stem, table.delimiter
        self.rejects = _Output(out / f"{stem}.rejects.csv", [*table.header, "row", "reason"], sep)
        self.warns = _Output(out / f"{stem}.warnings.csv", ["row", "nik", "nama", "warning"], sep)

    def read(self, conn: sqlite3.Connection) -> None:
        """Check every row; stage the good ones in batches, list the bad ones."""
        check, size, records = self.checker.check, self.job.batch_rows, []
        for row, cells in enumerate(self.table.rows, 2):
            if not (cells and cells[0]) and not any(c.strip() for c in cells):
                continue  # blank row
            self.rows += 1
            try:
                records.append(check(cells, row))
            except _Reject as exc:
                self.reject(row, cells, exc.reason)
            if self.rows % size == 0:
                self._stage(conn, records)
                records = []
        if self.rows % size:
            self._stage(conn, records)

    def _stage(self, conn: sqlite3.Connection, records: list[Record]) -> None:
        imports.stage(conn, records, self.checker.warnings)
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

    def list_warnings(self, conn: sqlite3.Connection, skip: dict[int, int]) -> None:
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
            unchanged=merged.unchanged,
            rejected=self.rejects.count,
            warnings=self.warns.count,
            status_changed=merged.status_changed,
            rejects_path=self.rejects.close(),
            warnings_path=self.warns.close(),
            changed_at=self.job.at,
            first_rejects=tuple(self.rejects.first),
            first_warnings=tuple(self.warns.first),
        )


def _reject_repeats(run: _Run, repeats: dict[int, int]) -> None:
    """Read the file again for the raw cells of rows whose NIK came earlier (rare)."""
    with _open_table(run.job.path) as table:
        for row, cells in enumerate(table.rows, 2):
            if row in repeats:
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
    }


def _run(job: _Job) -> ImportSummary:
    """The whole import, synchronously (runs in a worker thread)."""
    started = time.monotonic()
    regions = load_regions(job.regions) if job.regions else {}
    with _open_table(job.path) as table, closing(imports.connect(job.db_path)) as conn:
        run = _Run(job, table, regions)
        try:
            run.read(conn)
            read = time.monotonic()
            _list_repeats_and_warnings(run, conn)
        finally:
            run.rejects.close()
            run.warns.close()
        sort = time.monotonic()
        summary = run.summary(imports.merge(conn, job.at))
        imports.write_audit(conn, job.at, job.actor, ACTION, _audit_detail(summary))
    done = time.monotonic()
    logger.debug(
        "Imported %s in %.1f s (read %.1f s, sort %.1f s, merge %.1f s): %s",
        *(job.path.name, done - started, read - started, sort - read, done - sort),
        summary.line(),
    )
    return summary


def _list_repeats_and_warnings(run: _Run, conn: sqlite3.Connection) -> None:
    """Sort the staged rows; reject repeated NIKs; list the warnings of the rows kept."""
    if not run.rows:
        raise ImportFileError(f"{run.job.path.name}: the file has a header but no data rows")
    repeats = imports.sort_staged(conn)
    if repeats:
        _reject_repeats(run, repeats)
    run.list_warnings(conn, repeats)
