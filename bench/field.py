"""Benchmark the kit sync and /laporan at city scale (run by hand; prints figures).

Run from the repository root::

    .venv/bin/python -m bench.field                          # 1,000,000 residents, 200,000 rows
    .venv/bin/python -m bench.field --residents 100000 --recordings 20000

Everything is written to a temporary folder (deleted at the end unless --keep): the residents
CSV from `bench.import_residents`' generator, imported with `jemput import residents`; chats
linked to half of the residents the kit will record, each with a pending summons; a kit export
of N recordings (90% residents still to record, 10% already recorded, a few unknown NIKs and
visit codes). Then it times the kit sync (rows/s) while a second connection polls until no
affected resident has a pending summons left, and times /laporan's figures and chart.

``--compare-only`` times `jemput import recordings` (a real CLI process) against two floors
run by the sqlite3 shell on copies of the same database: `.import` + one ``UPDATE residents``
(issue #12's baseline, target ≤ 3×), and the same file with the writes a kit sync must make
(ledger, status history, status, pending summons cancelled) in plain SQL with no checks, notes
or start-up, which says how much of the gap is the work itself.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.cli_startup import compile_project
from bench.import_residents import TODAY, generate
from bot.core.clock import Clock
from bot.imports.recordings import import_recordings
from bot.imports.residents import import_residents
from bot.reports.progress import compute, laporan, render_chart
from bot.settings import Settings
from storage.db import Database


def _prepare(db_path: Path, kit_csv: Path, recordings: int, seed: int) -> int:
    """Write the kit export; link chats with a pending summons; return the summons count."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db_path)
    todo = [
        r[0]
        for r in conn.execute(
            "SELECT nik FROM residents WHERE status IN ('BELUM_REKAM', 'REKAM_ULANG')"
        )
    ]
    done = [r[0] for r in conn.execute(
        "SELECT nik FROM residents WHERE status NOT IN ('BELUM_REKAM', 'REKAM_ULANG') LIMIT ?",
        (recordings,))]  # fmt: skip
    chosen = rng.sample(todo, min(len(todo), recordings * 9 // 10))
    chosen += rng.sample(done, min(len(done), recordings - len(chosen)))
    with kit_csv.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(("nik", "tanggal_rekam", "kit", "kode_kunjungan"))
        for i, nik in enumerate(chosen):
            day = TODAY - timedelta(days=rng.randrange(30))
            nik = (
                f"197107{i % 28 + 1:02d}0190{i % 9000 + 1000:04d}" if i % 5000 == 0 else nik
            )  # unknown
            out.writerow(
                (nik, day.isoformat(), f"KIT-{i % 12:02d}", "JB-2026-9999" if i % 997 == 0 else "")
            )
    linked = chosen[: len(chosen) // 2]
    stamp = "2026-11-28T00:00:00.000000Z"
    with conn:
        conn.executemany(
            "INSERT INTO chats (channel, chat_id, created_at, updated_at)"
            " VALUES ('telegram', ?, ?, ?)",
            [(f"9{i}", stamp, stamp) for i in range(len(linked))],
        )
        conn.executemany(
            "INSERT INTO chat_links (channel, chat_id, nik, linked_at)"
            " VALUES ('telegram', ?, ?, ?)",
            [(f"9{i}", nik, stamp) for i, nik in enumerate(linked)],
        )
        conn.executemany(
            "INSERT INTO outbox (channel, chat_id, kind, dedupe_key, nik, payload, not_before,"
            " created_at, updated_at) VALUES ('telegram', ?, 'summons', ?, ?, '{\"text\":\"x\"}',"
            " ?, ?, ?)",
            [(f"9{i}", f"summons:{nik}:1", nik, stamp, stamp, stamp)
             for i, nik in enumerate(linked)])  # fmt: skip
    count = conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    conn.close()
    return int(count)


async def _poll_summons(db_path: Path, started: float, result: dict[str, float]) -> None:
    """Until no resident who is recorded now has a pending summons among the planted ones."""
    conn = sqlite3.connect(db_path, check_same_thread=False)
    query = (
        "SELECT count(*) FROM outbox o JOIN residents r ON r.nik = o.nik WHERE o.state = 'pending'"
        " AND o.kind = 'summons' AND r.status NOT IN ('BELUM_REKAM', 'REKAM_ULANG')"
    )
    first_recorded = None
    try:
        while True:
            pending = await asyncio.to_thread(lambda: conn.execute(query).fetchone()[0])
            recorded = conn.execute(
                "SELECT count(*) FROM status_history WHERE source = 'kit'"
            ).fetchone()[0]
            if recorded and first_recorded is None:
                first_recorded = time.perf_counter() - started
            result["max_pending_recorded"] = max(result.get("max_pending_recorded", 0), pending)
            if result.get("import_done") and pending == 0:
                return
            await asyncio.sleep(0.05)
    finally:
        result["first_recorded_s"] = first_recorded or 0.0
        conn.close()


async def _kit_sync(db_path: Path, kit_csv: Path, rows: int) -> dict[str, float]:
    db = await Database.open(db_path)
    result: dict[str, float] = {}
    try:
        started = time.perf_counter()
        poller = asyncio.create_task(_poll_summons(db_path, started, result))
        summary = await import_recordings(
            db, kit_csv, today=TODAY, now=Clock().now(), actor="bench", max_mb=100
        )
        result["import_s"] = time.perf_counter() - started
        result["import_done"] = 1
        await poller
        result["all_cancelled_s"] = time.perf_counter() - started
        print(f"kit sync summary: {summary.brief()}")
        again = time.perf_counter()
        second = await import_recordings(
            db, kit_csv, today=TODAY, now=Clock().now(), actor="bench", max_mb=100
        )
        result["reimport_s"] = time.perf_counter() - again
        print(f"re-import:        {second.brief()}")
    finally:
        await db.close()
    result["rows_per_s"] = rows / result["import_s"]
    return result


def _sqlite3_seconds(db_path: Path, script: str, *, bail: bool = False) -> float:
    """Seconds for the sqlite3 shell to run a script on a database (`bail`: stop at an error)."""
    started = time.perf_counter()
    cmd = ["sqlite3", *(["-bail"] if bail else []), str(db_path)]
    subprocess.run(cmd, input=script, text=True, check=True)
    return time.perf_counter() - started


def _sqlite3_baseline(db_path: Path, kit_csv: Path) -> float:
    """Seconds for the sqlite3 shell to `.import` the kit CSV into a bare table and run one
    ``UPDATE residents … WHERE nik IN (…)`` (the floor a kit sync is compared with)."""
    script = (
        ".mode csv\n"
        f".import '{kit_csv}' kit_plain\n"
        "UPDATE residents SET status = 'SUDAH_REKAM', updated_at = 'x'"
        " WHERE status IN ('BELUM_REKAM', 'REKAM_ULANG') AND nik IN (SELECT nik FROM kit_plain);\n"
    )
    return _sqlite3_seconds(db_path, script)


#: The writes a kit sync must make, as plain SQL in one transaction: the ledger rows, the
#: residents who still had to record (with their history), their pending summons cancelled.
#: No row checks, duplicate rules, notes, visit tallies or import-run record; the CSV goes to a
#: temp table, the ledger rows go in in key order and the cancel uses the index the kit sync
#: uses, as the kit sync does: this is a floor, not a straw man.
_SAME_WRITES = """BEGIN;
CREATE TEMP TABLE changed AS SELECT DISTINCT r.nik, r.status FROM kit_plain k
  JOIN residents r ON r.nik = k.nik WHERE r.status IN ('BELUM_REKAM', 'REKAM_ULANG');
INSERT INTO recordings (nik, tanggal_rekam, kit, source, cleanup, created_at)
  SELECT k.nik, k.tanggal_rekam, k.kit, 'kit',
  NOT EXISTS (SELECT 1 FROM residents r WHERE r.nik = k.nik), 'x' FROM kit_plain k
  WHERE true ORDER BY k.nik, k.tanggal_rekam ON CONFLICT DO NOTHING;
INSERT INTO status_history (nik, old_status, new_status, source, changed_at)
  SELECT nik, status, 'SUDAH_REKAM', 'kit', 'x' FROM changed;
UPDATE residents SET status = 'SUDAH_REKAM', status_changed_at = 'x', updated_at = 'x'
  WHERE nik IN (SELECT nik FROM changed);
UPDATE outbox INDEXED BY outbox_pending_nik
  SET state = 'cancelled', last_error = 'recorded', updated_at = 'x'
  WHERE state = 'pending' AND kind = 'summons' AND nik IN (SELECT nik FROM changed);
COMMIT;
"""


def _sqlite3_same_writes(db_path: Path, kit_csv: Path) -> float:
    """Seconds for the sqlite3 shell to `.import` the kit CSV and make the writes a kit sync
    must make (`_SAME_WRITES`): what is left of the gap is checking, notes and start-up."""
    script = f".mode csv\n.import --schema temp '{kit_csv}' kit_plain\n{_SAME_WRITES}"
    return _sqlite3_seconds(db_path, script, bail=True)


def _cli_sync(db_path: Path, kit_csv: Path) -> tuple[float, str]:
    """Seconds (and the summary line) of a real `jemput import recordings` process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import", "recordings", str(kit_csv), "--db", str(db_path)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "IMPORT_MAX_MB": "100"},
    )  # fmt: skip
    return time.perf_counter() - started, done.stdout.strip()


def compare_with_sqlite3(db_path: Path, kit_csv: Path, repeat: int = 3) -> None:
    """Kit sync by the CLI vs the sqlite3 floor, alternating, each run on its own copy of the
    same database; medians of `repeat` runs (the machine is shared: noisy). The project is
    byte-compiled first, as an installed package is."""
    compile_project()
    floors, writes, syncs, agains, line = [], [], [], [], ""
    for _ in range(repeat):
        base, cli = db_path.with_suffix(".base.sqlite3"), db_path.with_suffix(".cli.sqlite3")
        same = db_path.with_suffix(".same.sqlite3")
        for copy in (base, cli, same):
            shutil.copy(db_path, copy)
        floors.append(_sqlite3_baseline(base, kit_csv))
        writes.append(_sqlite3_same_writes(same, kit_csv))
        took, line = _cli_sync(cli, kit_csv)
        syncs.append(took)
        agains.append(_cli_sync(cli, kit_csv)[0])
        for copy in (base, cli, same):
            copy.unlink()
    floor, same_writes, took, again = (
        statistics.median(x) for x in (floors, writes, syncs, agains)
    )
    print(f"jemput import recordings: {line}")
    print(
        f"kit sync vs sqlite3 (median of {repeat}): sqlite3 .import + one UPDATE {floor:.2f} s;"
        f" jemput import recordings {took:.2f} s = {took / floor:.2f}x (target <= 3x);"
        f" again (nothing new) {again:.2f} s = {again / floor:.2f}x"
        f"  [runs: sqlite3 {' '.join(f'{x:.2f}' for x in floors)};"
        f" jemput {' '.join(f'{x:.2f}' for x in syncs)}]"
        f"  [load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores]"
    )
    print(
        f"the same writes by sqlite3 (ledger, history, status, summons cancelled; no checks or"
        f" notes): {same_writes:.2f} s = {same_writes / floor:.2f}x the one UPDATE; jemput"
        f" = {took / same_writes:.2f}x these writes  [runs: {' '.join(f'{x:.2f}' for x in writes)}]"
    )


async def _laporan(db_path: Path) -> dict[str, float]:
    settings = Settings(
        _env_file=None, database_path=db_path, campaign_deadline=TODAY + timedelta(days=120)
    )  # type: ignore[call-arg]
    db = await Database.open(db_path)
    clock = Clock()
    out: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        p = await compute(db, settings, clock)
        out["figures_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        render_chart(p)
        out["chart_cold_s"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        reply = await laporan(db, settings, clock, "id")
        out["laporan_warm_s"] = time.perf_counter() - t2
        print(reply.text)
    finally:
        await db.close()
    return out


async def _bench(
    folder: Path, residents: int, recordings: int, seed: int, only_compare: bool = False
) -> None:
    people, kit, db_path = folder / "residents.csv", folder / "kit.csv", folder / "bench.sqlite3"
    t = time.perf_counter()
    generate(people, residents, seed, 0.0)
    db = await Database.open(db_path)
    await import_residents(db, people, today=TODAY, actor="bench")
    await db.close()
    print(f"{residents:,} residents generated and imported in {time.perf_counter() - t:.1f} s")
    planted = _prepare(db_path, kit, recordings, seed)
    print(
        f"{recordings:,} kit rows ({kit.stat().st_size / 1e6:.1f} MB);"
        f" {planted:,} pending summons planted"
    )
    os.sync()
    compare_with_sqlite3(db_path, kit)
    if only_compare:
        return
    k = await _kit_sync(db_path, kit, recordings)
    print(
        f"kit sync: {k['import_s']:.2f} s = {k['rows_per_s']:,.0f} rows/s; first status change"
        f" after {k['first_recorded_s']:.2f} s; every affected summons cancelled after"
        f" {k['all_cancelled_s']:.2f} s; re-import (no change) {k['reimport_s']:.2f} s"
    )
    r = await _laporan(db_path)
    print(
        f"/laporan at {residents:,}: figures {r['figures_s']:.2f} s, chart (cold, incl."
        f" matplotlib import) {r['chart_cold_s']:.2f} s,"
        f" whole reply warm {r['laporan_warm_s']:.2f} s"
    )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--recordings", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--compare-only", action="store_true", help="only CLI vs sqlite3")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="jemput-bench-field-"))
    try:
        asyncio.run(_bench(folder, args.residents, args.recordings, args.seed, args.compare_only))
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
