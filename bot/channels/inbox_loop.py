"""Working through a channel's durable inbox: one lane per chat, each chat's rows in order.

Telegram and WhatsApp both store what arrives in the `inbox` table before handling it (and
before the platform is told we have it); `ChatLanes` works through the stored rows:

- **one task (lane) per chat** with pending rows; a lane handles its chat's rows oldest first,
  one at a time (looking at the chat's backlog before each), and ends when the chat has none
  left. Feeding a chat whose lane runs only tells the lane to
  look again. Nothing waits for a lane: polling or webhook intake goes on while a chat's
  replies are being paced, and no chat waits for another;
- **a bounded backlog**: when a chat has more than `backlog` unanswered rows, the excess (its
  newest rows) is marked processed unhandled, with a log line, and the chat gets one polite
  notice (`on_flood`) per flood; the rest is answered, paced. The channel is told which rows
  were skipped (`on_skip`: Telegram stops the spinner of a skipped button press). Rows of no
  chat (''; WhatsApp delivery statuses) are never skipped;
- **nothing acknowledged is lost**: a row stays pending until it was handled (or skipped), so
  rows left by a crash or a stop are handled on the next start (`feed_pending`).

A row whose handling fails is marked processed with its error; a storage failure ends the lane
and is raised by `check()` (the channel's loop then ends: what is stored stays stored).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress

from bot.core.clock import Clock
from storage import inbox
from storage.db import Database, db_errors
from storage.inbox import InboxItem

#: How long a worker holds a chat it is handling before another may take it (it died).
CHAT_LEASE_S = 60.0
#: A chat another worker holds is looked at again after this long.
CLAIM_RETRY_S = 2.0
STOP_WAIT_S = 5.0  # on stop, lanes get this long to finish the row in hand
SKIPPED = "skipped: over the chat's backlog"

Handle = Callable[[InboxItem], Awaitable[None]]
Skipped = Callable[[list[InboxItem]], Awaitable[None]]


class ChatLanes:
    """The lanes of one channel (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        channel: str,
        clock: Clock,
        handle: Handle,
        log: logging.Logger,
        label: str,
        *,
        backlog: int,
        on_flood: Handle | None = None,
        on_skip: Skipped | None = None,
    ) -> None:
        self.db, self.channel, self.clock, self.handle = db, channel, clock, handle
        self.log, self.label, self.backlog, self.on_flood = log, label, backlog, on_flood
        self.on_skip = on_skip
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._closing = False
        self._failure: BaseException | None = None
        self.skipped = 0  # rows skipped over a backlog, since start

    @property
    def running(self) -> int:
        """Lanes at work now."""
        return len(self._lanes)

    def feed(self, chat_ids: Iterable[str]) -> None:
        """These chats have new rows: start their lanes (or tell running ones to look again)."""
        if self._closing:
            return
        for chat_id in chat_ids:
            if chat_id in self._lanes:
                self._again.add(chat_id)
            else:
                task = asyncio.create_task(self._lane(chat_id), name=f"lane {chat_id}")
                self._lanes[chat_id] = task

    async def feed_pending(self) -> None:
        """Start lanes for every chat with pending rows (on start: what a crash left)."""
        self.feed(await inbox.pending_chats(self.db, self.channel))

    def check(self) -> None:
        """Raise the storage failure that ended a lane, if any."""
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    async def idle(self) -> None:
        """Wait until no lane runs (tests; the webhook's drain)."""
        while self._lanes:
            await asyncio.wait(set(self._lanes.values()))
        self.check()

    async def close(self, wait: float = STOP_WAIT_S) -> None:
        """Lanes finish the row in hand and stop (cancelled after `wait` s); the rows they did
        not handle stay pending for the next start."""
        self._closing = True
        if self._lanes:
            await asyncio.wait(set(self._lanes.values()), timeout=wait)
        for task in list(self._lanes.values()):
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _lane(self, chat_id: str) -> None:
        """Handle the chat's pending rows until it has none (one notice per flood).

        Several workers: the lane first takes the chat's lease; while another worker holds it,
        that worker handles the chat's rows (they are in the shared inbox) and this lane ends."""
        noticed = held = False
        try:
            if not await inbox.claim_chats(self.db, self.channel, {chat_id}, CHAT_LEASE_S):
                # its holder may be ending its lane just now: look again (rows never wait long)
                asyncio.get_running_loop().call_later(CLAIM_RETRY_S, self.feed, [chat_id])
                return
            held, renewed = True, time.monotonic()
            while not self._closing:
                if time.monotonic() - renewed > CHAT_LEASE_S / 2:  # a long lane keeps its chat
                    await inbox.claim_chats(self.db, self.channel, {chat_id}, CHAT_LEASE_S)
                    renewed = time.monotonic()
                self._again.discard(chat_id)
                rows = await inbox.pending_for_chat(
                    self.db, self.channel, chat_id, limit=2 * self.backlog + 1
                )
                if not rows:
                    if chat_id in self._again:
                        continue
                    return  # no await since the query: a feed from now on starts a new lane
                if chat_id and len(rows) > self.backlog:
                    await self._skip(chat_id, rows[self.backlog :])
                    if not noticed and self.on_flood is not None:
                        noticed = True
                        await self.on_flood(rows[0])
                # one row at a time: rows that arrive meanwhile count at the next look
                await process_in_order(
                    self.db, self.channel, self.clock, rows[:1], self.handle, self.log, self.label
                )
        except Exception as exc:  # storage failed: the channel's loop raises it (check)
            self.log.exception("%s lane of chat %s stopped", self.label, chat_id)
            self._failure = exc
        finally:
            if held:  # any worker may take the chat next
                with suppress(*db_errors()):
                    await inbox.release_chat(self.db, self.channel, chat_id)
            del self._lanes[chat_id]
            if chat_id in self._again:  # fed while the lease was given back: look again
                self._again.discard(chat_id)
                self.feed([chat_id])

    async def _skip(self, chat_id: str, rows: list[InboxItem]) -> None:
        """Mark the excess rows processed unhandled, log it, and tell the channel."""
        ids = [row.update_id for row in rows]
        await inbox.mark_skipped(self.db, self.channel, ids, self.clock.now(), SKIPPED)
        self.skipped += len(ids)
        self.log.warning(
            "%s chat %s floods: %d messages skipped over its backlog of %d (first %s)",
            self.label, chat_id, len(ids), self.backlog, ids[0],
        )  # fmt: skip
        if self.on_skip is not None:
            await self.on_skip(rows)


async def process_in_order(
    db: Database,
    channel: str,
    clock: Clock,
    items: list[InboxItem],
    handle: Handle,
    log: logging.Logger,
    label: str,
) -> None:
    """Handle one chat's rows in order, marking each processed (with its error if it failed).

    A row that fails is logged on `log` as "<label> update <id> failed"; a failure to mark a
    row (storage) propagates.
    """
    for item in items:
        error = ""
        try:
            await handle(item)
        except Exception as exc:  # one bad row must not stop the others
            log.exception("%s update %s failed", label, item.update_id)
            error = f"{type(exc).__name__}: {exc}"[:500]
        await inbox.mark_processed(db, channel, item.update_id, clock.now(), error)
