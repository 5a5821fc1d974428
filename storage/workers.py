"""Workers, heartbeats and leases: several `jemput run` processes on one database.

Each process is a worker with a unique id (host, pid, start time). It beats every WORKER_BEAT_S,
pushing its `expires_at` WORKER_TTL_S ahead; a worker whose `expires_at` has passed is dead. Its
in-flight outbox rows then go back to pending (never while it lives) and its leases are free.

Leases (`acquire`) give one holder per name: the sender of a channel, the poller of a bot token,
the worker handling one chat's inbox. Times here are the machine's UTC clock (workers' clocks
must agree within a second or so: NTP), not the office clock the jobs use.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from pydantic import BaseModel

from bot.core.clock import iso
from storage.db import Database, Tx

#: A process's start time (for its id).
_STARTED = time.time()


class WorkerInfo(BaseModel):
    """A worker as `jemput workers` lists it."""

    id: str
    host: str
    pid: int
    started_at: str
    beat_at: str
    expires_at: str
    migration: str
    roles: str


@lru_cache(maxsize=4)
def _worker_id(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{int(_STARTED * 1000):x}"


def worker_id() -> str:
    """This process's worker id: 'host:pid:start' (start in ms, hex)."""
    return _worker_id(os.getpid())


def wall_now() -> datetime:
    """The machine's clock (leases and heartbeats; never the office's frozen or test clock)."""
    return datetime.now(UTC)


async def beat(db: Database, migration: str, roles: Iterable[str], ttl_s: float) -> None:
    """Register or refresh this worker (alive for `ttl_s` more seconds)."""
    now = wall_now()
    wid = worker_id()
    async with db.write() as tx:
        await tx.execute(
            "INSERT INTO workers (id, host, pid, started_at, beat_at, expires_at, migration, roles)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " beat_at = excluded.beat_at, expires_at = excluded.expires_at,"
            " roles = excluded.roles",
            (
                wid, socket.gethostname(), os.getpid(),
                iso(datetime.fromtimestamp(_STARTED, UTC)), iso(now),
                iso(now + timedelta(seconds=ttl_s)), migration, " ".join(sorted(roles)),
            ),
        )  # fmt: skip


async def retire(db: Database) -> None:
    """A clean stop: this worker's row and leases go (its rows are settled or released)."""
    async with db.write() as tx:
        await tx.execute("DELETE FROM leases WHERE holder = ?", (worker_id(),))
        await tx.execute("DELETE FROM workers WHERE id = ?", (worker_id(),))


async def live(db: Database) -> list[WorkerInfo]:
    """Workers alive now, oldest first."""
    rows = await db.fetchall(
        "SELECT id, host, pid, started_at, beat_at, expires_at, migration, roles FROM workers"
        " WHERE expires_at >= ? ORDER BY started_at, id",
        (iso(wall_now()),),
    )
    return [WorkerInfo.model_validate(dict(r)) for r in rows]


async def recover_dead(db: Database, forget_after: timedelta = timedelta(hours=1)) -> int:
    """Outbox rows in flight at dead workers go back to pending, their leases are freed; the
    dead stay listed (for the log) for `forget_after`. Returns how many rows came back."""
    now = iso(wall_now())
    async with db.write() as tx:
        cur = await tx.execute(
            "UPDATE outbox SET state = 'pending', claimed_by = NULL, updated_at = ?"
            " WHERE state = 'sending' AND claimed_by IN"
            " (SELECT id FROM workers WHERE expires_at < ?)",
            (now, now),
        )
        await tx.execute(
            "DELETE FROM leases WHERE holder IN (SELECT id FROM workers WHERE expires_at < ?)",
            (now,),
        )
        await tx.execute(
            "DELETE FROM workers WHERE expires_at < ?", (iso(wall_now() - forget_after),)
        )
        return max(cur.rowcount, 0)


async def acquire(db: Database, name: str, ttl_s: float) -> bool:
    """Take or renew the lease `name` for this worker; False while another holds it."""
    async with db.write() as tx:
        return await acquire_in(tx, name, ttl_s)


async def acquire_in(tx: Tx, name: str, ttl_s: float) -> bool:
    """`acquire` inside the caller's transaction."""
    now = wall_now()
    wid = worker_id()
    async with tx.execute(
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
        " expires_at = excluded.expires_at"
        " WHERE leases.holder = excluded.holder OR leases.expires_at < ?"
        " RETURNING holder",
        (name, wid, iso(now + timedelta(seconds=ttl_s)), iso(now)),
    ) as cur:
        row = await cur.fetchone()
    return row is not None


async def release(db: Database, names: Iterable[str]) -> None:
    """Give up leases this worker holds."""
    names = list(names)
    if not names:
        return
    async with db.write() as tx:
        await tx.executemany(
            "DELETE FROM leases WHERE name = ? AND holder = ?", [(n, worker_id()) for n in names]
        )


async def holder(db: Database, name: str) -> str | None:
    """Who holds the lease `name` now (None: nobody)."""
    row = await db.fetchone(
        "SELECT holder FROM leases WHERE name = ? AND expires_at >= ?", (name, iso(wall_now()))
    )
    return str(row[0]) if row else None
