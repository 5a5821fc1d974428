"""Teams, their members, staff and closed days: the resources visits are planned with."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from bot.core.capacity import TeamCapacity
from bot.core.clock import iso
from storage import audit
from storage.db import Database, integrity_errors


class Team(BaseModel):
    """A mobile recording team."""

    id: int
    name: str
    kits: int
    per_kit: int
    vehicle: str = ""
    active: bool = True
    members: list[str] = Field(default_factory=list)

    @property
    def per_slot(self) -> int:
        """Recordings per slot."""
        return self.kits * self.per_kit

    def capacity(self) -> TeamCapacity:
        """The pure view used by capacity rules."""
        return TeamCapacity(self.id, self.name, self.kits, self.per_kit)


class StaffMember(BaseModel):
    """A staff member added by an administrator."""

    user_id: str
    nama: str = ""
    added_by: str


class TeamNameTaken(ValueError):
    """An active team already has this name."""


_TEAM = "SELECT id, name, kits, per_kit, vehicle, active FROM teams"


async def _with_members(db: Database, rows: list[Any]) -> list[Team]:
    teams = [Team.model_validate(dict(r)) for r in rows]
    members = await db.fetchall("SELECT team_id, user_id FROM team_members ORDER BY user_id")
    for team in teams:
        team.members = [m["user_id"] for m in members if m["team_id"] == team.id]
    return teams


async def list_teams(db: Database, *, include_removed: bool = False) -> list[Team]:
    """Active teams (or all) by name."""
    where = "" if include_removed else " WHERE active = 1"
    return await _with_members(db, await db.fetchall(f"{_TEAM}{where} ORDER BY name, id"))


async def get_team(db: Database, team_id: int) -> Team | None:
    """One team by id (also removed ones)."""
    found = await _with_members(db, await db.fetchall(f"{_TEAM} WHERE id = ?", (team_id,)))
    return found[0] if found else None


async def find_team(db: Database, name: str) -> Team | None:
    """The active team with this name (any case)."""
    rows = await db.fetchall(f"{_TEAM} WHERE active = 1 AND name = ? COLLATE NOCASE", (name,))
    found = await _with_members(db, rows)
    return found[0] if found else None


async def add_team(
    db: Database,
    *,
    name: str,
    kits: int,
    per_kit: int,
    vehicle: str,
    members: list[str],
    actor: str,
    now: datetime,
) -> Team:
    """Create a team (audited); raise TeamNameTaken for a duplicate active name."""
    async with db.write() as conn:
        try:
            cur = await conn.execute(
                "INSERT INTO teams (name, kits, per_kit, vehicle, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, kits, per_kit, vehicle, iso(now)),
            )
        except integrity_errors():
            raise TeamNameTaken(name) from None
        team_id = int(cur.lastrowid or 0)
        await conn.executemany(
            "INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?, ?)",
            [(team_id, m) for m in members],
        )
        detail = {"team": name, "kits": kits, "per_kit": per_kit, "vehicle": vehicle}
        await audit.add(conn, now, actor, "team.add", detail)
    team = await get_team(db, team_id)
    assert team is not None
    return team


async def set_kits(
    db: Database, team_id: int, kits: int, per_kit: int, actor: str, now: datetime
) -> bool:
    """Change an active team's kits and recordings per kit (audited); False when not active."""
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE teams SET kits = ?, per_kit = ? WHERE id = ? AND active = 1",
            (kits, per_kit, team_id),
        )
        if cur.rowcount != 1:
            return False
        detail = {"team_id": team_id, "kits": kits, "per_kit": per_kit}
        await audit.add(conn, now, actor, "team.kits", detail)
    return True


async def is_staff(db: Database, user_id: str | None) -> bool:
    """True for staff added with /staf (administrators are checked in settings)."""
    if not user_id:
        return False
    row = await db.fetchone("SELECT 1 FROM staff WHERE user_id = ?", (user_id,))
    return row is not None


async def staff_name(db: Database, user_id: str) -> str:
    """The name an administrator gave this staff member, '' when unknown."""
    row = await db.fetchone("SELECT nama FROM staff WHERE user_id = ?", (user_id,))
    return str(row["nama"]) if row else ""


async def list_staff(db: Database) -> list[StaffMember]:
    """Staff added by administrators."""
    rows = await db.fetchall("SELECT user_id, nama, added_by FROM staff ORDER BY nama, user_id")
    return [StaffMember.model_validate(dict(r)) for r in rows]


async def add_staff(db: Database, user_id: str, nama: str, actor: str, now: datetime) -> bool:
    """Add (or rename) a staff member; False when they were already staff."""
    async with db.write() as conn:
        async with conn.execute("SELECT 1 FROM staff WHERE user_id = ?", (user_id,)) as cur:
            existed = await cur.fetchone() is not None
        await conn.execute(
            "INSERT INTO staff (user_id, nama, added_by, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET nama = excluded.nama",
            (user_id, nama, actor, iso(now)),
        )
        await audit.add(conn, now, actor, "staff.add", {"user_id": user_id, "nama": nama})
    return not existed


async def remove_staff(db: Database, user_id: str, actor: str, now: datetime) -> bool:
    """Remove a staff member; False when they were not staff."""
    async with db.write() as conn:
        cur = await conn.execute("DELETE FROM staff WHERE user_id = ?", (user_id,))
        if cur.rowcount:
            await audit.add(conn, now, actor, "staff.remove", {"user_id": user_id})
    return bool(cur.rowcount)


async def closed_days(db: Database, start: date, end: date) -> frozenset[date]:
    """Closed days between two dates (inclusive)."""
    rows = await db.fetchall(
        "SELECT day FROM closed_days WHERE day BETWEEN ? AND ?",
        (start.isoformat(), end.isoformat()),
    )
    return frozenset(date.fromisoformat(r["day"]) for r in rows)
