"""Per-chat bursts for direct replies, strict spacing for bulk sends (#12 item 1).

Unit tests of `RatePacer` in real time (fast rates), then the real Telegram channel with the
real pacer over HTTP against a fake that enforces Telegram's limits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.channels.telegram import TelegramChannel
from bot.core.messages import Inbound, Reply
from bot.outreach.pacing import RatePacer
from handlers.router import Conversation, Router
from tests.conftest import FrozenClock, make_settings
from tests.fakes.bot_api import FakeBotApi

pytestmark = pytest.mark.filterwarnings("ignore:.*`retry_after`:DeprecationWarning")

TOKEN = "123:TEST"


async def stamps(pacer: RatePacer, chat: str, count: int, *, interactive: bool) -> list[float]:
    """When each of `count` acquisitions for `chat` was granted (s from the first call)."""
    started, out = time.monotonic(), []
    for _ in range(count):
        await pacer.acquire(chat, interactive=interactive)
        out.append(time.monotonic() - started)
    return out


async def test_a_reply_of_three_leaves_at_once_then_the_chat_refills_at_its_rate() -> None:
    pacer = RatePacer(1000, 10, 600, chat_burst=3, headroom=0.0)  # refill: one per 0.1 s
    at = await stamps(pacer, "7", 5, interactive=True)
    assert at[2] < 0.03  # the burst
    assert 0.08 <= at[3] <= 0.14 and 0.18 <= at[4] <= 0.26  # then the chat's rate


async def test_bulk_sends_keep_strict_spacing_and_leave_the_burst_to_replies() -> None:
    pacer = RatePacer(1000, 10, 600, chat_burst=3, headroom=0.0)
    bulk = await stamps(pacer, "7", 3, interactive=False)
    assert bulk[1] >= 0.095 and bulk[2] - bulk[1] >= 0.095
    reply = await stamps(pacer, "7", 2, interactive=True)  # right after a summons: no wait
    assert reply[1] < 0.03


async def test_strict_pacing_with_a_burst_of_one() -> None:
    pacer = RatePacer(1000, 10, 600, chat_burst=1, headroom=0.0)
    at = await stamps(pacer, "7", 3, interactive=True)
    assert at[1] >= 0.095 and at[2] - at[1] >= 0.095


async def test_a_group_bursts_but_never_exceeds_its_rate_in_a_sliding_minute() -> None:
    clock = [0.0]
    pacer = RatePacer(1000, 1, 20, group_burst=3, headroom=0.0, now=lambda: clock[0])
    limit = pacer._group
    assert limit.burst + 60 * limit.refill - 1 <= 20  # the minute's worst case
    for _ in range(3):  # the burst: no wait at all
        await pacer.acquire("-5", interactive=True, is_group=True)
    chat = pacer._chats["-5"]
    assert chat.wait(clock[0], limit, bulk=False) == pytest.approx(1 / limit.refill)


async def test_a_direct_reply_takes_a_few_overall_slots_at_once_bulk_none() -> None:
    pacer = RatePacer(10, 1000, 1000, headroom=0.0)  # an overall slot every 100 ms
    started = time.monotonic()
    for chat in "abc":
        await pacer.acquire(chat, interactive=True)
    assert time.monotonic() - started < 0.05
    await pacer.acquire("d", interactive=False)  # bulk waits for the spacing again
    assert time.monotonic() - started >= 0.09


async def test_during_bulk_sending_a_reply_takes_the_next_slot_not_a_burst() -> None:
    pacer = RatePacer(10, 1000, 1000, headroom=0.0)
    await pacer.acquire("bulk", interactive=False)
    started = time.monotonic()
    for chat in "abc":
        await pacer.acquire(chat, interactive=True)
    assert time.monotonic() - started >= 0.25  # slots 100 ms apart: under the overall rate


# --- over HTTP: the channel, the real pacer and a fake with Telegram's limits ---------------


class Parts(Conversation):
    """Answers each message with as many one-message replies as the text says ("3")."""

    async def handle(self, inbound: Inbound) -> list[Reply]:
        count = int(inbound.text or "1")
        return [Reply(text=f"bagian {n}") for n in range(1, count + 1)]


@dataclass
class Talk:
    """A running Telegram channel answering with `Parts`, and its fake Bot API."""

    fake: FakeBotApi
    app: App
    channel: TelegramChannel


@asynccontextmanager
async def talking(
    tmp_path: Path, clock: FrozenClock, fake: FakeBotApi | None = None, **extra: object
) -> AsyncIterator[Talk]:
    """The channel with the real pacer, against a fake with Telegram's limits (a new one, or
    `fake`, which then stays up)."""
    own = fake is None
    fake = fake or await FakeBotApi.like_telegram(TOKEN).start()
    settings = make_settings(
        tmp_path, telegram_bot_token=TOKEN, telegram_api_url=fake.url, telegram_poll_timeout=1,
        **extra,
    )  # fmt: skip
    app: App = await build_app(settings, clock)
    conversation = Parts(app.db, settings, clock, Router())
    pacer = RatePacer.for_telegram(settings)
    channel = TelegramChannel(settings, app.db, conversation, clock, pacer=pacer)
    stop = asyncio.Event()
    task = asyncio.create_task(channel.run(stop))
    try:
        yield Talk(fake, app, channel)
    finally:
        stop.set()
        await asyncio.wait_for(task, 3)
        await app.close()
        if own:
            await fake.stop()


def arrivals(fake: FakeBotApi, chat: int) -> list[float]:
    return [c.at for c in fake.calls_of("sendMessage") if c.params["chat_id"] == str(chat)]


async def test_a_reply_in_three_messages_arrives_at_once_without_a_429(
    tmp_path: Path, clock: FrozenClock
) -> None:
    async with talking(tmp_path, clock) as talk:
        fake = talk.fake
        fake.push_message(42, "3")
        await fake.wait_sent(3, chat_id=42)
        first = arrivals(fake, 42)
        assert first[-1] - first[0] < 0.1  # not 2 s as with strict 1/s pacing
        fake.push_message(42, "3")  # the burst is used up: now the chat's 1/s applies
        await fake.wait_sent(6, chat_id=42, timeout=6)
        second = arrivals(fake, 42)[3:]
        assert second[-1] - first[0] >= 1.9
    assert fake.limited == 0


async def test_strict_setting_spaces_every_message(tmp_path: Path, clock: FrozenClock) -> None:
    async with talking(tmp_path, clock, telegram_chat_burst=1) as talk:
        fake = talk.fake
        fake.push_message(42, "2")
        await fake.wait_sent(2, chat_id=42)
        first, second = arrivals(fake, 42)
        assert second - first >= 0.95
    assert fake.limited == 0
