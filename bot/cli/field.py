"""`jemput import recordings|statuses|students FILE`, `jemput schools`, `jemput report --out DIR`.

Added to the `jemput` parser by `add_field_commands`; one `cmd_*` coroutine per command,
progress to stderr, a one-line summary at the end.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from bot.app import build_outreach, open_app
from bot.settings import Settings

_Sub = Any  # argparse's private _SubParsersAction


def add_field_commands(sub: _Sub, imports: _Sub) -> None:
    """Register the field subcommands: `imports` is the `jemput import` sub-parser group."""
    rec = imports.add_parser("recordings", help="kit sync: nik, tanggal_rekam, kit[, kode]")
    rec.add_argument("file", type=Path)
    rec.add_argument("--batch", type=int, default=20_000, help="rows per transaction")
    rec.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    rec.set_defaults(func=cmd_import_recordings)

    st = imports.add_parser("statuses", help="SIAK statuses: nik, status, tanggal")
    st.add_argument("file", type=Path)
    st.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    st.set_defaults(func=cmd_import_statuses)

    stu = imports.add_parser("students", help="school lists: nik, nama, tanggal_lahir, sekolah")
    stu.add_argument("file", type=Path)
    stu.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    stu.set_defaults(func=cmd_import_students)

    schools = sub.add_parser("schools", help="schools by students to record (16+ or turning 17)")
    schools.add_argument("--months", type=int, help="turning 17 within N months (SCHOOL_MONTHS)")
    schools.add_argument("--targets", metavar="SCHOOL", help="write this school's target list")
    schools.add_argument("--out", type=Path, default=Path("."), help="folder for --targets")
    schools.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    schools.set_defaults(func=cmd_schools)

    report = sub.add_parser("report", help="progress report: HTML page with charts, CSV exports")
    report.add_argument("--out", type=Path, required=True, help="output folder")
    report.add_argument("--db", type=Path, help="database path (default DATABASE_PATH)")
    report.set_defaults(func=cmd_report)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _progress(rows: int) -> None:
    print(f"\r{rows:,} rows applied", end="", file=sys.stderr, flush=True)


async def cmd_import_recordings(settings: Settings, args: argparse.Namespace) -> int:
    """Kit sync from a CSV/XLSX file; pending summons of the recorded stop at once."""
    from bot.imports.recordings import import_recordings

    async with open_app(settings) as app:
        summary = await import_recordings(
            app.db, args.file, today=app.clock.today(), now=app.clock.now(), actor=_actor(),
            max_mb=settings.import_max_mb, apply_rows=max(args.batch, 1), progress=_progress,
        )  # fmt: skip
    print(file=sys.stderr)
    print(summary.line())
    return 0


async def cmd_import_statuses(settings: Settings, args: argparse.Namespace) -> int:
    """SIAK status import; PRR/DICETAK notices are enqueued at once."""
    from bot.imports.statuses import import_statuses

    async with open_app(settings) as app:
        summary = await import_statuses(
            app.db, args.file, today=app.clock.today(), now=app.clock.now(), actor=_actor(),
            max_mb=settings.import_max_mb, progress=_progress,
        )  # fmt: skip
        notices = await build_outreach(app).triggers()
    print(file=sys.stderr)
    print(f"{summary.line()}; {notices}")
    return 0


async def cmd_import_students(settings: Settings, args: argparse.Namespace) -> int:
    """Students from school lists (upsert by NIK)."""
    from bot.imports.students import import_students

    async with open_app(settings) as app:
        summary = await import_students(
            app.db, args.file, today=app.clock.today(), now=app.clock.now(), actor=_actor(),
            max_mb=settings.import_max_mb,
        )  # fmt: skip
    print(summary.line())
    return 0


async def cmd_schools(settings: Settings, args: argparse.Namespace) -> int:
    """Schools by students to record; `--targets SCHOOL` writes that school's list as CSV."""
    from bot.reports.schools import school_lines, write_targets

    months = settings.school_months if args.months is None else max(args.months, 0)
    async with open_app(settings) as app:
        if args.targets:
            path, count = await write_targets(app.db, app.clock.today(), args.targets, args.out)
            print(f"{count} students to record at {args.targets}: {path}")
        else:
            for line in await school_lines(app.db, app.clock.today(), months):
                print(line)
    return 0


async def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    """Write the progress report (HTML with charts, CSV exports) to a folder."""
    from bot.reports.page import write_report

    async with open_app(settings) as app:
        written = await write_report(app.db, settings, app.clock, args.out, actor=_actor())
    print(f"Report written to {args.out}: {', '.join(p.name for p in written)}")
    return 0
