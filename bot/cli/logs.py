"""Logging for the `jemput` command: stderr for people and services, ERROR_LOG for tracebacks.

`jemput run` is a service: its stderr is the log (journald, `docker logs`), tracebacks included.
Other commands talk to a person: their stderr shows one line per problem, and every traceback
goes to ERROR_LOG (rotating, 0600 in a 0700 folder), never to the person.
"""

from __future__ import annotations

import logging
import sys
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.files import private_dir, touch_private

if TYPE_CHECKING:
    from bot.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ERROR_LOG_BYTES = 1_000_000
ERROR_LOG_KEEP = 5


class PrivateRotatingFile(RotatingFileHandler):
    """A rotating log file created 0600 (folder 0700) on its first record."""

    def _open(self) -> TextIOWrapper:
        path = Path(self.baseFilename)
        private_dir(path.parent)
        touch_private(path)
        return super()._open()


class Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler on whatever `sys.stderr` is at the time of the record."""

    @property
    def stream(self) -> Any:
        """The current stderr."""
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        """Ignored: always the current stderr."""


class OneLine(logging.Formatter):
    """A formatter that leaves out tracebacks (they are in ERROR_LOG)."""

    def format(self, record: logging.LogRecord) -> str:
        """The message line only."""
        plain = logging.makeLogRecord(record.__dict__)
        plain.exc_info, plain.exc_text, plain.stack_info = None, None, None
        return super().format(plain)


def setup_logging(settings: Settings, verbose: bool, *, service: bool) -> logging.Logger:
    """Configure the root logger (INFO for `run`, WARNING for a person, DEBUG with -v);
    returns the crash logger (writes to ERROR_LOG only)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "jemput", False)]:
        root.removeHandler(handler)  # an earlier main() in the same process (tests)
        handler.close()
    # a person at a terminal sees warnings; a service logs what it does
    root.setLevel(logging.DEBUG if verbose else logging.INFO if service else logging.WARNING)
    console = Stderr()
    console.setFormatter(logging.Formatter(FORMAT) if service else OneLine(FORMAT))
    errors = PrivateRotatingFile(
        settings.error_log_path, maxBytes=ERROR_LOG_BYTES, backupCount=ERROR_LOG_KEEP, delay=True
    )
    errors.setLevel(logging.ERROR)
    errors.setFormatter(logging.Formatter(FORMAT))
    for handler in (console, errors):
        setattr(handler, "jemput", True)  # noqa: B010 (marks our handlers)
        root.addHandler(handler)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    crash = logging.getLogger("jemput.crash")
    crash.propagate = False
    crash.handlers = [errors]
    return crash
