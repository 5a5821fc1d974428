"""The dispatcher: one asyncio task per channel sending due outbox rows through the pacer.

Loop: claim a small batch (about a second's worth, so the claim-time re-check — resident
recorded, chat opted out or unreachable — stays fresh), take a bulk slot from the pacer for each
row (direct replies take interactive slots and go first), send it in its own task, settle it.
The next batch is claimed while one is paced, so a claim waiting for the database writer (a
round still being planned, an import) never stalls sending:

- sent → `sent`;
- 429 (`RateLimited`) → the pacer pauses the whole channel for `retry_after`; the row goes back
  to `pending` without counting an attempt;
- unreachable (403 blocked / deactivated / can't initiate) → the chat is flagged, the row
  `failed`, the chat's other pending rows cancelled; never retried;
- transient (network, 5xx) → back to `pending` after 10 s, 20 s, 40 s … (≤ 10 min), then `dead`
  after `max_attempts`; any other refusal (bad request) → `dead` at once. Staff see the reasons.

Rows enqueued by this process wake the loop at once (`wake()`); rows from other processes are
found by polling every second. On start, rows this worker left in `sending` (crash, kill -9) go
back to `pending`: only messages that were in flight can be sent twice, and not before a chat's
interval has passed (they may have arrived just before the crash). Each send tells the pacer
when it really leaves (`Pacer.departing`) and when it was answered (`Pacer.answered`), so one
delayed by a busy event loop or on its way is counted as late as the platform may count it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable
from contextlib import suppress
from datetime import timedelta

from bot.core.calendar import SendWindow
from bot.core.clock import Clock
from bot.core.ports import Pacer, Sender
from bot.core.telemetry import Telemetry
from bot.errors import ChannelError, ChatUnreachable, RateLimited, TransientError
from storage import outbox
from storage import outreach as sql
from storage.db import Database
from storage.outbox import OutboxItem

logger = logging.getLogger(__name__)

RETRY_BASE_S = 10.0
RETRY_CAP_S = 600.0
MAX_ATTEMPTS = 8
POLL_S = 1.0
LEASE = timedelta(minutes=5)  # a row in `sending` longer than this belongs to a dead worker
DRAIN_S = 10.0
RECOVERY_PAUSE_S = 1.0  # Telegram's interval between two messages to one chat


class Dispatcher:
    """Sends one channel's outbox; see the module docstring."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        pacer: Pacer,
        clock: Clock,
        window: SendWindow,
        *,
        worker: str | None = None,
        batch: int = 32,
        max_in_flight: int = 16,
        poll_s: float = POLL_S,
        max_attempts: int = MAX_ATTEMPTS,
        recovery_pause_s: float = RECOVERY_PAUSE_S,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.db, self.sender, self.pacer, self.clock, self.window = db, sender, pacer, clock, window
        self.channel = sender.channel.value
        self.worker = worker or f"{self.channel}@{socket.gethostname()}"
        self.batch, self.poll_s, self.max_attempts = batch, poll_s, max_attempts
        self.recovery_pause_s = recovery_pause_s
        self._slots = asyncio.Semaphore(max_in_flight)
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._idle_polls = 0
        self._prefetch: asyncio.Task[list[OutboxItem]] | None = None
        self.counts: dict[str, int] = {"sent": 0, "failed": 0, "dead": 0, "retry": 0, "429": 0}
        self.telemetry = telemetry or Telemetry()  # /metrics

    def wake(self) -> None:
        """New rows were enqueued in this process: look now instead of at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set, then wait for the messages in flight."""
        recovered = await outbox.recover(
            self.db, self.channel, self.worker, self.clock.now(), LEASE
        )
        if recovered:
            logger.warning("Recovered %d %s outbox rows left in sending", recovered, self.channel)
            # they may have reached their chats just before the crash: sending them again at
            # once would be a second message to each chat within its interval (a 429)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.recovery_pause_s)
        logger.info("Dispatcher for %s started as %s", self.channel, self.worker)
        try:
            while not stop.is_set():
                try:
                    busy = await self._round(stop)
                except Exception:  # the loop's boundary: log it and keep dispatching
                    logger.exception("Dispatcher round failed on %s", self.channel)
                    busy = False
                if not busy:
                    await self._idle(stop)
        finally:
            await self._release([item.id for item in await self._take_prefetched()])
            await self._drain()

    async def _round(self, stop: asyncio.Event) -> bool:
        """Pace and start one batch (claiming the next meanwhile); False when there was none."""
        self._wake.clear()
        items = await self._take_prefetched() or await self._claim()
        if not items:
            await self._recover_expired()
            return False
        # the next batch is claimed while this one is paced: a claim that waits for the writer
        # (a round being planned, an import) never leaves the channel idle
        self._prefetch = asyncio.create_task(self._claim())
        for index, item in enumerate(items):
            await self._slots.acquire()
            paced = self.pacer.acquire(item.chat_id, interactive=False, is_group=item.is_group)
            if not await _unless_stopped(paced, stop):
                self._slots.release()
                await self._release([i.id for i in items[index:]])
                break
            task = asyncio.create_task(self._deliver(item))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return True

    async def _claim(self) -> list[OutboxItem]:
        """Claim a batch of due rows ([] when none is due)."""
        now = self.clock.now()
        window_open = self.window.is_open(now)
        if not await outbox.has_due(self.db, self.channel, now, window_open=window_open):
            return []
        return await outbox.claim(
            self.db, self.channel, self.worker, now, self.batch, window_open=window_open
        )

    async def _take_prefetched(self) -> list[OutboxItem]:
        """The batch claimed ahead ([] when none, or when claiming it failed)."""
        task, self._prefetch = self._prefetch, None
        if task is None:
            return []
        try:
            return await task
        except Exception:  # the claim failed: claim again now
            logger.exception("Claiming ahead on %s failed", self.channel)
            return []

    async def _release(self, ids: list[int]) -> None:
        if ids:
            await outbox.release(self.db, ids, self.clock.now(), "dispatcher stopped")

    async def _deliver(self, item: OutboxItem) -> None:
        """Send one row and settle it."""
        try:
            await self._send(item)
        except Exception as exc:  # the task's boundary: an unexpected failure is retried later
            logger.exception("Sending outbox row %d on %s failed", item.id, self.channel)
            try:
                await self._retry(item, f"{type(exc).__name__}: {exc}")
            except Exception:  # the row stays `sending` and comes back after its lease
                logger.exception("Could not reschedule outbox row %d", item.id)
        finally:
            self._slots.release()

    async def _send(self, item: OutboxItem) -> None:
        self.pacer.departing(item.chat_id)  # a send delayed after its slot counts from now
        try:
            try:
                message_id = await self.sender.send(item.chat_id, item.reply, kind=item.kind)
            finally:  # one that reached the platform late (GC, network) counts from its answer
                self.pacer.answered(item.chat_id)
        except RateLimited as exc:
            self.counts["429"] += 1
            self.telemetry.rate_limited(self.channel)
            self.pacer.penalize(exc.retry_after)
            error = f"rate limited: retry after {exc.retry_after}s"
            await outbox.release(self.db, [item.id], self.clock.now(), error)
        except ChatUnreachable as exc:
            self.counts["failed"] += 1
            self.telemetry.failed(self.channel, item.kind, "unreachable")
            cancelled = await sql.mark_unreachable(
                self.db, self.channel, item.chat_id, str(exc), self.clock.now(), item.id
            )
            logger.info(
                "Chat %s:%s unreachable (%s); %d pending cancelled",
                self.channel,
                item.chat_id,
                exc,
                cancelled,
            )
        except TransientError as exc:
            await self._retry(item, str(exc))
        except ChannelError as exc:  # refused for good (bad request): retrying cannot help
            self.counts["dead"] += 1
            self.telemetry.failed(self.channel, item.kind, "refused")
            await outbox.mark_dead(self.db, item.id, str(exc), self.clock.now())
            logger.warning("Outbox row %d refused on %s: %s", item.id, self.channel, exc)
        else:
            self.counts["sent"] += 1
            self.telemetry.sent(self.channel, item.kind)
            await outbox.mark_sent(self.db, item.id, message_id, self.clock.now())

    async def _retry(self, item: OutboxItem, error: str) -> None:
        """Back off exponentially; give up (dead) after `max_attempts`."""
        now = self.clock.now()
        if item.attempts >= self.max_attempts:
            self.counts["dead"] += 1
            self.telemetry.failed(self.channel, item.kind, "dead")
            reason = f"gave up after {item.attempts} attempts: {error}"
            await outbox.mark_dead(self.db, item.id, reason, now)
            logger.warning("Outbox row %d dead on %s: %s", item.id, self.channel, reason)
            return
        self.counts["retry"] += 1
        self.telemetry.failed(self.channel, item.kind, "retry")
        delay = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** (item.attempts - 1))
        await outbox.retry_later(self.db, item.id, error, now + timedelta(seconds=delay), now)

    async def _idle(self, stop: asyncio.Event) -> None:
        """Wait for a local enqueue, the next poll or the stop signal."""
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        await asyncio.wait(waiters, timeout=self.poll_s, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()

    async def _recover_expired(self) -> None:
        """Now and then, take back rows whose worker died long ago (another host)."""
        self._idle_polls += 1
        if self._idle_polls % 60:
            return
        await outbox.recover(self.db, self.channel, None, self.clock.now(), LEASE)

    async def _drain(self) -> None:
        """Let in-flight sends finish (their rows stay `sending` if they cannot)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=DRAIN_S)
        for task in set(self._tasks):
            task.cancel()
        logger.info("Dispatcher for %s stopped: %s", self.channel, self.counts)


async def _unless_stopped(step: Awaitable[None], stop: asyncio.Event) -> bool:
    """Await `step` unless `stop` is set first; True when the step completed."""
    task = asyncio.ensure_future(step)
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    return False
