"""The database: one writer connection (writes in BEGIN IMMEDIATE, serialised) and one reader.

SQLite runs in WAL mode so readers never wait for the writer; `busy_timeout` lets other
processes (a CLI job while `jemput run` is running) queue for the write lock.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StorageError
from storage.location import prepare_private_file
from storage.migrate import apply_migrations

logger = logging.getLogger(__name__)

#: What a caller above storage catches for "the database could not do this now".
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, StorageError)

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


class Database:
    """Owns the connections; storage functions take it as their first argument."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        # One statement at a time on the reader: overlapping statements would keep one read
        # transaction (and so one WAL snapshot) open across them, and reads could go stale.
        self._read_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (file 0600, folder 0700), set pragmas and apply pending migrations."""
        path = Path(path)
        prepare_private_file(path)  # 0600 file (and so WAL/SHM) in a 0700 folder
        applied = await asyncio.to_thread(_migrate, path)
        if applied:
            logger.info("Applied migrations: %s", ", ".join(applied))
        writer = await _connect(path)
        reader = await _connect(path)
        return cls(path, writer, reader)

    async def close(self) -> None:
        """Close both connections."""
        await self._reader.close()
        await self._writer.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on error)."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.rollback()
                raise
            else:
                await self._writer.commit()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Read rows on the reader connection."""
        async with self._read_lock, self._reader.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """Read one row on the reader connection."""
        async with self._read_lock, self._reader.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def ping(self) -> bool:
        """True when the database answers."""
        row = await self.fetchone("SELECT 1")
        return row is not None


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
