"""SQL for bulk imports (`jemput import residents`), on the worker connection (`storage.staging`).

A million-row import is too slow through aiosqlite's per-call thread hop, so the importer runs
in a worker thread with its own connection (`connect`: the pragmas of `storage.db`, a bigger
page cache, temp tables in a temp file). It works in three steps:

1. `stage` appends checked rows (and their warnings) to temp tables: cheap appends that take
   no lock on the database, so nothing changes until the whole file has been read.
2. `sort_staged` copies them sorted by NIK and notes repeated NIKs (the first row wins).
3. `merge` walks the sorted rows, `MERGE_ROWS` at a time, each chunk one ``BEGIN IMMEDIATE``
   transaction of a few hundred milliseconds (a running bot interleaves its writes): rows whose
   `row_hash` matches are left alone, changed rows are updated (a new status also gets a
   ``status_history`` row and `status_changed_at`), new NIKs are inserted.

Sorting first matters: inserting a million NIKs in file order touches B-tree pages at random
and rewrites most of the table through the WAL on every commit; in NIK order each page is
written about once. Chunks are larger than a typical batch because every chunk also rewrites
the tail pages of each ``residents_area`` group. The merge is idempotent, so an interrupted
import is resumed by running it again.

On PostgreSQL (`storage.staging.PgWorker`) the same statements run translated: the staging
tables are session temp tables filled by one COPY for the whole read (`Stager`; a second
reader's rows are added from its spool file, `bot.imports.resident_split`), the sorted copy is
made in one ``CREATE TABLE AS`` that numbers the rows in NIK order (``rowid``) and notes the
repeats on the way, ``BEGIN IMMEDIATE`` takes the advisory write lock of `storage.db`, and the
line hashes are streamed. 1M rows: see ``bench/import_residents.py --engine postgres`` and
docs/scaling.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from storage.db import Database
from storage.dialect import Dialect
from storage.staging import WorkerConnection, connect_worker, forward_status, moves_back

#: Imported fields in record order; a `Record` starts with the row number before them.
RECORD_COLUMNS = (
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
    "status",
    "kawin",
    "sekolah",
    "row_hash",
    "line_hash",
)
#: row, nik, no_kk, nama, tanggal_lahir, jenis_kelamin, alamat, rt, rw, kelurahan, kecamatan,
#: no_hp, status, kawin, sekolah, row_hash, line_hash.
Record = tuple[int, str, str, str, str, str, str, str, str, str, str, str, str, int, str, str, int]
#: row, nik, nama, warning text.
WarningRow = tuple[int, str, str, str]

SOURCE_RESIDENTS = "import:residents"
MERGE_ROWS = 50_000
#: Warnings a `Stager` holds before staging them.
WARNINGS_HELD = 10_000

_COLS = ", ".join(RECORD_COLUMNS)
#: Staging tables: {name: (columns, numbered rows on PostgreSQL)}.
_TEMP_TABLES = {
    "import_fast": ("row INTEGER, nik TEXT", False),
    "import_rows": (f"row INTEGER, {_COLS}", False),
    "import_repeats": ("row INTEGER PRIMARY KEY", False),
    "import_warnings": ("row INTEGER, nik TEXT, nama TEXT, warning TEXT", True),
}
_STAGED = ("row", *RECORD_COLUMNS)
_WARNED = ("row", "nik", "nama", "warning")
_SORT = f"CREATE TEMP TABLE import_sorted AS SELECT row, {_COLS} FROM import_rows ORDER BY nik, row"
#: PostgreSQL numbers the sorted rows itself (one statement, no identity column to fill) and
#: notes each row's predecessor when it has the same NIK (a repeat) on the way.
_SORT_PG = (
    "CREATE TEMP TABLE import_sorted AS SELECT row_number() OVER w AS rowid,"
    " CASE WHEN lag(nik) OVER w = nik THEN lag(row) OVER w END AS prev,"
    f" row, {_COLS} FROM pg_temp.import_rows WINDOW w AS (ORDER BY nik, row) ORDER BY nik, row"
)
_REPEATS = (
    "SELECT s.row, p.row FROM temp.import_sorted s"
    " JOIN temp.import_sorted p ON p.rowid = s.rowid - 1 WHERE s.nik = p.nik ORDER BY s.rowid"
)
#: The same as noted by `_SORT_PG` (PostgreSQL joins the million rows to themselves otherwise).
_REPEATS_PG = "SELECT row, prev FROM pg_temp.import_sorted WHERE prev IS NOT NULL ORDER BY rowid"
#: A residents file never moves someone back (`bot.core.status.STAGE`): an empty or stale
#: status column must not undo a recording from a kit sync or a SIAK status import, nor PRR,
#: DICETAK or DIAMBIL. Each refused move is listed with the warnings (`staged_warnings`).
_NEW_STATUS = forward_status("{r}.status", "s.status")
_IN_CHUNK = "s.rowid BETWEEN :lo AND :hi AND s.row NOT IN (SELECT row FROM temp.import_repeats)"
_HISTORY = (
    "INSERT INTO status_history (nik, old_status, new_status, source, changed_at)"
    " SELECT s.nik, r.status, s.status, :source, :at"
    " FROM temp.import_sorted s JOIN residents r ON r.nik = s.nik"
    f" WHERE {_IN_CHUNK} AND r.row_hash <> s.row_hash"
    f" AND r.status <> {_NEW_STATUS.format(r='r')} ORDER BY s.rowid"
)
_UPDATE = (
    "UPDATE residents SET "
    + ", ".join(f"{c} = s.{c}" for c in RECORD_COLUMNS[1:] if c != "status")
    + f", status = {_NEW_STATUS.format(r='residents')}"
    + ", updated_at = :at, status_changed_at = CASE WHEN residents.status ="
    f" {_NEW_STATUS.format(r='residents')} THEN residents.status_changed_at ELSE :at END"
    f" FROM temp.import_sorted s WHERE s.nik = residents.nik AND {_IN_CHUNK}"
    " AND residents.row_hash <> s.row_hash"
)
#: A row equal to the one on file but written differently (e.g. '0812 …' for '0812-…'): only
#: its line hash is refreshed, so the next import passes the line by unread.
_LINE_ONLY = (
    "UPDATE residents SET line_hash = s.line_hash FROM temp.import_sorted s"
    f" WHERE s.nik = residents.nik AND {_IN_CHUNK} AND residents.row_hash = s.row_hash"
    " AND residents.line_hash IS DISTINCT FROM s.line_hash"
)
_INSERT_ALL = (
    f"INSERT INTO residents ({_COLS}, created_at, updated_at)"
    f" SELECT {', '.join(f's.{c}' for c in RECORD_COLUMNS)}, :at, :at FROM temp.import_sorted s"
    f" WHERE {_IN_CHUNK} ORDER BY s.rowid"
)
_INSERT = _INSERT_ALL.replace(
    " ORDER BY", " AND NOT EXISTS (SELECT 1 FROM residents r WHERE r.nik = s.nik) ORDER BY"
)
_ANY_EXISTING = (
    "SELECT EXISTS (SELECT 1 FROM residents WHERE nik BETWEEN"
    " (SELECT nik FROM temp.import_sorted WHERE rowid = :lo) AND"
    " (SELECT nik FROM temp.import_sorted WHERE rowid ="
    " (SELECT max(rowid) FROM temp.import_sorted WHERE rowid <= :hi)))"
)


@dataclass(slots=True)
class MergeResult:
    """What `merge` did to the residents table."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    status_changed: int = 0
    status_kept: int = 0  # statuses not moved back (see `_NEW_STATUS`)


