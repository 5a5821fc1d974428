"""Pacing one channel's sends under the platform's limits, direct replies first.

`RatePacer` implements `bot.core.ports.Pacer` for one channel (one bot token):

- **overall**: an evenly spaced slot every 1/rate seconds (GCRA, no bursts), a little under the
  platform's figure (`headroom`) so network jitter never puts one message too many in a second;
- **per chat**: 1/`chat_rate` s between two messages to a private chat, 60/`group_rate` s to a
  group; a chat's senders queue on their own, so one busy chat never blocks the others;
- **priority**: a waiting interactive acquisition (a direct reply) gets the next slot before any
  waiting bulk one, so a resident never waits behind a summons round for more than one slot;
- **counted when sent**: a send can leave later than its slot (the event loop was busy), and
  then close to the next one. Each grant is recorded and, when the caller reports the real
  departure (`departing(chat_id)`, the dispatcher does), moved to it; a slot is only granted
  while fewer than `rate` recorded sends fall within the last second (plus the headroom), so
  late sends never add up to one too many in any second the platform counts. Sends not
  reported count at their grant;
- **429**: `penalize(retry_after)` holds every slot until the pause ends. Pauses only ever grow
  (the latest end wins) and the gate re-checks before each grant, so nothing is released early
  (python-telegram-bot 22.8's AIORateLimiter can be). Each 429 also slows the rate by 20 %,
  which recovers gradually over the next ~100 grants.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable

from bot.settings import Settings

_INTERACTIVE, _BULK = 0, 1
_MIN_FACTOR = 0.5
_SLOWDOWN = 0.9
_RECOVERY_PER_GRANT = 0.002
_PRUNE_AT = 4096
_WINDOW_S = 1.0  # the platform counts messages over a sliding second


class RatePacer:
    """Token pacing for one channel; see the module docstring."""

    def __init__(
        self,
        rate_per_s: float,
        chat_rate_per_s: float,
        group_rate_per_min: float,
        *,
        headroom: float = 0.02,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        keep = 1.0 - headroom
        self._interval = 1.0 / (rate_per_s * keep)
        self._chat_interval = 1.0 / (chat_rate_per_s * keep)
        self._group_interval = 60.0 / (group_rate_per_min * keep)
        self._tolerance = min(0.002, self._interval / 4)  # absorbs late timer wake-ups
        self._now = now
        self._factor = 1.0
        self._tat = 0.0  # when the next overall slot is due
        self._paused_until = 0.0
        self._per_window = max(1, int(rate_per_s))
        self._window = _WINDOW_S / keep
        self._recent: deque[list[float]] = deque(maxlen=2 * self._per_window)  # [sent at]
        self._undeparted: dict[str, list[float]] = {}  # chat → [granted at, chat spacing]
        self._queue: list[tuple[int, int, asyncio.Future[None], str, float]] = []
        self._seq = itertools.count()
        self._gate: asyncio.Task[None] | None = None
        self._chat_next: dict[str, float] = {}
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._chat_users: dict[str, int] = {}  # holders and waiters of each chat's lock
        self.granted = 0
        self.penalties = 0

    @classmethod
    def for_telegram(cls, settings: Settings) -> RatePacer:
        """The Telegram limits from settings."""
        return cls(
            settings.telegram_rate_per_s,
            settings.telegram_chat_rate_per_s,
            settings.telegram_group_rate_per_min,
        )

    @property
    def paused_for(self) -> float:
        """Seconds left of the current 429 pause (0 when not paused)."""
        return max(0.0, self._paused_until - self._now())

    async def acquire(self, chat_id: str, *, interactive: bool, is_group: bool = False) -> None:
        """Wait until one message to `chat_id` may go out."""
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        self._chat_users[chat_id] = self._chat_users.get(chat_id, 0) + 1
        try:
            async with lock:
                wait = self._chat_next.get(chat_id, 0.0) - self._now()
                if wait > 0:
                    await asyncio.sleep(wait)
                spacing = self._group_interval if is_group else self._chat_interval
                await self._slot(_INTERACTIVE if interactive else _BULK, chat_id, spacing)
                self._chat_next[chat_id] = self._now() + spacing
        finally:
            self._chat_users[chat_id] -= 1
            if not self._chat_users[chat_id]:
                del self._chat_users[chat_id], self._chat_locks[chat_id]
            self._prune()

    def penalize(self, retry_after: float) -> None:
        """The platform answered 429: hold every send until `retry_after` s from now."""
        self.penalties += 1
        self._paused_until = max(self._paused_until, self._now() + max(retry_after, 0.0))
        self._factor = max(_MIN_FACTOR, self._factor * _SLOWDOWN)

    def departing(self, chat_id: str) -> None:
        """The send granted to `chat_id` leaves now: count it (and space the chat) from now."""
        record = self._undeparted.pop(chat_id, None)
        if record is None:
            return
        now = self._now()
        record[0] = max(record[0], now)
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + record[1])

    async def _slot(self, klass: int, chat_id: str, spacing: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (klass, next(self._seq), future, chat_id, spacing)
        heapq.heappush(self._queue, entry)
        if self._gate is None or self._gate.done():
            self._gate = asyncio.create_task(self._run_gate())
        try:
            await future
        except asyncio.CancelledError:
            if entry in self._queue:
                self._queue.remove(entry)
                heapq.heapify(self._queue)
            raise

    async def _run_gate(self) -> None:
        """Grant slots, highest class first, while anyone waits."""
        while self._queue:
            now = self._now()
            ready = max(self._tat, self._paused_until, self._window_opens())
            if ready > now:
                await asyncio.sleep(ready - now)
                continue
            _, _, future, chat_id, spacing = heapq.heappop(self._queue)
            if future.done():
                continue
            future.set_result(None)
            record = [now, spacing]
            self._recent.append(record)
            self._undeparted[chat_id] = record
            self.granted += 1
            self._factor = min(1.0, self._factor + _RECOVERY_PER_GRANT)
            self._tat = max(self._tat, now - self._tolerance) + self._interval / self._factor

    def _window_opens(self) -> float:
        """When fewer than `rate` recorded sends fall within the last window."""
        if len(self._recent) < self._per_window:
            return 0.0
        sent = sorted(record[0] for record in self._recent)
        return sent[-self._per_window] + self._window

    def _prune(self) -> None:
        if len(self._chat_next) >= _PRUNE_AT:
            now = self._now()
            for chat_id in [c for c, at in self._chat_next.items() if at <= now]:
                del self._chat_next[chat_id]
        if len(self._undeparted) >= _PRUNE_AT:  # grants never reported (direct replies)
            old = self._now() - 2 * self._window
            for chat_id in [c for c, r in self._undeparted.items() if r[0] <= old]:
                del self._undeparted[chat_id]
