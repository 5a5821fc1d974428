"""Queue figures for `/healthz` and `/metrics`: inbox backlog and lag, outbox depth and age."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.core.clock import iso
from storage.db import Database
from storage.outbox import SETTLED


class InboxBacklog(BaseModel):
    """Stored updates of one channel not handled yet."""

    pending: int
    oldest: str | None  # received_at of the oldest one


class OutboxBacklog(BaseModel):
    """The outbox by state, and how far behind the sending is."""

    by_state: dict[str, int]
    due: int  # pending rows whose time has come (not waiting for the sending window)
    oldest_due: str | None  # not_before of the oldest due row: how late sending runs
    oldest_pending: str | None  # created_at of the oldest pending row


async def inbox_backlog(db: Database) -> dict[str, InboxBacklog]:
    """Pending inbox rows by channel."""
    rows = await db.fetchall(
        "SELECT channel, count(*), min(received_at) FROM inbox"
        " WHERE processed_at IS NULL GROUP BY channel"
    )
    return {r[0]: InboxBacklog(pending=int(r[1]), oldest=r[2]) for r in rows}


#: Outbox rows by state: pending ones through a pending index, the others through
#: outbox_state (which holds no pending rows: migration 0013). Both index-only.
STATE_COUNTS = (
    f"SELECT state, count(*) FROM outbox WHERE {SETTLED} GROUP BY state"
    " UNION ALL SELECT 'pending', count(*) FROM outbox WHERE state = 'pending'"
    " HAVING count(*) > 0"
)


async def outbox_backlog(db: Database, now: datetime) -> OutboxBacklog:
    """Counts by state; due and oldest pending rows."""
    states = await db.fetchall(STATE_COUNTS)
    due = await db.fetchone(
        "SELECT count(*), min(not_before) FROM outbox WHERE state = 'pending' AND not_before <= ?",
        (iso(now),),
    )
    oldest = await db.fetchone("SELECT min(created_at) FROM outbox WHERE state = 'pending'")
    return OutboxBacklog(
        by_state={r[0]: int(r[1]) for r in states},
        due=int(due[0]) if due else 0,
        oldest_due=due[1] if due else None,
        oldest_pending=oldest[0] if oldest else None,
    )
