"""The `jemput` command (also `python -m bot`): run the bot, the console demo, imports."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app import App, build_app
from bot.errors import ConfigError, ImportFileError, JemputError, StorageError
from bot.settings import Settings, load_settings

logger = logging.getLogger("jemput")

DEMO_DB = Path("data/demo.sqlite3")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        overrides = {"database_path": args.db} if getattr(args, "db", None) else {}
        settings = load_settings(**overrides)
        return int(asyncio.run(args.func(settings, args)) or 0)
    except (ConfigError, ImportFileError, StorageError) as exc:
        print(f"jemput: {exc}", file=sys.stderr)
        return 2
    except JemputError as exc:
        print(f"jemput: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jemput", description="Jemput Bola e-KTP assistant")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot until SIGTERM/SIGINT")
    run.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="console chat on a built-in demo database")
    demo.add_argument("--db", type=Path, default=DEMO_DB, help=f"demo database ({DEMO_DB})")
    demo.add_argument("--lang", choices=("id", "en"), default="id")
    demo.set_defaults(func=cmd_demo)

    imp = sub.add_parser("import", help="import data files")
    imp_sub = imp.add_subparsers(required=True, metavar="KIND")
    residents = imp_sub.add_parser("residents", help="data wajib KTP (CSV or XLSX)")
    residents.add_argument("file", type=Path)
    residents.add_argument("--regions", type=Path, help="Kepmendagri region list CSV")
    residents.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    residents.set_defaults(func=cmd_import_residents)

    backup = sub.add_parser("backup", help="online copy of the database (safe while running)")
    backup.add_argument("path", type=Path, help="new file to write")
    backup.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    backup.set_defaults(func=cmd_backup)
    return parser


async def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Run every configured channel until a signal arrives."""
    if settings.telegram_bot_token is None:
        raise ConfigError("Nothing to run: set TELEGRAM_BOT_TOKEN (or try `jemput demo`).")
    app = await build_app(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _run_channels(app, stop)
    finally:
        await app.close()
    logger.info("Stopped cleanly")
    return 0


async def _run_channels(app: App, stop: asyncio.Event) -> None:
    from bot.channels.telegram import TelegramChannel

    telegram = TelegramChannel(app.settings, app.db, app.conversation, app.clock)
    await telegram.run(stop)


async def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Console chat on the demo database (created on first use)."""
    from bot.channels.console import ConsoleChannel
    from bot.demo import demo_residents, showcase_residents
    from storage.residents import add_residents, count_residents

    settings = settings.model_copy(update={"database_path": args.db})
    app = await build_app(settings)
    try:
        today = app.clock.today()
        if await count_residents(app.db) == 0:
            await add_residents(app.db, demo_residents(today), app.clock.now())
        print(f"Demo database: {args.db}. Try these NIK / KK pairs:")
        for r in showcase_residents(today):
            print(f"  {r.nik}  KK {r.no_kk}  ({r.nama}, {r.status.value})")
        print("Type /status, a NIK, /bantuan, /bahasa … and 'keluar' to quit.\n")
        await ConsoleChannel(app.conversation, language=args.lang).run()
    finally:
        await app.close()
    return 0


async def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the live database to a new file with SQLite's online backup."""
    from storage.backup import backup_database

    def show(done: int, total: int) -> None:
        print(f"\rbackup: {done}/{total} pages", end="", file=sys.stderr, flush=True)

    pages = await backup_database(settings.database_path, args.path, show)
    print(file=sys.stderr)
    print(f"Backed up {settings.database_path} to {args.path} ({pages} pages, integrity ok)")
    return 0


async def cmd_import_residents(settings: Settings, args: argparse.Namespace) -> int:
    """Import or update data wajib KTP from a CSV/XLSX file."""
    from bot.importer import import_residents, stderr_progress

    app = await build_app(settings)
    try:
        summary = await import_residents(
            app.db,
            args.file,
            today=app.clock.today(),
            actor=f"cli:{getpass.getuser()}",
            regions=args.regions or settings.regions_file,
            progress=stderr_progress,
        )
    finally:
        await app.close()
    print(summary.line())
    return 0



if __name__ == "__main__":
    sys.exit(main())
