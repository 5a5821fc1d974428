"""Chats on every channel: language, conversation state, links to residents, guess limits."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from bot.core.clock import iso
from storage.db import Database


class Chat(BaseModel):
    """A conversation with one user (or group) on one channel."""

    channel: str
    chat_id: str
    user_id: str | None = None
    language: str = "id"
    state: str = ""
    state_data: dict[str, Any] = Field(default_factory=dict)
    is_group: bool = False
    phone: str = ""
    opted_out: bool = False
    unreachable: bool = False
    unreachable_reason: str = ""
    last_inbound_at: str | None = None


_COLUMNS = (
    "channel, chat_id, user_id, language, state, state_data, is_group, phone, opted_out,"
    " unreachable, unreachable_reason, last_inbound_at"
)


def _chat(row: Any) -> Chat:
    data = dict(row)
    data["state_data"] = json.loads(data["state_data"] or "{}")
    return Chat.model_validate(data)


async def get_chat(db: Database, channel: str, chat_id: str) -> Chat | None:
    """The chat, or None when it never wrote."""
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM chats WHERE channel = ? AND chat_id = ?", (channel, chat_id)
    )
    return _chat(row) if row else None


async def chat_language(db: Database, channel: str, chat_id: str, default: str) -> str:
    """The chat's language, or `default` when it never wrote."""
    chat = await get_chat(db, channel, chat_id)
    return chat.language if chat else default


async def touch_chat(
    db: Database,
    channel: str,
    chat_id: str,
    *,
    user_id: str | None,
    language: str,
    is_group: bool,
    now: datetime,
    phone: str = "",
) -> Chat:
    """Record an inbound message: create the chat on first contact, refresh the 24 h window."""
    stamp = iso(now)
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO chats (channel, chat_id, user_id, language, is_group, phone,"
            " last_inbound_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, chat_id) DO UPDATE SET"
            " last_inbound_at = excluded.last_inbound_at,"
            " user_id = coalesce(excluded.user_id, chats.user_id),"
            " phone = CASE WHEN excluded.phone != '' THEN excluded.phone ELSE chats.phone END,"
            " unreachable = 0, unreachable_reason = ''",
            (channel, chat_id, user_id, language, int(is_group), phone, stamp, stamp, stamp),
        )
        async with conn.execute(
            f"SELECT {_COLUMNS} FROM chats WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        ) as cur:
            row = await cur.fetchone()
    assert row is not None
    return _chat(row)


async def set_state(
    db: Database, channel: str, chat_id: str, state: str, data: dict[str, Any], now: datetime
) -> None:
    """Save where the conversation is (state '' means idle)."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE chats SET state = ?, state_data = ?, updated_at = ?"
            " WHERE channel = ? AND chat_id = ?",
            (state, json.dumps(data, ensure_ascii=False), iso(now), channel, chat_id),
        )


async def set_language(
    db: Database, channel: str, chat_id: str, language: str, now: datetime
) -> None:
    """Switch the chat's language."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE chats SET language = ?, updated_at = ? WHERE channel = ? AND chat_id = ?",
            (language, iso(now), channel, chat_id),
        )


async def linked_niks(db: Database, channel: str, chat_id: str) -> list[str]:
    """NIKs this chat has verified, oldest link first."""
    rows = await db.fetchall(
        "SELECT nik FROM chat_links WHERE channel = ? AND chat_id = ? ORDER BY linked_at, nik",
        (channel, chat_id),
    )
    return [r["nik"] for r in rows]


async def link_resident(
    db: Database, channel: str, chat_id: str, nik: str, now: datetime, cap: int
) -> bool:
    """Link a verified resident to the chat; False when the chat already has `cap` links."""
    async with db.write() as conn:
        async with conn.execute(
            "SELECT count(*) FROM chat_links WHERE channel = ? AND chat_id = ? AND nik != ?",
            (channel, chat_id, nik),
        ) as cur:
            row = await cur.fetchone()
        if row is not None and row[0] >= cap:
            return False
        await conn.execute(
            "INSERT OR IGNORE INTO chat_links (channel, chat_id, nik, linked_at)"
            " VALUES (?, ?, ?, ?)",
            (channel, chat_id, nik, iso(now)),
        )
    return True


async def unlink_residents(db: Database, channel: str, chat_id: str, niks: list[str]) -> int:
    """Remove links; returns how many were removed."""
    async with db.write() as conn:
        removed = 0
        for nik in niks:
            cur = await conn.execute(
                "DELETE FROM chat_links WHERE channel = ? AND chat_id = ? AND nik = ?",
                (channel, chat_id, nik),
            )
            removed += cur.rowcount
    return removed


async def record_verify_failure(db: Database, channel: str, chat_id: str, now: datetime) -> None:
    """Count one failed NIK/KK verification."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO verify_failures (channel, chat_id, failed_at) VALUES (?, ?, ?)",
            (channel, chat_id, iso(now)),
        )


async def verify_failures_since(
    db: Database, channel: str, chat_id: str, since: datetime
) -> list[str]:
    """Timestamps (storage form, oldest first) of failures after `since`."""
    rows = await db.fetchall(
        "SELECT failed_at FROM verify_failures WHERE channel = ? AND chat_id = ? AND failed_at > ?"
        " ORDER BY failed_at",
        (channel, chat_id, iso(since)),
    )
    return [r["failed_at"] for r in rows]


async def clear_verify_failures(db: Database, channel: str, chat_id: str) -> None:
    """Forget failures after a successful verification."""
    async with db.write() as conn:
        await conn.execute(
            "DELETE FROM verify_failures WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        )
