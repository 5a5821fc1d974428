"""Visits: scheduling an order onto a team's slot (one winner, no double booking), results,
and re-planning when a team is removed or a day is closed."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import aiosqlite
from pydantic import BaseModel

from bot.core.capacity import Booking, Slot
from bot.core.clock import iso
from storage import audit
from storage.db import Database
from storage.orders import CLAIM_TTL


class Tallies(BaseModel):
    """The results of a visit."""

    terekam: int = 0
    gagal: int = 0
    tidak_hadir: int = 0
    sudah_punya: int = 0
    belum_16: int = 0


class Visit(BaseModel):
    """A visit with what staff need to see of its order and team."""

    id: int
    order_id: int
    code: str
    kind: str
    team_id: int
    team_name: str
    day: date
    slot: Slot
    status: str
    kecamatan: str
    kelurahan: str
    rw: str
    rt: str
    address: str
    participants: int
    tallies: Tallies | None = None


class Outcome(StrEnum):
    """What happened to a scheduling attempt."""

    SCHEDULED = "SCHEDULED"
    TAKEN_BY_OTHER = "TAKEN_BY_OTHER"  # another staff member holds or handled the order
    NOT_NEW = "NOT_NEW"  # the order is no longer BARU
    SLOT_TAKEN = "SLOT_TAKEN"  # the team already has a visit in that slot


_VISIT = (
    "SELECT v.id, v.order_id, o.code, o.kind, v.team_id, t.name AS team_name, v.day, v.slot,"
    " v.status, o.kecamatan, o.kelurahan, o.rw, o.rt, o.address, o.participants, v.terekam,"
    " v.gagal, v.tidak_hadir, v.sudah_punya, v.belum_16"
    " FROM visits v JOIN orders o ON o.id = v.order_id JOIN teams t ON t.id = v.team_id"
)
_LIVE = "v.status IN ('TERJADWAL', 'SELESAI')"


def _visit(row: Any) -> Visit:
    data = dict(row)
    names = ("terekam", "gagal", "tidak_hadir", "sudah_punya", "belum_16")
    counts = {n: data.pop(n) for n in names}
    data["tallies"] = Tallies(**counts) if counts["terekam"] is not None else None
    return Visit.model_validate(data)


async def bookings(db: Database, start: date, end: date) -> list[Booking]:
    """Occupied team slots between two dates (inclusive)."""
    rows = await db.fetchall(
        f"SELECT v.team_id, v.day, v.slot FROM visits v WHERE {_LIVE} AND v.day BETWEEN ? AND ?",
        (start.isoformat(), end.isoformat()),
    )
    return [Booking(r["team_id"], date.fromisoformat(r["day"]), Slot(r["slot"])) for r in rows]


async def visits_between(db: Database, start: date, end: date) -> list[Visit]:
    """Live visits between two dates (inclusive), by day, slot and team."""
    rows = await db.fetchall(
        f"{_VISIT} WHERE {_LIVE} AND v.day BETWEEN ? AND ? ORDER BY v.day, v.slot, t.name",
        (start.isoformat(), end.isoformat()),
    )
    return [_visit(r) for r in rows]


async def visit_of_order(db: Database, order_id: int) -> Visit | None:
    """The live visit of an order, if it is scheduled."""
    row = await db.fetchone(f"{_VISIT} WHERE {_LIVE} AND v.order_id = ?", (order_id,))
    return _visit(row) if row else None


async def _order_state(conn: aiosqlite.Connection, order_id: int) -> tuple[str, str, str]:
    async with conn.execute(
        "SELECT status, handler_id, coalesce(claimed_at, '') FROM orders WHERE id = ?",
        (order_id,),
    ) as cur:
        row = await cur.fetchone()
    return (str(row[0]), str(row[1]), str(row[2])) if row else ("", "", "")


async def schedule(
    db: Database,
    order_id: int,
    team_id: int,
    day: date,
    slot: Slot,
    staff: tuple[str, str],
    now: datetime,
) -> Outcome:
    """BARU → DITERIMA with a visit, in one transaction; `staff` is (user id, name)."""
    user_id, name = staff
    async with db.write() as conn:
        status, handler, claimed = await _order_state(conn, order_id)
        if status != "BARU":
            return Outcome.NOT_NEW
        if handler not in ("", user_id) and claimed >= iso(now - CLAIM_TTL):
            return Outcome.TAKEN_BY_OTHER
        try:
            await conn.execute(
                "INSERT INTO visits (order_id, team_id, day, slot, scheduled_by, scheduled_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (order_id, team_id, day.isoformat(), slot.value, user_id, iso(now)),
            )
        except sqlite3.IntegrityError:
            return Outcome.SLOT_TAKEN
        await conn.execute(
            "UPDATE orders SET status = 'DITERIMA', handler_id = ?, handler_name = ?,"
            " handled_at = ?, updated_at = ?, reschedule_requested_at = NULL WHERE id = ?",
            (user_id, name, iso(now), iso(now), order_id),
        )
        detail = {"order_id": order_id, "team_id": team_id, "day": day.isoformat(), "slot": slot}
        await audit.add(conn, now, f"telegram:{user_id}", "order.schedule", detail)
    return Outcome.SCHEDULED


async def close_visit(
    db: Database, order_id: int, tallies: Tallies, actor: str, now: datetime
) -> bool:
    """Record results: visit SELESAI, order DITERIMA → SELESAI. False when not scheduled."""
    t = tallies
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE visits SET status = 'SELESAI', closed_by = ?, closed_at = ?, terekam = ?,"
            " gagal = ?, tidak_hadir = ?, sudah_punya = ?, belum_16 = ?"
            " WHERE order_id = ? AND status = 'TERJADWAL'",
            (actor, iso(now), t.terekam, t.gagal, t.tidak_hadir, t.sudah_punya, t.belum_16,
             order_id),
        )  # fmt: skip
        if not cur.rowcount:
            return False
        await conn.execute(
            "UPDATE orders SET status = 'SELESAI', updated_at = ? WHERE id = ?",
            (iso(now), order_id),
        )
        await audit.add(conn, now, actor, "visit.close", {"order_id": order_id, **t.model_dump()})
    return True


async def _unschedule(conn: aiosqlite.Connection, where: str, params: tuple[Any, ...]) -> list[int]:
    """Flag live future visits matching `where` and put their orders back to BARU."""
    async with conn.execute(
        f"SELECT v.order_id FROM visits v WHERE v.status = 'TERJADWAL' AND {where}", params
    ) as cur:
        order_ids = [int(r[0]) for r in await cur.fetchall()]
    for order_id in order_ids:
        await conn.execute(
            "UPDATE visits SET status = 'JADWAL_ULANG' WHERE order_id = ? AND status = 'TERJADWAL'",
            (order_id,),
        )
        await conn.execute(
            "UPDATE orders SET status = 'BARU', handler_id = '', handler_name = '',"
            " claimed_at = NULL, handled_at = NULL WHERE id = ?",
            (order_id,),
        )
    return order_ids


async def remove_team(
    db: Database, team_id: int, actor: str, now: datetime, today: date
) -> list[int]:
    """Deactivate a team; its visits from today on need re-scheduling (their order ids)."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE teams SET active = 0, removed_at = ? WHERE id = ?", (iso(now), team_id)
        )
        flagged = await _unschedule(
            conn, "v.team_id = ? AND v.day >= ?", (team_id, today.isoformat())
        )
        await audit.add(conn, now, actor, "team.remove", {"team_id": team_id, "flagged": flagged})
    return flagged


