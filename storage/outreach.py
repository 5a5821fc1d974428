"""SQL for outreach jobs: summons rounds, date triggers, digests, opt-out, unreachable, job runs.

Rounds are set-based (`INSERT … SELECT` in chunks of NIKs with a linked chat), so planning a
million residents never loops over them in Python; a summons row refers to its round's shared
text (`outbox_texts`) instead of carrying a rendered copy. Every write is idempotent: the
summons ledger only moves forward when the interval allows it, the trigger ledger is unique per
resident and event, and the outbox ignores a dedupe key it already holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from pydantic import BaseModel

from bot.core.clock import iso
from bot.core.orders import OfficialStatus, OrderKind, Role, VisitStatus
from bot.core.status import RECORDED
from storage import audit
from storage.db import Database
from storage.dialect import Dialect
from storage.outbox import (
    NEEDS_RECORDING_SQL,
    SETTLED,
    NewMessage,
    cancel_pending_for_chat_in,
    enqueue_in,
    store_texts,
)

_REACHABLE = "c.opted_out = 0 AND c.unreachable = 0 AND c.is_group = 0"
_AFTER_LAST_NIK = "~"  # sorts after every digit string: the open end of the last chunk
_RECORDED_SQL = ", ".join(f"'{s.value}'" for s in sorted(RECORDED))


class SummonsPlan(BaseModel):
    """One round's parameters.

    `texts` is [(lang, n, body, buttons JSON)] with {name}, {nik} and {visit} placeholders;
    `visits` is [(kecamatan, kelurahan, lang, line)]: what {visit} becomes for residents of that
    kelurahan (names compared without case), nothing elsewhere.
    """

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
    visits: list[tuple[str, str, str, str]] = []


#: A round's working set, private to the connection and emptied in the transaction that fills
#: it: the round's texts (ids in outbox_texts) by language, number and kelurahan ('' for
#: everyone else), and one chunk's due summons, one row per reachable chat.
_TEMP_TABLES = (
    """CREATE TEMP TABLE IF NOT EXISTS summons_texts (
        lang TEXT NOT NULL, n INTEGER NOT NULL, kecamatan TEXT NOT NULL, kelurahan TEXT NOT NULL,
        text_id INTEGER NOT NULL, PRIMARY KEY (lang, n, kecamatan, kelurahan))""",
    """CREATE TEMP TABLE IF NOT EXISTS summons_due (
        nik TEXT NOT NULL, n INTEGER NOT NULL, kecamatan TEXT NOT NULL, kelurahan TEXT NOT NULL,
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, lang TEXT NOT NULL)""",
)
#: Who is held while a visit's kit results are awaited (storage.field.NOT_AWAITING_RESULTS,
#: turned into look-ups): the visits' areas ('' = any kelurahan, RW or RT), listed people and
#: school students, and schools. A resident then costs a few probes of these small tables
#: instead of a pass over every awaited visit.
_HOLD_TABLES = (
    """CREATE TEMP TABLE IF NOT EXISTS summons_held_areas (
        kecamatan TEXT NOT NULL, kelurahan TEXT NOT NULL, rw TEXT NOT NULL, rt TEXT NOT NULL,
        PRIMARY KEY (kecamatan, kelurahan, rw, rt))""",
    "CREATE TEMP TABLE IF NOT EXISTS summons_held_niks (nik TEXT PRIMARY KEY)",
    """CREATE TEMP TABLE IF NOT EXISTS summons_held_schools (
        sekolah TEXT PRIMARY KEY COLLATE NOCASE)""",
)
_AWAITED = "results_awaited a WHERE a.day BETWEEN :hold_since AND :today"
_PLAN_HOLDS = (
    f"""INSERT OR IGNORE INTO temp.summons_held_areas (kecamatan, kelurahan, rw, rt)
    SELECT a.kecamatan, a.kelurahan, a.rw, a.rt FROM {_AWAITED} AND a.kecamatan <> ''""",
    f"""INSERT OR IGNORE INTO temp.summons_held_schools (sekolah)
    SELECT a.sekolah FROM {_AWAITED} AND a.sekolah <> ''""",
    """INSERT OR IGNORE INTO temp.summons_held_niks (nik)
    SELECT p.nik FROM order_people p JOIN results_awaited a ON a.order_id = p.order_id
    WHERE a.day BETWEEN :hold_since AND :today
    UNION
    SELECT st.nik FROM temp.summons_held_schools h
    CROSS JOIN students st ON st.sekolah = h.sekolah""",
)
_NOT_HELD = """NOT (r.kecamatan IN (SELECT kecamatan FROM temp.summons_held_areas) AND EXISTS (
      SELECT 1 FROM temp.summons_held_areas h WHERE h.kecamatan = r.kecamatan
      AND h.kelurahan IN ('', r.kelurahan) AND h.rw IN ('', r.rw) AND h.rt IN ('', r.rt)))
  AND r.nik NOT IN (SELECT nik FROM temp.summons_held_niks)
  AND (r.sekolah = '' OR NOT EXISTS (
      SELECT 1 FROM temp.summons_held_schools h WHERE h.sekolah = r.sekolah))"""
_CLEAR = tuple(
    f"DELETE FROM temp.{name}"
    for name in (
        "summons_texts", "summons_due", "summons_held_areas", "summons_held_niks",
        "summons_held_schools",
    )
)  # fmt: skip
#: Area names are compared trimmed and without case (registry exports often use capitals).
_PLAN_TEXT = """
INSERT OR IGNORE INTO temp.summons_texts (lang, n, kecamatan, kelurahan, text_id)
VALUES (?, ?, lower(trim(?)), lower(trim(?)), ?)
"""
#: Residents drive the join on SQLite (CROSS JOIN fixes the order): a range scan of the table,
#: cheap tests on the row first, then a seek into chat_links and chats (its narrow index) only
#: for those who must record. The same range on chat_links lets PostgreSQL's planner start
#: from the links instead (a fifth of the rows at 20 % linked) and seek residents by NIK.
_PLAN_DUE = f"""
INSERT INTO temp.summons_due (nik, n, kecamatan, kelurahan, channel, chat_id, lang)
SELECT r.nik, coalesce(s.n, 0) + 1, lower(trim(r.kecamatan)), lower(trim(r.kelurahan)),
       c.channel, c.chat_id,
       CASE WHEN EXISTS (SELECT 1 FROM temp.summons_texts t WHERE t.lang = c.language)
            THEN c.language ELSE :default_language END
