"""Staging and set-based rules shared by the bulk imports (residents, kit sync, SIAK statuses).

The one place for what a bulk import needs from the database engine: the forward-only status
rule as an SQL expression (`stage_of`, `forward_status`) built from `bot.core.status.STAGE`, so
the rule lives once and every import applies it set-based. Engine-specific staging (SQLite temp
tables and INSERTs; PostgreSQL temp tables and COPY) lives here too: `WorkerConnection`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from bot.core.status import STAGE
from storage.db import (
    PRAGMAS,
    WRITE_LOCK,
    Database,
    PgDatabase,
    bool_as_int,
    connect_pg,
    is_url,
    pg_params,
)
from storage.dialect import Dialect, returns_id, to_postgres

if TYPE_CHECKING:  # the driver loads with the first PostgreSQL connection
    import psycopg


def stage_of(column: str) -> str:
    """SQL: the stage (0 = still to record … 4 = card collected) of a status column."""
    arms = " ".join(f"WHEN '{status.value}' THEN {rank}" for status, rank in STAGE.items())
    return f"(CASE {column} {arms} ELSE 0 END)"


def forward_status(stored: str, new: str) -> str:
    """SQL: `new` unless it is an earlier stage than `stored` (then `stored` stays)."""
    return f"(CASE WHEN {stage_of(new)} < {stage_of(stored)} THEN {stored} ELSE {new} END)"


def moves_back(stored: str, new: str) -> str:
    """SQL condition: `new` is an earlier stage than `stored`."""
    return f"{stage_of(new)} < {stage_of(stored)}"


# --- the import worker's connection --------------------------------------------------------

#: Temp-table columns SQLite leaves untyped get these types on PostgreSQL.
_PG_INT_COLUMNS = frozenset({"row", "kawin", "line_hash", "visit_id", "known", "dup", "skip"})


#: PostgreSQL: rows a streamed read holds at a time; session memory for staging tables (a
#: million staged residents and their sorted copy, ~410 MB, fit, so sorting and merging them
#: stays off the disk; taken only as the tables grow).
STREAM_ROWS = 10_000
SPOOL_CHUNK = 1 << 20
TEMP_BUFFERS_MB = 512
WORK_MEM_MB = 256


class WorkerCursor(Protocol):
    """What `WorkerConnection.execute` returns (a sqlite3 or psycopg cursor, or a wrapper)."""

    @property
    def rowcount(self) -> int:
        """Rows the statement changed."""

    def fetchone(self) -> Any:
        """The next row, or None."""

    def fetchall(self) -> list[Any]:
        """Every remaining row."""

    def __iter__(self) -> Iterator[Any]:
        """The rows one by one."""


class WorkerConnection:
    """The bulk imports' own synchronous connection, for a worker thread (one call at a time).

    Storage modules write SQLite SQL; on PostgreSQL `storage.dialect` translates it, ``BEGIN
    IMMEDIATE`` also takes the advisory write lock (serialised with the bot's writes), PRAGMAs
    are skipped, and `copy` streams rows with COPY instead of INSERTs.
    """

    dialect: Dialect

    def execute(self, sql: str, params: Any = ()) -> WorkerCursor:
        """Run one statement."""
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> WorkerCursor:
        """Run one statement for every parameter row."""
        raise NotImplementedError

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Append rows to a staging table (SQLite: INSERTs; PostgreSQL: COPY)."""
        raise NotImplementedError

    def copy_stream(
        self, table: str, columns: Sequence[str]
    ) -> AbstractContextManager[Callable[[Iterable[Sequence[Any]]], None]]:
        """A function appending rows to a staging table, for many batches in a row (SQLite:
        `copy` per batch; PostgreSQL: one COPY for all of them, so the server stores rows while
        the file is read instead of finishing a COPY per batch). No other statement may run on
        the connection until the stream is closed."""
        return _batch_copies(self, table, columns)

    def copy_file(self, table: str, columns: Sequence[str], data: BinaryIO) -> None:
        """PostgreSQL: COPY a file of rows already in COPY's text format (`spool`)."""
        raise NotImplementedError

    def spool(
        self, out: BinaryIO
    ) -> AbstractContextManager[Callable[[Iterable[Sequence[Any]]], None]]:
        """PostgreSQL: a function writing rows to `out` in COPY's text format, as `copy` would
        send them (for `copy_file` on another connection)."""
        raise NotImplementedError

    def lastrowid(self, sql: str, params: Any = ()) -> int:
        """Run an insert into a table with a generated id; the new id."""
        raise NotImplementedError

    def stream(self, sql: str) -> Iterator[Any]:
        """The rows of a large read, a few thousand at a time (not all in memory)."""
        raise NotImplementedError

    def temp_table(self, name: str, columns: str, *, rowid: bool = False) -> None:
        """Drop and create a temp table; `rowid`: PostgreSQL adds a generated ``rowid`` key
        (SQLite tables have one), numbered in insert order."""
        self.execute(f"DROP TABLE IF EXISTS temp.{name}")
        if self.dialect is Dialect.POSTGRES:
            typed = ", ".join(_pg_column(c) for c in columns.split(","))
            key = ", rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" if rowid else ""
            self.execute(f"CREATE TEMP TABLE {name} ({typed}{key})")
        else:
            self.execute(f"CREATE TEMP TABLE {name} ({columns})")

    def analyze(self, *tables: str) -> None:
        """Fresh planner statistics for staging tables (PostgreSQL never analyzes temp tables)."""
        if self.dialect is Dialect.POSTGRES:
            for table in tables:
                self.execute(f"ANALYZE {table}")

    def close(self) -> None:
        """Close the connection (temp tables go with it)."""
        raise NotImplementedError


@contextmanager
def _batch_copies(
    conn: WorkerConnection, table: str, columns: Sequence[str]
) -> Iterator[Callable[[Iterable[Sequence[Any]]], None]]:
    """`copy_stream` as one `copy` per batch."""

    def write(rows: Iterable[Sequence[Any]]) -> None:
        conn.copy(table, columns, rows)

    yield write


def _pg_column(column: str) -> str:
    """A temp-table column with its PostgreSQL type (SQLite's may be missing or loose)."""
    parts = column.split()
    name = parts[0]
    if len(parts) > 1 and parts[1].upper() not in {"INTEGER", "TEXT"}:
        return column.strip()
    kind = "BIGINT" if name in _PG_INT_COLUMNS or column.upper().find("INTEGER") > 0 else "TEXT"
    return " ".join([name, kind, *parts[2:]])


class SqliteWorker(WorkerConnection):
    """A private autocommit sqlite3 connection with the project's pragmas."""

    dialect = Dialect.SQLITE

    def __init__(self, path: Path, cache_mib: int) -> None:
        self.raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in PRAGMAS:
            self.raw.execute(pragma)
        self.raw.execute(f"PRAGMA cache_size = -{int(cache_mib) * 1024}")
        self.raw.execute("PRAGMA temp_store = FILE")

    def execute(self, sql: str, params: Any = ()) -> WorkerCursor:
        """Run one statement."""
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> WorkerCursor:
        """Run one statement for every parameter row."""
        return self.raw.executemany(sql, rows)

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """INSERT every row into a temp table in one plain BEGIN (no database lock)."""
        marks = ", ".join("?" * len(columns))
        self.raw.execute("BEGIN")
        try:
            self.raw.executemany(
                f"INSERT INTO temp.{table} ({', '.join(columns)}) VALUES ({marks})", rows
            )
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self.raw.execute("COMMIT")

    def lastrowid(self, sql: str, params: Any = ()) -> int:
        """Run an insert; its rowid."""
        return int(self.raw.execute(sql, params).lastrowid or 0)

    def stream(self, sql: str) -> Iterator[Any]:
        """sqlite3 cursors fetch as they go."""
        return iter(self.raw.execute(sql))

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


class _Rows:
    """A psycopg cursor seen as a sqlite3 one (rows of `storage.db.Row`)."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.rowcount = max(cursor.rowcount, 0)
        self._cursor = cursor

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description is not None else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._cursor.description is not None else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


def _copy_in(table: str, columns: Sequence[str]) -> str:
    """The COPY statement that appends rows to a staging (temp) table."""
    return f"COPY pg_temp.{table} ({', '.join(columns)}) FROM STDIN"


class PgWorker(WorkerConnection):
    """A private autocommit psycopg connection: statements translated, COPY for staging."""

    dialect = Dialect.POSTGRES

    def __init__(self, url: str) -> None:
        self.raw = connect_pg(url)
        self.raw.adapters.register_dumper(bool, bool_as_int())
        self.raw.execute(f"SET temp_buffers = '{TEMP_BUFFERS_MB}MB'")
        self.raw.execute(f"SET work_mem = '{WORK_MEM_MB}MB'")  # sorts the staged rows in memory

    def execute(self, sql: str, params: Any = ()) -> WorkerCursor:
        """Run one statement (translated); BEGIN IMMEDIATE takes the write lock."""
        word = sql.strip().upper()
        if word.startswith("PRAGMA"):
            return _Rows(self.raw.cursor())
        if word == "BEGIN IMMEDIATE":
            self.raw.execute("BEGIN")
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return _Rows(self.raw.cursor())
        return _Rows(self.raw.execute(to_postgres(sql), pg_params(params)))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> WorkerCursor:
        """Run one statement for every parameter row (pipelined)."""
        cursor = self.raw.cursor()
        batch = [pg_params(r) for r in rows]
        if batch:
            cursor.executemany(to_postgres(sql), batch)
        return _Rows(cursor)

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """COPY the rows into a temp table."""
        with self.copy_stream(table, columns) as write:
            write(rows)

    @contextmanager
    def copy_stream(
        self, table: str, columns: Sequence[str]
    ) -> Iterator[Callable[[Iterable[Sequence[Any]]], None]]:
        """One COPY for every batch (psycopg sends it in 32 KB pieces as rows are written).
        `QueuedLibpqWriter` (a thread sending) measured no faster at 1M rows: the sends
        do not block, the server keeps up."""
        cursor = self.raw.cursor()
        with cursor.copy(_copy_in(table, columns)) as copy:

            def write(rows: Iterable[Sequence[Any]]) -> None:
                for row in rows:
                    copy.write_row(row)

            yield write

    def copy_file(self, table: str, columns: Sequence[str], data: BinaryIO) -> None:
        """COPY a file of rows in COPY's text format, a megabyte at a time."""
        with self.raw.cursor().copy(_copy_in(table, columns)) as copy:
            while chunk := data.read(SPOOL_CHUNK):
                copy.write(chunk)

    @contextmanager
    def spool(self, out: BinaryIO) -> Iterator[Callable[[Iterable[Sequence[Any]]], None]]:
        """Rows in COPY's text format (this connection's dumpers) to a file."""
        from psycopg.copy import Copy, FileWriter  # loaded with the driver

        with Copy(self.raw.cursor(), writer=FileWriter(out)) as copy:

            def write(rows: Iterable[Sequence[Any]]) -> None:
                for row in rows:
                    copy.write_row(row)

            yield write

    def lastrowid(self, sql: str, params: Any = ()) -> int:
        """Run an insert with RETURNING id; the id."""
        row = self.raw.execute(to_postgres(returns_id(sql) or sql), pg_params(params)).fetchone()
        return int(row[0]) if row else 0

    def stream(self, sql: str) -> Iterator[Any]:
        """Fetch in chunks (psycopg's chunked stream): the client holds one chunk at a time."""
        return self.raw.cursor().stream(to_postgres(sql), size=STREAM_ROWS)

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


def worker_target(db: Database) -> Path | str:
    """Where a worker connection for `db` connects (its file or its URL)."""
    if isinstance(db, PgDatabase):
        return db.url
    return db.path


def connect_worker(target: Path | str, cache_mib: int = 32) -> WorkerConnection:
    """The worker connection to a SQLite file or a PostgreSQL URL."""
    if is_url(target):
        return PgWorker(str(target))
    return SqliteWorker(Path(target), cache_mib)
