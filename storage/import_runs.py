"""Field imports' shared SQL: import runs, the worker connection, and the summons hold.

Field imports (kit sync, SIAK statuses, students) run like the residents importer: a worker
thread with its own connection (`connect`: SQLite or PostgreSQL) stages the checked rows in temp
tables (COPY on PostgreSQL), then
applies them in short ``BEGIN IMMEDIATE`` chunks so a running bot interleaves its writes. Each
chunk is idempotent (ledgers keyed by what was reported), so an import killed half-way is
finished by running it again; `start_run` notices the unfinished run of the same file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

from storage import resident_import as imports
from storage.db import Database
from storage.staging import WorkerConnection, connect_worker, worker_target

__all__ = ["WorkerConnection", "connect", "worker_target"]

#: Summons planner condition on residents aliased ``r``: false while r's area (or r as a listed
#: person, or r's school) awaits a visit's kit results — from the visit day until the results
#: arrive or SYNC_GRACE_DAYS pass. Parameters: ``:today`` and ``:hold_since`` (`hold_since`).
NOT_AWAITING_RESULTS = """NOT EXISTS (
    SELECT 1 FROM results_awaited a WHERE a.day BETWEEN :hold_since AND :today AND (
        (a.kecamatan <> '' AND a.kecamatan = r.kecamatan AND a.kelurahan IN ('', r.kelurahan)
         AND a.rw IN ('', r.rw) AND a.rt IN ('', r.rt))
        OR EXISTS (SELECT 1 FROM order_people p WHERE p.order_id = a.order_id AND p.nik = r.nik)
        OR (a.sekolah <> '' AND (r.sekolah = a.sekolah COLLATE NOCASE OR EXISTS (
            SELECT 1 FROM students st WHERE st.nik = r.nik AND st.sekolah = a.sekolah)))))"""


def hold_since(today: date, grace_days: int) -> str:
    """The ``:hold_since`` parameter: visits on or after this day may still hold summons."""
    return (today - timedelta(days=grace_days)).isoformat()


def connect(db: Database | Path | str, cache_mib: int = 32) -> WorkerConnection:
    """A private autocommit connection to the database (SQLite file or PostgreSQL), used from
    worker threads one at a time (asyncio.to_thread), never concurrently."""
    target = db if isinstance(db, Path | str) else worker_target(db)
    return connect_worker(target, cache_mib)


def create_tables(conn: WorkerConnection, tables: Mapping[str, tuple[str, bool]]) -> None:
    """Fresh staging tables on the worker connection: {name: (columns, numbered rows)}."""
    for name, (columns, rowid) in tables.items():
        conn.temp_table(name, columns, rowid=rowid)


def in_temp_transaction(conn: WorkerConnection, sql: str, rows: Iterable[Sequence[object]]) -> None:
    """One statement for every row, in one plain BEGIN: for temp tables (no database lock)."""
    conn.execute("BEGIN")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")


def in_transaction(
    conn: WorkerConnection, statements: list[tuple[str, Mapping[str, object]]]
) -> list[int]:
    """Run statements in one BEGIN IMMEDIATE transaction; their row counts."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        counts = [max(conn.execute(sql, params).rowcount, 0) for sql, params in statements]
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return counts


def start_run(
    conn: WorkerConnection, kind: str, file: str, digest: str, actor: str, at: str
) -> tuple[int, bool]:
    """Record a new run; (its id, True when an unfinished run of the same file is taken over)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        cur = conn.execute(
            "UPDATE import_runs SET finished_at = ?, summary = '{\"interrupted\": true}'"
            " WHERE kind = ? AND file_hash = ? AND finished_at IS NULL",
            (at, kind, digest),
        )
        resumed = cur.rowcount > 0
        run_id = conn.lastrowid(
            "INSERT INTO import_runs (kind, file, file_hash, actor, started_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (kind, file, digest, actor, at),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return run_id, resumed


def finish_run(
    conn: WorkerConnection, run_id: int, at: str, actor: str, summary: Mapping[str, object]
) -> None:
    """Close the run with its counts and write the audit row (`import.<kind>`), together."""
    row = conn.execute("SELECT kind FROM import_runs WHERE id = ?", (run_id,)).fetchone()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "UPDATE import_runs SET finished_at = ?, summary = ? WHERE id = ?",
            (at, json.dumps(summary, sort_keys=True), run_id),
        )
        imports.write_audit(conn, at, actor, f"import.{row[0]}", {"run": run_id, **summary})
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def last_id(conn: WorkerConnection, table: str) -> int:
    """The largest rowid of a temp staging table (0 when empty)."""
    return int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM temp.{table}").fetchone()[0])
