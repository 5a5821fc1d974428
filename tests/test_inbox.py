"""The durable inbox: idempotent stores, arrival order, processed marks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from storage import inbox
from storage.inbox import InboxItem

pytestmark = pytest.mark.engines


def item(update_id: str, chat_id: str = "1") -> InboxItem:
    return InboxItem(update_id=update_id, chat_id=chat_id, payload=f'{{"update_id": {update_id}}}')


async def test_store_is_idempotent_per_channel(app: App) -> None:
    now = app.clock.now()
    assert await inbox.store(app.db, "telegram", [item("7"), item("8")], now) == 2
    assert await inbox.store(app.db, "telegram", [item("8"), item("9")], now) == 1
    assert await inbox.store(app.db, "whatsapp", [item("8")], now) == 1
    assert [i.update_id for i in await inbox.pending(app.db, "telegram")] == ["7", "8", "9"]


async def test_pending_in_arrival_then_numeric_order(app: App) -> None:
    now = app.clock.now()
    await inbox.store(app.db, "telegram", [item("10"), item("9")], now)
    await inbox.store(app.db, "telegram", [item("2")], now + timedelta(seconds=1))
    assert [i.update_id for i in await inbox.pending(app.db, "telegram")] == ["9", "10", "2"]
    assert [i.update_id for i in await inbox.pending(app.db, "telegram", limit=1)] == ["9"]


async def test_mark_processed_and_last_id(app: App) -> None:
    now = app.clock.now()
    assert await inbox.last_numeric_id(app.db, "telegram") is None
    await inbox.store(app.db, "telegram", [item("99"), item("100", chat_id="2")], now)
    await inbox.mark_processed(app.db, "telegram", "99", now)
    await inbox.mark_processed(app.db, "telegram", "100", now, error="ValueError: x")
    assert await inbox.pending(app.db, "telegram") == []
    done = await inbox.get_item(app.db, "telegram", "100")
    assert done is not None
    assert (done.chat_id, done.error, done.processed_at) == ("2", "ValueError: x", done.received_at)
    assert await inbox.last_numeric_id(app.db, "telegram") == 100
    assert await inbox.get_item(app.db, "telegram", "101") is None
