"""Every import kind survives a kill: a real `jemput import KIND` process is killed (SIGKILL)
half-way, the same command is run again, and the database ends exactly as after one clean run
(the kit sync's own kill test is in test_kitsync.py). On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli.demo import make_kk, make_nik
from storage.db import Database, db_errors
from storage.staging import connect_worker
from tests.field_support import bulk_residents, write_csv
from tests.pg_cluster import Cluster

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

#: A database: a SQLite file or a PostgreSQL URL.
Target = Path | str

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 28)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


async def _jemput(*args: str, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=_env(),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


def _count(db: Target, sql: str) -> int:
    try:
        with closing(connect_worker(db)) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except db_errors():  # the tables are being created
        return 0


async def kill_midway(db: Target, args: list[str], progress_sql: str, at_least: int) -> int:
    """Start `jemput ARGS --db DB`, SIGKILL it once `progress_sql` counts `at_least`; the count
    then (the caller checks that it was really half-way)."""
    child = await _jemput(*args, "--db", str(db), cwd=Path(args[2]).parent)
    async with asyncio.timeout(90):
        while _count(db, progress_sql) < at_least:
            if child.returncode is not None:
                break
            await asyncio.sleep(0.002)
    child.send_signal(signal.SIGKILL)
    await child.wait()
    return _count(db, progress_sql)


async def run_to_end(db: Target, args: list[str]) -> None:
    child = await _jemput(*args, "--db", str(db), cwd=Path(args[2]).parent)
    assert child.stderr is not None
    err = await child.stderr.read()
    assert await child.wait() == 0, err.decode()


def snapshot(db: Target, queries: list[str]) -> list[list[tuple[object, ...]]]:
    with closing(connect_worker(db)) as conn:
        return [[tuple(r) for r in conn.execute(q).fetchall()] for q in queries]


@pytest.fixture
def databases(tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """`make(name)`: a new database of the test's engine (a file, or one on the test server)."""
    made: list[str] = []

    def make(name: str) -> Target:
        if engine != "pg":
            return tmp_path / f"{name}.sqlite3"
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        made.append(cluster.create_database(template=cluster.template))
        return made[-1]

    yield make
    if made:
        cluster = request.getfixturevalue("pg_cluster")
        for url in made:
            cluster.drop_database(url)


async def new_db(db: Target, setup: Callable[[Target], object] | None = None) -> Target:
    database = await Database.open(db)  # migrated
    await database.close()
    if setup is not None:
        setup(db)
    return db


async def check_kill_and_rerun(
    make: Callable[[str], Target],
    args: list[str],
    progress_sql: str,
    at_least: int,
    total: int,
    queries: list[str],
    setup: Callable[[Target], object] | None = None,
) -> None:
    """Clean run vs killed-then-rerun: the same final state."""
    clean = await new_db(make("clean"), setup)
    await run_to_end(clean, args)
    killed = await new_db(make("killed"), setup)
    done = await kill_midway(killed, args, progress_sql, at_least)
    assert 0 < done < total, f"not killed half-way: {done} of {total}"
    await run_to_end(killed, args)
    assert snapshot(killed, queries) == snapshot(clean, queries)
    await run_to_end(killed, args)  # and a third run changes nothing
    assert snapshot(killed, queries) == snapshot(clean, queries)


def _residents_csv(path: Path, count: int, status: Callable[[int], str]) -> Path:
    """`count` adults (NIKs like `bulk_residents`, first 10,000 shared with it)."""
    lines = []
    for i in range(count):
        born = TODAY - timedelta(days=20 * 365 + i % 5000)
        nik = make_nik(f"{i % 7 + 1:02d}", born, "L", 1 + i % 9999)
        nik = nik[:12] + f"{(i // 9999) % 10}{nik[13:]}" if i >= 9999 else nik
        kk = make_kk("01", date(2015, 1, 1), 1 + i % 9999)
        lines.append(f"{nik},{kk},Warga {i},{born.isoformat()},L,{status(i)},00{i % 9 + 1}")
    return write_csv(path, "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,status_ektp,rt", lines)


async def test_residents_import_killed_half_way(tmp_path: Path, databases: Any) -> None:
    # 10,000 residents on file (BELUM_REKAM); the file brings 20,000 more and moves statuses.
    statuses = ("SUDAH_REKAM", "PRR", "", "DICETAK", "BELUM_REKAM")
    path = _residents_csv(tmp_path / "warga.csv", 30_000, lambda i: statuses[i % 5])
    args = ["import", "residents", str(path), "--batch", "500"]
    queries = [
        "SELECT nik, no_kk, nama, tanggal_lahir, rt, status, row_hash FROM residents ORDER BY nik",
        "SELECT nik, old_status, new_status, source FROM status_history ORDER BY nik, id",
    ]
    await check_kill_and_rerun(
        databases, args, "SELECT count(*) FROM residents", 12_000, 30_000, queries,
        setup=lambda db: bulk_residents(db, 10_000, TODAY),
    )  # fmt: skip


async def test_status_import_killed_half_way(tmp_path: Path, databases: Any) -> None:
    holder: list[str] = []

    def setup(db: Target) -> None:
        holder[:] = bulk_residents(db, 20_000, TODAY)

    setup(await new_db(databases("niks")))
    codes = ("PRR", "SFE", "PRINTED", "EFAC")
    lines = [f"{n},{codes[i % 4]},2026-11-{1 + i % 27:02d}" for i, n in enumerate(holder)]
    path = write_csv(tmp_path / "siak.csv", "nik,status,tanggal", lines)
    args = ["import", "statuses", str(path), "--batch", "250"]
    queries = [
        "SELECT nik, status FROM residents ORDER BY nik",
        "SELECT nik, tanggal, status, applied FROM status_reports ORDER BY nik, tanggal, status",
        "SELECT nik, old_status, new_status, source FROM status_history ORDER BY nik, id",
        "SELECT nik, tanggal_rekam, source FROM recordings ORDER BY nik, tanggal_rekam",
    ]
    await check_kill_and_rerun(
        databases, args, "SELECT count(*) FROM status_reports", 2_000, 20_000, queries, setup=setup
    )


async def test_students_import_killed_half_way(tmp_path: Path, databases: Any) -> None:
    lines = []
    for i in range(20_000):
        born = TODAY - timedelta(days=16 * 365 + i % 700)
        nik = make_nik(f"{i % 7 + 1:02d}", born, "P", 1 + i % 9999)
        nik = nik[:12] + f"{(i // 9999) % 10}{nik[13:]}" if i >= 9999 else nik
        lines.append(f"{nik},Siswa {i},{born.isoformat()},SMAN {1 + i % 5} Pangkalpinang,XI")
    path = write_csv(tmp_path / "siswa.csv", "nik,nama,tanggal_lahir,sekolah,kelas", lines)
    args = ["import", "students", str(path)]
    queries = ["SELECT nik, nama, tanggal_lahir, sekolah, kelas FROM students ORDER BY nik"]
    # One write transaction: killed once the run is recorded (before or inside the upsert),
    # a student list is never half there.
    clean = await new_db(databases("clean"))
    await run_to_end(clean, args)
    killed = await new_db(databases("killed"))
    await kill_midway(killed, args, "SELECT count(*) FROM import_runs", 1)
    assert _count(killed, "SELECT count(*) FROM students") in (0, 20_000)
    await run_to_end(killed, args)
    assert snapshot(killed, queries) == snapshot(clean, queries)
