"""The outbox: every message that is not a direct reply, durable and deduplicated.

A row is enqueued once (`INSERT … ON CONFLICT DO NOTHING` on the chat's dedupe key), claimed by
one worker at a time (`pending → sending` in one write transaction, re-checking that it is still
wanted), then settled: `sent`, `failed` (unreachable, never retried), `dead` (gave up) or back to
`pending` for a retry. Rows left in `sending` by a crashed worker go back to `pending` on start.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from bot.core.clock import iso
from bot.core.messages import Reply
from bot.core.status import NEEDS_RECORDING
from storage.db import Database, Tx
from storage.dialect import Dialect


class State(StrEnum):
    """Where an outbox row stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    CANCELLED = "cancelled"


class Kind(StrEnum):
    """What an outbox row is for."""

    SUMMONS = "summons"
    REMINDER = "reminder"
    NOTICE = "notice"
    STAFF = "staff"


PRIORITY_STAFF = 1
PRIORITY_NOTICE = 3
PRIORITY_SUMMONS = 5
#: The condition of the partial index outbox_state (rows not pending: migration 0013). SQLite
#: uses a partial index only when the query says its condition too: add it to a condition on
#: a state other than pending (``state = 'dead' AND {SETTLED}``).
SETTLED = "state <> 'pending'"
#: Rows by state and kind: pending ones through outbox_pending_nik (it has the kind), the
#: others through outbox_state. Both index-only.
STATE_KIND_COUNTS = (
    f"SELECT state, kind, count(*) FROM outbox WHERE {SETTLED} GROUP BY state, kind"
    " UNION ALL SELECT 'pending', kind, count(*) FROM outbox INDEXED BY outbox_pending_nik"
    " WHERE state = 'pending' GROUP BY kind"
)
#: The latest dead rows (`?`: how many), through outbox_state.
DEAD_ROWS = (
    "SELECT id, kind, channel, chat_id, attempts, last_error, updated_at FROM outbox"
    f" WHERE state = 'dead' AND {SETTLED} ORDER BY id DESC LIMIT ?"
)
#: SQL list of the statuses that still need recording, e.g. "'BELUM_REKAM', 'REKAM_ULANG'".
NEEDS_RECORDING_SQL = ", ".join(f"'{s.value}'" for s in sorted(NEEDS_RECORDING))


class NewMessage(BaseModel):
    """A message to enqueue."""

    channel: str
    chat_id: str
    kind: str
    dedupe_key: str
    reply: Reply
    nik: str | None = None
    priority: int = PRIORITY_NOTICE
    outreach: bool = True  # to a resident: sending windows and opt-out apply
    is_group: bool = False
    not_before: datetime | None = None


class OutboxItem(BaseModel):
    """A claimed row, ready to send."""

    id: int
    channel: str
    chat_id: str
    is_group: bool
    kind: str
    dedupe_key: str
    nik: str | None
    reply: Reply
    outreach: bool
    attempts: int


