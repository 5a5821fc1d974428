"""Visits: scheduling an order onto a team's slot (one winner, no double booking), results,
and re-planning when a team is removed or a day is closed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from bot.core.capacity import Booking, Slot
from bot.core.clock import iso
from bot.core.orders import (
    TALLY_FIELDS,
    Attempt,
    OrderEvent,
    OrderKind,
    Tallies,
    VisitEvent,
    VisitStatus,
    order_move,
    visit_move,
)
from storage import audit
from storage.db import Database, Tx, integrity_errors
from storage.flow import LIVE, sources
from storage.orders import claim_in


class Visit(BaseModel):
    """A visit with what staff need to see of its order and team."""

    id: int
    order_id: int
    code: str
    kind: OrderKind
    team_id: int
    team_name: str
    day: date
    slot: Slot
    status: VisitStatus
    kecamatan: str
    kelurahan: str
    rw: str
    rt: str
    address: str
    participants: int
    tallies: Tallies | None = None


_VISIT = (
    "SELECT v.id, v.order_id, o.code, o.kind, v.team_id, t.name AS team_name, v.day, v.slot,"
    " v.status, o.kecamatan, o.kelurahan, o.rw, o.rt, o.address, o.participants, v.terekam,"
    " v.gagal, v.tidak_hadir, v.sudah_punya, v.belum_16"
    " FROM visits v JOIN orders o ON o.id = v.order_id JOIN teams t ON t.id = v.team_id"
)
_LIVE = f"v.status IN ({LIVE})"


def _visit(row: Any) -> Visit:
    data = dict(row)
    counts = {n: data.pop(n) for n in TALLY_FIELDS}
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


async def schedule(
    db: Database,
    order_id: int,
    team_id: int,
    day: date,
    slot: Slot,
    staff: tuple[str, str],
    actor: str,
    now: datetime,
) -> Attempt:
    """BARU → DITERIMA with a visit, in one transaction: DONE, or TAKEN / HANDLED / NOT_FOUND
    (the claim rule) or FULL (the team has a visit in that slot: the database refuses it).

    `staff` is (user id, name) of the handler; `actor` is the audit form ('telegram:42')."""
    user_id, name = staff
    move = order_move(OrderEvent.SCHEDULE)
    async with db.write() as conn:
        claimed = await claim_in(conn, order_id, staff, now)
        if claimed is not Attempt.DONE:
            return claimed
        try:
            async with conn.savepoint():
                await conn.execute(
                    "INSERT INTO visits (order_id, team_id, day, slot, status, scheduled_by,"
                    " scheduled_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (order_id, team_id, day.isoformat(), slot.value, VisitStatus.TERJADWAL.value,
                     user_id, iso(now)),
                )  # fmt: skip
        except integrity_errors():
            return Attempt.FULL
        await conn.execute(
            "UPDATE orders SET status = ?, handler_id = ?, handler_name = ?, handled_at = ?,"
            f" updated_at = ?, reschedule_requested_at = NULL WHERE id = ?"
            f" AND status IN ({sources(move)})",
            (move.target.value, user_id, name, iso(now), iso(now), order_id),
        )
        detail = {"order_id": order_id, "team_id": team_id, "day": day.isoformat(), "slot": slot}
        await audit.add(conn, now, actor, "order.schedule", detail)
    return Attempt.DONE


async def close_visit(
    db: Database, order_id: int, tallies: Tallies, actor: str, now: datetime
) -> bool:
    """Record results: visit TERJADWAL → SELESAI, order DITERIMA → SELESAI. False when the
    order has no scheduled visit."""
    visit, order = visit_move(VisitEvent.CLOSE), order_move(OrderEvent.CLOSE)
    counts = tallies.model_dump()
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE visits SET status = ?, closed_by = ?, closed_at = ?, terekam = ?, gagal = ?,"
            " tidak_hadir = ?, sudah_punya = ?, belum_16 = ?"
            f" WHERE order_id = ? AND status IN ({sources(visit)})",
            (visit.target.value, actor, iso(now), *(counts[n] for n in TALLY_FIELDS), order_id),
        )
        if not cur.rowcount:
            return False
        await conn.execute(
            f"UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status IN"
            f" ({sources(order)})",
            (order.target.value, iso(now), order_id),
        )
        await audit.add(conn, now, actor, "visit.close", {"order_id": order_id, **counts})
    return True


async def _unschedule(conn: Tx, where: str, params: tuple[Any, ...]) -> list[int]:
    """Flag scheduled visits matching `where` for re-planning and put their orders back to BARU."""
    visit, order = visit_move(VisitEvent.REPLAN), order_move(OrderEvent.REPLAN)
    async with conn.execute(
        f"SELECT v.order_id FROM visits v WHERE v.status IN ({sources(visit)}) AND {where}", params
    ) as cur:
        order_ids = [int(r[0]) for r in await cur.fetchall()]
    for order_id in order_ids:
        await conn.execute(
            f"UPDATE visits SET status = ? WHERE order_id = ? AND status IN ({sources(visit)})",
            (visit.target.value, order_id),
        )
        await conn.execute(
            "UPDATE orders SET status = ?, handler_id = '', handler_name = '',"
            f" claimed_at = NULL, handled_at = NULL WHERE id = ? AND status IN ({sources(order)})",
            (order.target.value, order_id),
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
