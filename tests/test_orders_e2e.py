"""End to end over the Telegram adapter, the outbox dispatcher and the fake Bot API:
official registers → staff approves → official orders → the staff group gets the buttons →
two staff press Jadwalkan at once → one wins → requester notified → D-1 reminder fires
(time travel) → staff close the visit with results → requester thanked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_telegram_pacer, run_outreach
from bot.channels.telegram import TelegramChannel
from bot.outreach.order_jobs import run_visit_reminders
from bot.outreach.results import JobResult
from storage import teams
from tests.conftest import FrozenClock
from tests.fakes.bot_api import FakeBotApi
from tests.order_support import ADMIN, STAFF2, office_app

pytestmark = [
    pytest.mark.engines,
    pytest.mark.filterwarnings("ignore:.*`retry_after`:DeprecationWarning"),
]

TOKEN = "123:TEST"
GROUP, OFFICIAL = -1001, 2001
ALWAYS = {"send_window_start": "00:00", "send_window_end": "24:00", "send_on_sunday": True}
#: Pacing stays on, just fast: this test is about the conversation, not flood limits.
FAST = {"telegram_chat_rate_per_s": 50.0, "telegram_group_rate_per_min": 3000.0}


@dataclass
class Bot:
    """The running bot and the fake Telegram it talks to."""

    app: App
    fake: FakeBotApi

    async def step(
        self, chat: int, act: Callable[[], Any], expect: int = 1
    ) -> list[dict[str, Any]]:
        """Do something in Telegram; return the next `expect` messages the bot sent to `chat`."""
        before = len(self.fake.sent(chat))
        act()
        return (await self.fake.wait_sent(before + expect, chat_id=chat, timeout=10))[before:]

    async def say(self, text: str, expect: int = 1) -> list[dict[str, Any]]:
        return await self.step(OFFICIAL, lambda: self.fake.push_message(OFFICIAL, text), expect)

    async def press(self, data: str, expect: int = 1) -> list[dict[str, Any]]:
        return await self.step(OFFICIAL, lambda: self.fake.push_callback(OFFICIAL, data), expect)


async def wait_for(fake: FakeBotApi, chat: int | str, needle: str) -> dict[str, Any]:
    """The first message sent to `chat` containing `needle` (other jobs also write there)."""
    async with asyncio.timeout(10):
        while True:
            found = [m for m in fake.sent(chat) if needle in m.get("text", "")]
            if found:
                return found[0]
            await asyncio.sleep(0.05)


def callbacks(message: dict[str, Any]) -> list[str]:
    """The callback data of a sent message's inline keyboard."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [key["callback_data"] for row in rows for key in row if "callback_data" in key]


@pytest.fixture
async def bot(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[Bot]:
    fake = await FakeBotApi(TOKEN).start()
    app = await office_app(
        tmp_path, clock, staff_chat_id=str(GROUP), telegram_bot_token=TOKEN,
        telegram_api_url=fake.url, telegram_poll_timeout=1, **ALWAYS, **FAST,
    )  # fmt: skip
    await teams.add_team(app.db, name="Alpha", kits=2, per_kit=25, vehicle="Avanza",
                         members=[STAFF2], actor="test", now=clock.now())  # fmt: skip
    await teams.add_staff(app.db, STAFF2, "Sari", "test", clock.now())
    pacer = build_telegram_pacer(app.settings)
    telegram = TelegramChannel(app.settings, app.db, app.conversation, clock, pacer=pacer)
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(telegram.run(stop)),
        asyncio.create_task(run_outreach(app, [telegram], {"telegram": pacer}, stop)),
    ]
    try:
        yield Bot(app, fake)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        await app.close()
        await fake.stop()


