"""End to end: real TelegramChannel + dispatcher + pacer against the fake Bot API (flood
limits on), and `jemput run` killed with SIGKILL in the middle of a round."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app, build_telegram_pacer, run_outreach
from bot.channels.telegram import TelegramChannel
from bot.core.calendar import SendWindow
from bot.core.clock import Clock
from bot.core.ports import NoPacer
from bot.i18n import t
from bot.outreach.dispatcher import Dispatcher
from storage import chats
from storage.residents import add_residents
from tests.conftest import FrozenClock, make_settings
from tests.fakes.bot_api import BLOCKED, FakeBotApi, retry_after_body
from tests.fakes.server import free_port
from tests.outreach_support import (
    RecordingSender,
    link_chat,
    outreach_for,
    rows,
    unrecorded_adults,
)

pytestmark = [
    pytest.mark.engines,
    pytest.mark.filterwarnings("ignore:.*`retry_after`:DeprecationWarning"),
]

TOKEN = "123:TEST"
ROOT = Path(__file__).resolve().parents[1]
ALWAYS = {"send_window_start": "00:00", "send_window_end": "24:00", "send_on_sunday": True}


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = await FakeBotApi(TOKEN, overall_per_s=60, per_chat_per_s=1).start()
    yield api
    await api.stop()


async def seeded_app(tmp_path: Path, fake: FakeBotApi, clock: Clock, count: int) -> App:
    settings = make_settings(
        tmp_path,
        telegram_bot_token=TOKEN,
        telegram_api_url=fake.url,
        telegram_poll_timeout=1,
        telegram_rate_per_s=60,
        **ALWAYS,
    )
    app = await build_app(settings, clock)
    people = unrecorded_adults(count, clock.today())
    await add_residents(app.db, people, clock.now())
    for number, person in enumerate(people, start=1):
        await link_chat(app, str(number), person.nik)
    await outreach_for(app).summons()
    return app


async def test_round_over_telegram_with_a_blocked_chat_a_429_and_a_chatting_resident(
    tmp_path: Path, fake: FakeBotApi, clock: FrozenClock
) -> None:
    app = await seeded_app(tmp_path, fake, clock, 60)
    fake.fail_next("sendMessage", 403, BLOCKED)
    fake.fail_next("sendMessage", 429, retry_after_body(1))
    pacer = build_telegram_pacer(app.settings)
    telegram = TelegramChannel(app.settings, app.db, app.conversation, clock, pacer=pacer)
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(telegram.run(stop)),
        asyncio.create_task(run_outreach(app, [telegram], {"telegram": pacer}, stop)),
    ]
    try:
        await asyncio.sleep(0.3)
        fake.push_message(99, "/bantuan")
        [answer] = await fake.wait_sent(1, chat_id=99)
        assert "Bantuan" in answer["text"] or "bantuan" in answer["text"].lower()
        async with asyncio.timeout(10):
            while any(r["state"] in ("pending", "sending") for r in await rows(app.db)):
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 5)
        await app.close()
    blocked = [c.params["chat_id"] for c in fake.calls_of("sendMessage") if c.status == 403]
    per_chat = Counter(str(m["chat_id"]) for m in fake.sent() if str(m["chat_id"]) != "99")
    assert len(blocked) == 1 and blocked[0] not in per_chat
    assert sorted(per_chat.values()) == [1] * 59
    assert fake.limited == 0  # the pacer kept under the enforced limits
    app = await build_app(app.settings, clock)
    try:
        chat = await chats.get_chat(app.db, "telegram", blocked[0])
        assert chat is not None and chat.unreachable
    finally:
        await app.close()


def child_env(app: App, fake: FakeBotApi) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SEND_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.url,
        TELEGRAM_POLL_TIMEOUT="1",
        TELEGRAM_RATE_PER_S="60",
        DATABASE_PATH=str(app.db.path),
        SEND_WINDOW_START="00:00",
        SEND_WINDOW_END="24:00",
        SEND_ON_SUNDAY="true",
        SUMMONS_INTERVAL_DAYS="100000",
        HOST="127.0.0.1",
        PORT=str(free_port()),  # never a fixed port: other test runs share the machine
        PYTHONPATH=str(ROOT),
    )
    return env


async def start_bot(app: App, fake: FakeBotApi, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=child_env(app, fake),
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_kill_9_in_the_middle_of_a_round_loses_nothing(
    tmp_path: Path, fake: FakeBotApi
) -> None:
    app = await seeded_app(tmp_path, fake, Clock(), 240)
    bot = await start_bot(app, fake, tmp_path)
    try:
        async with asyncio.timeout(20):
            while fake.accepted < 100:
                await asyncio.sleep(0.01)
        bot.send_signal(signal.SIGKILL)
        await bot.wait()
        at_kill = fake.accepted
        in_flight = len(await rows(app.db, "state = 'sending'"))
        bot = await start_bot(app, fake, tmp_path)
        async with asyncio.timeout(20):
            while any(r["state"] != "sent" for r in await rows(app.db)):
                await asyncio.sleep(0.05)
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(bot.wait(), 10) == 0
        await app.close()
    per_chat = Counter(str(m["chat_id"]) for m in fake.sent())
    duplicates = sum(n - 1 for n in per_chat.values())
    assert 100 <= at_kill < 240 and len(per_chat) == 240  # nothing lost
    assert duplicates <= in_flight


async def test_jobs_run_from_another_process_is_sent_by_the_running_dispatcher(
    tmp_path: Path,
) -> None:
    clock = Clock()
    app = await build_app(make_settings(tmp_path, **ALWAYS), clock)
    people = unrecorded_adults(3, clock.today())
    await add_residents(app.db, people, clock.now())
    for number, person in enumerate(people, start=1):
        await link_chat(app, str(number), person.nik)
    sender = RecordingSender()
    dispatcher = Dispatcher(app.db, sender, NoPacer(), clock, SendWindow(app.settings))
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SEND_")}
        env.update(
            SEND_WINDOW_START="00:00",
            SEND_WINDOW_END="24:00",
            SEND_ON_SUNDAY="true",
            PYTHONPATH=str(ROOT),
        )
        cli = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "jobs",
            "run",
            "summons",
            "--db",
            str(app.db.path),
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await cli.communicate()
        assert cli.returncode == 0 and t("id", "cli_count_summons", n=3).encode() in out
        await sender.wait_for(3, timeout=2.5)  # polled: ≤ 1 s after the commit
    finally:
        stop.set()
        await task
        await app.close()
    assert sorted(chat for chat, _ in sender.sent) == ["1", "2", "3"]
