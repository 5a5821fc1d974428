"""The database: SQLite (embedded default) or PostgreSQL (`DATABASE_URL`), one API for both.

Storage functions take a `Database`: `fetchone`/`fetchall` read, `write()` gives a `Tx` (one write
transaction) whose `execute`/`executemany` return a `Cursor`. They write SQLite SQL; on
PostgreSQL `storage.dialect` translates it. Nothing above `storage` knows which engine it runs on.

SQLite: one writer connection (writes in BEGIN IMMEDIATE, serialised) and one reader, in WAL mode
so readers never wait for the writer; `busy_timeout` lets other processes queue for the write lock.

PostgreSQL driver: psycopg 3. Why not asyncpg: psycopg gives one driver for the async bot and the
sync code paths (migrations, bulk imports, `migrate-data`), COPY from Python iterables for the
imports, a maintained connection pool (`psycopg_pool`) that checks connections before handing them
out (so a server restart costs a reconnect, not an error), and client-side `%s` parameters that
the `?` placeholders translate to one for one (asyncpg's `$n` would need numbering and its own
type codecs). Speed is not the limit here: the bot's statements are small and the platform rate
limits (30 msg/s) bound the work, not the driver.

Writes on PostgreSQL take a transaction-level advisory lock first, so write transactions are
serialised across every process like SQLite's BEGIN IMMEDIATE: the storage code's read-then-write
steps (order codes, claims that re-check) stay correct with several workers. The hot paths that
are safe without it (outbox claims with `FOR UPDATE SKIP LOCKED`) use `write(shared=True)`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.errors import StorageError
from storage.dialect import Dialect, returns_id, to_postgres
from storage.location import prepare_private_file
from storage.migrate import apply_migrations, apply_migrations_pg

if TYPE_CHECKING:  # the PostgreSQL driver loads when a postgresql:// URL is opened (start-up)
    import psycopg
    import psycopg_pool
    from psycopg.adapt import Dumper, Loader

    DB_ERRORS: tuple[type[Exception], ...]
    INTEGRITY_ERRORS: tuple[type[Exception], ...]

logger = logging.getLogger(__name__)


def db_errors() -> tuple[type[Exception], ...]:
    """What a caller above storage catches for "the database could not do this now" (`except
    db_errors():`). The PostgreSQL driver's errors are in it once the driver is loaded; until
    then none of them can be raised, and a SQLite-only command never loads the driver."""
    errors: tuple[type[Exception], ...] = (sqlite3.Error, StorageError)
    if (pg := sys.modules.get("psycopg")) is not None:
        errors += (pg.Error,)
    if (pool := sys.modules.get("psycopg_pool")) is not None:
        errors += (pool.PoolTimeout, pool.PoolClosed)
    return errors


def integrity_errors() -> tuple[type[Exception], ...]:
    """A constraint refused a row (unique, check, foreign key), on either engine."""
    pg = sys.modules.get("psycopg")
    return (sqlite3.IntegrityError,) if pg is None else (sqlite3.IntegrityError, pg.IntegrityError)


if not TYPE_CHECKING:  # (hidden from mypy, which would resolve every missing name through it)

    def __getattr__(name: str) -> tuple[type[Exception], ...]:
        """DB_ERRORS and INTEGRITY_ERRORS as they were, whole: reading one loads the driver
        (code in this project calls `db_errors()` / `integrity_errors()` instead)."""
        found = {"DB_ERRORS": db_errors, "INTEGRITY_ERRORS": integrity_errors}.get(name)
        if found is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import psycopg_pool  # noqa: F401  (and psycopg with it)

        return found()


PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)
#: The advisory lock every PostgreSQL write transaction takes (serialises writers like SQLite).
WRITE_LOCK = 0x4A454D50  # 'JEMP'
POOL_MAX = 8


def is_url(target: Path | str) -> bool:
    """True when `target` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    import psycopg

    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    user = str(info.get("user") or "")
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    return f"postgresql://{user + '@' if user else ''}{host}:{port}/{info.get('dbname') or ''}"


class Row(tuple[Any, ...]):
    """A result row: by position, by column name, and `dict(row)` (like sqlite3.Row)."""

    _names: tuple[str, ...]

    def __new__(cls, values: Sequence[Any], names: tuple[str, ...]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def keys(self) -> list[str]:
        """Column names, in order."""
        return list(self._names)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)


