"""Where the database is, checked before it is opened (the CLI calls `check_database` first).

Only `jemput run`, `demo` and `import` may create a database; every other command refuses to
open a path with no database behind it — a typo or another working folder would otherwise
create an empty one and answer with an empty report. A path that is a folder, cannot be
written or is not an SQLite file gets one line too. `database_label` is what `jemput info` and
the first log line of `jemput run` show (a URL's password is never shown).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from bot.core.files import FILE_MODE, touch_private
from bot.errors import OperatorError

SQLITE_HEADER = b"SQLite format 3\x00"


def resolve(path: Path) -> Path:
    """The absolute path (`~` expanded, symlinks and `..` resolved), decided once at start."""
    return path.expanduser().resolve()


def check_database(path: Path, *, create: bool) -> None:
    """OperatorError (one line) unless `path` is a database this process can use.

    `create` allows a missing file (its folder must be creatable and writable)."""
    if path.is_dir():
        raise OperatorError("cli_db_is_dir", path=path)
    if not path.exists():
        if not create:
            raise OperatorError("cli_db_missing", path=path)
        _check_folder(path)
        return
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise OperatorError("cli_db_unreadable", path=path, reason=exc.strerror) from None
    if head and head != SQLITE_HEADER:
        raise OperatorError("cli_db_not_sqlite", path=path)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise OperatorError("cli_db_read_only", path=path)


def _check_folder(path: Path) -> None:
    """The nearest existing parent must be a writable folder."""
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise OperatorError("cli_db_folder_read_only", path=path, folder=parent)


_PASSWORD = re.compile(r"(?P<head>^[a-z][a-z0-9+.-]*://[^:/@]*:)[^@]*(?=@)", re.IGNORECASE)


def redact_url(url: str) -> str:
    """A database URL without its password (`postgresql://u:***@host/db`)."""
    return _PASSWORD.sub(r"\g<head>***", url)


def database_label(path: Path | str, url: str | None = None) -> str:
    """What the operator sees: the URL without its password, else the SQLite file."""
    if isinstance(path, str):
        url = path
    return redact_url(url) if url else f"sqlite:{path}"


def prepare_private_file(path: Path) -> None:
    """Create the database file 0600 in a 0700 folder before SQLite opens it (SQLite gives its
    WAL and SHM files the database file's mode); tighten an existing one to 0600."""
    if not path.exists():
        touch_private(path)
        return
    for existing in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):  # not ours to change: leave it as it is
            if existing.exists() and existing.stat().st_mode & 0o077:
                os.chmod(existing, FILE_MODE)