async def register_and_approve(bot: Bot) -> None:
    await bot.say("/pengurus")
    await bot.press("off:role:RT")
    await bot.press("off:kec:197101")
    await bot.press("off:kel:1971011006")
    await bot.say("2")
    await bot.say("1")
    await bot.say("Rahman Hakim", expect=2)  # the share-contact keyboard comes second
    fake = bot.fake
    [done] = await bot.step(OFFICIAL, lambda: fake.push_contact(OFFICIAL, "081234567890", OFFICIAL))
    assert "menunggu persetujuan" in done["text"]
    notice = await wait_for(fake, GROUP, "Pendaftaran pengurus baru")  # through the outbox
    assert callbacks(notice) == ["offok:1", "offno:1"]
    approve = lambda: fake.push_callback(GROUP, "offok:1", user_id=int(ADMIN))  # noqa: E731
    [ok] = await bot.step(GROUP, approve)
    assert "disetujui" in ok["text"]
    await wait_for(fake, OFFICIAL, "sudah disetujui")


async def order_visit(bot: Bot) -> None:
    await bot.say("/pesan")
    await bot.press("ord:k:KOLEKTIF")
    await bot.say("Balai Warga RT 001, Jl. Melati No. 5")
    [calendar] = await bot.press("ord:skip")
    assert callbacks(calendar)[0] == "ord:d:20261201"
    await bot.press("ord:d:20261201")
    await bot.press("ord:d:20261202")
    await bot.press("ord:dd")
    await bot.press("ord:s:PAGI")
    await bot.say("40", expect=2)  # the share-contact keyboard comes second
    await bot.say("081234567890", expect=2)  # summary with buttons; the keyboard is removed
    [saved] = await bot.press("ord:ok")
    assert "JB-2026-0001" in saved["text"]


async def test_order_from_registration_to_results(bot: Bot, clock: FrozenClock) -> None:
    fake = bot.fake
    await register_and_approve(bot)
    await order_visit(bot)
    order_notice = await wait_for(fake, GROUP, "Pesanan baru JB-2026-0001")
    assert callbacks(order_notice) == ["sj:1", "st:1", "sd:1"]

    before = len(fake.sent(GROUP))
    fake.push_callback(GROUP, "sj:1", user_id=int(ADMIN))  # two staff press at once
    fake.push_callback(GROUP, "sj:1", user_id=int(STAFF2))
    answers = (await fake.wait_sent(before + 2, chat_id=GROUP, timeout=10))[before:]
    winners = [a for a in answers if callbacks(a)]
    losers = [a for a in answers if not callbacks(a)]
    assert len(winners) == 1 and len(losers) == 1 and "sedang ditangani" in losers[0]["text"]
    winner = int(STAFF2 if "Sari" in losers[0]["text"] else ADMIN)  # the loser is told who
    day = callbacks(winners[0])[0]
    [teams_msg] = await bot.step(GROUP, lambda: fake.push_callback(GROUP, day, user_id=winner))
    team_id = callbacks(teams_msg)[0]
    [done] = await bot.step(GROUP, lambda: fake.push_callback(GROUP, team_id, user_id=winner))
    assert "dijadwalkan oleh" in done["text"]
    await wait_for(fake, OFFICIAL, "dijadwalkan pada Sel, 1 Desember 2026")

    clock.travel(timedelta(days=2, hours=5))  # Monday 30 November, 15:00
    app = bot.app
    assert await run_visit_reminders(app.db, app.settings, app.clock) == JobResult.done(reminders=2)
    reminder = await wait_for(fake, OFFICIAL, "Pengingat: besok")
    assert "membawa KK asli" in reminder["text"]
    await wait_for(fake, STAFF2, "Pengingat tim Alpha")

    clock.travel(timedelta(days=1))  # Tuesday: the visit day
    text = "/selesai JB-2026-0001 35 1 4 0 0"
    close = lambda: fake.push_message(GROUP, text, int(ADMIN), chat_type="supergroup")  # noqa: E731
    [closed] = await bot.step(GROUP, close)
    assert "tercatat" in closed["text"]
    thanks = await wait_for(fake, OFFICIAL, "Terima kasih atas kerja samanya")
    assert "terekam 35, gagal 1, tidak hadir 4" in thanks["text"]
