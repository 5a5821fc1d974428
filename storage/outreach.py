"""SQL for outreach jobs: summons rounds, date triggers, digests, opt-out, unreachable, job runs.

Rounds are set-based (`INSERT … SELECT` in chunks of NIKs with a linked chat), so planning a
million residents never loops over them in Python. Every write is idempotent: the summons ledger
only moves forward when the interval allows it, the trigger ledger is unique per resident and
event, and the outbox ignores a dedupe key it already holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from pydantic import BaseModel

from bot.core.clock import iso
from bot.core.status import RECORDED
from storage import audit
from storage.db import Database
from storage.field import NOT_AWAITING_RESULTS
from storage.outbox import NEEDS_RECORDING_SQL, NewMessage, cancel_pending_for_chat_in, enqueue_in

_REACHABLE = "c.opted_out = 0 AND c.unreachable = 0 AND c.is_group = 0"
_AFTER_LAST_NIK = "~"  # sorts after every digit string: the open end of the last chunk
_RECORDED_SQL = ", ".join(f"'{s.value}'" for s in sorted(RECORDED))


class SummonsPlan(BaseModel):
    """One round's parameters; `texts` is [(lang, n, body, buttons JSON)] with {name}/{nik}."""

    today: date
    now: datetime
    born_by: date  # born on or before this day → 17 or older today
    due_on: date  # the last summons must be on or before this day
    max_n: int
    texts: list[tuple[str, int, str, str]]
    default_language: str
    not_before: datetime
    priority: int
    hold_since: date = date.max  # visits from this day on hold their area's summons


_PLAN_LEDGER = f"""
INSERT INTO summons (nik, n, last_on, last_at)
SELECT r.nik, coalesce(s.n, 0) + 1, :today, :now
FROM (SELECT DISTINCT l.nik FROM chat_links l
      JOIN chats c ON c.channel = l.channel AND c.chat_id = l.chat_id
      WHERE l.nik >= :lo AND l.nik < :hi AND {_REACHABLE}) AS k
JOIN residents r ON r.nik = k.nik
LEFT JOIN summons s ON s.nik = r.nik
WHERE r.status IN ({NEEDS_RECORDING_SQL})
  AND (r.kawin = 1 OR r.tanggal_lahir <= :born_by)
  AND coalesce(s.n, 0) < :max_n
  AND {NOT_AWAITING_RESULTS}
  AND (s.last_on IS NULL OR s.last_on <= :due_on)
  AND NOT EXISTS (SELECT 1 FROM outbox o INDEXED BY outbox_pending_nik
                  WHERE o.nik = r.nik AND o.state = 'pending' AND o.kind = 'summons')
  AND r.nik NOT IN (SELECT nik FROM outbox WHERE state = 'sending' AND kind = 'summons'
                    AND nik IS NOT NULL)
ON CONFLICT (nik) DO UPDATE SET n = excluded.n, last_on = excluded.last_on,
    last_at = excluded.last_at
"""
_PLAN_OUTBOX = f"""
INSERT INTO outbox (channel, chat_id, is_group, kind, dedupe_key, nik, payload, priority,
                    outreach, not_before, created_at, updated_at)
WITH texts (lang, n, body, buttons) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(:texts))
SELECT c.channel, c.chat_id, 0, 'summons', 'summons:' || s.nik || ':' || s.n, s.nik,
       json_object('text', replace(replace(t.body,
                       '{{nik}}', substr(s.nik, 1, 4) || '********' || substr(s.nik, 13, 4)),
                       '{{name}}', coalesce(nullif(r.nama, ''), '-')),
                   'buttons', json(t.buttons)),
       :priority, 1, :not_before, :now, :now
FROM summons s
JOIN residents r ON r.nik = s.nik
JOIN chat_links l ON l.nik = s.nik
JOIN chats c ON c.channel = l.channel AND c.chat_id = l.chat_id
JOIN texts t ON t.n = s.n AND t.lang = CASE WHEN c.language IN (SELECT lang FROM texts)
                                            THEN c.language ELSE :default_language END
WHERE s.nik >= :lo AND s.nik < :hi AND s.last_at = :now AND {_REACHABLE}
ON CONFLICT (channel, chat_id, dedupe_key) DO NOTHING
"""


async def link_chunks(db: Database, size: int) -> list[tuple[str, str]]:
    """[lo, hi) NIK ranges covering every linked resident, about `size` links each."""
    bounds: list[tuple[str, str]] = []
    lo = ""
    while True:
        row = await db.fetchone(
            "SELECT nik FROM chat_links WHERE nik > ? ORDER BY nik LIMIT 1 OFFSET ?", (lo, size)
        )
        if row is None:
            bounds.append((lo, _AFTER_LAST_NIK))
            return bounds
        bounds.append((lo, row[0]))
        lo = row[0]


