"""Online backup, daily backups kept for BACKUP_KEEP days, and restore.

A backup is SQLite's online backup (page by page, safe while the bot runs and writes) into a
new 0600 file, then `PRAGMA integrity_check` on the copy. A restore checks the backup first,
refuses while `jemput run` holds the database (its run lock), keeps the replaced file next to
the database (`<name>.replaced-<time>`), and never leaves the old WAL beside the new file.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.core.files import private_dir, touch_private
from bot.errors import OperatorError, StorageError

PAGES_PER_STEP = 1024
_DAILY = re.compile(r"^(?P<stem>.+)-(?P<day>\d{4}-\d{2}-\d{2})\.sqlite3$")


def integrity(path: Path) -> str:
    """'ok', or what `PRAGMA integrity_check` (or opening the file) found wrong."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        found = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'"
        ).fetchone()[0]
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    return str(found) if found != "ok" or tables else "not a Jemput Bola database"


def _backup(source: Path, target: Path, progress: Callable[[int, int], None] | None) -> int:
    if target.exists():
        raise StorageError(f"{target} already exists; choose a new file name")
    touch_private(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=10000")

        def step(status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        src.backup(dst, pages=PAGES_PER_STEP, progress=step)
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StorageError(f"backup integrity check failed: {ok}")
        return pages
    except sqlite3.Error as exc:
        raise StorageError(f"backup failed: {exc}") from exc
    finally:
        dst.close()
        src.close()


async def backup_database(
    source: Path, target: Path, progress: Callable[[int, int], None] | None = None
) -> int:
    """Copy `source` to a new 0600 file `target` page by page; returns the number of pages."""
    if not source.exists():
        raise StorageError(f"no database at {source}")
    return await asyncio.to_thread(_backup, source, target, progress)


# -- daily backups ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyBackup:
    """What the daily backup job did."""

    path: Path
    pages: int
    pruned: list[Path]


def daily_name(database: Path, day: date) -> str:
    """`jemput-2026-11-28.sqlite3` for `jemput.sqlite3`."""
    return f"{database.stem}-{day.isoformat()}.sqlite3"


async def daily_backup(database: Path, folder: Path, day: date, keep_days: int) -> DailyBackup:
    """Today's backup into `folder` (0700; today's file is replaced), then prune old ones."""
    private_dir(folder)
    target = folder / daily_name(database, day)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    pages = await backup_database(database, partial)
    os.replace(partial, target)
    pruned = prune_backups(database, folder, day - timedelta(days=keep_days - 1))
    return DailyBackup(target, pages, pruned)


def prune_backups(database: Path, folder: Path, oldest_kept: date) -> list[Path]:
    """Delete this database's daily backups dated before `oldest_kept`; returns them."""
    gone = []
    for path in sorted(folder.glob(f"{database.stem}-*.sqlite3")):
        match = _DAILY.match(path.name)
        if match is None or match["stem"] != database.stem:
            continue
        try:
            day = date.fromisoformat(match["day"])
        except ValueError:
            continue
        if day < oldest_kept:
            path.unlink()
            gone.append(path)
    return gone


# -- run lock and restore ----------------------------------------------------------------------


def lock_path(database: Path) -> Path:
    """The lock file `jemput run` holds (shared) and a restore takes (exclusive)."""
    return database.with_name(database.name + ".lock")


@contextmanager
def run_lock(database: Path) -> Iterator[None]:
    """Held by `jemput run` for its lifetime; OperatorError while a restore runs."""
    with _locked(database, fcntl.LOCK_SH, "cli_restore_running"):
        yield


@contextmanager
def _locked(database: Path, mode: int, busy_key: str) -> Iterator[None]:
    path = touch_private(lock_path(database))
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OperatorError(busy_key, path=database) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def restore_database(backup: Path, database: Path, now: datetime) -> Path | None:
    """Replace `database` with a checked copy of `backup`; returns where the old file went.

    OperatorError when the backup is damaged or `jemput run` holds the database."""
    if not backup.is_file():
        raise OperatorError("cli_restore_no_file", path=backup)
    found = integrity(backup)
    if found != "ok":
        raise OperatorError("cli_restore_damaged", path=backup, reason=found)
    private_dir(database.parent)
    with _locked(database, fcntl.LOCK_EX, "cli_db_in_use"):
        kept = _set_aside(database, now)
        partial = database.with_name(database.name + ".restoring")
        touch_private(partial)
        shutil.copyfile(backup, partial)
        os.replace(partial, database)
    return kept


def _set_aside(database: Path, now: datetime) -> Path | None:
    """Fold the WAL into the live file and rename it; None when there was none."""
    if not database.exists():
        return None
    conn = sqlite3.connect(database, isolation_level=None, timeout=2.0)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise OperatorError("cli_db_in_use", path=database) from None
        busy = 0  # a damaged file is what a restore is for: set it aside as it is
    except sqlite3.DatabaseError:
        busy = 0
    finally:
        conn.close()
    if busy:
        raise OperatorError("cli_db_in_use", path=database)
    kept = database.with_name(f"{database.name}.replaced-{now:%Y%m%d-%H%M%S}")
    os.replace(database, kept)
    for suffix in ("-wal", "-shm"):  # an old WAL must never meet the restored file
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return kept
