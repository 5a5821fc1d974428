"""Several `jemput run` processes on one database: membership (heartbeats) and leadership.

Every process is a worker (`storage.workers`: id host:pid:start) that beats every WORKER_BEAT_S;
one that misses WORKER_TTL_S is dead, its in-flight outbox rows go back to pending and its
leases are free. Work that must have one doer at a time runs under a lease (`lead`): the sender
of each channel, the getUpdates poller of the bot token. Webhooks are accepted by any worker
(the inbox key deduplicates them); each chat's inbox rows are handled by the worker holding the
chat's lease (`bot.channels.inbox_loop`), so they are processed once and in order. Scheduled
jobs run in every worker's scheduler and the `job_runs` slot decides which one runs each period.

Why one sender per channel and not a budget shared by the workers: the platform limits are per
bot token (Telegram ~30 messages/s overall and 1/s per chat, 429 pauses for the whole token;
WhatsApp's throughput per number), and one pacer that sees every message keeps to them exactly,
per-chat intervals and 429 pauses included, with no database round trip per message. A shared
budget would need a round trip per send (or budgets split in advance, wasting the share of an
idle worker) and row locks per chat for the per-chat interval. One sender is not the bottleneck:
30 messages/s is a few percent of a core. The price is a gap when the sender dies: another worker
takes the lease once it expires (≤ WORKER_TTL_S + WORKER_BEAT_S, 8 s by default) and the dead
sender's in-flight rows return to pending; nothing is lost and only those rows can go twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from storage import workers
from storage.db import Database, db_errors
from storage.migrate import migration_files

logger = logging.getLogger(__name__)


class Membership:
    """This process as a worker: registered at start, beating, retired at a clean stop."""

    def __init__(self, db: Database, ttl_s: float, beat_s: float) -> None:
        self.db, self.ttl_s, self.beat_s = db, ttl_s, beat_s
        self.roles: set[str] = set()
        self.migration = migration_files()[-1][0]

    @property
    def id(self) -> str:
        """The worker id."""
        return workers.worker_id()

    async def join(self) -> None:
        """Register (the first beat) and take back the rows of workers that died."""
        await workers.beat(self.db, self.migration, self.roles, self.ttl_s)
        recovered = await workers.recover_dead(self.db)
        if recovered:
            logger.warning("Took back %d outbox rows of dead workers", recovered)
        logger.info("Worker %s joined", self.id)

    async def run(self, stop: asyncio.Event) -> None:
        """Beat until `stop`; each beat also frees what dead workers held. Retire at the end."""
        try:
            while not stop.is_set():
                await _wait(stop, self.beat_s)
                if stop.is_set():
                    break
                try:
                    await workers.beat(self.db, self.migration, self.roles, self.ttl_s)
                    recovered = await workers.recover_dead(self.db)
                except db_errors() as exc:  # the server restarting: beat again next time
                    logger.warning("Heartbeat failed: %s", exc)
                    continue
                if recovered:
                    logger.warning("Took back %d outbox rows of dead workers", recovered)
        finally:
            with suppress(*db_errors()):
                await workers.retire(self.db)
            logger.info("Worker %s left", self.id)


async def lead(
    member: Membership,
    name: str,
    stop: asyncio.Event,
    body: Callable[[asyncio.Event], Awaitable[None]],
    *,
    pause_s: float = 0.0,
) -> None:
    """Run `body` while this worker holds the lease `name`; wait for it otherwise.

    The lease is renewed every beat; when it cannot be renewed before it expires, `body` is
    stopped (its own stop event) so two workers never do the same work at once. `pause_s`:
    wait that long after taking the lease (a new sender lets the platform's one-second windows
    of the previous one pass: its last messages still count there)."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        try:
            got = await workers.acquire(member.db, name, member.ttl_s)
        except db_errors() as exc:
            logger.warning("Lease %s not taken: %s", name, exc)
            got = False
        if not got:
            await _wait(stop, member.beat_s)
            continue
        logger.info("Worker %s leads %s", member.id, name)
        member.roles.add(name)
        if pause_s:
            await _wait(stop, pause_s)
        valid_until = loop.time() + member.ttl_s
        inner = asyncio.Event()
        task = asyncio.ensure_future(body(inner))
        try:
            while not task.done() and not stop.is_set():
                await _wait_any(stop, task, member.beat_s)
                if task.done() or stop.is_set():
                    break
                try:
                    if not await workers.acquire(member.db, name, member.ttl_s):
                        logger.warning("Worker %s lost lease %s", member.id, name)
                        break
                    valid_until = loop.time() + member.ttl_s
                except db_errors() as exc:
                    if loop.time() > valid_until - member.beat_s:
                        logger.warning(
                            "Lease %s not renewed in time (%s): stepping down", name, exc
                        )
                        break
        finally:
            inner.set()
            if not task.done():
                await asyncio.wait({task})
            member.roles.discard(name)
            with suppress(*db_errors()):
                await workers.release(member.db, [name])
        task.result()  # the body's own failure ends the run as it did without leases


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _wait_any(stop: asyncio.Event, task: asyncio.Future[None], seconds: float) -> None:
    stopper: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
    waiters: set[asyncio.Future[Any]] = {stopper, task}
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
