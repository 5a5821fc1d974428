"""Teams, their kits, closed days and the capacity left: the resources visits are planned with.

    list_teams(office) -> list[Team]
    add_team(office, staff, NewTeam) -> TeamAdded
    set_kits(office, staff, team_id, kits, per_kit) -> TeamOutcome | None   CHANGED / INVALID
    remove_team(office, staff, name) -> Replanned | None    None: no active team of that name
    close_day(office, staff, day, reason) -> Replanned
    capacity(office, start, end) -> list[SlotCapacity]      per working day × slot × team

A team records `kits × per_kit` people in a slot (PAGI, SIANG) and serves one visit per slot.
Removing a team or closing a day takes their visits from today on back to the staff queue:
each such order goes BARU again, its visit JADWAL_ULANG, the requester is told it is being
re-planned and the staff group sees the order again with its buttons (`Replanned.orders`).
Everything is audited with `staff.actor`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from bot.core.capacity import Calendar, Slot
from bot.office.desk import Office, Staff
from bot.outreach import order_notices
from storage import teams, visits
from storage.teams import Team, TeamNameTaken
from storage.visits import Visit

NAME_MAX = 40
KITS_MAX = 50
PER_KIT_MAX = 500


class TeamOutcome(StrEnum):
    """What came of adding a team or changing its kits."""

    ADDED = "added"
    CHANGED = "changed"  # kits or recordings per kit changed
    NAME_TAKEN = "name_taken"  # an active team has this name (any case)
    INVALID = "invalid"  # empty or long name, kits or per-kit out of range


@dataclass(frozen=True)
class NewTeam:
    """A team to add; `per_kit` None takes TEAM_DEFAULT_PER_KIT; `members` are staff user ids
    reminded the day before each of its visits."""

    name: str
    kits: int
    per_kit: int | None = None
    vehicle: str = ""
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamAdded:
    """The outcome of adding; `team` when ADDED."""

    outcome: TeamOutcome
    team: Team | None = None


@dataclass(frozen=True)
class Replanned:
    """A team removed or a day closed: the orders whose visits must be planned again."""

    orders: list[int] = field(default_factory=list)
    team: Team | None = None
    day: date | None = None


@dataclass(frozen=True)
class SlotCapacity:
    """One team in one slot of one day: its visit, if it has one."""

    day: date
    slot: Slot
    team: Team
    visit: Visit | None = None

    @property
    def left(self) -> int:
        """Recordings still possible: the team's whole slot when it has no visit, else 0."""
        return 0 if self.visit is not None else self.team.per_slot


async def list_teams(office: Office) -> list[Team]:
    """Active teams by name, with their members."""
    return await teams.list_teams(office.db)


async def add_team(office: Office, staff: Staff, new: NewTeam) -> TeamAdded:
    """Create a team (audited)."""
    name = " ".join(new.name.split())
    per_kit = new.per_kit or office.settings.team_default_per_kit
    if not (
        0 < len(name) <= NAME_MAX and 1 <= new.kits <= KITS_MAX and 1 <= per_kit <= PER_KIT_MAX
    ):
        return TeamAdded(TeamOutcome.INVALID)
    try:
        team = await teams.add_team(
            office.db, name=name, kits=new.kits, per_kit=per_kit, vehicle=new.vehicle.strip(),
            members=list(new.members), actor=staff.actor, now=office.clock.now(),
        )  # fmt: skip
    except TeamNameTaken:
        return TeamAdded(TeamOutcome.NAME_TAKEN)
    return TeamAdded(TeamOutcome.ADDED, team)


async def set_kits(
    office: Office, staff: Staff, team_id: int, kits: int, per_kit: int
) -> TeamOutcome | None:
    """Change a team's kits and recordings per kit (its booked visits stay); None when there
    is no such active team."""
    if not (1 <= kits <= KITS_MAX and 1 <= per_kit <= PER_KIT_MAX):
        return TeamOutcome.INVALID
    now = office.clock.now()
    if not await teams.set_kits(office.db, team_id, kits, per_kit, staff.actor, now):
        return None
    return TeamOutcome.CHANGED


async def remove_team(office: Office, staff: Staff, name: str) -> Replanned | None:
    """Deactivate the active team of this name; its visits from today on are re-planned."""
    team = await teams.find_team(office.db, name)
    if team is None:
        return None
    now = office.clock.now()
    flagged = await visits.remove_team(office.db, team.id, staff.actor, now, office.clock.today())
    await order_notices.flagged(office.db, office.settings, flagged, f"team{team.id}", now)
    return Replanned(flagged, team=team)


async def close_day(office: Office, staff: Staff, day: date, reason: str = "") -> Replanned:
    """Close a day for visits (e.g. cuti bersama); its visits are re-planned."""
    now = office.clock.now()
    flagged = await visits.close_day(office.db, day, reason.strip(), staff.actor, now)
    await order_notices.flagged(office.db, office.settings, flagged, f"day{day:%Y%m%d}", now)
    return Replanned(flagged, day=day)


async def capacity(office: Office, start: date, end: date) -> list[SlotCapacity]:
    """Every active team in every slot of the working, open days between two dates."""
    closed = await teams.closed_days(office.db, start, end)
    cal, active = Calendar(office.holidays(), closed), await teams.list_teams(office.db)
    booked = {
        (v.team_id, v.day, v.slot): v for v in await visits.visits_between(office.db, start, end)
    }
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [
        SlotCapacity(day, slot, team, booked.get((team.id, day, slot)))
        for day in days if cal.has_slots(day)
        for slot in Slot
        for team in active
    ]  # fmt: skip
