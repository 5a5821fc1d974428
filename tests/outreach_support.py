"""Helpers for the outreach tests: a recording `Sender`, linked chats, outbox rows."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from datetime import date, timedelta
from typing import Any

from bot.app import App
from bot.cli.demo import make_kk, make_nik
from bot.core.calendar import SendWindow
from bot.core.clock import iso
from bot.core.messages import Channel, Reply
from bot.outreach.jobs import Outreach
from storage import chats
from storage.db import Database
from storage.outbox import RENDERED_PAYLOAD
from storage.residents import Resident


class RecordingSender:
    """A `Sender` that records what it sends; errors can be scripted per call or per chat."""

    channel = Channel.TELEGRAM

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.sent: list[tuple[str, Reply]] = []
        self.kinds: list[str | None] = []
        self.sent_at: list[float] = []
        self.calls = 0
        self._next: deque[Exception] = deque()
        self._broken: dict[str, Exception] = {}
        self.changed = asyncio.Event()

    def fail_next(self, *errors: Exception) -> None:
        """The next sends raise these, in order."""
        self._next.extend(errors)

    def break_chat(self, chat_id: str, error: Exception) -> None:
        """Every send to this chat raises `error`."""
        self._broken[chat_id] = error

    async def send(self, chat_id: str, reply: Reply, *, kind: str | None = None) -> str | None:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if chat_id in self._broken:
            raise self._broken[chat_id]
        if self._next:
            raise self._next.popleft()
        self.sent.append((chat_id, reply))
        self.kinds.append(kind)
        self.sent_at.append(time.monotonic())
        self.changed.set()
        return str(len(self.sent))

    def per_chat(self) -> Counter[str]:
        return Counter(chat_id for chat_id, _ in self.sent)

    async def wait_for(self, count: int, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.sent) < count:
                self.changed.clear()
                await self.changed.wait()


async def link_chat(
    app: App,
    chat_id: str,
    *niks: str,
    language: str = "id",
    channel: str = Channel.TELEGRAM,
    is_group: bool = False,
) -> None:
    """A chat that wrote to the bot and verified these residents."""
    now = app.clock.now()
    await chats.touch_chat(
        app.db, channel, chat_id, user_id=chat_id, language=language, is_group=is_group, now=now
    )
    for nik in niks:
        await chats.link_resident(app.db, channel, chat_id, nik, now, 5)


def outreach_for(app: App, **window_settings: Any) -> Outreach:
    """The jobs with the app's clock (window settings may be overridden)."""
    settings = app.settings.model_copy(update=window_settings)
    return Outreach(app.db, settings, app.clock, SendWindow(settings))


async def rows(
    db: Database, where: str = "1", params: tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    """Outbox rows as dicts (tests only read SQL directly); `payload` is the reply as the
    dispatcher would send it now (a summons row's shared text filled in)."""
    found = await db.fetchall(
        f"SELECT *, {RENDERED_PAYLOAD} AS rendered FROM outbox WHERE {where} ORDER BY id", params
    )
    out = [dict(r) for r in found]
    for row in out:
        row["payload"] = row.pop("rendered")
    return out


async def execute(db: Database, sql: str, params: tuple[Any, ...] = ()) -> None:
    """A write for test set-up (e.g. a status change an import would make)."""
    async with db.write() as conn:
        await conn.execute(sql, params)


def unrecorded_adults(count: int, today: date, first_serial: int = 1000) -> list[Resident]:
    """`count` wajib-KTP residents who still have to record (distinct NIKs)."""
    people = []
    for i in range(count):
        born = today - timedelta(days=20 * 365 + i % 3000)
        serial = first_serial + i
        people.append(
            Resident(
                nik=make_nik(f"{i % 7 + 1:02d}", born, "L", serial),
                no_kk=make_kk("01", date(2015, 1, 1), serial),
                nama=f"Warga {serial}",
                tanggal_lahir=born,
                jenis_kelamin="L",
            )
        )
    return people


async def link_many(app: App, people: list[Resident], first_chat: int = 1) -> None:
    """Chats first_chat.. each linked to one of these residents, in one transaction."""
    stamp = iso(app.clock.now())
    numbered = [(str(first_chat + i), r.nik) for i, r in enumerate(people)]
    async with app.db.write() as conn:
        await conn.executemany(
            "INSERT INTO chats (channel, chat_id, user_id, created_at, updated_at)"
            " VALUES ('telegram', ?, ?, ?, ?)",
            [(chat, chat, stamp, stamp) for chat, _ in numbered],
        )
        await conn.executemany(
            "INSERT INTO chat_links (channel, chat_id, nik, linked_at)"
            " VALUES ('telegram', ?, ?, ?)",
            [(chat, nik, stamp) for chat, nik in numbered],
        )
