"""`jemput backup`, `restore`, `info`, `holidays`, `health` and `jemput --version`."""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path
from typing import Any

from bot.cli.context import Cli, open_data
from bot.errors import OperatorError
from bot.i18n.cli import WEEKDAYS

HEALTH_TIMEOUT_S = 5.0


def add_commands(sub: Any, h: Any, parents: dict[str, list[Any]]) -> None:
    """backup, restore, info, holidays, health."""
    backup = sub.add_parser("backup", help=h("h_backup"), parents=parents["data"])
    backup.add_argument("path", type=Path, help=h("h_backup_path"))
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help=h("h_restore"), parents=parents["data"])
    restore.add_argument("file", type=Path, help=h("h_restore_file"))
    restore.set_defaults(func=cmd_restore)
    info = sub.add_parser("info", help=h("h_info"), parents=parents["data"])
    info.set_defaults(func=cmd_info)
    days = sub.add_parser("holidays", help=h("h_holidays"), parents=parents["common"])
    days.add_argument("year", type=int, nargs="?", help=h("h_year"))
    days.set_defaults(func=cmd_holidays)
    health = sub.add_parser("health", help=h("h_health"), parents=parents["common"])
    health.add_argument("--url", help=h("h_url"))
    health.set_defaults(func=cmd_health)


def version() -> str:
    """The package's version (`bot.__version__`, also the installed distribution's)."""
    from bot import __version__

    return __version__


def print_version(cli: Cli) -> int:
    """`jemput --version`: version, Python and the database in use."""
    from storage.location import database_label

    database = database_label(cli.settings.database)
    cli.say("cli_version", version=version(), python=platform.python_version(), database=database)
    return 0


async def cmd_backup(cli: Cli, args: argparse.Namespace) -> int:
    """Copy the live database to a new 0600 file with SQLite's online backup."""
    from storage.backup import backup_database
    from storage.location import check_database

    source = cli.settings.database_path
    if cli.settings.database_url is not None:
        raise OperatorError("cli_pg_backup")

    def show(done: int, total: int) -> None:
        print("\r" + cli.text("cli_backup_progress", done=done, total=total), end="",
              file=sys.stderr, flush=True)  # fmt: skip

    check_database(source, create=False)
    target = args.path.expanduser().resolve()
    if target.exists():
        raise OperatorError("cli_target_exists", path=target)
    try:
        pages = await backup_database(source, target, show)
    except OSError as exc:
        raise OperatorError(
            "cli_folder_unusable", path=target.parent, reason=exc.strerror
        ) from None
    print(file=sys.stderr)
    cli.say("cli_backup_done", source=source, target=target, pages=pages)
    return 0


async def cmd_restore(cli: Cli, args: argparse.Namespace) -> int:
    """Replace the database with a checked backup; the replaced file is kept beside it."""
    import asyncio

    from bot.core.clock import Clock
    from storage.backup import restore_database

    database = cli.settings.database_path
    if cli.settings.database_url is not None:
        raise OperatorError("cli_pg_backup")
    backup = args.file.expanduser().resolve()
    now = Clock(cli.settings.timezone).local_now()
    kept = await asyncio.to_thread(restore_database, backup, database, now)
    cli.say("cli_restore_done", path=database, backup=backup)
    if kept is not None:
        cli.say("cli_restore_kept", kept=kept)
    return 0


async def cmd_info(cli: Cli, args: argparse.Namespace) -> int:
    """Version, database (and whether it exists), settings, channels, backups, error log."""
    from bot.cli.run import channel_summary
    from storage.location import database_label

    s = cli.settings
    env = Path(".env").resolve()
    cli.say(
        "cli_info", version=version(), python=platform.python_version(),
        database=database_label(s.database), state=await _state(cli),
        env=cli.text("cli_info_env", path=env) if env.is_file() else cli.text("cli_info_env_none"),
        timezone=s.timezone, language=s.default_language,
        channels=channel_summary(cli) or cli.text("cli_info_no_channel"), host=s.host,
        port=s.port, backups=s.backup_folder, hour=s.backup_hour, keep=s.backup_keep,
        holidays=cli.text("cli_info_holidays", country=s.holidays_country or "-",
                          file=s.holidays_file or "-"),
        errors=s.error_log_path,
    )  # fmt: skip
    return 0


async def _state(cli: Cli) -> str:
    """'present, 1.2 MB, last migration 0006_…, N residents' or 'not created yet'."""
    from storage.location import check_database
    from storage.stats import database_stats

    path = cli.settings.database_path
    if cli.settings.database_url is not None:
        async with open_data(cli) as app:
            stats = await database_stats(app.db)
        return cli.text("cli_info_state_pg", migration=stats.migration, residents=stats.residents)
    if not path.exists():
        return cli.text("cli_info_absent")
    check_database(path, create=False)
    async with open_data(cli) as app:
        stats = await database_stats(app.db)
    return cli.text(
        "cli_info_state", size=path.stat().st_size / 1e6, migration=stats.migration,
        residents=stats.residents,
    )  # fmt: skip


async def cmd_holidays(cli: Cli, args: argparse.Namespace) -> int:
    """The holidays in force in a year: national ones and HOLIDAYS_FILE's."""
    from bot.core.calendar import holiday_list
    from bot.core.clock import Clock

    year = args.year or Clock(cli.settings.timezone).today().year
    found = holiday_list(cli.settings, year)
    weekdays = WEEKDAYS.get(cli.lang, WEEKDAYS["id"])
    cli.say("cli_holidays_title", year=year, count=len(found))
    for day in found:
        cli.say(
            "cli_holiday_line", date=day.day.isoformat(), weekday=weekdays[day.day.weekday()],
            name=day.name or "-", source=cli.text(f"cli_source_{day.source}"),
        )  # fmt: skip
    return 0


async def cmd_health(cli: Cli, args: argparse.Namespace) -> int:
    """GET /healthz of the running bot: exit 0 when healthy, 1 otherwise (HEALTHCHECK)."""
    import json
    import urllib.error
    import urllib.request

    host = "127.0.0.1" if cli.settings.host in ("0.0.0.0", "::", "") else cli.settings.host
    url = args.url or f"http://{host}:{cli.settings.port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=HEALTH_TIMEOUT_S) as response:
            body = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        body = json.loads(exc.read() or b"{}")
        cli.say("cli_health_failing", url=url, problems="; ".join(body.get("problems", [])))
        return 1
    except (OSError, ValueError) as exc:
        raise OperatorError("cli_health_down", url=url, reason=exc) from None
    cli.say("cli_health_ok", url=url)
    return 0
