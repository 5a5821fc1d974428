"""WhatsApp contacts (identity), numbered choices, sent messages and their statuses, held replies.

Identity: a contact is keyed by the business-scoped user id (`contacts[].user_id`) when the
platform gave one at first contact, else by `wa_id`; a later payload carrying either id finds
the same row, so a chat keeps its state when Meta starts (or stops) sending one of them.
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel

from bot.core.clock import iso
from storage.db import Database, Tx
from storage.outbox import cancel_pending_for_chat_in

#: Later statuses win; a late 'sent' never downgrades 'read'. 'failed' is final.
STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "played": 3, "failed": 9}


class Contact(BaseModel):
    """A WhatsApp user as far as we know them."""

    chat_id: str
    user_id: str | None = None
    wa_id: str | None = None
    phone: str = ""
    name: str = ""


class SentMessage(BaseModel):
    """One message we sent, as a status webhook finds it."""

    wamid: str
    chat_id: str
    payload: str
    template: bool = False
    status: str = "accepted"
    error_code: int | None = None


_CONTACT = "chat_id, user_id, wa_id, phone, name"


async def _find(conn: Tx, user_id: str | None, wa_id: str | None) -> str | None:
    for column, value in (("user_id", user_id), ("wa_id", wa_id)):
        if value:
            async with conn.execute(
                f"SELECT chat_id FROM wa_contacts WHERE {column} = ? ORDER BY chat_id LIMIT 1",
                (value,),
            ) as cur:
                row = await cur.fetchone()
            if row:
                return str(row[0])
    return None


async def _upsert_contact(
    conn: Tx,
    user_id: str | None,
    wa_id: str | None,
    phone: str,
    name: str,
    now: datetime,
) -> Contact:
    if not user_id and not wa_id:
        raise ValueError("a WhatsApp contact needs a user id or a wa_id")
    chat_id = await _find(conn, user_id, wa_id) or str(user_id or wa_id)
    async with conn.execute(
        "INSERT INTO wa_contacts (chat_id, user_id, wa_id, phone, name, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET"
        " user_id = coalesce(excluded.user_id, wa_contacts.user_id),"
        " wa_id = coalesce(excluded.wa_id, wa_contacts.wa_id),"
        " phone = CASE WHEN excluded.phone != '' THEN excluded.phone ELSE wa_contacts.phone END,"
        " name = CASE WHEN excluded.name != '' THEN excluded.name ELSE wa_contacts.name END,"
        f" updated_at = excluded.updated_at RETURNING {_CONTACT}",
        (chat_id, user_id, wa_id, phone, name, iso(now)),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return Contact.model_validate(dict(row))


async def resolve_contact(
    db: Database,
    *,
    user_id: str | None,
    wa_id: str | None,
    phone: str,
    name: str,
    now: datetime,
) -> Contact:
    """The contact for these ids (created on first contact), with the newest phone and name."""
    async with db.write() as conn:
        return await _upsert_contact(conn, user_id, wa_id, phone, name, now)


class Arrival(BaseModel):
    """What a new message from a contact finds: who it is, choices offered, replies held."""

    contact: Contact
    choices: list[str]  # numbered choices offered last (they answer this message only)
    held: list[str]  # replies held while the window was closed (Reply JSON, oldest first)


async def arrive(
    db: Database,
    *,
    user_id: str | None,
    wa_id: str | None,
    phone: str,
    name: str,
    now: datetime,
) -> Arrival:
    """One write transaction per inbound message: resolve the contact, take choices and held."""
    async with db.write() as conn:
        contact = await _upsert_contact(conn, user_id, wa_id, phone, name, now)
        async with conn.execute(
            "DELETE FROM wa_choices WHERE chat_id = ? RETURNING payloads", (contact.chat_id,)
        ) as cur:
            row = await cur.fetchone()
        async with conn.execute(
            "DELETE FROM wa_held WHERE chat_id = ? RETURNING id, payload", (contact.chat_id,)
        ) as cur:
            held = await cur.fetchall()
    choices = [str(p) for p in json.loads(row[0])] if row else []
    ordered = [str(r[1]) for r in sorted(held, key=lambda r: int(r[0]))]
    return Arrival(contact=contact, choices=choices, held=list(dict.fromkeys(ordered)))


async def get_contact(db: Database, chat_id: str) -> Contact | None:
    """The contact behind a WhatsApp chat id, or None."""
    row = await db.fetchone(f"SELECT {_CONTACT} FROM wa_contacts WHERE chat_id = ?", (chat_id,))
    return Contact.model_validate(dict(row)) if row else None


async def set_choices(db: Database, chat_id: str, payloads: list[str], now: datetime) -> None:
    """Remember numbered choices just offered to a chat (replacing older ones; none: forget)."""
    async with db.write() as conn:
        if not payloads:
            await conn.execute("DELETE FROM wa_choices WHERE chat_id = ?", (chat_id,))
            return
        await conn.execute(
            "INSERT INTO wa_choices (chat_id, payloads, offered_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET payloads = excluded.payloads,"
            " offered_at = excluded.offered_at",
            (chat_id, json.dumps(payloads, ensure_ascii=False), iso(now)),
        )


async def record_sent(
    db: Database, wamid: str, chat_id: str, payload: str, now: datetime, *, template: bool
) -> None:
    """Remember a message the platform accepted, for its statuses."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO wa_sent (wamid, chat_id, payload, template, sent_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (wamid, chat_id, payload, int(template), iso(now), iso(now)),
        )


