"""Pacing one channel's sends under the platform's limits, direct replies first.

`RatePacer` implements `bot.core.ports.Pacer` for one channel (one bot token):

- **overall**: an evenly spaced slot every 1/rate seconds (GCRA), a little under the platform's
  figure (`headroom`) so network jitter never puts one message too many in a second; bulk sends
  get no burst, a direct reply may take up to `REPLY_BURST` slots at once while no bulk send
  went out in the last second (during a round it takes the next slot: ≤ 1/rate s);
- **per chat**: a token bucket per chat. A private chat holds `chat_burst` tokens refilled at
  `chat_rate` per second; a group `group_burst` tokens refilled so that no sliding minute ever
  holds more than `group_rate` messages. A direct reply (interactive) only needs a token, so a
  reply in up to `chat_burst` messages leaves at once and an answer waits only when the chat
  really used its burst. A bulk send (the dispatcher) needs a token **and** the strict spacing
  (1/`chat_rate` s, 60/`group_rate` s in a group) since the chat's last message. A chat's
  senders queue on their own, so one busy chat never blocks the others. `chat_burst=1` is the
  old strict pacing (every message 1/`chat_rate` s apart);
- **priority**: a waiting interactive acquisition (a direct reply) gets the next slot before any
  waiting bulk one, so a resident never waits behind a summons round for more than one slot;
- **counted when sent, and as late as the platform may have counted it**: a send can leave
  later than its slot (the event loop was busy), or reach the platform later than it left (a
  pause between `departing` and the socket, a garbage collection, the network), and then
  arrive together with the next one. Each grant is recorded and moved to the real departure
  (`departing(chat_id)`) and then to the answer (`answered(chat_id)`: the platform counted it
  at the latest then); the dispatcher and the channel report both. A slot is only granted
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
from dataclasses import dataclass, field

from bot.settings import Settings

_INTERACTIVE, _BULK = 0, 1
_MIN_FACTOR = 0.5
_SLOWDOWN = 0.9
_RECOVERY_PER_GRANT = 0.002
_PRUNE_AT = 4096
_WINDOW_S = 1.0  # the platform counts messages over a sliding second
REPLY_BURST = 3  # overall slots a direct reply may take at once when the channel is quiet


@dataclass(frozen=True)
class ChatLimit:
    """One kind of chat's limit: a bucket of `burst` tokens refilled at `refill` per second;
    bulk sends also keep `spacing` seconds after the chat's last message."""

    burst: float
    refill: float
    spacing: float


@dataclass
class _Chat:
    """One chat's bucket and queue."""

    tokens: float
    at: float  # when `tokens` was counted
    last: float = float("-inf")  # the chat's last message (its grant, or its departure)
    users: int = 0  # holders and waiters of the lock
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def level(self, now: float, limit: ChatLimit) -> float:
        """Tokens now."""
        return min(limit.burst, self.tokens + (now - self.at) * limit.refill)

    def wait(self, now: float, limit: ChatLimit, *, bulk: bool) -> float:
        """Seconds until one message may go (a token; bulk: also the spacing)."""
        need = max(0.0, (1.0 - self.level(now, limit)) / limit.refill)
        return max(need, self.last + limit.spacing - now) if bulk else need

    def take(self, now: float, limit: ChatLimit) -> None:
        """One message goes now."""
        self.tokens, self.at = self.level(now, limit) - 1.0, now
        self.last = max(self.last, now)