async def close_day(db: Database, day: date, reason: str, actor: str, now: datetime) -> list[int]:
    """Close a day for visits; its visits need re-scheduling (their order ids)."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT OR REPLACE INTO closed_days (day, reason, closed_by, closed_at)"
            " VALUES (?, ?, ?, ?)",
            (day.isoformat(), reason, actor, iso(now)),
        )
        flagged = await _unschedule(conn, "v.day = ?", (day.isoformat(),))
        detail = {"day": day.isoformat(), "reason": reason, "flagged": flagged}
        await audit.add(conn, now, actor, "day.close", detail)
    return flagged


async def handling_hours(db: Database) -> list[tuple[str, int, float]]:
    """(team, visits, average hours from order to scheduling) for every team with visits."""
    rows = await db.fetchall(
        "SELECT t.name, count(*) AS n,"
        " avg((julianday(v.scheduled_at) - julianday(o.created_at)) * 24) AS hours"
        " FROM visits v JOIN orders o ON o.id = v.order_id JOIN teams t ON t.id = v.team_id"
        " GROUP BY t.id ORDER BY t.name"
    )
    return [(r["name"], int(r["n"]), float(r["hours"] or 0.0)) for r in rows]


async def unschedule_order(db: Database, order_id: int, actor: str, now: datetime) -> bool:
    """Staff take a scheduled order back to BARU to plan it again (a reschedule request)."""
    async with db.write() as conn:
        flagged = await _unschedule(conn, "v.order_id = ?", (order_id,))
        if flagged:
            await audit.add(conn, now, actor, "order.unschedule", {"order_id": order_id})
    return bool(flagged)
