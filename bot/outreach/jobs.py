"""Outreach jobs: summons rounds, date triggers, digests; and the sending window they respect.

Each job only enqueues (the dispatcher sends) and is idempotent: run twice, concurrently or in
two processes, it never enqueues a message twice (ledgers plus the outbox dedupe key).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core.calendar import SendWindow
from bot.core.clock import Clock, from_iso
from bot.core.messages import Channel, Document, Reply
from bot.core.nik import age_on, mask
from bot.core.status import WAJIB_KTP_AGE, born_by, seventeenth_birthday
from bot.i18n import LANGUAGES, format_date, t
from bot.outreach.results import JobResult
from bot.settings import Settings
from storage import outbox
from storage import outreach as sql
from storage.db import Database
from storage.outbox import Kind, NewMessage
from storage.outreach import NextVisit, SummonsPlan, TriggerCandidate

logger = logging.getLogger(__name__)

#: Links per planning transaction: short enough that chats are answered between chunks.
PLAN_CHUNK = 20_000
FIRST_CHUNK = 1_000  # planned first and sent at once: ~30 s of sending while the rest is planned
#: A birthday or status change this many days old still fires (covers downtime and holidays).
TRIGGER_LOOKBACK_DAYS = 30
#: Names listed in an official's weekly message; a longer list also goes as a CSV document.
OFFICIAL_LIST_LINES = 30


def _nothing() -> None:
    return None


@dataclass
class Outreach:
    """The jobs, bound to the database, settings, clock and window."""

    db: Database
    settings: Settings
    clock: Clock
    window: SendWindow
    wake: Callable[[], None] = field(default=_nothing)  # nudges the local dispatchers

    def _office(self, lang: str) -> dict[str, str]:
        s, english = self.settings, lang == "en"
        return {
            "office": s.office_name,
            "address": s.office_address,
            "hours": s.office_hours_en if english else s.office_hours,
            "requirements": s.office_requirements_en if english else s.office_requirements,
        }

    def summons_text(self, lang: str, n: int) -> str:
        """Summons number n (1..SUMMONS_MAX) with {name}, {nik} and {visit} left for the
        database."""
        key = "summons_3"
        if n == 1:
            key = "summons_1"
        elif n >= self.settings.summons_max:
            key = "summons_last"
        elif n == 2:
            key = "summons_2"
        deadline = self.settings.campaign_deadline
        extra = t(lang, "summons_deadline", date=format_date(lang, deadline)) if deadline else ""
        office = self._office(lang)
        return t(lang, key, name="{name}", nik="{nik}", visit="{visit}", deadline=extra, **office)

    @staticmethod
    def visit_line(lang: str, visit: NextVisit) -> str:
        """What {visit} becomes in summons 1 for residents of the visit's kelurahan."""
        slot = t(lang, f"slot_{visit.slot}")  # 'Pagi (08.00–12.00)' → 'pagi (…)' mid-sentence
        day = format_date(lang, visit.day)
        slot = slot[:1].lower() + slot[1:]
        return t(
            lang, "summons_visit", kelurahan=visit.kelurahan, date=day, slot=slot, place=visit.place
        )

    def _plan(self, now: datetime, visits: Sequence[NextVisit] = ()) -> SummonsPlan:
        today = self.clock.today()
        s = self.settings
        buttons = {
            lang: json.dumps([{"title": t(lang, "btn_status"), "payload": "menu:status"}])
            for lang in LANGUAGES
        }
        texts = [
            (lang, n, self.summons_text(lang, n), buttons[lang])
            for lang in LANGUAGES
            for n in range(1, s.summons_max + 1)
        ]
        return SummonsPlan(
            today=today,
            now=now,
            born_by=born_by(today),
            due_on=today - timedelta(days=s.summons_interval_days),
            max_n=s.summons_max,
            texts=texts,
            default_language=s.default_language,
            not_before=self.window.next_open(now),
            priority=outbox.PRIORITY_SUMMONS,
            hold_since=today - timedelta(days=s.sync_grace_days),
            visits=[
                (v.kecamatan, v.kelurahan, lang, self.visit_line(lang, v))
                for v in visits
                for lang in LANGUAGES
            ],
        )

    async def summons(self) -> JobResult:
        """Plan a summons round: the next summons for every due, reachable wajib-KTP resident."""
        now = self.clock.now()
        cancelled = await outbox.cancel_summons_of_recorded(self.db, now)
        sent_from = self.window.next_open(now).astimezone(self.window.tz).date()
        plan = self._plan(now, await sql.next_visits(self.db, sent_from))
        added = 0
        for lo, hi in await sql.link_chunks(self.db, PLAN_CHUNK, first=FIRST_CHUNK):
            new = await sql.plan_summons_chunk(self.db, lo, hi, plan)
            if new:  # the dispatcher sends the first chunk while the next ones are planned
                self.wake()
            added += new
        logger.info("Summons round: %d enqueued, %d cancelled (recorded)", added, cancelled)
        return JobResult.done(summons=added, cancelled=cancelled)

    async def triggers(self) -> JobResult:
        """Birthday and status-change notices that have not fired yet."""
        now, today = self.clock.now(), self.clock.today()
        since = today - timedelta(days=TRIGGER_LOOKBACK_DAYS)
        age16 = self.settings.notify_16th_birthday
        added = await sql.fire_triggers(self.db, since, today, now, age16, self._render)
        if added:
            self.wake()
        logger.info("Date triggers: %d notices enqueued", added)
        return JobResult.done(notices=added)

    def _render(
        self, candidates: list[TriggerCandidate]
    ) -> tuple[list[NewMessage], list[tuple[str, str]]]:
        now, today = self.clock.now(), self.clock.today()
        not_before = self.window.next_open(now)
        messages: list[NewMessage] = []
        fired: set[tuple[str, str]] = set()
        for c in candidates:
            lang = c.language if c.language in LANGUAGES else self.settings.default_language
            key, values = c.event.replace(":", "_"), self._office(lang)
            adult = age_on(c.tanggal_lahir, today) >= WAJIB_KTP_AGE
            if c.event == "status:PRR" and not adult:
                key += "_underage"
                values["date"] = format_date(lang, seventeenth_birthday(c.tanggal_lahir))
            elif c.event == "status:PRR":
                fired.add((c.nik, "age17_prr"))  # "ready to print" already says it
            text = t(lang, f"notice_{key}", name=c.nama or "-", nik=mask(c.nik), **values)
            messages.append(
                NewMessage(
                    channel=c.channel,
                    chat_id=c.chat_id,
                    kind=Kind.REMINDER if c.event == "age16" else Kind.NOTICE,
                    dedupe_key=f"{c.event}:{c.nik}",
                    reply=Reply(text=text),
                    nik=c.nik,
                    not_before=not_before,
                )
            )
            fired.add((c.nik, c.event))
        return messages, sorted(fired)

    async def staff_digest(self) -> JobResult:
        """Yesterday's figures to STAFF_CHAT_ID (once per local day)."""
        chat_id = self.settings.staff_chat_id
        if not chat_id:
            logger.info("Staff digest skipped: STAFF_CHAT_ID is not set")
            return JobResult.skipped("no_staff_chat")
        now, today = self.clock.now(), self.clock.today()
        figures = await sql.digest_figures(self.db, now - timedelta(days=1), born_by(today))
        lang = self.settings.default_language
        message = NewMessage(
            channel=Channel.TELEGRAM,
            chat_id=chat_id,
            kind=Kind.STAFF,
            dedupe_key=f"digest:staff:{today.isoformat()}",
            reply=Reply(text=self._digest_text(lang, today, figures)),
            priority=outbox.PRIORITY_STAFF,
            outreach=False,
            is_group=chat_id.startswith("-"),
        )
        added = await outbox.enqueue(self.db, [message], now)
        if added:
            self.wake()
        return JobResult.done(digests=added)

    def _digest_text(self, lang: str, today: date, f: sql.DigestFigures) -> str:
        progress = ", ".join(f"{n}: {count}" for n, count in f.summons_by_n.items()) or "-"
        return t(
            lang,
            "digest_staff",
            date=format_date(lang, today),
            sent=f.by_state.get("sent", 0),
            failed=f.by_state.get("failed", 0),
            dead=f.by_state.get("dead", 0),
            cancelled=f.by_state.get("cancelled", 0),
            unreachable=f.unreachable_chats,
            opted_out=f.opted_out_chats,
            unrecorded=f.unrecorded,
            reachable=f.unrecorded_reachable,
            progress=progress,
            recorded=f.recorded_since,
        )

    async def officials_digest(self) -> JobResult:
        """Weekly: each approved RT/RW head gets the count and list of residents still to
        record in their area (a CSV document too when the list is long)."""
        if not await sql.has_table(self.db, "officials"):
            logger.info("Officials' digest skipped: there is no officials table yet")
            return JobResult.skipped("no_officials_table")
        now, today = self.clock.now(), self.clock.today()
        week = today.strftime("%G-W%V")
        messages = []
        for area in await sql.approved_area_heads(self.db):
            people = await sql.unrecorded_in_area(self.db, area, born_by(today))
            if people:
                reply = self._official_reply(area, people)
                messages.append(
                    NewMessage(
                        channel=area.channel,
                        chat_id=area.chat_id,
                        kind=Kind.NOTICE,
                        dedupe_key=f"digest:official:{area.id}:{week}",
                        reply=reply,
                        not_before=self.window.next_open(now),
                    )
                )
        added = await outbox.enqueue(self.db, messages, now)
        if added:
            self.wake()
        logger.info("Officials' digest: %d lists enqueued", added)
        return JobResult.done(lists=added)

    def _official_reply(self, area: sql.OfficialArea, people: list[sql.Unrecorded]) -> Reply:
        lang = area.language if area.language in LANGUAGES else self.settings.default_language
        where = f"RT {area.rt} / RW {area.rw}" if area.role == "RT" else f"RW {area.rw}"
        lines = [
            t(lang, "digest_official", area=where, kelurahan=area.kelurahan, count=len(people))
        ]
        lines += [
            f"{i}. {p.nama or '-'} (RT {p.rt}) {mask(p.nik)}"
            for i, p in enumerate(people[:OFFICIAL_LIST_LINES], start=1)
        ]
        if len(people) <= OFFICIAL_LIST_LINES:
            return Reply(text="\n".join(lines))
        lines.append(t(lang, "digest_official_more", count=len(people) - OFFICIAL_LIST_LINES))
        rows = ["nama,rt,rw,nik"] + [
            ",".join(_csv_cell(v) for v in (p.nama, p.rt, p.rw, mask(p.nik))) for p in people
        ]
        csv = Document(
            filename=f"belum-rekam-{where.replace(' / ', '-').replace(' ', '')}.csv",
            mime_type="text/csv",
            content=("\n".join(rows) + "\n").encode(),
        )
        return Reply(text="\n".join(lines), document=csv)


