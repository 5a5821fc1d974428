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

from bot.app import App, build_outreach, open_app, run_channels
from bot.cli.field import add_field_commands
from bot.cli.orders import add_order_commands
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

    regions = imp_sub.add_parser("regions", help="kecamatan/kelurahan from a Kepmendagri list")
    regions.add_argument("file", type=Path, help="CSV with kode,nama,tingkat")
    regions.add_argument("--city", help="kota/kabupaten code (default CITY_CODE)")
    regions.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    regions.set_defaults(func=cmd_import_regions)

    backup = sub.add_parser("backup", help="online copy of the database (safe while running)")
    backup.add_argument("path", type=Path, help="new file to write")
    backup.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    backup.set_defaults(func=cmd_backup)

    wa = sub.add_parser("whatsapp", help="WhatsApp helpers")
    wa_sub = wa.add_subparsers(required=True, metavar="ACTION")
    templates = wa_sub.add_parser("templates", help="template texts to submit to Meta")
    templates.set_defaults(func=cmd_whatsapp_templates)

    box = sub.add_parser("outbox", help="outbox counts, send rate, dead letters")
    box.add_argument("--retry-dead", action="store_true", help="queue the dead letters again")
    box.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    box.set_defaults(func=cmd_outbox)

    jobs = sub.add_parser("jobs", help="scheduled jobs and their next run; `jobs run NAME`")
    jobs.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    jobs.set_defaults(func=cmd_jobs)
    jobs_sub = jobs.add_subparsers(metavar="ACTION")
    run_job = jobs_sub.add_parser("run", help="run a job now (e.g. summons)")
    run_job.add_argument("name", help="summons, triggers, staff_digest, officials_digest")
    run_job.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    run_job.set_defaults(func=cmd_jobs_run)
    add_order_commands(sub)  # team, day, visit, audit, poster
    add_field_commands(sub, imp_sub)  # import recordings|statuses|students, schools, report
    return parser


async def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Run every configured channel until a signal arrives."""
    if settings.telegram_bot_token is None and not settings.whatsapp_enabled:
        raise ConfigError("Nothing to run: set TELEGRAM_BOT_TOKEN (or try `jemput demo`).")
    async with open_app(settings) as app:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await _run_channels(app, stop)
    logger.info("Stopped cleanly")
    return 0


async def _run_channels(app: App, stop: asyncio.Event) -> None:
    """Telegram-only, WhatsApp-only or both; the web server when webhooks are configured."""
    await run_channels(app, stop)


async def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Console chat on the demo database (created on first use): see `bot.cli.demo`."""
    from bot.cli.demo import demo_settings, run_demo

    if not args.verbose:  # the chat is the output; logs would interleave with it
        logging.getLogger().setLevel(logging.WARNING)
    await run_demo(demo_settings(settings, args.db), args.lang)
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


async def cmd_import_regions(settings: Settings, args: argparse.Namespace) -> int:
    """Load the city's areas (for /pengurus, /pesan and posters) from a Kepmendagri list."""
    from bot.app import load_areas

    async with open_app(settings) as app:
        count = await load_areas(app.db, args.file, args.city or settings.city_code)
    print(f"Loaded {count} areas (kecamatan and kelurahan) of {args.city or settings.city_code}")
    return 0


async def cmd_import_residents(settings: Settings, args: argparse.Namespace) -> int:
    """Import or update data wajib KTP from a CSV/XLSX file."""
    from bot.imports.residents import import_residents, stderr_progress

    async with open_app(settings) as app:
        summary = await import_residents(
            app.db,
            args.file,
            today=app.clock.today(),
            actor=f"cli:{getpass.getuser()}",
            regions=args.regions or settings.regions_file,
            progress=stderr_progress,
        )
    print(summary.line())
    return 0


async def cmd_whatsapp_templates(settings: Settings, args: argparse.Namespace) -> int:
    """Print the WhatsApp message templates (names from settings) to submit for approval."""
    from bot.channels.whatsapp_templates import print_templates

    print_templates(settings)
    return 0


async def cmd_outbox(settings: Settings, args: argparse.Namespace) -> int:
    """Print the operator view of the outbox (optionally retrying dead letters first)."""
    from bot.outreach.jobs import outbox_report_text
    from storage.outbox import retry_dead

    async with open_app(settings) as app:
        if args.retry_dead:
            count = await retry_dead(app.db, app.clock.now())
            print(f"{count} dead letters queued again")
        print(await outbox_report_text(app.db, app.clock, settings.default_language))
    return 0


async def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    """List the scheduled jobs with their next and last runs."""
    from bot.outreach.scheduler import JobRunner, describe_jobs

    async with open_app(settings) as app:
        for job in await describe_jobs(JobRunner(build_outreach(app))):
            when = job.next_run.strftime("%Y-%m-%d %H:%M %Z") if job.next_run else "-"
            last = "never"
            if job.last is not None:
                state = "running" if job.last.finished_at is None else "done"
                last = f"{job.last.slot} {state}: {job.last.error or job.last.result}"
            print(f"{job.name:<17} next {when:<22} {job.about}")
            print(f"{'':<17} last {last}")
    return 0


async def cmd_jobs_run(settings: Settings, args: argparse.Namespace) -> int:
    """Run one job now; a running `jemput run` sends what it enqueues within ~2 s."""
    from bot.outreach.scheduler import JobRunner

    async with open_app(settings) as app:
        result = await JobRunner(build_outreach(app)).run_now(args.name)
    print(f"{args.name}: {result}")
    return 1 if result.startswith("failed") else 0


if __name__ == "__main__":
    sys.exit(main())
