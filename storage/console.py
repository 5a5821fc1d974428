"""The staff web console's tables: single-use login links, sessions, and the look-ups only the
console makes (one resident's history, the audit search).

Tokens never reach the database: callers pass the SHA-256 hex of the random token (`bot.web.auth`
makes both). A link is used at most once: `use_link` marks it in the same statement that checks
it, so two tabs opening the same link get one session between them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel

from bot.core.clock import iso
from storage import audit
from storage.audit import AuditEntry
from storage.db import Database

SEEN_EVERY = timedelta(minutes=1)  # a session's seen_at is written at most this often
KEEP_SESSIONS = timedelta(days=7)  # ended or idle sessions are deleted after this long


class ConsoleSession(BaseModel):
    """A live console session: who, in which language, last seen when."""

    user_id: str
    language: str
    seen_at: str


async def add_link(
    db: Database, token_hash: str, user_id: str, language: str, now: datetime, ttl: timedelta
) -> None:
    """Store a new login link (its hash) valid for `ttl`; expired links are swept here."""
    async with db.write() as conn:
        await conn.execute("DELETE FROM console_links WHERE expires_at < ?", (iso(now - ttl),))
        await conn.execute(
            "INSERT INTO console_links (token_hash, user_id, language, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (token_hash, user_id, language, iso(now), iso(now + ttl)),
        )


async def link_open(db: Database, token_hash: str, now: datetime) -> bool:
    """True when the link is unused and unexpired (reads only: the login form's first look)."""
    row = await db.fetchone(
        "SELECT 1 FROM console_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        (token_hash, iso(now)),
    )
    return row is not None


async def use_link(db: Database, token_hash: str, now: datetime) -> tuple[str, str] | None:
    """Mark an unused, unexpired link used; (user id, language), or None when it is unknown,
    used or expired."""
    async with db.write() as conn:
        cur = await conn.execute(
            "UPDATE console_links SET used_at = ?"
            " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            (iso(now), token_hash, iso(now)),
        )
        if cur.rowcount != 1:
            return None
        async with conn.execute(
            "SELECT user_id, language FROM console_links WHERE token_hash = ?", (token_hash,)
        ) as rows:
            row = await rows.fetchone()
    return (str(row[0]), str(row[1])) if row else None


async def start_session(
    db: Database, token_hash: str, user_id: str, language: str, actor: str, now: datetime
) -> None:
    """A new session (audited as a login); sessions unused for `KEEP_SESSIONS` are swept."""
    async with db.write() as conn:
        await conn.execute(
            "DELETE FROM console_sessions WHERE seen_at < ?", (iso(now - KEEP_SESSIONS),)
        )
        await conn.execute(
            "INSERT INTO console_sessions (token_hash, user_id, language, created_at, seen_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (token_hash, user_id, language, iso(now), iso(now)),
        )
        await audit.add(conn, now, actor, "console.login", {})


async def live_session(
    db: Database, token_hash: str, now: datetime, idle: timedelta
) -> ConsoleSession | None:
    """The session if it is not ended and was seen within `idle`; notes the visit."""
    row = await db.fetchone(
        "SELECT user_id, language, seen_at FROM console_sessions"
        " WHERE token_hash = ? AND ended_at IS NULL AND seen_at > ?",
        (token_hash, iso(now - idle)),
    )
    if row is None:
        return None
    session = ConsoleSession.model_validate(dict(row))
    if session.seen_at < iso(now - SEEN_EVERY):
        async with db.write() as conn:
            await conn.execute(
                "UPDATE console_sessions SET seen_at = ? WHERE token_hash = ?",
                (iso(now), token_hash),
            )
    return session


async def end_session(db: Database, token_hash: str, actor: str, now: datetime) -> None:
    """Log out (audited)."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE console_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
            (iso(now), token_hash),
        )
        await audit.add(conn, now, actor, "console.logout", {})


class HistoryRow(BaseModel):
    """One status change of a resident."""

    old_status: str | None
    new_status: str
    source: str
    changed_at: str


class LinkedChat(BaseModel):
    """A chat linked to a resident (the page masks the id)."""

    channel: str
    chat_id: str
    linked_at: str


class SummonsRow(BaseModel):
    """A summons planned for a resident, as the outbox holds it."""

    dedupe_key: str
    channel: str
    state: str
    created_at: str
    sent_at: str | None


async def status_history(db: Database, nik: str) -> list[HistoryRow]:
    """A resident's status changes, newest first."""
    rows = await db.fetchall(
        "SELECT old_status, new_status, source, changed_at FROM status_history"
        " WHERE nik = ? ORDER BY id DESC LIMIT 50",
        (nik,),
    )
    return [HistoryRow.model_validate(dict(r)) for r in rows]


async def linked_chats(db: Database, nik: str) -> list[LinkedChat]:
    """The chats verified as or for this resident."""
    rows = await db.fetchall(
        "SELECT channel, chat_id, linked_at FROM chat_links WHERE nik = ? ORDER BY linked_at",
        (nik,),
    )
    return [LinkedChat.model_validate(dict(r)) for r in rows]


async def summons_of(db: Database, nik: str) -> list[SummonsRow]:
    """The summons planned for a resident (dedupe keys 'summons:{nik}:{n}', index range)."""
    rows = await db.fetchall(
        "SELECT dedupe_key, channel, state, created_at, sent_at FROM outbox"
        " WHERE dedupe_key >= ? AND dedupe_key < ? ORDER BY dedupe_key",
        (f"summons:{nik}:", f"summons:{nik};"),
    )
    return [SummonsRow.model_validate(dict(r)) for r in rows]


async def search_audit(
    db: Database,
    *,
    actor: str = "",
    action: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """Audit rows newest first; `action` matches whole names or a prefix ending in '.'."""
    where, params = ["1 = 1"], []
    if actor:
        where.append("actor = ?")
        params.append(actor)
    if action.endswith("."):
        where.append("action >= ? AND action < ?")
        params += [action, action[:-1] + "/"]
    elif action:
        where.append("action = ?")
        params.append(action)
    if start is not None:
        where.append("at >= ?")
        params.append(iso(start))
    if end is not None:
        where.append("at < ?")
        params.append(iso(end))
    rows = await db.fetchall(
        f"SELECT id, at, actor, action, detail FROM audit_log WHERE {' AND '.join(where)}"
        " ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    return [AuditEntry.model_validate(dict(r)) for r in rows]


async def audit_actions(db: Database) -> list[str]:
    """The distinct action names (for the filter's choices)."""
    rows = await db.fetchall("SELECT DISTINCT action FROM audit_log ORDER BY action")
    return [str(r[0]) for r in rows]


async def recorded_since(db: Database, since: date) -> dict[tuple[str, str], int]:
    """Recordings in the kit/SIAK ledger since a day, per (kecamatan, kelurahan): the trend
    column of Ringkasan (index range on the day, one look-up per recording)."""
    rows = await db.fetchall(
        "SELECT r.kecamatan, r.kelurahan, count(*) FROM recordings k"
        " JOIN residents r ON r.nik = k.nik"
        " WHERE k.cleanup = 0 AND k.tanggal_rekam >= ? GROUP BY r.kecamatan, r.kelurahan",
        (since.isoformat(),),
    )
    return {(str(r[0]), str(r[1])): int(r[2]) for r in rows}
