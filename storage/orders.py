"""Orders for mobile recording visits: saving, claiming, rejecting, cancelling, listing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from bot.core.capacity import Slot
from bot.core.clock import iso
from bot.core.orders import (
    CLAIM_TTL,
    Attempt,
    OrderEvent,
    OrderKind,
    OrderStatus,
    Reason,
    VisitEvent,
    order_move,
    visit_move,
)
from storage import audit
from storage.db import Database, Tx
from storage.flow import sources


class OrderPerson(BaseModel):
    """One person to record at home."""

    nik: str
    reason: Reason


class OrderDraft(BaseModel):
    """What a requester filled in, before it has a code."""

    kind: OrderKind
    channel: str
    chat_id: str
    user_id: str = ""
    official_id: int | None = None
    kecamatan: str = ""
    kelurahan: str = ""
    rw: str = ""
    rt: str = ""
    address: str
    latitude: float | None = None
    longitude: float | None = None
    dates: list[date]
    slot: Slot
    participants: int
    phone: str
    people: list[OrderPerson] = Field(default_factory=list)


class Order(OrderDraft):
    """A saved order."""

    id: int
    code: str
    status: OrderStatus
    reason: str = ""
    handler_id: str = ""
    handler_name: str = ""
    claimed_at: str | None = None
    handled_at: str | None = None
    reschedule_requested_at: str | None = None
    created_at: str


_ORDER = (
    "SELECT id, code, kind, status, channel, chat_id, user_id, official_id, kecamatan,"
    " kelurahan, rw, rt, address, latitude, longitude, slot, participants, phone, reason,"
    " handler_id, handler_name, claimed_at, handled_at, reschedule_requested_at, created_at"
    " FROM orders"
)


def claimable(user_id: str, now: datetime) -> tuple[str, tuple[str, str]]:
    """THE claim rule as SQL on `orders` (see `bot.core.orders`): the order may still be
    scheduled or rejected, and nobody holds it, `user_id` holds it, or the claim lapsed."""
    open_for_staff = sources(order_move(OrderEvent.SCHEDULE))
    sql = (
        f"status IN ({open_for_staff})"
        " AND (handler_id IN ('', ?) OR claimed_at IS NULL OR claimed_at < ?)"
    )
    return sql, (user_id, iso(now - CLAIM_TTL))


def format_code(year: int, number: int) -> str:
    """'JB-2026-0042'."""
    return f"JB-{year}-{number:04d}"


async def _next_code(conn: Tx, year: int) -> str:
    await conn.execute(
        "INSERT INTO order_codes (year, last) VALUES (?, 1)"
        " ON CONFLICT (year) DO UPDATE SET last = order_codes.last + 1",
        (year,),
    )
    async with conn.execute("SELECT last FROM order_codes WHERE year = ?", (year,)) as cur:
        row = await cur.fetchone()
    assert row is not None
    return format_code(year, int(row[0]))


async def create_order(db: Database, draft: OrderDraft, now: datetime, year: int) -> Order:
    """Save an order with its dates and people in one transaction; returns it with its code."""
    d, stamp = draft, iso(now)
    async with db.write() as conn:
        code = await _next_code(conn, year)
        cur = await conn.execute(
            "INSERT INTO orders (code, kind, channel, chat_id, user_id, official_id, kecamatan,"
            " kelurahan, rw, rt, address, latitude, longitude, slot, participants, phone,"
            " created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (code, d.kind.value, d.channel, d.chat_id, d.user_id, d.official_id, d.kecamatan,
             d.kelurahan, d.rw, d.rt, d.address, d.latitude, d.longitude, d.slot.value,
             d.participants, d.phone, stamp, stamp),
        )  # fmt: skip
        order_id = int(cur.lastrowid or 0)
        await conn.executemany(
            "INSERT INTO order_dates (order_id, day) VALUES (?, ?)",
            [(order_id, day.isoformat()) for day in d.dates],
        )
        await conn.executemany(
            "INSERT INTO order_people (order_id, nik, reason) VALUES (?, ?, ?)",
            [(order_id, p.nik, p.reason.value) for p in d.people],
        )
    order = await get_order(db, order_id)
    assert order is not None
    return order


async def _complete(db: Database, rows: list[Any]) -> list[Order]:
    """The orders of these rows with their dates and people (two queries per 500 orders)."""
    found = [dict(row) for row in rows]
    days: dict[int, list[str]] = {}
    people: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(found), _BATCH):
        ids = [data["id"] for data in found[start : start + _BATCH]]
        marks = ", ".join("?" * len(ids))
        for r in await db.fetchall(
            f"SELECT order_id, day FROM order_dates WHERE order_id IN ({marks})"
            " ORDER BY order_id, day",
            ids,
        ):
            days.setdefault(r["order_id"], []).append(r["day"])
        for r in await db.fetchall(
            f"SELECT order_id, nik, reason FROM order_people WHERE order_id IN ({marks})"
            " ORDER BY order_id, rowid",
            ids,
        ):
            people.setdefault(r["order_id"], []).append({"nik": r["nik"], "reason": r["reason"]})
    return [
        Order.model_validate({**data, "dates": days.get(data["id"], []),
                              "people": people.get(data["id"], [])})
        for data in found
    ]  # fmt: skip


_BATCH = 500


async def get_order(db: Database, order_id: int) -> Order | None:
    """One order by id."""
    found = await _complete(db, await db.fetchall(f"{_ORDER} WHERE id = ?", (order_id,)))
    return found[0] if found else None


async def order_of_chat(db: Database, order_id: int, channel: str, chat_id: str) -> Order | None:
    """One order by id, only when this chat placed it (the requester's buttons)."""
    rows = await db.fetchall(
        f"{_ORDER} WHERE id = ? AND channel = ? AND chat_id = ?", (order_id, channel, chat_id)
    )
    found = await _complete(db, rows)
    return found[0] if found else None


async def find_order(db: Database, code: str) -> Order | None:
    """One order by code (any case)."""
    rows = await db.fetchall(f"{_ORDER} WHERE code = ?", (code.strip().upper(),))
    found = await _complete(db, rows)
    return found[0] if found else None


async def orders_of_chat(db: Database, channel: str, chat_id: str, limit: int = 10) -> list[Order]:
    """A requester's newest orders first."""
    rows = await db.fetchall(
        f"{_ORDER} WHERE channel = ? AND chat_id = ? ORDER BY id DESC LIMIT ?",
        (channel, chat_id, limit),
    )
    return await _complete(db, rows)


async def orders_with_status(db: Database, status: OrderStatus) -> list[Order]:
    """Every order in one status, oldest first."""
    rows = await db.fetchall(f"{_ORDER} WHERE status = ? ORDER BY id", (status.value,))
    return await _complete(db, rows)


async def claim(db: Database, order_id: int, user_id: str, name: str, now: datetime) -> Attempt:
    """Take an order for handling: DONE, or TAKEN (someone else holds a fresh claim), HANDLED
    (it moved on) or NOT_FOUND."""
    async with db.write() as conn:
        return await claim_in(conn, order_id, (user_id, name), now)


async def claim_in(conn: Tx, order_id: int, staff: tuple[str, str], now: datetime) -> Attempt:
    """`claim` inside the caller's write transaction; `staff` is (user id, name)."""
    user_id, name = staff
    rule, params = claimable(user_id, now)
    cur = await conn.execute(
        "UPDATE orders SET handler_id = ?, handler_name = ?, claimed_at = ?, updated_at = ?"
        f" WHERE id = ? AND {rule}",
        (user_id, name, iso(now), iso(now), order_id, *params),
    )
    return Attempt.DONE if cur.rowcount else await _why_not(conn, order_id)


async def _why_not(conn: Tx, order_id: int) -> Attempt:
    """Why a claim failed: the order is gone, moved on, or someone else holds it."""
    async with conn.execute("SELECT status FROM orders WHERE id = ?", (order_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        return Attempt.NOT_FOUND
    if OrderStatus(row[0]) not in order_move(OrderEvent.SCHEDULE).sources:
        return Attempt.HANDLED
    return Attempt.TAKEN


async def reject(
    db: Database, order_id: int, reason: str, staff: tuple[str, str], actor: str, now: datetime
) -> Attempt:
    """BARU → DITOLAK by whoever holds (or may take) the claim, audited: DONE, or why not.

    `staff` is (user id, name) of the handler; `actor` is the audit form ('telegram:42')."""
    move = order_move(OrderEvent.REJECT)
    async with db.write() as conn:
        claimed = await claim_in(conn, order_id, staff, now)
        if claimed is not Attempt.DONE:
            return claimed
        await conn.execute(
            "UPDATE orders SET status = ?, reason = ?, handled_at = ?, updated_at = ?"
            f" WHERE id = ? AND status IN ({sources(move)})",
            (move.target.value, reason, iso(now), iso(now), order_id),
        )
        await audit.add(conn, now, actor, "order.reject", {"order_id": order_id, "reason": reason})
    return Attempt.DONE


async def cancel(db: Database, order_id: int, actor: str, now: datetime) -> bool:
    """BARU/DITERIMA → DIBATALKAN (the requester's choice); frees the visit's slot."""
    move, visit = order_move(OrderEvent.CANCEL), visit_move(VisitEvent.CANCEL)
    async with db.write() as conn:
        cur = await conn.execute(
            f"UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status IN"
            f" ({sources(move)})",
            (move.target.value, iso(now), order_id),
        )
        if cur.rowcount:
            await conn.execute(
                f"UPDATE visits SET status = ? WHERE order_id = ? AND status IN ({sources(visit)})",
                (visit.target.value, order_id),
            )
            await audit.add(conn, now, actor, "order.cancel", {"order_id": order_id})
    return bool(cur.rowcount)


async def request_reschedule(db: Database, order_id: int, now: datetime) -> bool:
    """Mark that the requester asked for another date; False unless the order may be re-planned."""
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE orders SET reschedule_requested_at = ?, updated_at = ?"
            f" WHERE id = ? AND status IN ({sources(order_move(OrderEvent.REPLAN))})",
            (iso(now), iso(now), order_id),
        )
    return bool(cur.rowcount)