async def plan_summons_chunk(db: Database, lo: str, hi: str, plan: SummonsPlan) -> int:
    """Plan the next summons for due residents in [lo, hi); returns the outbox rows added."""
    params = {
        "lo": lo if lo else "",
        "hi": hi,
        "today": plan.today.isoformat(),
        "now": iso(plan.now),
        "born_by": plan.born_by.isoformat(),
        "due_on": plan.due_on.isoformat(),
        "max_n": plan.max_n,
        "hold_since": plan.hold_since.isoformat(),
    }
    async with db.write() as conn:
        await conn.execute(_PLAN_LEDGER, params)
        cur = await conn.execute(
            _PLAN_OUTBOX,
            {
                **{k: params[k] for k in ("lo", "hi", "now")},
                "texts": json.dumps(plan.texts, ensure_ascii=False),
                "default_language": plan.default_language,
                "priority": plan.priority,
                "not_before": iso(plan.not_before),
            },
        )
        return max(cur.rowcount, 0)


class TriggerCandidate(BaseModel):
    """A resident's event that has not fired yet, with one chat to tell."""

    event: str
    nik: str
    nama: str
    tanggal_lahir: date
    status: str
    channel: str
    chat_id: str
    language: str


_TRIGGERS = f"""
WITH linked AS (
    SELECT l.nik, c.channel, c.chat_id, c.language FROM chat_links l
    JOIN chats c ON c.channel = l.channel AND c.chat_id = l.chat_id WHERE {_REACHABLE}),
people AS (SELECT DISTINCT r.* FROM linked k JOIN residents r ON r.nik = k.nik),
events (nik, event) AS (
    SELECT nik, 'age17_prr' FROM people
    WHERE status = 'PRR' AND date(tanggal_lahir, '+17 years') BETWEEN :since AND :today
    UNION
    SELECT nik, 'age16' FROM people
    WHERE :age16 AND kawin = 0 AND status IN ({NEEDS_RECORDING_SQL})
      AND date(tanggal_lahir, '+16 years') BETWEEN :since AND :today
    UNION
    SELECT h.nik, 'status:' || h.new_status FROM status_history h
    JOIN people p ON p.nik = h.nik AND p.status = h.new_status
    WHERE h.changed_at >= :since_at AND h.new_status IN ('PRR', 'DICETAK'))
SELECT e.event, p.nik, p.nama, p.tanggal_lahir, p.status, k.channel, k.chat_id, k.language
FROM events e JOIN people p ON p.nik = e.nik JOIN linked k ON k.nik = e.nik
WHERE NOT EXISTS (SELECT 1 FROM trigger_ledger t WHERE t.nik = e.nik AND t.event = e.event)
ORDER BY e.nik, e.event, k.channel, k.chat_id
"""

#: Turns the candidates into messages and the (nik, event) pairs to record as fired.
TriggerRenderer = Callable[[list[TriggerCandidate]], tuple[list[NewMessage], list[tuple[str, str]]]]


async def fire_triggers(
    db: Database, since: date, today: date, now: datetime, age16: bool, render: TriggerRenderer
) -> int:
    """Find unfired events, enqueue their messages and record them, in one transaction."""
    params = {
        "since": since.isoformat(),
        "today": today.isoformat(),
        "since_at": iso(datetime.combine(since, datetime.min.time(), tzinfo=now.tzinfo)),
        "age16": int(age16),
    }
    async with db.write() as conn:
        async with conn.execute(_TRIGGERS, params) as cur:
            rows = await cur.fetchall()
        candidates = [TriggerCandidate.model_validate(dict(r)) for r in rows]
        messages, fired = render(candidates)
        stamp = iso(now)
        await conn.executemany(
            "INSERT INTO trigger_ledger (nik, event, fired_at) VALUES (?, ?, ?)"
            " ON CONFLICT (nik, event) DO NOTHING",
            [(nik, event, stamp) for nik, event in fired],
        )
        return await enqueue_in(conn, messages, now)


async def set_opted_out(
    db: Database, channel: str, chat_id: str, opted_out: bool, now: datetime
) -> int:
    """Stop (or resume) summons and reminders for a chat; returns the pending rows cancelled."""
    stamp = iso(now)
    async with db.write() as conn:
        await conn.execute(
            "UPDATE chats SET opted_out = ?, updated_at = ? WHERE channel = ? AND chat_id = ?",
            (int(opted_out), stamp, channel, chat_id),
        )
        await audit.add(conn, now, f"{channel}:{chat_id}", "opt_out" if opted_out else "opt_in", {})
        if not opted_out:
            return 0
        return await cancel_pending_for_chat_in(
            conn, channel, chat_id, "opted out", stamp, all_=False
        )