FROM residents r
CROSS JOIN chat_links l ON l.nik = r.nik
CROSS JOIN chats c INDEXED BY chats_reach ON c.channel = l.channel AND c.chat_id = l.chat_id
LEFT JOIN summons s ON s.nik = r.nik
WHERE r.nik >= :lo AND r.nik < :hi AND l.nik >= :lo AND l.nik < :hi
  AND r.status IN ({NEEDS_RECORDING_SQL})
  AND (r.kawin = 1 OR r.tanggal_lahir <= :born_by)
  AND {_REACHABLE}
  AND coalesce(s.n, 0) < :max_n
  AND (s.last_on IS NULL OR s.last_on <= :due_on)
  AND {_NOT_HELD}
  AND NOT EXISTS (SELECT 1 FROM outbox o INDEXED BY outbox_pending_nik
                  WHERE o.nik = r.nik AND o.state = 'pending' AND o.kind = 'summons')
  AND r.nik NOT IN (SELECT nik FROM outbox WHERE state = 'sending' AND kind = 'summons'
                    AND nik IS NOT NULL)
"""
_PLAN_LEDGER = """
INSERT INTO summons (nik, n, last_on, last_at)
SELECT nik, max(n), :today, :now FROM temp.summons_due WHERE true GROUP BY nik
ON CONFLICT (nik) DO UPDATE SET n = excluded.n, last_on = excluded.last_on,
    last_at = excluded.last_at
"""
#: A row per due chat referring to its text (the kelurahan's variant if there is one).
_PLAN_OUTBOX = """
INSERT INTO outbox (channel, chat_id, is_group, kind, dedupe_key, nik, payload, text_id,
                    priority, outreach, not_before, created_at, updated_at)
SELECT d.channel, d.chat_id, 0, 'summons', 'summons:' || d.nik || ':' || d.n, d.nik, '',
       coalesce(v.text_id, t.text_id), :priority, 1, :not_before, :now, :now
FROM temp.summons_due d
JOIN temp.summons_texts t
     ON t.lang = d.lang AND t.n = d.n AND t.kecamatan = '' AND t.kelurahan = ''
LEFT JOIN temp.summons_texts v
     ON v.lang = d.lang AND v.n = d.n AND v.kecamatan = d.kecamatan AND v.kelurahan = d.kelurahan