class Cursor:
    """What a statement left: `rowcount`, `lastrowid` and its rows."""

    def __init__(
        self,
        rowcount: int,
        lastrowid: int | None,
        fetch: Callable[[], Awaitable[list[Any]]],
        close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self._fetch = fetch
        self._close = close

    async def fetchall(self) -> list[Any]:
        """Every (remaining) row."""
        return await self._fetch()

    async def fetchone(self) -> Any:
        """The first row, or None."""
        rows = await self._fetch()
        return rows[0] if rows else None

    async def close(self) -> None:
        """Release the statement."""
        if self._close is not None:
            await self._close()


class Result:
    """`await tx.execute(…)` or `async with tx.execute(…) as cur:`."""

    def __init__(self, run: Awaitable[Cursor]) -> None:
        self._run = run
        self._cursor: Cursor | None = None

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._run.__await__()

    async def __aenter__(self) -> Cursor:
        self._cursor = await self._run
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class Tx:
    """One write transaction's connection; storage functions write SQLite SQL through it."""

    dialect: Dialect

    def execute(self, sql: str, params: Any = ()) -> Result:
        """Run one statement."""
        raise NotImplementedError

    async def executemany(self, sql: str, rows: Iterable[Any]) -> Cursor:
        """Run one statement per parameter row; `rowcount` is the total."""
        raise NotImplementedError

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A statement that may fail (caught by the caller) without ending the transaction."""
        raise NotImplementedError
        yield  # pragma: no cover


class Database:
    """Owns the connections; storage functions take it as their first argument."""

    dialect: Dialect = Dialect.SQLITE

    @classmethod
    async def open(cls, target: Path | str) -> Database:
        """A SQLite file (path) or a PostgreSQL server (`postgresql://…` URL), migrated."""
        if is_url(target):
            return await PgDatabase.connect(str(target))
        return await SqliteDatabase.connect(Path(target))

    @property
    def path(self) -> Path:
        """The SQLite file (file-level tools: backups, bulk imports)."""
        raise StorageError("this works on a SQLite database only (DATABASE_PATH)")

    @property
    def label(self) -> str:
        """Where the data is, for messages (no password)."""
        raise NotImplementedError

    async def close(self) -> None:
        """Close the connections."""
        raise NotImplementedError

    def write(self, *, shared: bool = False) -> AbstractAsyncContextManager[Tx]:
        """One write transaction (COMMIT, or ROLLBACK on error). `shared`: PostgreSQL does not
        serialise it with other writers (the statements lock their own rows)."""
        raise NotImplementedError

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        """Read rows."""
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Any = ()) -> Any:
        """Read one row, or None."""
        raise NotImplementedError

    async def ping(self) -> bool:
        """True when the database answers."""
        row = await self.fetchone("SELECT 1")
        return row is not None


# --- SQLite -------------------------------------------------------------------------------


class SqliteTx(Tx):
    """A write transaction on the SQLite writer connection."""

    dialect = Dialect.SQLITE

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Any = ()) -> Result:
        """Run one statement."""
        return Result(self._run(sql, params))

    async def _run(self, sql: str, params: Any) -> Cursor:
        cur = await self._conn.execute(sql, params)
        return Cursor(cur.rowcount, cur.lastrowid, cur.fetchall, cur.close)  # type: ignore[arg-type]

    async def executemany(self, sql: str, rows: Iterable[Any]) -> Cursor:
        """Run one statement per parameter row."""
        cur = await self._conn.executemany(sql, rows)
        await cur.close()
        return Cursor(cur.rowcount, cur.lastrowid, _no_rows)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """SQLite undoes a failed statement by itself."""
        yield


async def _no_rows() -> list[Any]:
    return []


class SqliteDatabase(Database):
    """One writer connection (BEGIN IMMEDIATE, serialised) and one reader, WAL mode."""

    dialect = Dialect.SQLITE

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self._path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        # One statement at a time on the reader: overlapping statements would keep one read
        # transaction (and so one WAL snapshot) open across them, and reads could go stale.
        self._read_lock = asyncio.Lock()

    @classmethod
    async def connect(cls, path: Path) -> SqliteDatabase:
        """Open (file 0600, folder 0700), set pragmas and apply pending migrations."""
        prepare_private_file(path)  # 0600 file (and so WAL/SHM) in a 0700 folder
        applied = await asyncio.to_thread(_migrate, path)
        if applied:
            logger.info("Applied migrations: %s", ", ".join(applied))
        writer = await _connect(path)
        reader = await _connect(path)
        return cls(path, writer, reader)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @property
    def label(self) -> str:
        """The file's path."""
        return str(self._path)

    async def close(self) -> None:
        """Close both connections."""
        await self._reader.close()
        await self._writer.close()

    @asynccontextmanager
    async def write(self, *, shared: bool = False) -> AsyncIterator[Tx]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on error)."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTx(self._writer)
            except BaseException:
                await self._writer.rollback()
                raise
            else:
                await self._writer.commit()

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        """Read rows on the reader connection."""
        async with self._read_lock, self._reader.execute(sql, _seq(params)) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Any = ()) -> Any:
        """Read one row on the reader connection."""
        async with self._read_lock, self._reader.execute(sql, _seq(params)) as cur:
            return await cur.fetchone()