async def mark_unreachable(
    db: Database, channel: str, chat_id: str, reason: str, now: datetime, failed_id: int
) -> int:
    """The platform refused the chat: flag it, fail the row, cancel the chat's pending rows."""
    stamp = iso(now)
    async with db.write() as conn:
        await conn.execute(
            "UPDATE chats SET unreachable = 1, unreachable_reason = ?, updated_at = ?"
            " WHERE channel = ? AND chat_id = ?",
            (reason[:200], stamp, channel, chat_id),
        )
        await conn.execute(
            "UPDATE outbox SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?",
            (f"unreachable: {reason}"[:500], stamp, failed_id),
        )
        return await cancel_pending_for_chat_in(
            conn, channel, chat_id, "unreachable", stamp, all_=True
        )


class DigestFigures(BaseModel):
    """The staff daily digest's numbers (since the previous digest)."""

    by_state: dict[str, int]  # outbox rows settled since, by state
    unreachable_chats: int
    opted_out_chats: int
    summons_by_n: dict[int, int]  # residents whose last summons is number n
    unrecorded: int  # wajib KTP, still to record
    unrecorded_reachable: int  # … of whom a linked, reachable chat can be summoned
    recorded_since: int  # status changes from "to record" to recorded since


async def digest_figures(db: Database, since: datetime, born_by: date) -> DigestFigures:
    """Counts for the staff digest."""
    stamp = iso(since)
    states = await db.fetchall(
        "SELECT state, count(*) FROM outbox WHERE updated_at >= ?"
        " AND state IN ('sent', 'failed', 'dead', 'cancelled') GROUP BY state",
        (stamp,),
    )
    chats = await db.fetchone("SELECT sum(unreachable), sum(opted_out) FROM chats")
    by_n = await db.fetchall("SELECT n, count(*) FROM summons GROUP BY n ORDER BY n")
    wajib = f"status IN ({NEEDS_RECORDING_SQL}) AND (kawin = 1 OR tanggal_lahir <= ?)"
    unrecorded = await db.fetchone(
        f"SELECT count(*) FROM residents WHERE {wajib}", (born_by.isoformat(),)
    )
    reachable = await db.fetchone(
        f"SELECT count(*) FROM residents WHERE {wajib} AND nik IN (SELECT l.nik FROM chat_links l"
        f" JOIN chats c ON c.channel = l.channel AND c.chat_id = l.chat_id WHERE {_REACHABLE})",
        (born_by.isoformat(),),
    )
    recorded = await db.fetchone(
        "SELECT count(DISTINCT nik) FROM status_history WHERE changed_at >= ?"
        f" AND old_status IN ({NEEDS_RECORDING_SQL}) AND new_status IN ({_RECORDED_SQL})",
        (stamp,),
    )
    return DigestFigures(
        by_state={r[0]: int(r[1]) for r in states},
        unreachable_chats=int(chats[0] or 0) if chats else 0,
        opted_out_chats=int(chats[1] or 0) if chats else 0,
        summons_by_n={int(r[0]): int(r[1]) for r in by_n},
        unrecorded=int(unrecorded[0]) if unrecorded else 0,
        unrecorded_reachable=int(reachable[0]) if reachable else 0,
        recorded_since=int(recorded[0]) if recorded else 0,
    )


class OfficialArea(BaseModel):
    """An approved RT/RW head and the area their weekly list covers."""

    id: int
    channel: str
    chat_id: str
    role: str
    kecamatan: str
    kelurahan: str
    rw: str
    rt: str
    language: str


class Unrecorded(BaseModel):
    """A line of an official's list."""

    nik: str
    nama: str
    rt: str
    rw: str


async def approved_area_heads(db: Database) -> list[OfficialArea]:
    """Approved RT and RW heads with their chat's language."""
    rows = await db.fetchall(
        "SELECT o.id, o.channel, o.chat_id, o.role, o.kecamatan, o.kelurahan, o.rw, o.rt,"
        " coalesce(c.language, 'id') AS language FROM officials o LEFT JOIN chats c"
        " ON c.channel = o.channel AND c.chat_id = o.chat_id"
        " WHERE o.status = 'DISETUJUI' AND o.role IN ('RT', 'RW') ORDER BY o.id"
    )
    return [OfficialArea.model_validate(dict(r)) for r in rows]


async def unrecorded_in_area(db: Database, area: OfficialArea, born_by: date) -> list[Unrecorded]:
    """Wajib-KTP residents of the official's RW (and RT, for an RT head) still to record."""
    rt = "" if area.role == "RW" else area.rt
    rows = await db.fetchall(
        "SELECT nik, nama, rt, rw FROM residents WHERE kecamatan = ? AND kelurahan = ?"
        f" AND rw = ? AND (? = '' OR rt = ?) AND status IN ({NEEDS_RECORDING_SQL})"
        " AND (kawin = 1 OR tanggal_lahir <= ?) ORDER BY rt, nama, nik",
        (area.kecamatan, area.kelurahan, area.rw, rt, rt, born_by.isoformat()),
    )
    return [Unrecorded.model_validate(dict(r)) for r in rows]


async def has_table(db: Database, name: str) -> bool:
    """True when the schema has this table (features that arrive with later migrations)."""
    row = await db.fetchone(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    )
    return row is not None
