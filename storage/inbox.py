"""The durable inbox: every inbound update is stored before the platform is told we have it.

A channel stores what it receives (`store`, idempotent on the platform's id), confirms it to the
platform, then works through `pending` rows and marks each one processed — also when handling it
failed, with the error noted, so one bad update never blocks the rest. Rows are keyed by
(channel, update_id): Telegram's numeric update_id, WhatsApp's message id (wamid).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel

from bot.core.clock import iso
from storage.db import Database
from storage.workers import acquire_in, release

#: Arrival order; numeric ids (Telegram) sort numerically within one arrival time.
_ORDER = "received_at, length(update_id), update_id"
_COLUMNS = "update_id, chat_id, payload, received_at, processed_at, error"


class InboxItem(BaseModel):
    """One stored update of one channel."""

    update_id: str
    chat_id: str = ""
    payload: str  # the platform's JSON, as received
    received_at: str = ""
    processed_at: str | None = None
    error: str = ""


async def store(db: Database, channel: str, items: Sequence[InboxItem], now: datetime) -> int:
    """Insert updates not seen before (one transaction); returns how many were new."""
    rows = [(channel, i.update_id, i.chat_id, i.payload, iso(now)) for i in items]
    async with db.write() as conn:
        cur = await conn.executemany(
            "INSERT OR IGNORE INTO inbox (channel, update_id, chat_id, payload, received_at)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        return max(cur.rowcount, 0)


async def pending(db: Database, channel: str, limit: int = 100) -> list[InboxItem]:
    """Updates not yet processed, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM inbox WHERE channel = ? AND processed_at IS NULL"
        f" ORDER BY {_ORDER} LIMIT ?",
        (channel, limit),
    )
    return [InboxItem.model_validate(dict(r)) for r in rows]


async def pending_chats(db: Database, channel: str) -> list[str]:
    """The chats with updates not yet processed ('' for rows of no chat: WhatsApp statuses)."""
    rows = await db.fetchall(
        "SELECT DISTINCT chat_id FROM inbox WHERE channel = ? AND processed_at IS NULL",
        (channel,),
    )
    return [str(r[0]) for r in rows]


async def pending_for_chat(
    db: Database, channel: str, chat_id: str, limit: int = 100
) -> list[InboxItem]:
    """One chat's updates not yet processed, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM inbox WHERE channel = ? AND processed_at IS NULL"
        f" AND chat_id = ? ORDER BY {_ORDER} LIMIT ?",
        (channel, chat_id, limit),
    )
    return [InboxItem.model_validate(dict(r)) for r in rows]


async def mark_processed(
    db: Database, channel: str, update_id: str, now: datetime, error: str = ""
) -> None:
    """Done with an update; `error` says why handling it failed ('' when it did not)."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE inbox SET processed_at = ?, error = ? WHERE channel = ? AND update_id = ?",
            (iso(now), error, channel, update_id),
        )


async def mark_skipped(
    db: Database, channel: str, update_ids: Sequence[str], now: datetime, reason: str
) -> None:
    """Done with updates that were not handled (`reason` says why), in one transaction."""
    async with db.write() as conn:
        await conn.executemany(
            "UPDATE inbox SET processed_at = ?, error = ? WHERE channel = ? AND update_id = ?",
            [(iso(now), reason, channel, u) for u in update_ids],
        )


async def get_item(db: Database, channel: str, update_id: str) -> InboxItem | None:
    """One stored update, or None."""
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM inbox WHERE channel = ? AND update_id = ?", (channel, update_id)
    )
    return InboxItem.model_validate(dict(row)) if row else None


async def last_numeric_id(db: Database, channel: str) -> int | None:
    """The highest stored id of a channel with numeric ids (Telegram), or None when empty."""
    row = await db.fetchone(
        "SELECT max(CAST(update_id AS INTEGER)) FROM inbox WHERE channel = ?", (channel,)
    )
    return int(row[0]) if row and row[0] is not None else None


async def claim_chats(db: Database, channel: str, chats: Iterable[str], ttl_s: float) -> set[str]:
    """The chats (of these) this worker now holds: free ones, expired ones and its own."""
    mine: set[str] = set()
    async with db.write() as tx:
        for chat_id in sorted(chats):
            if await acquire_in(tx, f"inbox:{channel}:{chat_id}", ttl_s):
                mine.add(chat_id)
    return mine


async def release_chat(db: Database, channel: str, chat_id: str) -> None:
    """Done with a chat's rows for now: any worker may take it next."""
    await release(db, [f"inbox:{channel}:{chat_id}"])
