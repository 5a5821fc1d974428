"""Online backup: a consistent copy of the live database, safe while the bot runs."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

from bot.errors import StorageError

PAGES_PER_STEP = 1024


def _backup(source: Path, target: Path, progress: Callable[[int, int], None] | None) -> int:
    if target.exists():
        raise StorageError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
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
    """Copy `source` to a new file `target` page by page; returns the number of pages."""
    if not source.exists():
        raise StorageError(f"no database at {source}")
    return await asyncio.to_thread(_backup, source, target, progress)
