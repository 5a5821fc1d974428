"""Jadwal (a week per team: visits, capacity left, closed days, re-plan flags) and Tim & hari
tutup (add/remove teams and kits, close a day). Changes go through `bot.office.teams`, which
re-plans the visits concerned and tells their requesters, as from the chat."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.responses import Response

from bot.core.capacity import Slot
from bot.core.numbers import parse_number
from bot.office import teams as office_teams
from bot.office import visits as office_visits
from bot.office.teams import NewTeam, SlotCapacity, TeamOutcome
from bot.web.auth import Visit, staff_page
from storage import teams as team_rows

WEEK = 7


def _start(visit: Visit) -> date:
    """?mulai=YYYY-MM-DD, else today."""
    try:
        return date.fromisoformat(visit.request.query_params.get("mulai", ""))
    except ValueError:
        return visit.office.clock.today()


@staff_page
async def week_page(visit: Visit) -> Response:
    """GET /jadwal: seven days from ?mulai, one row per team, a cell per day and slot."""
    office = visit.office
    start = _start(visit)
    end = start + timedelta(days=WEEK - 1)
    days = [start + timedelta(days=n) for n in range(WEEK)]
    cells: dict[tuple[int, date, Slot], SlotCapacity] = {
        (c.team.id, c.day, c.slot): c for c in await office_teams.capacity(office, start, end)
    }
    plan = await office_visits.plan(office, start, end)
    closed = await team_rows.closed_days(office.db, start, end)
    replan = [q for q in plan.waiting if q.order.reschedule_requested_at]
    return visit.page(
        "week.html", tab="jadwal", days=days, slots=list(Slot), cells=cells, closed=closed,
        teams=await office_teams.list_teams(office), holidays=office.holidays(),
        replan=replan, waiting=plan.waiting, prev=start - timedelta(days=WEEK),
        next=start + timedelta(days=WEEK), start=start,
    )  # fmt: skip


@staff_page
async def teams_page(visit: Visit) -> Response:
    """GET /tim: the active teams, and the add / remove / close-day forms."""
    office = visit.office
    today = office.clock.today()
    closed = await team_rows.closed_days(office.db, today, today + timedelta(days=90))
    return visit.page(
        "teams.html", tab="tim", teams=await office_teams.list_teams(office),
        closed=sorted(closed),
    )  # fmt: skip


@staff_page
async def add_team(visit: Visit) -> Response:
    """POST /tim/tambah (nama, kit, per_kit, kendaraan)."""
    kits = parse_number(visit.field("kit"), low=1)
    per_kit = parse_number(visit.field("per_kit"), low=1) if visit.field("per_kit") else None
    if kits is None:
        return visit.back("/tim", "team_invalid")
    new = NewTeam(visit.field("nama"), kits, per_kit, visit.field("kendaraan"))
    added = await office_teams.add_team(visit.office, visit.staff, new)
    notes = {TeamOutcome.ADDED: "team_added", TeamOutcome.NAME_TAKEN: "team_taken"}
    return visit.back("/tim", notes.get(added.outcome, "team_invalid"))


@staff_page
async def set_kits(visit: Visit) -> Response:
    """POST /tim/{id}/kit (kit, per_kit): a team's kits and recordings per kit."""
    team_id = int(visit.request.path_params["team_id"])
    kits = parse_number(visit.field("kit"), low=1)
    per_kit = parse_number(visit.field("per_kit"), low=1)
    if kits is None or per_kit is None:
        return visit.back("/tim", "team_invalid")
    changed = await office_teams.set_kits(visit.office, visit.staff, team_id, kits, per_kit)
    notes = {TeamOutcome.CHANGED: "team_changed", None: "team_missing"}
    return visit.back("/tim", notes.get(changed, "team_invalid"))


@staff_page
async def remove_team(visit: Visit) -> Response:
    """POST /tim/hapus (nama): its visits from today on are re-planned."""
    removed = await office_teams.remove_team(visit.office, visit.staff, visit.field("nama"))
    if removed is None:
        return visit.back("/tim", "team_missing")
    return visit.back("/tim", "team_removed", jumlah=str(len(removed.orders)))


@staff_page
async def close_day(visit: Visit) -> Response:
    """POST /tim/tutup (tanggal, alasan): no visits that day; its visits are re-planned."""
    try:
        day = date.fromisoformat(visit.field("tanggal"))
    except ValueError:
        return visit.back("/tim", "day_invalid")
    if day < visit.office.clock.today():
        return visit.back("/tim", "day_invalid")
    closed = await office_teams.close_day(visit.office, visit.staff, day, visit.field("alasan"))
    return visit.back("/tim", "day_closed", jumlah=str(len(closed.orders)))
