"""Commands for several workers and PostgreSQL: migrate, migrate-data, workers (issue #10)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.cli.context import Cli
from bot.errors import OperatorError


def add_commands(sub: Any, h: Any, parents: dict[str, list[Any]]) -> None:
    """migrate, migrate-data, workers."""
    migrate = sub.add_parser("migrate", help=h("h_migrate"), parents=parents["data"])
    migrate.set_defaults(func=cmd_migrate)
    copy = sub.add_parser("migrate-data", help=h("h_migrate_data"), parents=parents["data"])
    copy.add_argument("--from", dest="source", type=Path, required=True, help=h("h_from"))
    copy.set_defaults(func=cmd_migrate_data)
    listing = sub.add_parser("workers", help=h("h_workers"), parents=parents["data"])
    listing.set_defaults(func=cmd_workers)


async def cmd_workers(cli: Cli, args: argparse.Namespace) -> int:
    """The live `jemput run` workers of this database, with what each leads."""
    from bot.cli.context import open_data
    from storage import workers

    async with open_data(cli) as app:
        found = await workers.live(app.db)
    for w in found:
        cli.say("cli_workers_row", worker=w.id, started=w.started_at[:19], beat=w.beat_at[:19],
                roles=w.roles or "-")  # fmt: skip
    if not found:
        cli.say("cli_workers_none")
    return 0


async def cmd_migrate(cli: Cli, args: argparse.Namespace) -> int:
    """Apply pending migrations to the database in use and print each one applied."""
    from storage.db import migrate_database
    from storage.location import check_database, database_label

    s = cli.settings
    if s.database_url is None:
        check_database(s.database_path, create=True)
    applied = await asyncio.to_thread(migrate_database, s.database)
    for name in applied:
        cli.say("cli_migrate_applied", name=name)
    if not applied:
        cli.say("cli_migrate_none", database=database_label(s.database))
    return 0


async def cmd_migrate_data(cli: Cli, args: argparse.Namespace) -> int:
    """Copy a SQLite database into the (empty) PostgreSQL database of DATABASE_URL."""
    from storage.copy_data import copy_sqlite_to_pg
    from storage.location import check_database

    s = cli.settings
    if s.database_url is None:
        raise OperatorError("cli_migrate_data_needs_url")
    source = args.source.expanduser().resolve()
    check_database(source, create=False)
    counts = await asyncio.to_thread(copy_sqlite_to_pg, source, s.database_url.get_secret_value())
    for table, count in counts.items():
        cli.say("cli_migrate_data_table", table=table, count=count)
    cli.say("cli_migrate_data_done", tables=len(counts), rows=sum(counts.values()))
    return 0
