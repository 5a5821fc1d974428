"""`jemput team …`, `jemput day close`, `jemput visit close`, `jemput audit`, `jemput poster`.

Added to the `jemput` parser by `add_commands`; one `cmd_*` coroutine per command. Bad input
(negative tallies, zero kits, a past day, an unknown team/order/kelurahan) is one line, exit 2.
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.context import Cli, open_data
from bot.errors import OperatorError

if TYPE_CHECKING:
    from bot.app import App
    from bot.office.desk import Office, Staff

TALLIES = ("terekam", "gagal", "tidak-hadir", "sudah-punya", "belum-16")


def add_commands(sub: Any, h: Any, parents: dict[str, list[Any]]) -> None:
    """Register the order-related subcommands on the `jemput` parser."""
    data = parents["data"]
    team = sub.add_parser("team", help=h("h_team"), parents=data)
    team_sub = team.add_subparsers(required=True, metavar="ACTION")
    add = team_sub.add_parser("add", help=h("h_team_add"), parents=data)
    add.add_argument("name")
    add.add_argument("--kits", type=int, required=True, help=h("h_kits"))
    add.add_argument("--per-kit", type=int, help=h("h_per_kit"))
    add.add_argument("--vehicle", default="", help=h("h_vehicle"))
    add.add_argument("--member", action="append", default=[], help=h("h_member"))
    add.set_defaults(func=cmd_team_add)
    listing = team_sub.add_parser("list", help=h("h_team_list"), parents=data)
    listing.set_defaults(func=cmd_team_list)
    remove = team_sub.add_parser("remove", help=h("h_team_remove"), parents=data)
    remove.add_argument("name")
    remove.set_defaults(func=cmd_team_remove)

    day = sub.add_parser("day", help=h("h_day"), parents=data)
    close_day = day.add_subparsers(required=True, metavar="ACTION").add_parser(
        "close", help=h("h_day_close"), parents=data
    )
    close_day.add_argument("date", help="YYYY-MM-DD")
    close_day.add_argument("--reason", default="", help=h("h_reason"))
    close_day.set_defaults(func=cmd_day_close)

    visit = sub.add_parser("visit", help=h("h_visit"), parents=data)
    close = visit.add_subparsers(required=True, metavar="ACTION").add_parser(
        "close", help=h("h_visit_close"), parents=data
    )
    close.add_argument("code", help=h("h_code"))
    for name in TALLIES:
        close.add_argument(f"--{name}", type=int, default=0, metavar="N")
    close.set_defaults(func=cmd_visit_close)

    log = sub.add_parser("audit", help=h("h_audit"), parents=data)
    log.add_argument("--limit", type=int, default=50, help=h("h_limit"))
    log.add_argument("--action", help=h("h_action"))
    log.set_defaults(func=cmd_audit)

    make = sub.add_parser("poster", help=h("h_poster"), parents=data)
    make.add_argument("--kelurahan", required=True, help=h("h_kelurahan"))
    make.add_argument("--out", type=Path, default=Path("."), help=h("h_out"))
    make.set_defaults(func=cmd_poster)


def at_least(name: str, value: int, minimum: int) -> int:
    """`value`, or OperatorError (negative, or below 1) naming the option."""
    if value < minimum:
        raise OperatorError("cli_negative" if minimum == 0 else "cli_at_least_one",
                            name=name, value=value)  # fmt: skip
    return value


def within(name: str, value: int, low: int, high: int) -> int:
    """`value` when `low ≤ value ≤ high`, or OperatorError naming the option."""
    if value > high:
        raise OperatorError("cli_too_large", name=name, value=value, high=high)
    return at_least(name, value, low)


def parse_day(value: str) -> date:
    """YYYY-MM-DD, or OperatorError."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise OperatorError("cli_bad_date", value=value) from None


def _office(cli: Cli, app: App) -> tuple[Office, Staff]:
    """The office services, acting as whoever runs the command."""
    from bot.office.desk import Office, Staff

    return Office(app.db, app.settings, app.clock), Staff.operator(cli.login)


async def cmd_team_add(cli: Cli, args: argparse.Namespace) -> int:
    """Add a team."""
    from bot.office import teams
    from bot.office.teams import NewTeam, TeamOutcome

    kits = at_least("--kits", args.kits, 1)
    per_kit = at_least("--per-kit", args.per_kit or cli.settings.team_default_per_kit, 1)
    new = NewTeam(name=args.name, kits=kits, per_kit=per_kit, vehicle=args.vehicle,
                  members=tuple(args.member))  # fmt: skip
    async with open_data(cli) as app:
        added = await teams.add_team(*_office(cli, app), new)
    if added.outcome is TeamOutcome.NAME_TAKEN:
        raise OperatorError("cli_team_taken", name=args.name)
    if added.team is None:
        raise OperatorError("cli_team_invalid", name=args.name)
    team = added.team
    cli.say("cli_team_added", name=team.name, id=team.id, kits=team.kits, per_kit=team.per_kit,
            per_slot=team.per_slot)  # fmt: skip
    return 0


