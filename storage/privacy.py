"""`/hapus`: erase a chat's links and conversation history (never the registry data).

What goes: the chat's links to residents, its conversation state and shared phone number, the
content of its stored inbound updates (the update ids stay, so a restart never processes them
again), verification failures, the outbox rows not sent yet (deleted) and the text of those
already sent (blanked; their dedupe keys stay so no job sends them again; a summons planned
with a shared text holds none), and on WhatsApp the held replies, numbered choices,
sent-message texts and the profile name and phone.
What stays: residents, status history, orders and officials (registry and office records), the
chat row's language and opt-out, and the audit trail (which gets a row for the erasure).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.core.clock import iso
from storage import audit
from storage.db import Database
from storage.outbox import CHAT_ROWS

_BLANK_REPLY = '{"text": ""}'
_CHAT = "channel = :channel AND chat_id = :chat_id"
_STEPS: tuple[tuple[str, str], ...] = (  # the outbox first: it finds rows through the links
    ("outbox_pending", f"DELETE FROM outbox WHERE id IN ({CHAT_ROWS})"
                       " AND +state IN ('pending', 'dead')"),
    ("outbox_sent", f"UPDATE outbox SET payload = '{_BLANK_REPLY}' WHERE id IN ({CHAT_ROWS})"
                    " AND +state IN ('sent', 'failed', 'cancelled') AND text_id IS NULL"
                    f" AND payload <> '{_BLANK_REPLY}'"),
    ("links", f"DELETE FROM chat_links WHERE {_CHAT}"),
    ("state", f"UPDATE chats SET state = '', state_data = '{{}}', phone = '', updated_at = :at"
              f" WHERE {_CHAT}"),
    ("inbox", f"UPDATE inbox SET payload = '{{}}' WHERE {_CHAT} AND payload <> '{{}}'"),
    ("failures", f"DELETE FROM verify_failures WHERE {_CHAT}"),
)  # fmt: skip
_WHATSAPP: tuple[tuple[str, str], ...] = (
    ("wa_held", "DELETE FROM wa_held WHERE chat_id = :chat_id"),
    ("wa_choices", "DELETE FROM wa_choices WHERE chat_id = :chat_id"),
    ("wa_sent", f"UPDATE wa_sent SET payload = '{_BLANK_REPLY}' WHERE chat_id = :chat_id"),
    ("wa_contact", "UPDATE wa_contacts SET name = '', phone = '' WHERE chat_id = :chat_id"),
)


class Erased(BaseModel):
    """How many rows each step touched."""

    counts: dict[str, int]

    @property
    def links(self) -> int:
        """Resident links removed."""
        return self.counts.get("links", 0)


async def link_count(db: Database, channel: str, chat_id: str) -> int:
    """Residents linked to the chat."""
    row = await db.fetchone(
        "SELECT count(*) FROM chat_links WHERE channel = ? AND chat_id = ?", (channel, chat_id)
    )
    return int(row[0]) if row else 0


async def erase_chat(db: Database, channel: str, chat_id: str, now: datetime) -> Erased:
    """Erase the chat's links and history in one transaction, with an audit row (no NIKs)."""
    params = {"channel": channel, "chat_id": chat_id, "at": iso(now)}
    steps = _STEPS + (_WHATSAPP if channel == "whatsapp" else ())
    counts: dict[str, int] = {}
    async with db.write() as conn:
        for name, sql in steps:
            cur = await conn.execute(sql, params)
            counts[name] = max(cur.rowcount, 0)
        await audit.add(conn, now, f"{channel}:{chat_id}", "privacy.erase", dict(counts))
    return Erased(counts=counts)