class RatePacer:
    """Token pacing for one channel; see the module docstring."""

    def __init__(
        self,
        rate_per_s: float,
        chat_rate_per_s: float,
        group_rate_per_min: float,
        *,
        chat_burst: int = 1,
        group_burst: int = 1,
        headroom: float = 0.02,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        keep = 1.0 - headroom
        self._interval = 1.0 / (rate_per_s * keep)
        self._private = ChatLimit(
            chat_burst, chat_rate_per_s * keep, 1.0 / (chat_rate_per_s * keep)
        )
        # burst b, refill r: a sliding minute holds at most b + 60 r - 1 messages ≤ the rate
        group_refill = max(group_rate_per_min - group_burst + 1, 1.0) / 60.0 * keep
        self._group = ChatLimit(group_burst, group_refill, 60.0 / (group_rate_per_min * keep))
        self._tolerance = min(0.002, self._interval / 4)  # absorbs late timer wake-ups
        self._now = now
        self._factor = 1.0
        self._tat = 0.0  # when the next overall slot is due
        self._last_bulk = float("-inf")  # the latest bulk grant
        self._paused_until = 0.0
        self._per_window = max(1, int(rate_per_s))
        self._window = _WINDOW_S / keep
        self._recent: deque[list[float]] = deque(maxlen=2 * self._per_window)  # [sent at]
        self._undeparted: dict[str, list[float]] = {}  # chat → [granted at]
        self._unanswered: dict[str, list[float]] = {}  # chat → [departed at]
        self._queue: list[tuple[int, int, asyncio.Future[None], str]] = []
        self._seq = itertools.count()
        self._gate: asyncio.Task[None] | None = None
        self._chats: dict[str, _Chat] = {}
        self.granted = 0
        self.penalties = 0

    @classmethod
    def for_telegram(cls, settings: Settings) -> RatePacer:
        """The Telegram limits from settings."""
        return cls(
            settings.telegram_rate_per_s,
            settings.telegram_chat_rate_per_s,
            settings.telegram_group_rate_per_min,
            chat_burst=settings.telegram_chat_burst,
            group_burst=settings.telegram_group_burst,
        )

    @property
    def paused_for(self) -> float:
        """Seconds left of the current 429 pause (0 when not paused)."""
        return max(0.0, self._paused_until - self._now())

    async def acquire(self, chat_id: str, *, interactive: bool, is_group: bool = False) -> None:
        """Wait until one message to `chat_id` may go out."""
        limit = self._group if is_group else self._private
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(tokens=limit.burst, at=self._now())
        chat.users += 1
        try:
            async with chat.lock:
                wait = chat.wait(self._now(), limit, bulk=not interactive)
                if wait > 0:
                    await asyncio.sleep(wait)
                await self._slot(_INTERACTIVE if interactive else _BULK, chat_id)
                chat.take(self._now(), limit)
        finally:
            chat.users -= 1
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
        self._unanswered[chat_id] = record
        self._move(chat_id, record)

    def answered(self, chat_id: str) -> None:
        """The platform answered the send to `chat_id` (whatever it said): it counted the send
        by now at the latest, so count it (and space the chat) from now."""
        record = self._unanswered.pop(chat_id, None)
        if record is not None:
            self._move(chat_id, record)

    def _move(self, chat_id: str, record: list[float]) -> None:
        """A reported send counts from now (never earlier than it did)."""
        now = self._now()
        record[0] = max(record[0], now)
        chat = self._chats.get(chat_id)
        if chat is not None:
            chat.last = max(chat.last, now)

    async def _slot(self, klass: int, chat_id: str) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (klass, next(self._seq), future, chat_id)
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
            klass = self._queue[0][0]
            quiet = now - self._last_bulk > self._window  # no bulk sending: replies may burst
            burst = (REPLY_BURST - 1) * self._interval if klass == _INTERACTIVE and quiet else 0.0
            ready = max(self._tat - burst, self._paused_until, self._window_opens())
            if ready > now:
                await asyncio.sleep(ready - now)
                continue
            klass, _, future, chat_id = heapq.heappop(self._queue)
            if future.done():
                continue
            if klass == _BULK:
                self._last_bulk = now
            future.set_result(None)
            record = [now]
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
        if len(self._chats) >= _PRUNE_AT:
            now = self._now()
            for chat_id in [c for c, chat in self._chats.items() if _idle(chat, now)]:
                del self._chats[chat_id]
        for records in (self._undeparted, self._unanswered):  # grants never reported
            if len(records) >= _PRUNE_AT:
                old = self._now() - 2 * self._window
                for chat_id in [c for c, r in records.items() if r[0] <= old]:
                    del records[chat_id]


def _idle(chat: _Chat, now: float) -> bool:
    """Nobody waits for the chat and its bucket is full again (forgetting it changes nothing)."""
    return not chat.users and now - chat.last > 60.0 and now - chat.at > 60.0
