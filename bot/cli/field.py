"""`jemput import regions|residents|recordings|statuses|students FILE`, `jemput schools`,
`jemput report --out DIR`.

Imports may create the database (a new office starts with `jemput import regions`); schools and
report only read it. Progress goes to stderr, a one-line summary to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.context import Cli, open_data
from bot.cli.orders import writable_folder
from bot.errors import OperatorError

if TYPE_CHECKING:
    from bot.imports.limits import Limits


def add_commands(sub: Any, h: Any, parents: dict[str, list[Any]]) -> None:
    """import …, schools, report."""
    data = parents["data"]
    imp = sub.add_parser("import", help=h("h_import"), parents=data)
    imports = imp.add_subparsers(required=True, metavar="KIND")

    def kind(name: str, help_key: str, func: Any) -> Any:
        parser = imports.add_parser(name, help=h(help_key), parents=data)
        parser.add_argument("file", type=Path, help=h("h_file"))
        parser.set_defaults(func=func)
        return parser

    kind("regions", "h_regions", cmd_import_regions).add_argument("--city", help=h("h_city"))
    residents = kind("residents", "h_residents", cmd_import_residents)
    residents.add_argument("--regions", type=Path, help=h("h_regions_file"))
    residents.add_argument("--batch", type=int, default=50_000, help=h("h_batch"))
    recordings = kind("recordings", "h_recordings", cmd_import_recordings)
    recordings.add_argument("--batch", type=int, default=50_000, help=h("h_batch"))
    statuses = kind("statuses", "h_statuses", cmd_import_statuses)
    statuses.add_argument("--batch", type=int, default=20_000, help=h("h_batch"))
    kind("students", "h_students", cmd_import_students)

    schools = sub.add_parser("schools", help=h("h_schools"), parents=data)
    schools.add_argument("--months", type=int, help=h("h_months"))
    schools.add_argument("--targets", metavar="SCHOOL", help=h("h_targets"))
    schools.add_argument("--out", type=Path, default=Path("."), help=h("h_out"))
    schools.set_defaults(func=cmd_schools)

    report = sub.add_parser("report", help=h("h_report"), parents=data)
    report.add_argument("--out", type=Path, required=True, help=h("h_out"))
    report.set_defaults(func=cmd_report)


def input_file(path: Path) -> Path:
    """The absolute path of an existing file, or OperatorError."""
    path = path.expanduser().resolve()
    if not path.is_file():
        raise OperatorError("cli_file_missing", path=path)
    return path


def _limits(cli: Cli) -> Limits:
    """The import file bounds from the settings (IMPORT_MAX_*)."""
    from bot.imports.limits import Limits

    return Limits.from_settings(cli.settings)


def _progress(rows: int) -> None:
    print(f"\r{rows:,} rows", end="", file=sys.stderr, flush=True)


async def cmd_import_regions(cli: Cli, args: argparse.Namespace) -> int:
    """Load the city's areas (for /pengurus, /pesan and posters) from a Kepmendagri list."""
    from bot.app import load_areas

    path, city = input_file(args.file), args.city or cli.settings.city_code
    async with open_data(cli, create=True) as app:
        count = await load_areas(app.db, path, city)
    cli.say("cli_regions_loaded", count=count, city=city)
    return 0


async def cmd_import_residents(cli: Cli, args: argparse.Namespace) -> int:
    """Import or update data wajib KTP from a CSV/XLSX file."""
    from bot.imports.residents import import_residents, stderr_progress

    path = input_file(args.file)
    regions = input_file(args.regions) if args.regions else cli.settings.regions_file
    async with open_data(cli, create=True) as app:
        summary = await import_residents(
            app.db, path, today=app.clock.today(), actor=cli.actor, regions=regions,
            progress=stderr_progress, limits=_limits(cli), merge_rows=max(args.batch, 1),
        )  # fmt: skip
    print(summary.line())
    return 0


async def cmd_import_recordings(cli: Cli, args: argparse.Namespace) -> int:
    """Kit sync from a CSV/XLSX file; pending summons of the recorded stop at once."""
    from bot.imports.recordings import import_recordings

    path = input_file(args.file)
    async with open_data(cli, create=True) as app:
        summary = await import_recordings(
            app.db, path, today=app.clock.today(), now=app.clock.now(), actor=cli.actor,
            max_mb=cli.settings.import_max_mb, apply_rows=max(args.batch, 1), progress=_progress,
            limits=_limits(cli),
        )  # fmt: skip
    print(file=sys.stderr)
    print(summary.line())
    return 0


async def cmd_import_statuses(cli: Cli, args: argparse.Namespace) -> int:
    """SIAK status import; PRR/DICETAK notices are enqueued at once."""
    from bot.app import build_outreach
    from bot.cli.jobs import result_line
    from bot.imports.statuses import import_statuses

    path = input_file(args.file)
    async with open_data(cli, create=True) as app:
        summary = await import_statuses(
            app.db, path, today=app.clock.today(), now=app.clock.now(), actor=cli.actor,
            max_mb=cli.settings.import_max_mb, progress=_progress, limits=_limits(cli),
            apply_rows=max(args.batch, 1),
        )  # fmt: skip
        notices = await build_outreach(app).triggers()
    print(file=sys.stderr)
    print(f"{summary.line()}; {result_line(cli, 'triggers', notices)}")
    return 0


async def cmd_import_students(cli: Cli, args: argparse.Namespace) -> int:
    """Students from school lists (upsert by NIK)."""
    from bot.imports.students import import_students

    path = input_file(args.file)
    async with open_data(cli, create=True) as app:
        summary = await import_students(
            app.db, path, today=app.clock.today(), now=app.clock.now(), actor=cli.actor,
            max_mb=cli.settings.import_max_mb, limits=_limits(cli),
        )  # fmt: skip
    print(summary.line())
    return 0


async def cmd_schools(cli: Cli, args: argparse.Namespace) -> int:
    """Schools by students to record; `--targets SCHOOL` writes that school's list as CSV."""
    from bot.core.files import private_dir
    from bot.reports.schools import school_lines, schools, write_targets

    months = cli.settings.school_months if args.months is None else max(args.months, 0)
    async with open_data(cli) as app:
        if not args.targets:
            for line in await school_lines(app.db, app.clock.today(), months):
                print(line)
            return 0
        known = {s.sekolah.casefold() for s in await schools(app.db, app.clock.today(), months)}
        if args.targets.casefold() not in known:
            raise OperatorError("cli_unknown_school", name=args.targets)
        out = writable_folder(args.out, private_dir)
        path, count = await write_targets(app.db, app.clock.today(), args.targets, out)
    cli.say("cli_targets_written", count=count, school=args.targets, path=path)
    return 0


async def cmd_report(cli: Cli, args: argparse.Namespace) -> int:
    """Write the progress report (HTML with charts, CSV exports) to a folder."""
    from bot.core.files import private_dir
    from bot.reports.page import write_report

    out = writable_folder(args.out, private_dir)
    async with open_data(cli) as app:
        written = await write_report(app.db, cli.settings, app.clock, out, actor=cli.actor)
    cli.say("cli_report_written", out=out, files=", ".join(p.name for p in written))
    return 0
