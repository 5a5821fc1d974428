"""Chats are independent (#14 item 1): one lane per chat, a bounded backlog, nothing lost.

The real Telegram channel and pacer over HTTP against a fake enforcing Telegram's limits; the
conversation answers each message with as many replies as its text says (`Parts`).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from bot.channels.inbox_loop import SKIPPED
from bot.i18n import t
from tests.conftest import FrozenClock
from tests.fakes.bot_api import FakeBotApi
from tests.test_pacing import Talk, talking

pytestmark = pytest.mark.filterwarnings("ignore:.*`retry_after`:DeprecationWarning")

FLOODER, OTHER = 500, 600


def texts(fake: FakeBotApi, chat: int) -> list[str]:
    return [m["text"] for m in fake.sent(chat)]


def stored_rows(talk: Talk) -> list[dict[str, Any]]:
    """The inbox rows, read from the database file (also after the channel stopped)."""
    conn = sqlite3.connect(talk.app.settings.database_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM inbox ORDER BY update_id")]
    finally:
        conn.close()


async def test_a_flooding_chat_gets_one_notice_and_never_slows_another(
    tmp_path: Path, clock: FrozenClock
) -> None:
    async with talking(tmp_path, clock) as talk:
        fake = talk.fake
        for _ in range(15):
            fake.push_message(FLOODER, "1")
        await fake.wait_sent(3, chat_id=FLOODER)  # the flood is being answered, paced
        asked = time.monotonic()
        fake.push_message(OTHER, "1")
        await fake.wait_sent(1, chat_id=OTHER, timeout=2)
        waited = time.monotonic() - asked
        await fake.wait_sent(11, chat_id=FLOODER, timeout=15)
        await talk.channel.drain()
    notice = t("id", "chat_slow_down", limit=10)
    assert waited < 0.5  # not behind the flooder's paced answers (~8 s)
    assert texts(fake, FLOODER).count(notice) == 1
    assert texts(fake, FLOODER).count("bagian 1") == 10
    rows = [r for r in stored_rows(talk) if r["chat_id"] == str(FLOODER)]
    assert all(r["processed_at"] for r in rows)
    assert [r["error"] for r in rows].count(SKIPPED) == 5
    assert fake.limited == 0


async def test_skipped_button_presses_are_answered_so_their_spinners_stop(
    tmp_path: Path, clock: FrozenClock
) -> None:
    async with talking(tmp_path, clock) as talk:
        fake = talk.fake
        pressed = [fake.push_callback(FLOODER, "x", message_id=7) for _ in range(15)]
        await fake.wait_sent(11, chat_id=FLOODER, timeout=15)
        await talk.channel.drain()
    answers = fake.calls_of("answerCallbackQuery")
    assert sorted(c.params["callback_query_id"] for c in answers) == sorted(
        f"cb{n}" for n in pressed
    )  # every press answered once: the 10 handled and the 5 skipped
    toast = t("id", "chat_slow_down_tap")
    assert [c.params.get("text") for c in answers].count(toast) == 5
    rows = [r for r in stored_rows(talk) if r["chat_id"] == str(FLOODER)]
    assert [r["error"] for r in rows].count(SKIPPED) == 5


async def test_rows_left_at_a_stop_are_answered_after_the_restart(
    tmp_path: Path, clock: FrozenClock
) -> None:
    fake = await FakeBotApi.like_telegram("123:TEST").start()
    try:
        async with talking(tmp_path, clock, fake, telegram_chat_burst=1) as talk:
            for _ in range(4):
                fake.push_message(FLOODER, "1")
            await fake.wait_sent(1, chat_id=FLOODER)
        pending = [r for r in stored_rows(talk) if r["processed_at"] is None]
        assert 1 <= len(pending) <= 3  # stored and confirmed, but not handled yet
        async with talking(tmp_path, clock, fake) as again:
            await again.channel.drain()
            assert all(r["processed_at"] for r in stored_rows(again))
    finally:
        await fake.stop()
    assert texts(fake, FLOODER).count("bagian 1") == 4


async def test_polling_goes_on_while_a_chat_is_paced(tmp_path: Path, clock: FrozenClock) -> None:
    async with talking(tmp_path, clock) as talk:
        fake = talk.fake
        fake.push_message(FLOODER, "5")  # 3 at once, then 1/s: ~2 s of pacing
        await fake.wait_sent(1, chat_id=FLOODER)
        polls = len(fake.calls_of("getUpdates"))
        fake.push_message(OTHER, "1")
        await fake.wait_sent(1, chat_id=OTHER, timeout=1)
        assert len(fake.sent(FLOODER)) < 5  # answered while the first chat is still paced
        assert len(fake.calls_of("getUpdates")) > polls
    assert fake.limited == 0
