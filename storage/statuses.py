"""SQL of the SIAK status import (`jemput import statuses`) on the worker connection.

Reports are staged, sorted by NIK, date and row (`sort_staged`: a repeated NIK + date + status
is a duplicate), then applied chunk by chunk (`apply_chunk`, one transaction each). Every report
goes into the `status_reports` ledger, so importing the file again adds nothing; a report older
than one already on file never overrides it; each change writes `status_history` (source
``import:statuses``), which the outreach triggers turn into PRR/DICETAK notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.status import NEEDS_RECORDING, RECORDED, Status, moves_back
from storage.import_runs import create_tables
from storage.staging import WorkerConnection

#: row, nik, tanggal, status.
Staged = tuple[int, str, str, str]
SOURCE = "import:statuses"

_STAGED = ("row", "nik", "tanggal", "status")
_TEMP = {
    "st_rows": ("row INTEGER, nik TEXT, tanggal TEXT, status TEXT", False),
    "st_sorted": (
        "row INTEGER, nik TEXT, tanggal TEXT, status TEXT, skip INTEGER NOT NULL DEFAULT 0",
        True,
    ),
}
_NEW_REPORTS = (
    "SELECT s.row, s.nik, s.tanggal, s.status FROM temp.st_sorted s"
    " WHERE s.rowid BETWEEN ? AND ? AND s.skip = 0 AND NOT EXISTS (SELECT 1 FROM"
    " status_reports p WHERE p.nik = s.nik AND p.tanggal = s.tanggal AND p.status = s.status)"
    " ORDER BY s.rowid"
)
_CHUNK_NIKS = "SELECT DISTINCT nik FROM temp.st_sorted WHERE rowid BETWEEN ? AND ?"


@dataclass
class ChunkResult:
    """What one chunk did: changes, residents who became recorded, notes (row, nik, text)."""

    changed: int = 0
    recorded: list[str] = field(default_factory=list)
    notes: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, nik, text, kind


def create_staging(conn: WorkerConnection) -> None:
    """Fresh staging tables on the worker connection."""
    create_tables(conn, _TEMP)


def stage(conn: WorkerConnection, rows: Sequence[Staged]) -> None:
    """Append checked rows (temp table: no lock on the database; COPY on PostgreSQL)."""
    conn.copy("st_rows", _STAGED, rows)


def sort_staged(conn: WorkerConnection) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """Sort; mark rows to skip. Returns (rows whose NIK is not in the data, with the NIK) and
    (duplicate row, the row it repeats)."""
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO temp.st_sorted (row, nik, tanggal, status)"
        " SELECT row, nik, tanggal, status FROM temp.st_rows ORDER BY nik, tanggal, row"
    )
    conn.execute("DELETE FROM temp.st_rows")
    conn.analyze("pg_temp.st_sorted")
    unknown = conn.execute(
        "SELECT row, nik FROM temp.st_sorted s WHERE NOT EXISTS"
        " (SELECT 1 FROM residents r WHERE r.nik = s.nik) ORDER BY row"
    ).fetchall()
    dups = conn.execute(
        "SELECT s.row, min(p.row) FROM temp.st_sorted s JOIN temp.st_sorted p ON p.nik = s.nik"
        " AND p.tanggal = s.tanggal AND p.status = s.status AND p.row < s.row"
        " GROUP BY s.row ORDER BY s.row"
    ).fetchall()
    skip = [(r[0],) for r in unknown] + [(r[0],) for r in dups]
    conn.executemany("UPDATE temp.st_sorted SET skip = 1 WHERE row = ?", skip)
    conn.execute("COMMIT")
    return [(int(r[0]), str(r[1])) for r in unknown], [(int(r[0]), int(r[1])) for r in dups]


def _facts(
    conn: WorkerConnection, lo: int, hi: int
) -> tuple[dict[str, str], dict[str, str], set[str], dict[str, str]]:
    """For the chunk's NIKs: current status, latest SIAK report date, recorded by a kit, and
    the day another source (a residents file, a kit) last changed the status."""
    args = (lo, hi)
    status = dict(
        conn.execute(
            f"SELECT nik, status FROM residents WHERE nik IN ({_CHUNK_NIKS})", args
        ).fetchall()
    )
    since = dict(
        conn.execute(
            "SELECT nik, substr(max(changed_at), 1, 10) FROM status_history"
            f" WHERE source <> '{SOURCE}' AND nik IN ({_CHUNK_NIKS}) GROUP BY nik",
            args,
        ).fetchall()
    )
    latest = dict(
        conn.execute(
            "SELECT nik, max(tanggal) FROM status_reports"
            f" WHERE nik IN ({_CHUNK_NIKS}) GROUP BY nik",
            args,
        ).fetchall()
    )
    kit = {r[0] for r in conn.execute(
        f"SELECT DISTINCT nik FROM recordings WHERE source = 'kit' AND nik IN ({_CHUNK_NIKS})",
        args)}  # fmt: skip
    return status, latest, kit, since


def _decide(
    report: tuple[int, str, str, str],
    status: dict[str, str],
    latest: dict[str, str],
    kit: set[str],
    since: dict[str, str],
) -> str:
    """'change', 'same', or a note explaining why the report is not applied.

    SIAK is the one source that may move a status back (`bot.core.status.moves_back`:
    DUPLIKAT, REKAM_ULANG, corrections), and only with a report newer than the status on file.
    """
    _row, nik, day, new = report
    if latest.get(nik, "") > day:
        return f"older than the SIAK status of {latest[nik]} already on file: not applied"
    current = status[nik]
    if new == current:
        return "same"
    if moves_back(Status(current), Status(new)) and since.get(nik, "") > day:
        return f"older than the status {current} on file since {since[nik]}: kept {current}"
    if new in {s.value for s in NEEDS_RECORDING} and Status(current) in RECORDED and nik in kit:
        return f"recorded by a kit; SIAK still says {new}: kept {current}"
    return "change"


def apply_chunk(conn: WorkerConnection, lo: int, hi: int, run_id: int, at: str) -> ChunkResult:
    """Apply the new reports among sorted rows lo..hi, in one transaction."""
    result, changes, ledger, kit_rows = ChunkResult(), [], [], []
    needs = {s.value for s in NEEDS_RECORDING}
    conn.execute("BEGIN IMMEDIATE")
    try:
        status, latest, kit, since = _facts(conn, lo, hi)
        for report in conn.execute(_NEW_REPORTS, (lo, hi)).fetchall():
            row, nik, day, new = report
            verdict = _decide(report, status, latest, kit, since)
            applied = verdict == "change"
            if applied:
                changes.append((nik, status[nik], new, SOURCE, at))
                if status[nik] in needs and Status(new) in RECORDED:
                    result.recorded.append(nik)
                    kit_rows.append((nik, day, run_id, at))
                status[nik] = new
            elif verdict != "same":
                result.notes.append((row, nik, verdict, "kept"))
            latest[nik] = max(latest.get(nik, ""), day)
            ledger.append((nik, day, new, int(applied), run_id))
        _write(conn, changes, ledger, kit_rows, status, at)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    result.changed = len(changes)
    return result


def _write(
    conn: WorkerConnection,
    changes: list[tuple[str, str, str, str, str]],
    ledger: list[tuple[str, str, str, int, int]],
    kit_rows: list[tuple[str, str, int, str]],
    status: dict[str, str],
    at: str,
) -> None:
    """The chunk's writes: history, residents, the report ledger, SIAK recordings."""
    conn.executemany(
        "INSERT INTO status_history (nik, old_status, new_status, source, changed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        changes,
    )
    final = {nik: status[nik] for nik, *_ in changes}
    conn.executemany(
        "UPDATE residents SET status = ?, status_changed_at = ?, updated_at = ? WHERE nik = ?",
        [(new, at, at, nik) for nik, new in final.items()],
    )
    conn.executemany(
        "INSERT INTO status_reports (nik, tanggal, status, applied, run_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        ledger,
    )
    conn.executemany(
        "INSERT INTO recordings (nik, tanggal_rekam, source, run_id, created_at)"
        " VALUES (?, ?, 'siak', ?, ?) ON CONFLICT DO NOTHING",
        kit_rows,
    )
