"""Private files: what holds personal data (UU 27/2022) is 0600 in folders 0700, whatever umask.

Every writer of such a file — the database, backups, reports, rejects/warnings listings, target
lists — creates it through these helpers, so a caller's permissive umask (022 gives 0644 files
anyone on the server can read) never leaks NIK, KK, names or addresses.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any, TextIO, cast

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700; an existing folder keeps its mode."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def touch_private(path: Path) -> Path:
    """Create an empty 0600 file, or make an existing one 0600; returns `path`."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """`path.open(mode, ...)` for writing a new (truncated) private file."""
    if not mode.startswith(("w", "x")):
        raise ValueError(f"open_private writes new files, not mode {mode!r}")
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if "x" in mode else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through os.open
    return os.fdopen(fd, mode.replace("x", "w"), **kwargs)


def open_private_text(path: Path, encoding: str = "utf-8", newline: str | None = None) -> TextIO:
    """A new (truncated) private text file open for writing."""
    return cast(TextIO, open_private(path, "w", encoding=encoding, newline=newline))


def write_private_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to a 0600 file; returns `path`."""
    with open_private(path, "wb") as f:
        f.write(data)
    return path


def write_private_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to a 0600 file; returns `path`."""
    with open_private(path, "w", encoding=encoding) as f:
        f.write(text)
    return path