async def cmd_team_list(cli: Cli, args: argparse.Namespace) -> int:
    """List active teams."""
    from bot.office import teams

    async with open_data(cli) as app:
        office, _ = _office(cli, app)
        found = await teams.list_teams(office)
    for team in found:
        cli.say("cli_team_line", id=team.id, name=team.name, kits=team.kits,
                per_kit=team.per_kit, per_slot=team.per_slot, vehicle=team.vehicle or "-",
                members=",".join(team.members) or "-")  # fmt: skip
    if not found:
        cli.say("cli_team_none")
    return 0


async def cmd_team_remove(cli: Cli, args: argparse.Namespace) -> int:
    """Remove a team; its coming visits go back to the staff queue and requesters are told."""
    from bot.office import teams

    async with open_data(cli) as app:
        removed = await teams.remove_team(*_office(cli, app), args.name)
    if removed is None or removed.team is None:
        raise OperatorError("cli_unknown_team", name=args.name)
    cli.say("cli_team_removed", name=removed.team.name, count=len(removed.orders))
    return 0


async def cmd_day_close(cli: Cli, args: argparse.Namespace) -> int:
    """Close a day; its visits go back to the staff queue and requesters are told."""
    from bot.office import teams

    day = parse_day(args.date)
    async with open_data(cli) as app:
        if day < app.clock.today():
            raise OperatorError("cli_day_past", date=day.isoformat())
        closed = await teams.close_day(*_office(cli, app), day, args.reason)
    cli.say("cli_day_closed", date=day.isoformat(), count=len(closed.orders))
    return 0


async def cmd_visit_close(cli: Cli, args: argparse.Namespace) -> int:
    """Record a visit's tallies and thank the requester."""
    from bot.core.orders import MAX_TALLY, Tallies
    from bot.office import visits
    from bot.office.visits import CLOSE_KEYS, CloseOutcome

    counts = {n: within(f"--{n}", getattr(args, n.replace("-", "_")), 0, MAX_TALLY)
              for n in TALLIES}  # fmt: skip
    tallies = Tallies(**{n.replace("-", "_"): v for n, v in counts.items()})
    async with open_data(cli) as app:
        closed = await visits.close_by_code(*_office(cli, app), args.code, tallies)
    if closed.order is None:
        raise OperatorError("cli_unknown_order", code=args.code)
    cli.say(CLOSE_KEYS[closed.outcome], code=closed.order.code)
    return 0 if closed.outcome is CloseOutcome.DONE else 1


async def cmd_audit(cli: Cli, args: argparse.Namespace) -> int:
    """Print the audit trail (times in the office time zone)."""
    from storage import audit, visits

    async with open_data(cli) as app:
        entries = await audit.latest(app.db, at_least("--limit", args.limit, 1), args.action)
        hours = await visits.handling_hours(app.db)
    for e in entries:
        print(f"{_local(cli, e.at)}\t{e.actor}\t{e.action}\t{e.detail}")
    for team, count, avg in hours:
        cli.say("cli_audit_hours", team=team, count=count, hours=avg)
    return 0


def _local(cli: Cli, stamp: str) -> str:
    try:
        return cli.local(stamp)
    except ValueError:
        return stamp


async def cmd_poster(cli: Cli, args: argparse.Namespace) -> int:
    """Write poster-<kelurahan>.png and .pdf."""
    from bot.core.files import private_dir
    from bot.reports import poster
    from storage import areas

    async with open_data(cli) as app:
        area = await areas.find_kelurahan(app.db, args.kelurahan)
        parent = await areas.get_area(app.db, area.parent or "") if area else None
    if area is None or parent is None:
        raise OperatorError("cli_unknown_kelurahan", name=args.kelurahan)
    url = poster.deep_link(cli.settings.bot_username, poster.start_payload(area.kode))
    image = poster.render(poster.Poster(area.nama, parent.nama, cli.settings.office_name, url))
    png, pdf = poster.to_png_and_pdf(image)
    out = writable_folder(args.out, private_dir)
    base = out / f"poster-{poster.slug(area.nama)}"
    base.with_suffix(".png").write_bytes(png)
    base.with_suffix(".pdf").write_bytes(pdf)
    cli.say("cli_poster_done", png=f"{base}.png", pdf=f"{base}.pdf", url=url)
    return 0


def writable_folder(path: Path, make: Any) -> Path:
    """`make(path)` (creating the folder), or OperatorError naming the folder and why."""
    path = path.expanduser().resolve()
    try:
        make(path)
    except OSError as exc:
        raise OperatorError("cli_folder_unusable", path=path, reason=exc.strerror) from None
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise OperatorError("cli_folder_unusable", path=path, reason="not a writable folder")
    return path
