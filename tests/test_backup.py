"""Backups (online, daily, pruned), restore (checked, refused while running), file modes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.cli.main import main
from bot.errors import OperatorError, StorageError
from bot.i18n import t
from bot.outreach.results import JobResult
from bot.outreach.scheduler import JobRunner
from storage.backup import (
    backup_database,
    daily_backup,
    daily_name,
    integrity,
    restore_database,
    run_lock,
)
from tests.outreach_support import outreach_for

#: Backups copy the SQLite file; on PostgreSQL they refuse (tests/test_postgres.py, pg_dump).
pytestmark = pytest.mark.sqlite_only


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def residents_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM residents").fetchone()[0])
    finally:
        conn.close()


async def test_backup_while_open_copies_everything_into_a_private_file(
    app: App, tmp_path: Path
) -> None:
    target = tmp_path / "backup" / "copy.sqlite3"
    seen: list[tuple[int, int]] = []
    pages = await backup_database(
        app.db.path, target, lambda done, total: seen.append((done, total))
    )
    assert pages > 0 and seen and seen[-1][0] == seen[-1][1]
    assert residents_in(target) == 8
    assert mode(target) == 0o600 and mode(target.parent) == 0o700


async def test_backup_refuses_to_overwrite(app: App, tmp_path: Path) -> None:
    target = tmp_path / "exists.sqlite3"
    target.write_bytes(b"")
    with pytest.raises(StorageError, match="already exists"):
        await backup_database(app.db.path, target)


async def test_backup_of_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no database at"):
        await backup_database(tmp_path / "none.sqlite3", tmp_path / "out.sqlite3")


async def test_daily_backup_keeps_backup_keep_days(app: App, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    for day in (date(2026, 11, 20), date(2026, 11, 26), date(2026, 11, 27)):
        await daily_backup(app.db.path, folder, day, keep_days=30)
    (folder / "other-2026-01-01.sqlite3").write_bytes(b"")  # not ours: left alone
    made = await daily_backup(app.db.path, folder, date(2026, 11, 28), keep_days=3)
    assert made.path.name == daily_name(app.db.path, date(2026, 11, 28))
    assert sorted(p.name for p in folder.iterdir()) == [
        "jemput-2026-11-26.sqlite3",
        "jemput-2026-11-27.sqlite3",
        "jemput-2026-11-28.sqlite3",
        "other-2026-01-01.sqlite3",
    ]
    assert [p.name for p in made.pruned] == ["jemput-2026-11-20.sqlite3"]
    assert integrity(made.path) == "ok" and mode(made.path) == 0o600


async def test_backup_job_runs_on_schedule_settings(app: App, tmp_path: Path) -> None:
    runner = JobRunner(outreach_for(app, backup_dir=tmp_path / "b", backup_keep=2))
    assert "hour='1', minute='30'" in str(runner.spec("backup").trigger)  # BACKUP_HOUR
    result = await runner.run_now("backup")
    assert result.outcome == "done" and result.counts["pruned"] == 0
    assert (tmp_path / "b" / "jemput-2026-11-28.sqlite3").exists()
    await runner.run_scheduled("backup")  # the scheduled slot runs once a day, whatever time
    await runner.run_scheduled("backup")
    rows = await app.db.fetchall("SELECT slot FROM job_runs WHERE name = 'backup'")
    assert len(rows) == 2


async def test_restore_checks_first_keeps_the_old_file_and_drops_the_wal(
    app: App, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.sqlite3"
    await backup_database(app.db.path, copy)
    live = tmp_path / "live.sqlite3"
    live.write_bytes(b"not a database at all, but a restore must still replace it")
    Path(f"{live}-wal").write_bytes(b"stale wal of the old file")
    now = datetime(2026, 11, 28, 10, 0)
    kept = restore_database(copy, live, now)
    assert kept == tmp_path / "live.sqlite3.replaced-20261128-100000"
    assert kept.read_bytes().startswith(b"not a database")
    assert not Path(f"{live}-wal").exists()
    assert residents_in(live) == 8 and mode(live) == 0o600
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(OperatorError) as refused:
        restore_database(damaged, live, now)
    assert refused.value.key == "cli_restore_damaged"
    assert residents_in(live) == 8  # untouched


async def test_restore_is_refused_while_jemput_run_holds_the_database(
    app: App, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.sqlite3"
    await backup_database(app.db.path, copy)
    with run_lock(app.db.path), pytest.raises(OperatorError) as refused:
        restore_database(copy, app.db.path, datetime(2026, 11, 28, 10, 0))
    assert refused.value.key == "cli_db_in_use"
    with run_lock(app.db.path), run_lock(app.db.path):  # several `run` lock holders are fine
        pass


def test_backup_and_restore_cli(app: App, tmp_path: Path) -> None:
    target = tmp_path / "cli-copy.sqlite3"
    env = {"PATH": "", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(target), "--db", str(app.db.path)],
        capture_output=True, text=True, timeout=60, check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pages = int(done.stderr.strip().split("/")[-1].split()[0])
    expected = t("id", "cli_backup_done", source=app.db.path, target=target, pages=pages)
    assert done.stdout.strip() == expected
    restored = tmp_path / "restored" / "jemput.sqlite3"
    assert main(["restore", str(target), "--db", str(restored)]) == 0
    assert residents_in(restored) == 8 and mode(restored.parent) == 0o700


def test_job_result_record_and_exit_codes() -> None:
    assert JobResult.done(summons=2, cancelled=0).record() == "done: summons=2, cancelled=0"
    assert JobResult.skipped("no_staff_chat").exit_code == 0
    assert JobResult.failed("RuntimeError: x").exit_code == 1
