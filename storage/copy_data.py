"""`jemput migrate-data --from PATH`: copy a SQLite database into an empty PostgreSQL one.

Both must be at the same migration level (the target is migrated first; an older source is
refused with one line: `jemput migrate --db PATH` brings it up). Tables go parents first (foreign
keys), each with COPY; generated ids continue after the copied ones; at the end every table's
row count is compared and a difference is an error. One transaction: a failed copy leaves the
target as it was. Then ANALYZE: without statistics the planner takes the full tables for empty.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg

from bot.errors import StorageError
from storage.db import connect_pg, migrate_pg

_SKIP = {"schema_migrations", "workers", "leases"}  # the running workers' state stays behind


def _tables(src: sqlite3.Connection) -> list[str]:
    """The source's tables, parents before children."""
    names = [
        r[0]
        for r in src.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
        if r[0] not in _SKIP
    ]
    parents = {
        n: {r[2] for r in src.execute(f"PRAGMA foreign_key_list({n})") if r[2] != n} for n in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:  # a cycle: keep the rest in name order
            ready = [n for n in names if n not in ordered]
        ordered.extend(ready)
    return ordered


def _columns(src: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in src.execute(f"PRAGMA table_info({table})")]


def copy_sqlite_to_pg(source: Path, url: str) -> dict[str, int]:
    """Copy every table of `source` into the PostgreSQL database at `url`; rows per table."""
    migrate_pg(url)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        levels = {r[0] for r in src.execute("SELECT name FROM schema_migrations")}
        with connect_pg(url) as dst:
            target = {r[0] for r in dst.execute("SELECT name FROM schema_migrations")}
            if levels != target:
                missing = ", ".join(sorted(target - levels)) or "-"
                raise StorageError(
                    f"{source} is at another migration level (missing: {missing});"
                    f" run `jemput migrate --db {source}` first"
                )
            counts: dict[str, int] = {}
            try:
                with dst.transaction():
                    for table in _tables(src):
                        counts[table] = _copy_table(src, dst, table)
                    for table, count in counts.items():
                        row = dst.execute(f"SELECT count(*) FROM {table}").fetchone()
                        if row is None or int(row[0]) != count:
                            raise StorageError(f"{table}: copied {count} rows, found {row}")
            except psycopg.Error as exc:
                raise StorageError(f"copy failed, nothing kept: {exc}".splitlines()[0]) from exc
            dst.execute("ANALYZE")  # fresh statistics: the planner must know the tables are full
            return counts
    finally:
        src.close()


def _copy_table(src: sqlite3.Connection, dst: Any, table: str) -> int:
    """COPY one table; refuse a target that already has rows; continue its id sequence."""
    pg_columns = [
        r[0]
        for r in dst.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name = %s ORDER BY ordinal_position",
            (table,),
        )
    ]
    if not pg_columns:
        raise StorageError(f"table {table} is missing in the PostgreSQL database")
    if dst.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
        raise StorageError(f"the PostgreSQL table {table} is not empty: copy into a new database")
    columns = [c for c in _columns(src, table) if c in pg_columns]
    select = list(columns)
    if "rowid" in pg_columns and "rowid" not in columns:  # SQLite's implicit order (order_people)
        columns.append("rowid")
        select.append("rowid")
    count = 0
    with dst.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in src.execute(f"SELECT {', '.join(select)} FROM {table}"):
            copy.write_row(row)
            count += 1
    sequence = None
    if "id" in pg_columns:
        sequence = dst.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()
    if sequence is not None and sequence[0] is not None:
        dst.execute(
            f"SELECT setval(%s, coalesce((SELECT max(id) FROM {table}), 0) + 1, false)",
            (sequence[0],),
        )
    return count
