"""Orders for mobile recording visits: saving, claiming, rejecting, cancelling, listing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import aiosqlite
from pydantic import BaseModel, Field

from bot.core.capacity import Slot
from bot.core.clock import iso
from storage import audit
from storage.db import Database


class OrderKind(StrEnum):
    """What kind of visit is ordered."""

    KOLEKTIF = "KOLEKTIF"  # community recording at a balai, posyandu, mosque
    RUMAH = "RUMAH"  # home visit for people who cannot come
    SEKOLAH = "SEKOLAH"
    INSTANSI = "INSTANSI"  # office or other institution


class OrderStatus(StrEnum):
    """BARU → DITERIMA → SELESAI, or DITOLAK / DIBATALKAN."""

    BARU = "BARU"
    DITERIMA = "DITERIMA"
    SELESAI = "SELESAI"
    DITOLAK = "DITOLAK"
    DIBATALKAN = "DIBATALKAN"


class Reason(StrEnum):
    """Why a resident needs a home visit."""

    LANSIA = "LANSIA"
    SAKIT = "SAKIT"
    ODGJ = "ODGJ"
    DISABILITAS = "DISABILITAS"


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
CLAIM_TTL = timedelta(minutes=15)


def format_code(year: int, number: int) -> str:
    """'JB-2026-0042'."""
    return f"JB-{year}-{number:04d}"


async def _next_code(conn: aiosqlite.Connection, year: int) -> str:
    await conn.execute(
        "INSERT INTO order_codes (year, last) VALUES (?, 1)"
        " ON CONFLICT (year) DO UPDATE SET last = last + 1",
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
    orders: list[Order] = []
    for row in rows:
        data = dict(row)
        days = await db.fetchall(
            "SELECT day FROM order_dates WHERE order_id = ? ORDER BY day", (data["id"],)
        )
        people = await db.fetchall(
            "SELECT nik, reason FROM order_people WHERE order_id = ? ORDER BY rowid",
            (data["id"],),
        )
        data["dates"] = [r["day"] for r in days]
        data["people"] = [dict(p) for p in people]
        orders.append(Order.model_validate(data))
    return orders


async def get_order(db: Database, order_id: int) -> Order | None:
    """One order by id."""
    found = await _complete(db, await db.fetchall(f"{_ORDER} WHERE id = ?", (order_id,)))
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


async def claim(db: Database, order_id: int, user_id: str, name: str, now: datetime) -> bool:
    """Take a BARU order for handling; False when someone else holds a fresh claim."""
    stale = iso(now - CLAIM_TTL)
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE orders SET handler_id = ?, handler_name = ?, claimed_at = ?, updated_at = ?"
            " WHERE id = ? AND status = 'BARU'"
            " AND (handler_id IN ('', ?) OR claimed_at IS NULL OR claimed_at < ?)",
            (user_id, name, iso(now), iso(now), order_id, user_id, stale),
        )
    return bool(cur.rowcount)


async def reject(
    db: Database, order_id: int, reason: str, user_id: str, name: str, now: datetime
) -> bool:
    """BARU → DITOLAK by whoever holds (or may take) the claim; audited. False: lost the race."""
    stale = iso(now - CLAIM_TTL)
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE orders SET status = 'DITOLAK', reason = ?, handler_id = ?, handler_name = ?,"
            " handled_at = ?, updated_at = ? WHERE id = ? AND status = 'BARU'"
            " AND (handler_id IN ('', ?) OR claimed_at IS NULL OR claimed_at < ?)",
            (reason, user_id, name, iso(now), iso(now), order_id, user_id, stale),
        )
        if cur.rowcount:
            detail = {"order_id": order_id, "reason": reason}
            await audit.add(conn, now, f"telegram:{user_id}", "order.reject", detail)
    return bool(cur.rowcount)


async def cancel(db: Database, order_id: int, actor: str, now: datetime) -> bool:
    """BARU/DITERIMA → DIBATALKAN (the requester's choice); frees the visit's slot."""
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE orders SET status = 'DIBATALKAN', updated_at = ?"
            " WHERE id = ? AND status IN ('BARU', 'DITERIMA')",
            (iso(now), order_id),
        )
        if cur.rowcount:
            await conn.execute(
                "UPDATE visits SET status = 'BATAL' WHERE order_id = ? AND status = 'TERJADWAL'",
                (order_id,),
            )
            await audit.add(conn, now, actor, "order.cancel", {"order_id": order_id})
    return bool(cur.rowcount)


async def request_reschedule(db: Database, order_id: int, now: datetime) -> bool:
    """Mark that the requester asked for another date; False unless the order is DITERIMA."""
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE orders SET reschedule_requested_at = ?, updated_at = ?"
            " WHERE id = ? AND status = 'DITERIMA'",
            (iso(now), iso(now), order_id),
        )
    return bool(cur.rowcount)