_INSERT = (
    "INSERT INTO outbox (channel, chat_id, is_group, kind, dedupe_key, nik, payload, priority,"
    " outreach, not_before, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (channel, chat_id, dedupe_key) DO NOTHING"
)
#: Why a pending row is no longer wanted (NULL when it still is); `o` is the outbox row.
STALE_REASON = f"""CASE
    WHEN EXISTS (SELECT 1 FROM chats c WHERE c.channel = o.channel AND c.chat_id = o.chat_id
                 AND c.unreachable = 1) THEN 'unreachable'
    WHEN o.outreach = 1 AND EXISTS (SELECT 1 FROM chats c WHERE c.channel = o.channel
                 AND c.chat_id = o.chat_id AND c.opted_out = 1) THEN 'opted out'
    WHEN o.kind = 'summons' AND NOT EXISTS (SELECT 1 FROM residents r WHERE r.nik = o.nik
                 AND r.status IN ({NEEDS_RECORDING_SQL})) THEN 'recorded'
    WHEN o.nik IS NOT NULL AND NOT EXISTS (SELECT 1 FROM chat_links l WHERE l.nik = o.nik
                 AND l.channel = o.channel AND l.chat_id = o.chat_id) THEN 'unlinked'
END"""
#: Ids of a chat's rows (`:channel`, `:chat_id`) that anyone looks up by chat: rows with their
#: own text, dead or failed ones (index outbox_chat), and the pending rows with a shared text
#: about the chat's linked residents (planned summons, which no index orders by chat). A pending
#: row about a resident no longer linked is not found: the claim cancels it ('unlinked').
CHAT_ROWS = """
SELECT id FROM outbox INDEXED BY outbox_chat WHERE channel = :channel AND chat_id = :chat_id
    AND (text_id IS NULL OR state IN ('dead', 'failed'))
UNION ALL
SELECT o.id FROM chat_links l JOIN outbox o INDEXED BY outbox_pending_nik ON o.nik = l.nik
WHERE l.channel = :channel AND l.chat_id = :chat_id AND o.state = 'pending'
    AND o.channel = l.channel AND o.chat_id = l.chat_id AND o.text_id IS NOT NULL
"""
_DUE = (
    "FROM outbox o WHERE o.channel = ? AND o.state = 'pending' AND o.not_before <= ?"
    " AND (o.outreach = 0 OR ?)"
)
#: The reply of the outbox row `outbox` as JSON: its payload, or its shared text (`text_id`)
#: with {nik} (masked) and {name} filled in from its resident as they are now.
RENDERED_PAYLOAD = """CASE WHEN outbox.text_id IS NULL THEN outbox.payload ELSE (
    SELECT json_object('text', replace(replace(t.body,
               '{nik}', substr(outbox.nik, 1, 4) || '********' || substr(outbox.nik, 13, 4)),
               '{name}', coalesce((SELECT nullif(r.nama, '') FROM residents r
                                   WHERE r.nik = outbox.nik), '-')),
           'buttons', json(t.buttons))
    FROM outbox_texts t WHERE t.id = outbox.text_id) END"""
_ITEM_COLUMNS = (
    "id, channel, chat_id, is_group, kind, dedupe_key, nik, outreach, attempts,"
    f" {RENDERED_PAYLOAD} AS payload"
)


def _rows(messages: Iterable[NewMessage], now: datetime) -> list[tuple[Any, ...]]:
    stamp = iso(now)
    return [
        (
            m.channel, m.chat_id, int(m.is_group), m.kind, m.dedupe_key, m.nik,
            m.reply.model_dump_json(exclude_defaults=True), m.priority, int(m.outreach),
            iso(m.not_before) if m.not_before else stamp, stamp, stamp,
        )
        for m in messages
    ]  # fmt: skip


async def enqueue_in(conn: Tx, messages: Sequence[NewMessage], now: datetime) -> int:
    """Enqueue inside the caller's write transaction; returns how many rows were new."""
    if not messages:
        return 0
    cur = await conn.executemany(_INSERT, _rows(messages, now))
    return max(cur.rowcount, 0)


async def enqueue(db: Database, messages: Sequence[NewMessage], now: datetime) -> int:
    """Enqueue messages (duplicates by dedupe key are ignored); returns how many were new."""
    async with db.write() as conn:
        return await enqueue_in(conn, messages, now)


async def store_texts(conn: Tx, texts: Sequence[tuple[str, str]], now: datetime) -> list[int]:
    """Ids of these (body, buttons JSON) texts, stored if new, inside the caller's transaction."""
    digests = [hashlib.sha256(f"{body}\0{buttons}".encode()).hexdigest() for body, buttons in texts]
    await conn.executemany(
        "INSERT INTO outbox_texts (digest, body, buttons, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (digest) DO NOTHING",
        [(d, body, buttons, iso(now)) for d, (body, buttons) in zip(digests, texts, strict=True)],
    )
    async with conn.execute(
        "SELECT digest, id FROM outbox_texts WHERE digest IN (SELECT value FROM json_each(?))",
        (_json_list(digests),),
    ) as cur:
        ids = {str(r[0]): int(r[1]) for r in await cur.fetchall()}
    return [ids[d] for d in digests]


async def has_due(db: Database, channel: str, now: datetime, *, window_open: bool) -> bool:
    """True when a pending row could be claimed now (a cheap read before a claim)."""
    row = await db.fetchone(f"SELECT 1 {_DUE} LIMIT 1", (channel, iso(now), int(window_open)))
    return row is not None