def connect(target: Path | str, cache_mib: int = 32, temp_cache_mib: int = 8) -> WorkerConnection:
    """A private autocommit connection (SQLite file or PostgreSQL URL) with empty staging
    tables."""
    conn = connect_worker(target, cache_mib)
    conn.execute("DROP TABLE IF EXISTS temp.import_sorted")  # `sort_staged` creates it
    for name, (columns, rowid) in _TEMP_TABLES.items():
        conn.temp_table(name, columns, rowid=rowid)
    conn.execute(f"PRAGMA temp.cache_size = -{int(temp_cache_mib) * 1024}")
    return conn


def connect_plain(target: Path | str) -> WorkerConnection:
    """A worker connection without staging tables (a split read's helper process)."""
    return connect_worker(target)


def copies(conn: WorkerConnection) -> bool:
    """True when staging goes by COPY (PostgreSQL): a second reader's rows can be added."""
    return conn.dialect is Dialect.POSTGRES


def stage(
    conn: WorkerConnection, records: Sequence[Record], warnings: Sequence[WarningRow]
) -> None:
    """Append checked rows and their warnings to the staging tables (temp only: no lock;
    COPY on PostgreSQL)."""
    conn.copy("import_rows", _STAGED, records)
    if warnings:
        conn.copy("import_warnings", _WARNED, warnings)


