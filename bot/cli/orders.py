"""`jemput team …`, `jemput day close`, `jemput visit close`, `jemput audit`, `jemput poster`.

Added to the `jemput` parser by `add_order_commands`; one `cmd_*` coroutine per command.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import date
from pathlib import Path
from typing import Any

from bot.app import App, open_app
from bot.core.numbers import parse_number
from bot.core.orders import MAX_TALLY, Tallies
from bot.errors import ConfigError, JemputError
from bot.i18n import t
from bot.office import teams as office_teams
from bot.office import visits as office_visits
from bot.office.desk import Office, Staff
from bot.office.teams import NewTeam, TeamOutcome
from bot.office.visits import CLOSE_KEYS, CloseOutcome
from bot.reports import poster
from bot.settings import Settings
from storage import areas, audit, visits

_Sub = Any  # argparse's private _SubParsersAction


def add_order_commands(sub: _Sub) -> None:
    """Register the order-related subcommands on the `jemput` parser."""
    team = sub.add_parser("team", help="mobile recording teams: add, list, remove")
    team_sub = team.add_subparsers(required=True, metavar="ACTION")
    add = team_sub.add_parser("add", help="add a team")
    add.add_argument("name")
    add.add_argument("--kits", type=int, required=True, help="number of recording kits")
    add.add_argument("--per-kit", type=int, help="recordings per kit per slot")
    add.add_argument("--vehicle", default="", help="vehicle, e.g. 'Avanza BN 1234 X'")
    add.add_argument("--member", action="append", default=[], help="staff Telegram user id")
    add.set_defaults(func=cmd_team_add)
    team_sub.add_parser("list", help="list active teams").set_defaults(func=cmd_team_list)
    remove = team_sub.add_parser("remove", help="remove a team; its visits are re-planned")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_team_remove)

    day = sub.add_parser("day", help="close a day for visits").add_subparsers(required=True)
    close_day = day.add_parser("close", help="close a date; its visits are re-planned")
    close_day.add_argument("date", type=date.fromisoformat, help="YYYY-MM-DD")
    close_day.add_argument("--reason", default="")
    close_day.set_defaults(func=cmd_day_close)

    visit = sub.add_parser("visit", help="visits").add_subparsers(required=True)
    close = visit.add_parser("close", help="record a visit's results")
    close.add_argument("code", help="order code, e.g. JB-2026-0042")
    for name in ("terekam", "gagal", "tidak-hadir", "sudah-punya", "belum-16"):
        close.add_argument(f"--{name}", type=_tally, default=0, metavar="N")
    close.set_defaults(func=cmd_visit_close)

    log = sub.add_parser("audit", help="the audit trail, newest first")
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--action", help="only this action, e.g. order.schedule")
    log.set_defaults(func=cmd_audit)

    make = sub.add_parser("poster", help="printable PNG/PDF poster with a QR deep link")
    make.add_argument("--kelurahan", required=True, help="kelurahan name, e.g. Bacang")
    make.add_argument("--out", type=Path, default=Path("."), help="output folder")
    make.set_defaults(func=cmd_poster)


def _tally(text: str) -> int:
    """A tally on the command line: 0 … MAX_TALLY."""
    number = parse_number(text, high=MAX_TALLY)
    if number is None:
        raise argparse.ArgumentTypeError(f"a whole number from 0 to {MAX_TALLY}")
    return number


def _operator() -> Staff:
    return Staff.operator(getpass.getuser())


def _office(app: App) -> Office:
    return Office(app.db, app.settings, app.clock)


async def cmd_team_add(settings: Settings, args: argparse.Namespace) -> int:
    """Add a team."""
    new = NewTeam(name=args.name, kits=args.kits, per_kit=args.per_kit, vehicle=args.vehicle,
                  members=tuple(args.member))  # fmt: skip
    async with open_app(settings) as app:
        added = await office_teams.add_team(_office(app), _operator(), new)
    team = added.team
    if added.outcome is TeamOutcome.NAME_TAKEN:
        raise JemputError(f"a team named {args.name!r} exists")
    if team is None:
        raise JemputError("a team needs a name, 1–50 kits and 1–500 recordings per kit")
    print(f"Team {team.name} (id {team.id}): {team.kits} × {team.per_kit} = {team.per_slot}/slot")
    return 0


async def cmd_team_list(settings: Settings, args: argparse.Namespace) -> int:
    """List active teams."""
    async with open_app(settings) as app:
        found = await office_teams.list_teams(_office(app))
    for team in found:
        members = ",".join(team.members) or "-"
        print(f"{team.id}\t{team.name}\t{team.kits}×{team.per_kit}={team.per_slot}\t"
              f"{team.vehicle or '-'}\tmembers {members}")  # fmt: skip
    if not found:
        print("No teams. Add one: jemput team add NAME --kits N")
    return 0


async def cmd_team_remove(settings: Settings, args: argparse.Namespace) -> int:
    """Remove a team; its coming visits go back to the staff queue and requesters are told."""
    async with open_app(settings) as app:
        removed = await office_teams.remove_team(_office(app), _operator(), args.name)
    if removed is None or removed.team is None:
        raise JemputError(f"no team named {args.name!r}")
    print(f"Team {removed.team.name} removed; {len(removed.orders)} visit(s) to re-plan")
    return 0


async def cmd_day_close(settings: Settings, args: argparse.Namespace) -> int:
    """Close a day; its visits go back to the staff queue and requesters are told."""
    async with open_app(settings) as app:
        closed = await office_teams.close_day(_office(app), _operator(), args.date, args.reason)
    print(f"{args.date} closed; {len(closed.orders)} visit(s) to re-plan")
    return 0


async def cmd_visit_close(settings: Settings, args: argparse.Namespace) -> int:
    """Record a visit's tallies and thank the requester."""
    tallies = Tallies(terekam=args.terekam, gagal=args.gagal, tidak_hadir=args.tidak_hadir,
                      sudah_punya=args.sudah_punya, belum_16=args.belum_16)  # fmt: skip
    async with open_app(settings) as app:
        closed = await office_visits.close_by_code(_office(app), _operator(), args.code, tallies)
    if closed.order is None:
        raise JemputError(f"no order {args.code}")
    key = CLOSE_KEYS[closed.outcome]
    print(t(settings.default_language, key, code=closed.order.code))
    return 0 if closed.outcome is CloseOutcome.DONE else 1


