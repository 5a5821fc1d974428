"""The outbox table: dedupe, claims by several workers, re-checks, recovery, retries, report."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import App
from bot.core.messages import Reply
from bot.outreach.jobs import outbox_report_text
from storage import outbox
from storage.db import Database
from storage.outbox import NewMessage
from storage.residents import Resident
from tests.conftest import FrozenClock
from tests.outreach_support import execute, link_chat, rows

pytestmark = pytest.mark.engines

LEASE = timedelta(minutes=5)


def message(chat_id: str, key: str, **fields: object) -> NewMessage:
    values: dict[str, object] = {
        "channel": "telegram",
        "chat_id": chat_id,
        "kind": "notice",
        "dedupe_key": key,
        "reply": Reply(text=f"hi {key}"),
    }
    values.update(fields)
    return NewMessage.model_validate(values)


async def test_tables_exist(app: App) -> None:
    names = {r[0] for r in await app.db.fetchall("SELECT name FROM sqlite_master")}
    assert {"outbox", "summons", "trigger_ledger", "job_runs"} <= names


async def test_enqueue_ignores_a_dedupe_key_it_holds(app: App, clock: FrozenClock) -> None:
    batch = [message("1", "a"), message("1", "b"), message("2", "a")]
    assert await outbox.enqueue(app.db, batch, clock.now()) == 3
    assert await outbox.enqueue(app.db, [message("1", "a"), message("3", "a")], clock.now()) == 1
    assert len(await rows(app.db)) == 4


async def test_claim_takes_priority_first_once(app: App, clock: FrozenClock) -> None:
    batch = [message(str(i), "k", priority=5) for i in range(5)]
    batch.append(message("9", "staff", priority=1, outreach=False))
    await outbox.enqueue(app.db, batch, clock.now())
    first = await outbox.claim(app.db, "telegram", "w1", clock.now(), 3, window_open=True)
    assert [i.chat_id for i in first] == ["9", "0", "1"]
    assert first[0].reply.text == "hi staff" and first[0].attempts == 1
    rest = await outbox.claim(app.db, "telegram", "w1", clock.now(), 10, window_open=True)
    assert [i.chat_id for i in rest] == ["2", "3", "4"]
    assert await outbox.claim(app.db, "telegram", "w1", clock.now(), 10, window_open=True) == []


async def test_two_workers_on_two_connections_never_share_a_row(
    app: App, clock: FrozenClock
) -> None:
    await outbox.enqueue(app.db, [message(str(i), "k") for i in range(300)], clock.now())
    other = await Database.open(app.settings.database)
    taken: dict[str, list[int]] = {"a": [], "b": []}

    async def worker(db: Database, name: str) -> None:
        while items := await outbox.claim(db, "telegram", name, clock.now(), 7, window_open=True):
            taken[name] += [i.id for i in items]
            await asyncio.sleep(0.005)  # like a worker sending its batch

    try:
        await asyncio.gather(worker(app.db, "a"), worker(other, "b"))
    finally:
        await other.close()
    assert not set(taken["a"]) & set(taken["b"])
    assert len(taken["a"]) + len(taken["b"]) == 300 and taken["a"] and taken["b"]


async def test_closed_window_claims_only_non_outreach_rows(app: App, clock: FrozenClock) -> None:
    await outbox.enqueue(
        app.db, [message("1", "summons"), message("2", "staff", outreach=False)], clock.now()
    )
    assert await outbox.has_due(app.db, "telegram", clock.now(), window_open=False)
    items = await outbox.claim(app.db, "telegram", "w", clock.now(), 10, window_open=False)
    assert [i.chat_id for i in items] == ["2"]
    assert not await outbox.has_due(app.db, "telegram", clock.now(), window_open=False)


async def test_not_before_in_the_future_waits(app: App, clock: FrozenClock) -> None:
    later = clock.now() + timedelta(hours=1)
    await outbox.enqueue(app.db, [message("1", "k", not_before=later)], clock.now())
    assert not await outbox.has_due(app.db, "telegram", clock.now(), window_open=True)
    clock.travel(timedelta(hours=1))
    assert len(await outbox.claim(app.db, "telegram", "w", clock.now(), 5, window_open=True)) == 1


async def test_claim_cancels_rows_no_longer_wanted(
    app: App, clock: FrozenClock, residents: dict[str, Resident]
) -> None:
    budi, nur = residents["BELUM_REKAM"], residents["REKAM_ULANG"]
    await link_chat(app, "11", budi.nik)
    await link_chat(app, "12", nur.nik)
    await link_chat(app, "13")
    batch = [
        message("11", "summons:1", kind="summons", nik=budi.nik),  # resident records
        message("12", "summons:2", kind="summons", nik=nur.nik),  # chat opts out
        message("12", "staff", outreach=False),  # not outreach: still goes
        message("13", "notice", nik=budi.nik),  # this chat never linked Budi
    ]
    await outbox.enqueue(app.db, batch, clock.now())
    await execute(app.db, "UPDATE residents SET status = 'SUDAH_REKAM' WHERE nik = ?", (budi.nik,))
    await execute(app.db, "UPDATE chats SET opted_out = 1 WHERE chat_id = '12'")
    items = await outbox.claim(app.db, "telegram", "w", clock.now(), 10, window_open=True)
    assert [i.dedupe_key for i in items] == ["staff"]
    states = {r["dedupe_key"]: (r["state"], r["last_error"]) for r in await rows(app.db)}
    assert states["summons:1"] == ("cancelled", "recorded")
    assert states["summons:2"] == ("cancelled", "opted out")
    assert states["notice"] == ("cancelled", "unlinked")


async def test_recover_returns_this_workers_and_expired_rows(app: App, clock: FrozenClock) -> None:
    await outbox.enqueue(app.db, [message(str(i), "k") for i in range(3)], clock.now())
    await outbox.claim(app.db, "telegram", "dead-me", clock.now(), 1, window_open=True)
    await outbox.claim(app.db, "telegram", "alive", clock.now(), 1, window_open=True)
    clock.travel(timedelta(minutes=1))
    await outbox.claim(app.db, "telegram", "alive", clock.now(), 1, window_open=True)
    assert await outbox.recover(app.db, "telegram", "dead-me", clock.now(), LEASE) == 1
    clock.travel(timedelta(minutes=4, seconds=30))
    assert await outbox.recover(app.db, "telegram", None, clock.now(), LEASE) == 1
    assert [r["state"] for r in await rows(app.db)] == ["pending", "pending", "sending"]


async def test_release_does_not_count_an_attempt_and_retry_dead(
    app: App, clock: FrozenClock
) -> None:
    await outbox.enqueue(app.db, [message("1", "k"), message("2", "k")], clock.now())
    first, second = await outbox.claim(app.db, "telegram", "w", clock.now(), 2, window_open=True)
    await outbox.release(app.db, [first.id], clock.now(), "rate limited")
    await outbox.mark_dead(app.db, second.id, "gave up", clock.now())
    states = [(r["state"], r["attempts"]) for r in await rows(app.db)]
    assert states == [("pending", 0), ("dead", 1)]
    assert await outbox.retry_dead(app.db, clock.now(), [second.id]) == 1
    assert [r["state"] for r in await rows(app.db)] == ["pending", "pending"]


async def test_report_and_its_text(app: App, clock: FrozenClock) -> None:
    await outbox.enqueue(
        app.db, [message(str(i), "k", kind="reminder") for i in range(3)], clock.now()
    )
    a, b = await outbox.claim(app.db, "telegram", "w", clock.now(), 2, window_open=True)
    await outbox.mark_sent(app.db, a.id, "m1", clock.now())
    await outbox.mark_dead(app.db, b.id, "gave up after 8 attempts: timeout", clock.now())
    report = await outbox.report(app.db, clock.now())
    assert report.counts == {
        "sent": {"reminder": 1},
        "dead": {"reminder": 1},
        "pending": {"reminder": 1},
    }
    assert report.sent_last_minute == 1 and report.dead[0].id == b.id
    text = await outbox_report_text(app.db, clock, "en")
    assert "pending: 1 (reminder 1)" in text and "Sent in the last minute: 1" in text
    assert f"#{b.id} reminder telegram:1 ×1: gave up after 8 attempts: timeout" in text