class Stager:
    """Stages a file's checked rows batch by batch while it is read (`add`), as `stage` does,
    but the rows go through one `WorkerConnection.copy_stream` (PostgreSQL: one COPY the
    server stores while the file is read). Warnings are held (they go to another table)
    and staged when `WARNINGS_HELD` have gathered, the stream paused meanwhile, or at the end.
    Use it as a context manager: an error ends the stream without staging the rest."""

    def __init__(self, conn: WorkerConnection) -> None:
        self.conn = conn
        self._held: list[WarningRow] = []
        self._stack = ExitStack()
        self._write: Callable[[Iterable[Record]], None] | None = None

    def __enter__(self) -> Stager:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.__exit__(*exc)
        if exc[0] is None and self._held:
            self.conn.copy("import_warnings", _WARNED, self._held)

    def add_spooled(self, data: BinaryIO) -> None:
        """Stage rows another process wrote with `spool` (PostgreSQL)."""
        self._stack.close()
        self._write = None
        self.conn.copy_file("import_rows", _STAGED, data)

    def add(self, records: Sequence[Record], warnings: Sequence[WarningRow]) -> None:
        """Stage a batch of rows and their warnings."""
        self._held.extend(warnings)
        if len(self._held) >= WARNINGS_HELD:
            self._stack.close()  # one statement at a time: the rows' COPY ends first
            self._write = None
            self.conn.copy("import_warnings", _WARNED, self._held)
            self._held = []
        if self._write is None:
            self._write = self._stack.enter_context(self.conn.copy_stream("import_rows", _STAGED))
        self._write(records)


def spool(
    conn: WorkerConnection, out: BinaryIO
) -> AbstractContextManager[Callable[[Iterable[Record]], None]]:
    """Checked rows to a file in COPY's format, for `Stager.add_spooled` (PostgreSQL)."""
    return conn.spool(out)


def line_hashes(conn: WorkerConnection) -> Iterator[int]:
    """The line hashes of the residents on file."""
    for (found,) in conn.stream("SELECT line_hash FROM residents WHERE line_hash > 0"):
        yield int(found)


def staged_niks(conn: WorkerConnection) -> set[int]:
    """The NIKs of the staged rows, as integers (to match the lines passed by)."""
    return {int(r[0]) for r in conn.execute("SELECT DISTINCT nik FROM temp.import_rows")}


def unchanged_repeats(conn: WorkerConnection) -> int:
    """Rows passed by as unchanged that `sort_staged` found to repeat an earlier NIK."""
    return int(conn.execute(
        "SELECT count(*) FROM temp.import_fast WHERE row IN (SELECT row FROM temp.import_repeats)"
    ).fetchone()[0])  # fmt: skip


def stage_unchanged(conn: WorkerConnection, rows: Sequence[tuple[int, str]]) -> None:
    """Note (row, nik) of lines passed by as unchanged (to find repeated NIKs)."""
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO temp.import_fast (row, nik) VALUES (?, ?)", rows)
    conn.execute("COMMIT")


#: Lines passed by whose NIK is on another line passed by (a split read: `stage_unchanged`).
_FAST_TWICE = (
    "SELECT nik, row FROM temp.import_fast WHERE nik IN"
    " (SELECT nik FROM temp.import_fast GROUP BY nik HAVING count(*) > 1)"
)


def sort_staged(conn: WorkerConnection) -> dict[int, int]:
    """Copy the staged rows sorted by NIK; note repeated NIKs (the first row wins), also
    against the rows passed by as unchanged.

    Returns {row: first row} for the repeats (staged or unchanged); `merge` skips them.
    """
    if conn.dialect is Dialect.POSTGRES:
        conn.execute(_SORT_PG)
        conn.execute("CREATE UNIQUE INDEX import_sorted_rowid ON pg_temp.import_sorted (rowid)")
        conn.analyze("pg_temp.import_sorted", "pg_temp.import_fast")
    else:
        conn.execute(_SORT)
    repeats: dict[int, int] = {}
    found = _REPEATS_PG if conn.dialect is Dialect.POSTGRES else _REPEATS
    for row, previous in conn.execute(found).fetchall():
        repeats[row] = repeats.get(previous, previous)
    shared: dict[str, set[int]] = {}
    for nik, row, fast in conn.execute(
        "SELECT s.nik, s.row, f.row FROM temp.import_sorted s"
        " JOIN temp.import_fast f ON f.nik = s.nik"
    ):
        shared.setdefault(nik, set()).update((row, fast))
    for nik, row in conn.execute(_FAST_TWICE):
        shared.setdefault(nik, set()).add(row)
    for rows in shared.values():
        first = min(rows)
        repeats.update((r, first) for r in rows if r != first)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO temp.import_repeats (row) VALUES (?)", [(r,) for r in repeats])
    conn.execute("COMMIT")
    return repeats