def _seq(params: Any) -> Any:
    return params if isinstance(params, dict) else tuple(params)


def _migrate(path: Path) -> list[str]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        return apply_migrations(conn)
    finally:
        conn.close()


async def _connect(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    for pragma in PRAGMAS:
        await conn.execute(pragma)
    return conn


# --- PostgreSQL ---------------------------------------------------------------------------


@functools.cache
def _loaders() -> tuple[type[Loader], type[Loader]]:
    """The numeric and the JSON loader (classes built when the driver is first needed)."""
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        """numeric → int when whole (sums, counts), else float (as SQLite returns them)."""

        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            return int(text) if text.lstrip("-").isdigit() else float(text)

    class TextLoader(Loader):
        """json → the JSON text (SQLite returns JSON as text; callers parse it themselves)."""

        def load(self, data: Any) -> str:
            return bytes(data).decode()

    return NumericLoader, TextLoader


@functools.cache
def bool_as_int() -> type[Dumper]:
    """The bool → 0/1 dumper (SQLite code passes flags as bools into integer columns, COPY
    too), built when the driver is first needed."""
    import psycopg
    from psycopg.adapt import Dumper

    class BoolAsInt(Dumper):
        """bool → 0/1."""

        oid = psycopg.postgres.types["int8"].oid

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    return BoolAsInt


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    names = tuple(c.name for c in cursor.description or ())
    return lambda values: Row(values, names)


def configure(conn: psycopg.Connection[Any] | psycopg.AsyncConnection[Any]) -> None:
    """Loaders and row factory of every connection (text JSON, numbers as int/float)."""
    numeric, text = _loaders()
    conn.adapters.register_loader("numeric", numeric)
    conn.adapters.register_loader("json", text)
    conn.adapters.register_loader("jsonb", text)
    conn.row_factory = _row_factory


def pg_params(params: Any) -> Any:
    """Parameters as SQLite code passes them: bools as 0/1, enums as their values."""
    if isinstance(params, dict):
        return {k: _value(v) for k, v in params.items()}
    return tuple(_value(v) for v in params)


def _value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, Enum):
        return v.value
    return v