async def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    """Print the audit trail."""
    async with open_app(settings) as app:
        entries = await audit.latest(app.db, args.limit, args.action)
        hours = await visits.handling_hours(app.db)
    for e in entries:
        print(f"{e.at}\t{e.actor}\t{e.action}\t{e.detail}")
    for team, count, avg in hours:
        print(f"# {team}: {count} visits, {avg:.1f} h from order to scheduling on average")
    return 0


async def cmd_poster(settings: Settings, args: argparse.Namespace) -> int:
    """Write poster-<kelurahan>.png and .pdf."""
    async with open_app(settings) as app:
        area = await areas.find_kelurahan(app.db, args.kelurahan)
        parent = await areas.get_area(app.db, area.parent or "") if area else None
    if area is None or parent is None:
        raise ConfigError(f"Unknown kelurahan {args.kelurahan!r}")
    url = poster.deep_link(settings.bot_username, poster.start_payload(area.kode))
    image = poster.render(poster.Poster(area.nama, parent.nama, settings.office_name, url))
    png, pdf = poster.to_png_and_pdf(image)
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / f"poster-{poster.slug(area.nama)}"
    base.with_suffix(".png").write_bytes(png)
    base.with_suffix(".pdf").write_bytes(pdf)
    print(f"{base}.png, {base}.pdf → {url}")
    return 0