async def claim(
    db: Database, channel: str, worker: str, now: datetime, limit: int, *, window_open: bool
) -> list[OutboxItem]:
    """Take up to `limit` due rows (priority, then age); cancel those no longer wanted.

    Outreach rows are only taken while the sending window is open. One write transaction, so
    several workers (threads or processes) never take the same row.
    """
    stamp = iso(now)
    async with db.write(shared=True) as conn:
        # PostgreSQL: rows another worker is claiming are skipped, not waited for
        skip = " FOR UPDATE SKIP LOCKED" if conn.dialect is Dialect.POSTGRES else ""
        sql = (
            f"SELECT o.id, {STALE_REASON} AS reason FROM outbox o WHERE o.id IN (SELECT id"
            " FROM outbox INDEXED BY outbox_queue WHERE channel = ? AND state = 'pending'"
            f" AND not_before <= ? AND (outreach = 0 OR ?) ORDER BY priority, id LIMIT ?{skip})"
            " ORDER BY o.priority, o.id"
        )
        async with conn.execute(sql, (channel, stamp, int(window_open), limit)) as cur:
            candidates = [(int(r[0]), r[1]) for r in await cur.fetchall()]
        stale = [(reason, stamp, i) for i, reason in candidates if reason]
        await conn.executemany(
            "UPDATE outbox SET state = 'cancelled', last_error = ?, updated_at = ? WHERE id = ?",
            stale,
        )
        wanted = [i for i, reason in candidates if not reason]
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        # `+state`: look the ids up, never walk every pending row through outbox_state
        async with conn.execute(
            "UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_at = ?, updated_at = ?,"
            f" attempts = attempts + 1 WHERE id IN ({marks}) AND +state = 'pending' RETURNING id",
            (worker, stamp, stamp, *wanted),
        ) as cur:
            taken = [int(r[0]) for r in await cur.fetchall()]
        marks = ",".join("?" * len(taken))
        async with conn.execute(  # rendered here: RETURNING cannot seek the resident by key
            f"SELECT {_ITEM_COLUMNS} FROM outbox WHERE id IN ({marks})", taken
        ) as cur:
            rows = await cur.fetchall()
    items = [_item(r) for r in rows]
    return sorted(items, key=lambda item: wanted.index(item.id))


def _item(row: Any) -> OutboxItem:
    data = dict(row)
    data["reply"] = Reply.model_validate_json(data.pop("payload"))
    return OutboxItem.model_validate(data)


async def _settle(db: Database, sql: str, params: Sequence[Any]) -> None:
    async with db.write(shared=True) as conn:  # one row by id: no need to wait for other writers
        await conn.execute(sql, params)


async def mark_sent(db: Database, item_id: int, message_id: str | None, now: datetime) -> None:
    """The platform accepted the message."""
    stamp = iso(now)
    await _settle(
        db,
        "UPDATE outbox SET state = 'sent', message_id = ?, sent_at = ?, updated_at = ?,"
        " last_error = '' WHERE id = ?",
        (message_id, stamp, stamp, item_id),
    )


async def mark_dead(db: Database, item_id: int, error: str, now: datetime) -> None:
    """Give up on a row; staff see it with its reason and may retry it."""
    await _settle(
        db,
        "UPDATE outbox SET state = 'dead', last_error = ?, updated_at = ? WHERE id = ?",
        (error[:500], iso(now), item_id),
    )


async def retry_later(
    db: Database, item_id: int, error: str, not_before: datetime, now: datetime
) -> None:
    """Back to pending after a transient failure (the attempt counts)."""
    await _settle(
        db,
        "UPDATE outbox SET state = 'pending', last_error = ?, not_before = ?, updated_at = ?,"
        " claimed_by = NULL WHERE id = ?",
        (error[:500], iso(not_before), iso(now), item_id),
    )


async def release(db: Database, item_ids: Sequence[int], now: datetime, error: str = "") -> None:
    """Back to pending without counting an attempt (not sent: shutdown or rate limit)."""
    if not item_ids:
        return
    async with db.write() as conn:
        await conn.executemany(
            "UPDATE outbox SET state = 'pending', attempts = max(attempts - 1, 0),"
            " last_error = ?, updated_at = ?, claimed_by = NULL WHERE id = ? AND state = 'sending'",
            [(error, iso(now), i) for i in item_ids],
        )


async def recover(
    db: Database, channel: str, worker: str | None, now: datetime, lease: timedelta
) -> int:
    """Rows in `sending` past their lease, and (on start) those of this worker's dead
    predecessor, go back to pending."""
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE outbox SET state = 'pending', claimed_by = NULL, updated_at = ?"
            " WHERE state = 'sending' AND channel = ? AND (claimed_by = ? OR claimed_at < ?)",
            (iso(now), channel, worker or "", iso(now - lease)),
        )
        return max(cur.rowcount, 0)