class PgTx(Tx):
    """A write transaction on one pooled PostgreSQL connection."""

    dialect = Dialect.POSTGRES

    def __init__(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Any = ()) -> Result:
        """Run one statement (translated)."""
        return Result(self._run(sql, params))

    async def _run(self, sql: str, params: Any) -> Cursor:
        with_id = returns_id(sql)
        cur = self._conn.cursor()
        await cur.execute(to_postgres(with_id or sql), pg_params(params))
        if with_id is not None:
            row = await cur.fetchone()
            return Cursor(cur.rowcount, int(row[0]) if row else None, _no_rows)
        return Cursor(cur.rowcount, None, _fetcher(cur))

    async def executemany(self, sql: str, rows: Iterable[Any]) -> Cursor:
        """Run one statement per parameter row (pipelined)."""
        batch = [pg_params(r) for r in rows]
        if not batch:
            return Cursor(0, None, _no_rows)
        cur = self._conn.cursor()
        await cur.executemany(to_postgres(sql), batch)
        return Cursor(max(cur.rowcount, 0), None, _no_rows)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A failed statement inside rolls back to here, the transaction goes on."""
        async with self._conn.transaction():
            yield


def _fetcher(cur: psycopg.AsyncCursor[Any]) -> Callable[[], Awaitable[list[Any]]]:
    async def fetch() -> list[Any]:
        if cur.description is None:
            return []
        return list(await cur.fetchall())

    return fetch


class PgDatabase(Database):
    """A pool of PostgreSQL connections (autocommit reads, serialised write transactions)."""

    dialect = Dialect.POSTGRES

    def __init__(self, url: str, pool: psycopg_pool.AsyncConnectionPool[Any]) -> None:
        self.url = url
        self._pool = pool
        self._write_lock = asyncio.Lock()

    @classmethod
    async def connect(cls, url: str) -> PgDatabase:
        """Check the URL and the server, apply pending migrations, open the pool."""
        import psycopg_pool

        applied = await asyncio.to_thread(migrate_pg, url)
        if applied:
            logger.info("Applied migrations: %s", ", ".join(applied))
        pool: psycopg_pool.AsyncConnectionPool[Any] = psycopg_pool.AsyncConnectionPool(
            url,
            min_size=1,
            max_size=POOL_MAX,
            kwargs={"autocommit": True, "options": session_options(url)},
            configure=_configure_async,
            check=psycopg_pool.AsyncConnectionPool.check_connection,
            open=False,
            name="jemput",
        )
        await pool.open(wait=True, timeout=15)
        return cls(url, pool)

    @property
    def label(self) -> str:
        """The server and database, without the password."""
        return redact(self.url)

    async def close(self) -> None:
        """Close the pool."""
        await self._pool.close()

    @asynccontextmanager
    async def write(self, *, shared: bool = False) -> AsyncIterator[Tx]:
        """One transaction; unless `shared`, behind the advisory write lock."""
        if shared:
            async with self._pool.connection() as conn, conn.transaction():
                yield PgTx(conn)
            return
        async with self._write_lock, self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield PgTx(conn)

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        """Read rows (autocommit)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(to_postgres(sql), pg_params(params))
            return list(await cur.fetchall()) if cur.description is not None else []

    async def fetchone(self, sql: str, params: Any = ()) -> Any:
        """Read one row (autocommit)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(to_postgres(sql), pg_params(params))
            return await cur.fetchone() if cur.description is not None else None


#: Settings of every session: no JIT compiling. Our statements run in milliseconds to a few
#: hundred; PostgreSQL's JIT starts on any statement whose *estimated* cost passes
#: jit_above_cost, and then compiles for 0.3–0.7 s (measured: a summons-round chunk over 1M
#: residents ran 0.18 s, 0.88 s with JIT) — it pays off only for long analytical queries.
SESSION_OPTIONS = "-c jit=off"


def session_options(url: str) -> str:
    """The URL's own `options` (if any) followed by ours."""
    import psycopg

    own = psycopg.conninfo.conninfo_to_dict(url).get("options") or ""
    return f"{own} {SESSION_OPTIONS}".strip()


async def _configure_async(conn: psycopg.AsyncConnection[Any]) -> None:
    configure(conn)


def connect_pg(url: str, *, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A sync connection (migrations, bulk work); one friendly StorageError when it fails."""
    import psycopg

    try:
        conn = psycopg.connect(
            url, autocommit=autocommit, connect_timeout=10, options=session_options(url)
        )
    except psycopg.ProgrammingError as exc:  # a malformed URL
        raise StorageError(f"DATABASE_URL is not a valid PostgreSQL URL ({redact(url)})") from exc
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "no answer"
        if url and "@" in url:
            reason = reason.replace(url, redact(url))
        raise StorageError(f"cannot connect to {redact(url)}: {reason}") from exc
    configure(conn)
    return conn


def migrate_database(target: Path | str) -> list[str]:
    """Apply pending migrations to a SQLite file or a PostgreSQL server; their names."""
    if is_url(target):
        return migrate_pg(str(target))
    path = Path(target)
    prepare_private_file(path)
    return _migrate(path)


def migrate_pg(url: str) -> list[str]:
    """Apply pending migrations to the server at `url`; their names."""
    with connect_pg(url) as conn:
        return apply_migrations_pg(conn)