#: Changed rows (the merge will apply them) whose status would move the resident back.
_KEPT_BACK = (
    "INSERT INTO temp.import_warnings (row, nik, nama, warning)"
    " SELECT s.row, s.nik, s.nama, 'status_ektp ' || s.status || ' would move the resident back"
    " from ' || r.status || ': kept ' || r.status"
    " FROM temp.import_sorted s JOIN residents r ON r.nik = s.nik"
    f" WHERE r.row_hash <> s.row_hash AND {moves_back('r.status', 's.status')}"
    " AND s.row NOT IN (SELECT row FROM temp.import_repeats)"
)


def note_kept_back(conn: WorkerConnection) -> int:
    """Add a warning for each row whose status would move a resident back (the merge keeps
    the stored status); run after `sort_staged`, before `merge`. The number of such rows."""
    conn.execute("BEGIN")
    kept = conn.execute(_KEPT_BACK).rowcount
    conn.execute("COMMIT")
    return max(kept, 0)


def staged_warnings(conn: WorkerConnection) -> Iterator[WarningRow]:
    """The staged warnings in row order; two on the same row are joined in one line."""
    if conn.dialect is Dialect.POSTGRES:
        yield from conn.execute(
            "SELECT row, min(nik), min(nama), string_agg(warning, '; ' ORDER BY rowid)"
            " FROM pg_temp.import_warnings GROUP BY row ORDER BY row"
        )
        return
    yield from conn.execute(
        "SELECT row, nik, nama, group_concat(warning, '; ') FROM"
        " (SELECT * FROM temp.import_warnings ORDER BY row, rowid) GROUP BY row ORDER BY row"
    )


def merge(
    conn: WorkerConnection,
    at: str,
    source: str = SOURCE_RESIDENTS,
    chunk: int = MERGE_ROWS,
) -> MergeResult:
    """Upsert the sorted rows (not the repeats) into residents, one transaction per chunk."""
    result = MergeResult()
    last = conn.execute("SELECT max(rowid) FROM temp.import_sorted").fetchone()[0] or 0
    for lo in range(1, last + 1, chunk):
        params: dict[str, str | int] = {"lo": lo, "hi": lo + chunk - 1, "at": at, "source": source}
        _merge_chunk(conn, params, result)
    staged = conn.execute(
        "SELECT count(*) FROM temp.import_sorted"
        " WHERE row NOT IN (SELECT row FROM temp.import_repeats)"
    ).fetchone()[0]
    result.unchanged = int(staged) - result.inserted - result.updated
    return result


def _merge_chunk(conn: WorkerConnection, params: dict[str, str | int], result: MergeResult) -> None:
    """History, update and insert for one range of sorted rows, in one write transaction.

    When no resident falls in the chunk's NIK range (a first import), only the insert runs.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute(_ANY_EXISTING, params).fetchone()[0]:
            result.status_changed += conn.execute(_HISTORY, params).rowcount
            result.updated += conn.execute(_UPDATE, params).rowcount
            conn.execute(_LINE_ONLY, params)
            result.inserted += conn.execute(_INSERT, params).rowcount
        else:
            result.inserted += conn.execute(_INSERT_ALL, params).rowcount
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def write_audit(
    conn: WorkerConnection, at: str, actor: str, action: str, detail: Mapping[str, object]
) -> None:
    """One audit_log row; `detail` is stored as JSON (callers keep NIKs out of it)."""
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
        (at, actor, action, json.dumps(detail, ensure_ascii=False, sort_keys=True)),
    )


async def status_changes(
    db: Database, changed_at: str, source: str = SOURCE_RESIDENTS
) -> list[tuple[str, str | None, str]]:
    """(nik, old_status, new_status) written by one import (its `changed_at` timestamp)."""
    rows = await db.fetchall(
        "SELECT nik, old_status, new_status FROM status_history"
        " WHERE changed_at = ? AND source = ? ORDER BY id",
        (changed_at, source),
    )
    return [(str(r[0]), r[1], str(r[2])) for r in rows]