async def apply_status(
    db: Database, wamid: str, status: str, error_code: int | None, now: datetime
) -> SentMessage | None:
    """Record a delivery status (never downgrading); the message, or None when not ours."""
    rank = STATUS_RANK.get(status, 0)
    async with db.write() as conn:
        await conn.execute(
            "UPDATE wa_sent SET status = ?, error_code = coalesce(?, error_code), updated_at = ?"
            " WHERE wamid = ? AND status != 'failed' AND"
            " (CASE status WHEN 'accepted' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2"
            "  ELSE 3 END) < ?",
            (status, error_code, iso(now), wamid, rank),
        )
        await _update_outbox(conn, wamid, status, error_code, now)
        async with conn.execute(
            "SELECT wamid, chat_id, payload, template, status, error_code FROM wa_sent"
            " WHERE wamid = ?",
            (wamid,),
        ) as cur:
            row = await cur.fetchone()
    return SentMessage.model_validate(dict(row)) if row else None


async def _update_outbox(
    conn: Tx, wamid: str, status: str, error_code: int | None, now: datetime
) -> None:
    """A failed status notes the error on the outbox row that carried the message."""
    if status != "failed":
        return
    await conn.execute(
        "UPDATE outbox SET last_error = ?, updated_at = ?"
        " WHERE channel = 'whatsapp' AND message_id = ?",
        (f"WhatsApp failed status {error_code}", iso(now), wamid),
    )


async def hold(db: Database, chat_id: str, payload: str, now: datetime) -> None:
    """Keep a reply until the chat's window opens again."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO wa_held (chat_id, payload, held_at) VALUES (?, ?, ?)",
            (chat_id, payload, iso(now)),
        )


async def sending_kind(db: Database, chat_id: str) -> str | None:
    """The kind of the outbox row being sent to this chat right now (the dispatcher's claim)."""
    row = await db.fetchone(
        "SELECT kind FROM outbox WHERE channel = 'whatsapp' AND chat_id = ? AND state = 'sending'"
        " ORDER BY claimed_at DESC, id DESC LIMIT 1",
        (chat_id,),
    )
    return str(row[0]) if row else None


async def kind_of_sent(db: Database, wamid: str) -> str | None:
    """The kind of the outbox row a message went out for, or None (a direct reply)."""
    row = await db.fetchone(
        "SELECT kind FROM outbox WHERE channel = 'whatsapp' AND message_id = ?", (wamid,)
    )
    return str(row[0]) if row else None


async def mark_unreachable(
    db: Database, chat_id: str, reason: str, now: datetime, wamid: str | None = None
) -> None:
    """WhatsApp cannot deliver to this contact: no more outreach, pending rows cancelled."""
    stamp = iso(now)
    async with db.write() as conn:
        await conn.execute(
            "UPDATE chats SET unreachable = 1, unreachable_reason = ?, updated_at = ?"
            " WHERE channel = 'whatsapp' AND chat_id = ?",
            (reason, stamp, chat_id),
        )
        await cancel_pending_for_chat_in(conn, "whatsapp", chat_id, "unreachable", stamp, all_=True)
        if wamid:
            await conn.execute(
                "UPDATE outbox SET state = 'failed', last_error = ?, updated_at = ?"
                " WHERE channel = 'whatsapp' AND message_id = ?",
                (reason, stamp, wamid),
            )


async def forget_sent_before(db: Database, before: datetime) -> int:
    """Drop old send records (statuses come within days); returns how many."""
    async with db.write() as conn:
        cur = await conn.execute("DELETE FROM wa_sent WHERE sent_at < ?", (iso(before),))
        return max(cur.rowcount, 0)
