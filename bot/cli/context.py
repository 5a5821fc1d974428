"""What every command gets: settings, the CLI language, printing, and opening the database.

Commands that only read or manage data open it with `open_data(cli)`, which refuses a path
with no database behind it (one line, exit 2); `run`, `demo` and `import` pass `create=True`.
Heavy modules (`bot.app`, and through it the handlers and channels) load only when a command
opens the database, so `jemput --help` and `jemput --version` start fast.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.i18n import t
from storage.location import check_database

if TYPE_CHECKING:  # pydantic loads with the settings, after parsing: `--help` stays fast
    from bot.app import App
    from bot.settings import Settings


@dataclass
class Cli:
    """Settings and the language of this command's output."""

    settings: Settings
    lang: str

    def text(self, key: str, **values: Any) -> str:
        """A CLI text in the command's language."""
        return t(self.lang, key, **values)

    def say(self, key: str, **values: Any) -> None:
        """Print a CLI text on stdout."""
        print(self.text(key, **values))

    def note(self, key: str, **values: Any) -> None:
        """Print a CLI text on stderr (progress, hints)."""
        print(self.text(key, **values), file=sys.stderr)

    def local(self, moment: datetime | str) -> str:
        """A time in the office time zone: '2026-11-28 10:00 WIB'."""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return moment.astimezone(ZoneInfo(self.settings.timezone)).strftime("%Y-%m-%d %H:%M %Z")

    @property
    def actor(self) -> str:
        """Who is acting, for the audit trail."""
        return f"cli:{self.login}"

    @property
    def login(self) -> str:
        """The operating-system user running the command."""
        return getpass.getuser()


@asynccontextmanager
async def open_data(cli: Cli, *, create: bool = False) -> AsyncIterator[App]:
    """The app on DATABASE_PATH; OperatorError when there is no usable database there (unless
    `create`: only `run`, `demo` and `import` may create one)."""
    from bot.app import open_app

    if cli.settings.database_url is None:  # PostgreSQL: connecting checks it
        check_database(cli.settings.database_path, create=create)
    async with open_app(cli.settings) as app:
        yield app