WHERE true
ON CONFLICT (channel, chat_id, dedupe_key) DO NOTHING
"""


async def link_chunks(db: Database, size: int, first: int = 0) -> list[tuple[str, str]]:
    """[lo, hi) NIK ranges covering every linked resident, about `size` links each (the first
    about `first`, when given: a small first chunk lets sending start early)."""
    bounds: list[tuple[str, str]] = []
    lo = ""
    while True:
        step = size if bounds or not first else first
        row = await db.fetchone(
            "SELECT nik FROM chat_links WHERE nik > ? ORDER BY nik LIMIT 1 OFFSET ?", (lo, step)
        )
        if row is None:
            bounds.append((lo, _AFTER_LAST_NIK))
            return bounds
        bounds.append((lo, row[0]))
        lo = row[0]


def _text_variants(plan: SummonsPlan) -> list[tuple[str, int, str, str, str, str]]:
    """(lang, n, kecamatan, kelurahan, body, buttons): each text for everyone (area '', no
    visit line) and, if it has {visit}, for each kelurahan with a visit line in its language."""
    out = []
    for lang, n, body, buttons in plan.texts:
        out.append((lang, n, "", "", body.replace("{visit}", ""), buttons))
        if "{visit}" in body:
            out += [
                (lang, n, kecamatan, kelurahan, body.replace("{visit}", line), buttons)
                for kecamatan, kelurahan, line_lang, line in plan.visits
                if line_lang == lang
            ]
    return out


async def plan_summons_chunk(db: Database, lo: str, hi: str, plan: SummonsPlan) -> int:
    """Plan the next summons for due residents in [lo, hi); returns the outbox rows added.

    One pass over residents, links and chats finds who is due (into a temp table); the ledger
    and the outbox (a text reference per row) are written from it, all in one transaction.
    """
    due = {
        "lo": lo,
        "hi": hi,
        "born_by": plan.born_by.isoformat(),
        "due_on": plan.due_on.isoformat(),
        "max_n": plan.max_n,
        "today": plan.today.isoformat(),
        "hold_since": plan.hold_since.isoformat(),
        "default_language": plan.default_language,
    }
    now = iso(plan.now)
    variants = _text_variants(plan)
    async with db.write() as conn:
        for sql in (*_TEMP_TABLES, *_HOLD_TABLES, *_CLEAR):
            await conn.execute(sql)
        for sql in _PLAN_HOLDS:
            await conn.execute(sql, {k: due[k] for k in ("hold_since", "today")})
        ids = await store_texts(conn, [(v[4], v[5]) for v in variants], plan.now)
        await conn.executemany(
            _PLAN_TEXT, [(*v[:4], text_id) for v, text_id in zip(variants, ids, strict=True)]
        )
        if conn.dialect is Dialect.POSTGRES:  # a round grows these fast: the planner must know
            await conn.execute("ANALYZE outbox, summons")  # (else it scans them per resident)
        await conn.execute(_PLAN_DUE, due)
        await conn.execute(_PLAN_LEDGER, {"today": due["today"], "now": now})
        cur = await conn.execute(
            _PLAN_OUTBOX,
            {"priority": plan.priority, "not_before": iso(plan.not_before), "now": now},
        )
        added = max(cur.rowcount, 0)
        for sql in _CLEAR:
            await conn.execute(sql)
        return added


class NextVisit(BaseModel):
    """The earliest scheduled community visit of a kelurahan (summons 1 mentions it)."""

    kecamatan: str
    kelurahan: str
    day: date
    slot: str  # 'PAGI' | 'SIANG'
    place: str  # the order's address


#: Community (KOLEKTIF) visits only: home, school and office visits are not open to everyone.
_NEXT_VISITS = f"""
SELECT kecamatan, kelurahan, day, slot, place FROM (
    SELECT o.kecamatan, o.kelurahan, v.day, v.slot, o.address AS place,
           row_number() OVER (PARTITION BY lower(trim(o.kecamatan)), lower(trim(o.kelurahan))
                              ORDER BY v.day, v.slot, v.id) AS nearest
    FROM visits v JOIN orders o ON o.id = v.order_id
    WHERE v.status = '{VisitStatus.TERJADWAL}' AND v.day >= ? AND o.kind = '{OrderKind.KOLEKTIF}'
      AND o.kelurahan <> '') AS ranked
WHERE nearest = 1 ORDER BY kecamatan, kelurahan
"""


async def next_visits(db: Database, since: date) -> list[NextVisit]:
    """Per kelurahan, its first scheduled community visit on or after `since`."""
    rows = await db.fetchall(_NEXT_VISITS, (since.isoformat(),))
    return [NextVisit.model_validate(dict(r)) for r in rows]


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


#: Rows settled since `?`, by state (through outbox_state).
DIGEST_STATES = (
    "SELECT state, count(*) FROM outbox WHERE updated_at >= ?"
    f" AND state IN ('sent', 'failed', 'dead', 'cancelled') AND {SETTLED} GROUP BY state"
)


async def digest_figures(db: Database, since: datetime, born_by: date) -> DigestFigures:
    """Counts for the staff digest."""
    stamp = iso(since)
    states = await db.fetchall(DIGEST_STATES, (stamp,))
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
        f" WHERE o.status = '{OfficialStatus.DISETUJUI}' AND o.role IN ('{Role.RT}', '{Role.RW}')"
        " ORDER BY o.id"
    )
    return [OfficialArea.model_validate(dict(r)) for r in rows]


async def unrecorded_in_area(db: Database, area: OfficialArea, born_by: date) -> list[Unrecorded]:
    """Wajib-KTP residents of the official's RW (and RT, for an RT head) still to record."""
    rt = "" if area.role == Role.RW else area.rt
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
