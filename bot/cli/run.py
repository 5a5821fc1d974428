"""`jemput run` (the service) and `jemput demo` (a console chat on a demo database)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
from pathlib import Path
from typing import Any

from bot.cli.context import Cli, open_data
from bot.errors import OperatorError

logger = logging.getLogger("jemput")

DEMO_DB = Path("data/demo.sqlite3")


def add_commands(sub: Any, h: Any, parents: dict[str, list[Any]]) -> None:
    """`run` and `demo`."""
    run = sub.add_parser("run", help=h("h_run"), parents=parents["data"])
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", help=h("h_demo"), parents=parents["data"])
    demo.set_defaults(func=cmd_demo)


def channel_summary(cli: Cli) -> str:
    """'telegram (polling), whatsapp (webhook)' or ''."""
    s, found = cli.settings, []
    if s.telegram_bot_token is not None:
        found.append(f"telegram ({'webhook' if s.telegram_webhook_url else 'polling'})")
    if s.whatsapp_enabled:
        found.append("whatsapp (webhook)")
    return ", ".join(found)


async def cmd_run(cli: Cli, args: argparse.Namespace) -> int:
    """Run every configured channel, the web server and the scheduler until a signal."""
    import asyncio

    from bot.app import run_channels
    from bot.cli.data import version
    from bot.core.calendar import holidays_for
    from storage.backup import run_lock
    from storage.location import check_database, database_label

    s = cli.settings
    channels = channel_summary(cli)
    if not channels:
        raise OperatorError("cli_nothing_to_run")
    holidays_for(s)  # a bad HOLIDAYS_FILE stops the start with one line, not the first round
    logger.info(
        "Jemput Bola %s starting: database %s; channels %s; web http://%s:%s (/healthz, /metrics)",
        version(), database_label(s.database), channels, s.host, s.port,
    )  # fmt: skip
    on_file = s.database_url is None  # PostgreSQL: the server checks, several workers may run
    if on_file:
        check_database(s.database_path, create=True)
    with run_lock(s.database_path) if on_file else contextlib.nullcontext():
        async with open_data(cli, create=True) as app:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await run_channels(app, stop)
    logger.info("Stopped cleanly")
    return 0


async def cmd_demo(cli: Cli, args: argparse.Namespace) -> int:
    """Console chat on the demo database (created on first use): see `bot.cli.demo`."""
    from bot.cli.demo import demo_settings, run_demo
    from storage.location import check_database, resolve

    if not getattr(args, "verbose", False):  # the chat is the output; logs would interleave
        logging.getLogger().setLevel(logging.WARNING)
    path = resolve(Path(getattr(args, "db", None) or DEMO_DB))
    check_database(path, create=True)
    await run_demo(demo_settings(cli.settings, path), cli.lang)
    return 0
