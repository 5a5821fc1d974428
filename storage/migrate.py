"""Numbered `.sql` migrations, each applied in one transaction together with its record."""

from __future__ import annotations

import re
import sqlite3
from importlib import resources

from bot.errors import StorageError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[str, str]]:
    """(name, sql) of every migration shipped with the package, in order."""
    folder = resources.files("storage") / "migrations"
    found = sorted(p.name for p in folder.iterdir() if _NAME.match(p.name))
    numbers = [n[:4] for n in found]
    if len(numbers) != len(set(numbers)):
        raise StorageError(f"two migrations share a number: {found}")
    return [(name, (folder / name).read_text(encoding="utf-8")) for name in found]


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations on a sync connection in autocommit mode; return their names."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    applied: list[str] = []
    for name, sql in migration_files():
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StorageError(f"migration {name} failed: {exc}") from exc
        conn.execute("COMMIT")
        applied.append(name)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    parts: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                parts.append(buf)
            buf = ""
    if buf.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()
    ):
        raise StorageError("migration ends with an incomplete statement")
    return parts
