"""`jemput backup`: a consistent copy while the database is open and being written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app import App
from bot.errors import StorageError
from storage.backup import backup_database


async def test_backup_while_open_copies_everything(app: App, tmp_path: Path) -> None:
    target = tmp_path / "backup" / "copy.sqlite3"
    seen: list[tuple[int, int]] = []
    pages = await backup_database(
        app.db.path, target, lambda done, total: seen.append((done, total))
    )
    assert pages > 0 and seen and seen[-1][0] == seen[-1][1]
    copy = sqlite3.connect(target)
    live = await app.db.fetchone("SELECT count(*) FROM residents")
    assert live is not None
    assert copy.execute("SELECT count(*) FROM residents").fetchone()[0] == live[0] == 8
    copy.close()


async def test_backup_refuses_to_overwrite(app: App, tmp_path: Path) -> None:
    target = tmp_path / "exists.sqlite3"
    target.write_bytes(b"")
    with pytest.raises(StorageError, match="already exists"):
        await backup_database(app.db.path, target)


async def test_backup_of_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no database at"):
        await backup_database(tmp_path / "none.sqlite3", tmp_path / "out.sqlite3")


def test_backup_cli(app: App, tmp_path: Path) -> None:
    import subprocess
    import sys

    target = tmp_path / "cli-copy.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(target), "--db", str(app.db.path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "", "HOME": str(tmp_path)},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("pages, integrity ok)")
    assert target.exists()