async def outbox_report_text(db: Database, clock: Clock, lang: str) -> str:
    """The operator view: counts by state and kind, send rate, queue age, dead letters."""
    report = await outbox.report(db, clock.now())
    lines = [t(lang, "outbox_title")]
    for state in outbox.State:
        kinds = report.counts.get(state.value, {})
        if kinds:
            detail = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
            lines.append(f"  {state.value}: {sum(kinds.values())} ({detail})")
    minute = report.sent_last_minute
    lines.append(t(lang, "outbox_rate", count=minute, rate=minute / 60))
    if report.oldest_pending and report.next_due:
        since, due = (_local(clock, x) for x in (report.oldest_pending, report.next_due))
        lines.append(t(lang, "outbox_oldest", since=since, due=due))
    else:
        lines.append(t(lang, "outbox_empty"))
    if report.dead:
        lines.append(t(lang, "outbox_dead_title"))
        lines += [
            f"  #{d.id} {d.kind} {d.channel}:{d.chat_id} ×{d.attempts}: {d.last_error}"
            for d in report.dead
        ]
        lines.append(t(lang, "outbox_retry_hint"))
    return "\n".join(lines)


def _csv_cell(value: str) -> str:
    """A CSV field, quoted when needed; a leading =+-@ cannot start a spreadsheet formula."""
    text = "'" + value if value[:1] in ("=", "+", "-", "@") else value
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def _local(clock: Clock, stamp: str) -> str:
    return from_iso(stamp).astimezone(clock.tz).strftime("%Y-%m-%d %H:%M")
