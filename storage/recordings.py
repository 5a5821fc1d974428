"""SQL of the kit sync (`jemput import recordings`) on the worker connection.

Rows are staged (`stage`), sorted by NIK and date (`sort_staged`: a repeated NIK + date is a
duplicate, the first row wins), then applied chunk by chunk (`apply_chunk`, one transaction
each): rows not yet in the `recordings` ledger are added, residents who still had to record
become SUDAH_REKAM with a `status_history` row, their pending summons stop, and the tallies of
the visits named by kode_kunjungan are recounted. One lookup per new row finds what all of that
needs (the resident's status, an earlier recording date) and what the notes say about it (a NIK
not in the data, a NIK recorded before). A NIK that is not in the data is kept in the ledger,
flagged for cleanup; `reconcile` applies such rows once a residents import brings the NIK.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bot.core.orders import VisitStatus
from bot.core.status import Status
from storage.flow import LIVE
from storage.import_runs import create_tables, in_temp_transaction
from storage.outbox import NEEDS_RECORDING_SQL
from storage.staging import WorkerConnection

#: row, nik, tanggal_rekam, kit, kode_kunjungan.
Staged = tuple[int, str, str, str, str]

SOURCE = "kit"
_RECORDED = Status.SUDAH_REKAM.value
_STAGED = ("row", "nik", "tanggal", "kit", "code")
_TEMP = {
    "kit_changed": ("nik TEXT PRIMARY KEY, status TEXT", False),
    "kit_rows": ("row INTEGER, nik TEXT, tanggal TEXT, kit TEXT, code TEXT", False),
    "kit_sorted": (
        "row INTEGER, nik TEXT, tanggal TEXT, kit TEXT, code TEXT,"
        " visit_id INTEGER, dup INTEGER NOT NULL DEFAULT 0",
        True,
    ),
    "kit_new": (
        "row INTEGER, nik TEXT, tanggal TEXT, kit TEXT, visit_id INTEGER, status TEXT, other TEXT",
        False,
    ),
}
_SORT = (
    "INSERT INTO temp.kit_sorted (row, nik, tanggal, kit, code, visit_id)"
    " SELECT k.row, k.nik, k.tanggal, k.kit, k.code, CASE WHEN k.code <> '' THEN (SELECT v.id"
    f" FROM visits v JOIN orders o ON o.id = v.order_id WHERE o.code = k.code AND v.status IN"
    f" ({LIVE})) END FROM temp.kit_rows k ORDER BY k.nik, k.tanggal, k.row"
)
_REPEATS = (
    "SELECT s.row, s.nik, s.tanggal FROM temp.kit_sorted s"
    " JOIN temp.kit_sorted p ON p.rowid = s.rowid - 1 WHERE s.nik = p.nik"
    " UNION ALL SELECT s.row, s.nik, s.tanggal FROM temp.kit_sorted s"
    " JOIN temp.kit_sorted n ON n.rowid = s.rowid + 1 WHERE s.nik = n.nik"
)
_IS_NEW = (
    "NOT EXISTS (SELECT 1 FROM recordings k WHERE k.nik = s.nik AND k.tanggal_rekam = s.tanggal)"
)
#: The chunk's rows not in the ledger yet, each with its resident's status (NULL: the NIK is
#: not in the data) and the latest date the ledger had for the NIK before this run.
_NEW = (
    "INSERT INTO temp.kit_new (row, nik, tanggal, kit, visit_id, status, other)"
    " SELECT s.row, s.nik, s.tanggal, s.kit, s.visit_id,"
    " (SELECT r.status FROM residents r WHERE r.nik = s.nik),"
    " (SELECT max(k.tanggal_rekam) FROM recordings k WHERE k.nik = s.nik"
    " AND (k.run_id IS NULL OR k.run_id <> :run))"
    f" FROM temp.kit_sorted s WHERE s.rowid BETWEEN :lo AND :hi AND s.dup = 0 AND {_IS_NEW}"
)
_LEDGER = (
    "INSERT INTO recordings (nik, tanggal_rekam, kit, visit_id, source, cleanup, run_id,"
    " created_at) SELECT nik, tanggal, kit, visit_id, 'kit',"
    " CASE WHEN status IS NULL THEN 1 ELSE 0 END, :run, :at FROM temp.kit_new"
)
#: New rows whose NIK is not in the data, or was recorded on another date before this run.
_PROBLEMS = (
    "SELECT row, nik, other, CASE WHEN status IS NULL THEN 0 ELSE 1 END FROM temp.kit_new"
    " WHERE status IS NULL OR other IS NOT NULL"
)
#: Residents of the new rows who still had to record: they become SUDAH_REKAM. A kit never
#: moves anyone back (bot.core.status.STAGE): a resident further along keeps their status.
_CHANGED = (
    "INSERT INTO temp.kit_changed (nik, status) SELECT DISTINCT nik, status FROM temp.kit_new"
    f" WHERE status IN ({NEEDS_RECORDING_SQL})"
)
_HISTORY = (
    "INSERT INTO status_history (nik, old_status, new_status, source, changed_at)"
    f" SELECT nik, status, '{_RECORDED}', '{SOURCE}', :at FROM temp.kit_changed"
)
_UPDATE = (
    f"UPDATE residents SET status = '{_RECORDED}', status_changed_at = :at, updated_at = :at"
    " WHERE nik IN (SELECT nik FROM temp.kit_changed)"
)
#: Their pending summons stop in the same transaction (as `storage.outbox`'s
#: cancel_pending_for_residents would, without handing the NIKs over).
_CANCEL = (
    "UPDATE outbox INDEXED BY outbox_pending_nik SET state = 'cancelled',"
    " last_error = 'recorded', updated_at = :at"
    " WHERE state = 'pending' AND kind = 'summons' AND nik IN (SELECT nik FROM temp.kit_changed)"
)
_TALLY = (
    "UPDATE visits SET terekam = (SELECT count(DISTINCT k.nik) FROM recordings k"
    f" WHERE k.visit_id = visits.id) WHERE status = '{VisitStatus.SELESAI}'"
    " AND id IN (SELECT visit_id FROM temp.kit_new WHERE visit_id IS NOT NULL)"
)


def create_staging(conn: WorkerConnection) -> None:
    """Fresh staging tables on the worker connection."""
    create_tables(conn, _TEMP)


def stage(conn: WorkerConnection, rows: Sequence[Staged]) -> None:
    """Append checked rows (temp table: no lock on the database; COPY on PostgreSQL)."""
    conn.copy("kit_rows", _STAGED, rows)


def sort_staged(conn: WorkerConnection) -> list[tuple[int, str, str]]:
    """Sort by NIK and date and resolve visit codes; (row, nik, date) of every row whose NIK
    occurs more than once, in row order (the caller marks duplicates with `mark_duplicates`)."""
    conn.execute("BEGIN")
    conn.execute(_SORT)
    conn.execute("DELETE FROM temp.kit_rows")
    repeats = conn.execute(f"SELECT DISTINCT * FROM ({_REPEATS}) AS t ORDER BY 1").fetchall()
    conn.execute("COMMIT")
    conn.analyze("pg_temp.kit_sorted")
    return [(int(r[0]), str(r[1]), str(r[2])) for r in repeats]


def mark_duplicates(conn: WorkerConnection, rows: Sequence[int]) -> None:
    """Leave these rows out of the apply step."""
    in_temp_transaction(
        conn, "UPDATE temp.kit_sorted SET dup = 1 WHERE row = ?", [(r,) for r in rows]
    )


def unknown_codes(conn: WorkerConnection) -> Iterator[tuple[int, str, str]]:
    """(row, nik, code) of rows naming a kode_kunjungan that is not a live visit."""
    yield from conn.execute(
        "SELECT row, nik, code FROM temp.kit_sorted WHERE code <> '' AND visit_id IS NULL"
        " AND dup = 0 ORDER BY row"
    )


#: A new row to note: (row, nik, the NIK's earlier recording date or None, NIK in the data).
Problem = tuple[int, str, str | None, bool]


@dataclass(slots=True)
class Applied:
    """What one transaction of the kit sync did."""

    added: int = 0  # new ledger rows
    changed: int = 0  # residents who became SUDAH_REKAM
    cancelled: int = 0  # their pending summons, cancelled
    problems: list[Problem] = field(default_factory=list)  # new rows the notes list


def _record(conn: WorkerConnection, at: str, done: Applied) -> None:
    """Inside a transaction: the NIKs in temp.kit_new that still had to record (their status as
    read in this transaction) become SUDAH_REKAM, with history, and their pending summons stop."""
    params = {"at": at}
    conn.execute("DELETE FROM temp.kit_changed")
    done.changed = max(conn.execute(_CHANGED).rowcount, 0)
    if done.changed:
        conn.execute(_HISTORY, params)
        conn.execute(_UPDATE, params)
        done.cancelled = max(conn.execute(_CANCEL, params).rowcount, 0)


def apply_chunk(conn: WorkerConnection, lo: int, hi: int, run_id: int, at: str) -> Applied:
    """Apply sorted rows lo..hi in one transaction; the new rows to note come back with it."""
    params = {"lo": lo, "hi": hi, "run": run_id, "at": at}
    done = Applied()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM temp.kit_new")
        done.added = max(conn.execute(_NEW, params).rowcount, 0)
        if done.added:
            done.problems = [
                (int(r[0]), str(r[1]), r[2], bool(r[3])) for r in conn.execute(_PROBLEMS)
            ]
            conn.execute(_LEDGER, params)
            _record(conn, at, done)
            conn.execute(_TALLY)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return done


def reconcile(conn: WorkerConnection, at: str) -> Applied:
    """Ledger rows flagged for cleanup whose NIK is now in the data: apply them."""
    done = Applied()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM temp.kit_new")
        done.added = conn.execute(
            "INSERT INTO temp.kit_new (nik, status) SELECT DISTINCT k.nik, r.status"
            " FROM recordings k JOIN residents r ON r.nik = k.nik WHERE k.cleanup = 1"
        ).rowcount
        if done.added > 0:
            _record(conn, at, done)
            conn.execute(
                "UPDATE recordings SET cleanup = 0 WHERE cleanup = 1"
                " AND nik IN (SELECT nik FROM temp.kit_new)"
            )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return done


def visit_tallies(conn: WorkerConnection, run_id: int) -> list[tuple[str, str, int]]:
    """(order code, visit status, recordings in the ledger) of the visits this run touched."""
    rows = conn.execute(
        "SELECT o.code, v.status, (SELECT count(DISTINCT k2.nik) FROM recordings k2"
        " WHERE k2.visit_id = v.id) FROM visits v JOIN orders o ON o.id = v.order_id"
        " WHERE v.id IN (SELECT visit_id FROM recordings WHERE run_id = ?) ORDER BY o.code",
        (run_id,),
    ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


def flagged_total(conn: WorkerConnection) -> int:
    """Ledger rows whose NIK is still not in the data (for the summary)."""
    return int(conn.execute("SELECT count(*) FROM recordings WHERE cleanup = 1").fetchone()[0])