async def cancel_summons_of_recorded(db: Database, now: datetime) -> int:
    """Cancel every pending summons whose resident no longer needs to record (set-based)."""
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE outbox SET state = 'cancelled', last_error = 'recorded', updated_at = ?"
            " WHERE state = 'pending' AND kind = 'summons' AND NOT EXISTS (SELECT 1 FROM"
            f" residents r WHERE r.nik = outbox.nik AND r.status IN ({NEEDS_RECORDING_SQL}))",
            (iso(now),),
        )
        return max(cur.rowcount, 0)


async def cancel_pending_for_residents(db: Database, niks: Iterable[str], now: datetime) -> int:
    """Cancel pending summons of these residents if they no longer need to record.

    Call it after anything that changes statuses (import, kit sync); the dispatcher re-checks
    at claim time anyway, so a caller that forgets only delays the cancellation.
    """
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE outbox INDEXED BY outbox_pending_nik SET state = 'cancelled',"
            " last_error = 'recorded', updated_at = ? WHERE state = 'pending' AND kind = 'summons'"
            " AND nik IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM"
            f" residents r WHERE r.nik = outbox.nik AND r.status IN ({NEEDS_RECORDING_SQL}))",
            (iso(now), _json_list(niks)),
        )
        return max(cur.rowcount, 0)


async def cancel_pending_for_chat_in(
    conn: Tx, channel: str, chat_id: str, reason: str, stamp: str, *, all_: bool
) -> int:
    """Cancel a chat's pending rows (outreach only unless `all_`), inside a transaction."""
    cur = await conn.execute(
        "UPDATE outbox SET state = 'cancelled', last_error = :reason, updated_at = :stamp"
        f" WHERE id IN ({CHAT_ROWS}) AND +state = 'pending' AND (outreach = 1 OR :all)",
        {"reason": reason, "stamp": stamp, "channel": channel, "chat_id": chat_id, "all": all_},
    )
    return max(cur.rowcount, 0)


async def retry_dead(db: Database, now: datetime, ids: Sequence[int] | None = None) -> int:
    """Dead rows (all, or these ids) go back to pending with a fresh attempt count."""
    chosen = "" if ids is None else " AND id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))"
    params: tuple[Any, ...] = (iso(now), iso(now))
    if ids is not None:
        params += (_json_list(ids),)
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE outbox SET state = 'pending', attempts = 0, not_before = ?, updated_at = ?,"
            f" claimed_by = NULL WHERE state = 'dead' AND {SETTLED}{chosen}",
            params,
        )
        return max(cur.rowcount, 0)


def _json_list(values: Iterable[object]) -> str:
    return json.dumps(list(values))


class DeadLetter(BaseModel):
    """A row staff should look at."""

    id: int
    kind: str
    channel: str
    chat_id: str
    attempts: int
    last_error: str
    updated_at: str


class OutboxReport(BaseModel):
    """What the operator view shows."""

    counts: dict[str, dict[str, int]]  # state → kind → count
    sent_last_minute: int
    oldest_pending: str | None  # created_at of the oldest pending row
    next_due: str | None  # earliest not_before of a pending row
    dead: list[DeadLetter]


async def report(db: Database, now: datetime, dead_limit: int = 20) -> OutboxReport:
    """Counts by state and kind, the last minute's send count, the queue's age, dead letters."""
    counts: dict[str, dict[str, int]] = {}
    for row in await db.fetchall(STATE_KIND_COUNTS):
        counts.setdefault(row[0], {})[row[1]] = int(row[2])
    minute = await db.fetchone(
        "SELECT count(*) FROM outbox WHERE sent_at >= ?", (iso(now - timedelta(minutes=1)),)
    )
    oldest = await db.fetchone(
        "SELECT min(created_at), min(not_before) FROM outbox WHERE state = 'pending'"
    )
    dead = await db.fetchall(DEAD_ROWS, (dead_limit,))
    return OutboxReport(
        counts=counts,
        sent_last_minute=int(minute[0]) if minute else 0,
        oldest_pending=oldest[0] if oldest else None,
        next_due=oldest[1] if oldest else None,
        dead=[DeadLetter.model_validate(dict(r)) for r in dead],
    )
