"""The dispatcher and the pacer: windows, 429 storms, unreachable chats, retries, wake-ups."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from bot.app import App
from bot.core.calendar import SendWindow
from bot.core.messages import Reply
from bot.core.ports import NoPacer, Pacer
from bot.errors import ChannelError, ChatUnreachable, RateLimited, TransientError
from bot.outreach.dispatcher import Dispatcher
from bot.outreach.pacing import RatePacer
from storage import chats, outbox
from storage.db import Database
from storage.outbox import NewMessage
from storage.residents import Resident
from tests.conftest import FrozenClock
from tests.outreach_support import RecordingSender, execute, link_chat, outreach_for, rows

pytestmark = pytest.mark.engines


def dispatcher(
    app: App, sender: RecordingSender, pacer: Pacer | None = None, **kw: object
) -> Dispatcher:
    window = SendWindow(app.settings)
    return Dispatcher(app.db, sender, pacer or NoPacer(), app.clock, window, **kw)  # type: ignore[arg-type]


@asynccontextmanager
async def running(d: Dispatcher) -> AsyncIterator[Dispatcher]:
    stop = asyncio.Event()
    task = asyncio.create_task(d.run(stop))
    try:
        yield d
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


async def notices(app: App, count: int, **fields: object) -> None:
    batch = [
        NewMessage.model_validate(
            {
                "channel": "telegram",
                "chat_id": str(100 + i),
                "kind": "notice",
                "dedupe_key": "n",
                "reply": Reply(text=f"n{i}"),
                **fields,
            }
        )
        for i in range(count)
    ]
    await outbox.enqueue(app.db, batch, app.clock.now())


async def until(predicate: object, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not await predicate():  # type: ignore[operator]
            await asyncio.sleep(0.02)


async def states(app: App) -> list[str]:
    return [str(r["state"]) for r in await rows(app.db)]


async def all_settled(app: App) -> bool:
    return all(s not in ("pending", "sending") for s in await states(app))


async def test_sends_every_due_row_once_and_marks_it_sent(app: App) -> None:
    sender = RecordingSender()
    await notices(app, 50)
    async with running(dispatcher(app, sender, batch=7)):
        await until(lambda: all_settled(app))
    assert sorted(sender.per_chat().values()) == [1] * 50
    found = await rows(app.db)
    assert {r["state"] for r in found} == {"sent"} and all(r["message_id"] for r in found)


async def test_nothing_at_21_local_until_the_window_opens(app: App, clock: FrozenClock) -> None:
    clock.travel(timedelta(hours=11))  # Saturday 21:00 WIB
    sender = RecordingSender()
    await notices(app, 3)
    staff = NewMessage(
        channel="telegram",
        chat_id="-1",
        kind="staff",
        dedupe_key="d",
        reply=Reply(text="digest"),
        outreach=False,
    )
    await outbox.enqueue(app.db, [staff], clock.now())
    async with running(dispatcher(app, sender, poll_s=0.05)) as d:
        await sender.wait_for(1)
        await asyncio.sleep(0.3)
        assert [chat for chat, _ in sender.sent] == ["-1"]  # staff messages know no window
        assert sender.kinds == ["staff"]  # the row's kind reaches the channel
        clock.travel(timedelta(hours=35))  # Monday 08:00 (Sunday is skipped)
        d.wake()
        await sender.wait_for(4)


async def test_429_storm_pauses_the_channel_and_loses_nothing(app: App) -> None:
    sender = RecordingSender()
    sender.fail_next(*[RateLimited(0.3) for _ in range(5)])
    pacer = RatePacer(1000, 1000, 1000)
    await notices(app, 20)
    started = time.monotonic()
    async with running(dispatcher(app, sender, pacer, max_in_flight=1)) as d:
        await until(lambda: all_settled(app))
    assert time.monotonic() - started >= 1.5  # five pauses of 0.3 s, one after the other
    assert d.counts["429"] == 5 and pacer.penalties == 5
    assert sorted(sender.per_chat().values()) == [1] * 20
    assert {r["attempts"] for r in await rows(app.db)} == {1}


async def test_403_marks_the_chat_unreachable_cancels_its_rows_never_retries(
    app: App, residents: dict[str, Resident]
) -> None:
    budi = residents["BELUM_REKAM"]
    await link_chat(app, "500", budi.nik)
    await outreach_for(app).summons()
    second = NewMessage(
        channel="telegram",
        chat_id="500",
        kind="notice",
        dedupe_key="later",
        reply=Reply(text="x"),
        not_before=app.clock.now() + timedelta(hours=1),
    )
    await outbox.enqueue(app.db, [second], app.clock.now())
    sender = RecordingSender()
    sender.break_chat("500", ChatUnreachable("Forbidden: bot was blocked by the user"))
    async with running(dispatcher(app, sender)):
        await until(lambda: all_settled(app))
    assert sender.calls == 1 and sender.sent == []
    assert await states(app) == ["failed", "cancelled"]
    chat = await chats.get_chat(app.db, "telegram", "500")
    assert chat is not None and chat.unreachable and "blocked" in chat.unreachable_reason
    await outreach_for(app).summons()
    assert len(await rows(app.db)) == 2  # no more summons for an unreachable chat


async def test_transient_errors_back_off_then_die_with_the_reason(
    app: App, clock: FrozenClock
) -> None:
    sender = RecordingSender()
    sender.break_chat("100", TransientError("Timed out"))
    await notices(app, 1)
    async with running(dispatcher(app, sender, poll_s=0.02, max_attempts=3)) as d:
        delays = []
        for attempt in (1, 2):
            await until(lambda a=attempt: failed_attempts(app, a))  # type: ignore[misc]
            [row] = await rows(app.db)
            delays.append(str(row["not_before"]))
            clock.travel(timedelta(minutes=1))
            d.wake()
        await until(lambda: all_settled(app))
    [row] = await rows(app.db)
    assert delays == ["2026-11-28T03:00:10.000000Z", "2026-11-28T03:01:20.000000Z"]
    assert (row["state"], row["attempts"]) == ("dead", 3)
    assert row["last_error"] == "gave up after 3 attempts: Timed out"


async def failed_attempts(app: App, attempts: int) -> bool:
    return [(r["state"], r["attempts"]) for r in await rows(app.db)] == [("pending", attempts)]


async def test_a_bad_request_is_dead_at_once(app: App) -> None:
    sender = RecordingSender()
    sender.fail_next(ChannelError("Bad Request: message is too long"))
    await notices(app, 1)
    async with running(dispatcher(app, sender)):
        await until(lambda: all_settled(app))
    [row] = await rows(app.db)
    assert (row["state"], row["last_error"]) == ("dead", "Bad Request: message is too long")


async def test_resident_who_records_or_opts_out_before_the_send_gets_nothing(
    app: App, residents: dict[str, Resident]
) -> None:
    budi, nur = residents["BELUM_REKAM"], residents["REKAM_ULANG"]
    await link_chat(app, "601", budi.nik)
    await link_chat(app, "602", nur.nik)
    await outreach_for(app).summons()
    await execute(app.db, "UPDATE residents SET status = 'SUDAH_REKAM' WHERE nik = ?", (budi.nik,))
    await execute(app.db, "UPDATE chats SET opted_out = 1 WHERE chat_id = '602'")
    sender = RecordingSender()
    async with running(dispatcher(app, sender)):
        await until(lambda: all_settled(app))
    assert sender.calls == 0
    assert [r["last_error"] for r in await rows(app.db)] == ["recorded", "opted out"]


async def test_rows_from_another_process_are_picked_up_by_polling(app: App) -> None:
    sender = RecordingSender()
    other = await Database.open(app.settings.database)
    try:
        async with running(dispatcher(app, sender)):
            await asyncio.sleep(0.1)
            started = time.monotonic()
            msg = NewMessage(
                channel="telegram",
                chat_id="9",
                kind="notice",
                dedupe_key="o",
                reply=Reply(text="from the CLI"),
            )
            await outbox.enqueue(other, [msg], app.clock.now())
            await sender.wait_for(1, timeout=3)
        assert time.monotonic() - started < 2.0
    finally:
        await other.close()


async def test_a_local_enqueue_wakes_the_dispatcher_at_once(app: App) -> None:
    sender = RecordingSender()
    async with running(dispatcher(app, sender, poll_s=30)) as d:
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await notices(app, 1)
        d.wake()
        await sender.wait_for(1)
    assert time.monotonic() - started < 0.3


async def test_rows_left_sending_by_a_crash_are_sent_after_restart(app: App) -> None:
    await notices(app, 4)
    sender = RecordingSender()
    d = dispatcher(app, sender, worker="telegram@here")
    await outbox.claim(app.db, "telegram", "telegram@here", app.clock.now(), 2, window_open=True)
    await outbox.claim(
        app.db, "telegram", "telegram@elsewhere", app.clock.now(), 1, window_open=True
    )
    async with running(d):
        await sender.wait_for(3)
        await asyncio.sleep(0.2)
    assert len(sender.sent) == 3  # another live worker's row is left alone until its lease ends
    assert sorted(await states(app)) == ["sending", "sent", "sent", "sent"]


async def test_after_a_crash_recovered_rows_wait_a_chat_interval(app: App) -> None:
    await notices(app, 2)
    await outbox.claim(app.db, "telegram", "telegram@here", app.clock.now(), 2, window_open=True)
    sender = RecordingSender()
    started = time.monotonic()
    async with running(dispatcher(app, sender, worker="telegram@here", recovery_pause_s=0.3)):
        await sender.wait_for(2)
    assert sender.sent_at[0] - started >= 0.3  # they may have reached their chats just now


class DepartureLog(NoPacer):
    """A pacer that notes which sends said they were leaving, and when (relative to the send)."""

    def __init__(self, sender: RecordingSender) -> None:
        self.sender = sender
        self.departed: list[tuple[str, int]] = []
        self.answered_: list[tuple[str, int]] = []

    def departing(self, chat_id: str) -> None:
        self.departed.append((chat_id, len(self.sender.sent)))

    def answered(self, chat_id: str) -> None:
        self.answered_.append((chat_id, len(self.sender.sent)))


async def test_each_send_tells_the_pacer_when_it_leaves(app: App) -> None:
    await notices(app, 3)
    sender = RecordingSender()
    pacer = DepartureLog(sender)
    async with running(dispatcher(app, sender, pacer)):
        await sender.wait_for(3)
    assert sorted(pacer.departed) == [("100", 0), ("101", 1), ("102", 2)]  # before each send
    assert sorted(pacer.answered_) == [("100", 1), ("101", 2), ("102", 3)]  # after each one


# --- the pacer ---------------------------------------------------------------------------


async def test_pacer_spaces_sends_evenly_under_the_rate() -> None:
    pacer = RatePacer(50, 1000, 1000, headroom=0.0)
    started = time.monotonic()
    for i in range(26):
        await pacer.acquire(str(i), interactive=False)
    assert 0.48 <= time.monotonic() - started <= 0.7  # 25 intervals of 20 ms, no burst


async def test_a_send_that_leaves_late_is_counted_when_it_leaves() -> None:
    pacer = RatePacer(20, 1000, 1000, headroom=0.0)  # 20 a second, a slot every 50 ms
    started = time.monotonic()
    await pacer.acquire("late", interactive=False)
    await asyncio.sleep(0.3)
    pacer.departing("late")  # a busy event loop held it 0.3 s after its slot
    for i in range(19):  # the next slot comes at once: it leaves together with "late"
        await pacer.acquire(str(i), interactive=False)
        pacer.departing(str(i))
    await pacer.acquire("21st", interactive=False)
    # 20 sends left from 0.3 s on, so the 21st waits until 1.3 s (the spacing alone: 1.25 s)
    assert time.monotonic() - started >= 1.29
    pacer.departing("never granted")  # nothing to move


async def test_a_send_answered_late_is_counted_when_answered() -> None:
    pacer = RatePacer(20, 1000, 1000, headroom=0.0)  # 20 a second, a slot every 50 ms
    started = time.monotonic()
    await pacer.acquire("slow", interactive=False)
    pacer.departing("slow")
    await asyncio.sleep(0.3)  # on its way (a GC pause, the network): it may arrive only now
    pacer.answered("slow")
    for i in range(19):  # they may reach the platform in the same second as "slow"
        await pacer.acquire(str(i), interactive=False)
        pacer.departing(str(i))
        pacer.answered(str(i))
    await pacer.acquire("21st", interactive=False)
    assert time.monotonic() - started >= 1.29  # 20 within the second from 0.3 s on
    pacer.answered("never departed")  # nothing to move


async def test_pacer_per_chat_and_per_group_spacing() -> None:
    pacer = RatePacer(1000, 10, 600, headroom=0.0)  # 0.1 s per chat, 0.1 s per group
    stamps = []
    for _ in range(3):
        await pacer.acquire("7", interactive=False)
        stamps.append(time.monotonic())
    assert all(b - a >= 0.095 for a, b in itertools.pairwise(stamps))
    started = time.monotonic()
    await pacer.acquire("8", interactive=False)  # another chat is not held up
    assert time.monotonic() - started < 0.05


async def test_interactive_acquisitions_jump_the_bulk_queue() -> None:
    pacer = RatePacer(20, 1000, 1000, headroom=0.0)  # a slot every 50 ms
    bulk = [asyncio.create_task(pacer.acquire(f"b{i}", interactive=False)) for i in range(20)]
    await asyncio.sleep(0.12)
    started = time.monotonic()
    await pacer.acquire("resident", interactive=True)
    waited = time.monotonic() - started
    assert waited <= 0.07  # the next slot, not the end of the queue (~0.9 s)
    for task in bulk:
        task.cancel()
    await asyncio.gather(*bulk, return_exceptions=True)


async def test_penalize_holds_everyone_and_is_never_released_early() -> None:
    pacer = RatePacer(1000, 1000, 1000)
    pacer.penalize(0.3)
    pacer.penalize(0.05)  # a shorter pause does not shorten the running one
    started = time.monotonic()
    await pacer.acquire("1", interactive=True)
    assert time.monotonic() - started >= 0.29
    assert pacer.paused_for == 0.0


@pytest.mark.parametrize("rate", [30.0, 80.0])
def test_pacer_keeps_under_the_platform_figure(rate: float) -> None:
    pacer = RatePacer(rate, 1, 20)
    assert 1 / pacer._interval < rate


async def test_an_unexpected_sender_bug_is_logged_retried_and_the_loop_goes_on(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    sender = RecordingSender()
    sender.fail_next(KeyError("surprise"))
    await notices(app, 2)
    async with running(dispatcher(app, sender)):
        await sender.wait_for(1)
        await until(lambda: failed_attempts_or_sent(app))
    assert "Sending outbox row" in caplog.text
    [first, second] = await rows(app.db)
    assert (first["state"], first["last_error"]) == ("pending", "KeyError: 'surprise'")
    assert second["state"] == "sent"


async def failed_attempts_or_sent(app: App) -> bool:
    return sorted(await states(app)) == ["pending", "sent"]
