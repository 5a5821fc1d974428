"""Benchmark PostgreSQL against SQLite side by side, and several workers (issue #10).

Run from the repository root (a throwaway PostgreSQL cluster and temp files; nothing else)::

    .venv/bin/python -m bench.pg                                  # 1M residents, 1,800 messages
    .venv/bin/python -m bench.pg --residents 100000 --messages 600   # a quick run

1. Planning: one summons round over R residents (20 % with a chat) on SQLite and on PostgreSQL
   (the same rows: the SQLite file is copied with `jemput migrate-data`, timed too).
2. Status lookup: p50/p99 of `get_resident` by NIK on both engines at R residents.
3. Dispatch: M summons to M chats against the fake Bot API enforcing 30 msg/s overall and 1/s per
   chat. Baseline: one `jemput run` on SQLite. Then three `jemput run` workers on PostgreSQL; the
   sending worker gets SIGKILL at ~50 %. Targets: ≥ 97 % of 30 msg/s, ≤ 0.1 % 429s, takeover
   ≤ 10 s, 0 lost, duplicates ≤ the rows in flight at the kill.
   How the rate is measured: accepted sends (200) by their arrival time at the fake, n sends
   over the n - 1 intervals from the first to the last; with the kill, the two parts (the
   dead sender's, the new sender's) are measured each on its own and added, so the gap with no
   sender is left out of the rate and printed by itself, as is the rate including it. 429
   pauses stay in (they are the cost of a 429). The 429s are printed by kind (the fake's
   `overall` or `chat` limit) and every send's arrival time is saved next to the logs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.dispatch import TOKEN, bench_settings, build_database
from bot.core.calendar import SendWindow
from bot.core.clock import Clock
from bot.outreach.jobs import Outreach
from storage import residents, workers
from storage.copy_data import copy_sqlite_to_pg
from storage.db import Database
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.server import free_port
from tests.pg_cluster import Cluster, find_bin_dir


async def _plan(target: Path | str, path: Path) -> tuple[float, int]:
    settings = bench_settings(path)
    db = await Database.open(target)
    try:
        jobs = Outreach(db, settings, Clock(settings.timezone), SendWindow(settings))
        started = time.perf_counter()
        result = await jobs.summons()
        return time.perf_counter() - started, int(result.counts["summons"])
    finally:
        await db.close()


async def _lookups(target: Path | str, niks: list[str]) -> tuple[float, float]:
    db = await Database.open(target)
    try:
        times = []
        for nik in niks:
            started = time.perf_counter()
            found = await residents.get_resident(db, nik)
            times.append(time.perf_counter() - started)
            assert found is not None
    finally:
        await db.close()
    times.sort()
    return times[len(times) // 2] * 1000, times[int(0.99 * (len(times) - 1))] * 1000


def planning_and_lookups(cluster: Cluster, workdir: Path, count: int) -> None:
    path = workdir / "plan.sqlite3"
    print(f"Planning and lookups: {count:,} residents (20 % with a chat)")
    started = time.perf_counter()
    build_database(path, count, 5, chats_only=False)
    print(f"  set-up (SQLite) {time.perf_counter() - started:.1f} s")
    url = cluster.create_database()
    started = time.perf_counter()
    copied = copy_sqlite_to_pg(path, url)
    print(
        f"  jemput migrate-data into PostgreSQL: {sum(copied.values()):,} rows in"
        f" {time.perf_counter() - started:.1f} s"
    )
    conn = sqlite3.connect(path)
    niks = [r[0] for r in conn.execute("SELECT nik FROM residents")]
    conn.close()
    sample = random.Random(7).sample(niks, 2000)
    for label, target in (("SQLite", path), ("PostgreSQL", url)):
        p50, p99 = asyncio.run(_lookups(target, sample))
        print(f"  status lookup {label:<10}: p50 {p50:.2f} ms, p99 {p99:.2f} ms (2,000 NIKs)")
    for label, target in (("SQLite", path), ("PostgreSQL", url)):
        seconds, planned = asyncio.run(_plan(target, path))
        print(f"  summons round {label:<10}: {seconds:.2f} s, {planned:,} summons enqueued")


def _env(target: Path | str, api: FakeBotApi) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SEND_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url, TELEGRAM_POLL_TIMEOUT="10",
        SEND_WINDOW_START="00:00", SEND_WINDOW_END="24:00", SEND_ON_SUNDAY="true",
        SUMMONS_INTERVAL_DAYS="100000", HOST="127.0.0.1", PORT=str(free_port()),
        PYTHONPATH=str(Path.cwd()),
    )  # fmt: skip
    env["DATABASE_URL" if isinstance(target, str) else "DATABASE_PATH"] = str(target)
    return env


async def _start(target: Path | str, api: FakeBotApi, log: Path) -> asyncio.subprocess.Process:
    out = log.open("a")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=_env(target, api), cwd=log.parent,
        stdout=out, stderr=out,
    )  # fmt: skip


def _bulk(api: FakeBotApi) -> list[float]:
    return [c.at for c in api.calls if c.method == "sendMessage" and c.status == 200]


async def _count(db: Database, where: str) -> int:
    row = await db.fetchone(f"SELECT count(*) FROM outbox WHERE {where}")
    return int(row[0])


async def dispatch(target: Path | str, path: Path, count: int, n_workers: int, log: Path) -> None:
    db = await Database.open(target)
    settings = bench_settings(path)
    await Outreach(db, settings, Clock(settings.timezone), SendWindow(settings)).summons()
    api = await FakeBotApi(TOKEN, overall_per_s=30, per_chat_per_s=1).start()
    procs = [await _start(target, api, log) for _ in range(n_workers)]
    try:
        async with asyncio.timeout(count / 10 + 120):  # a stuck run ends with an error
            killed_at, flying, takeover = await _until_sent(db, api, procs, count)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            await proc.wait()
        await db.close()
        await api.stop()
    sends = [c for c in api.calls if c.method == "sendMessage"]
    ok = [c for c in sends if c.status == 200]
    per_chat = Counter(c.params["chat_id"] for c in ok)
    log.with_suffix(".calls.json").write_text(
        json.dumps([(c.at, c.status, c.params["chat_id"]) for c in sends])
    )  # every send's arrival time at the fake, for a closer look
    times = sorted(c.at for c in ok)
    parts = [times] if killed_at is None else _split(times, killed_at)
    sending = sum(p[-1] - p[0] for p in parts)
    rate = (len(times) - len(parts)) / sending  # n sends span n - 1 intervals
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(api.limited_by.items())) or "none"
    print(
        f"    {rate:.2f} msg/s = {rate / 30:.1%} of 30 msg/s (target ≥ 97 %) over"
        f" {sending:.1f} s of sending (first to last send"
        + (", less the gap with no sender" if killed_at is not None else "")
        + f"); 429: {api.limited} of {len(sends)} = {api.limited / len(sends):.3%}"
        f" (≤ 0.1 %; {kinds})"
    )
    if killed_at is not None:
        before, after = parts
        gap = after[0] - before[-1]
        print(
            "    before the kill "
            + ", after the takeover ".join(
                f"{(len(p) - 1) / (p[-1] - p[0]):.2f} msg/s ({len(p)} in {p[-1] - p[0]:.1f} s)"
                for p in parts
            )
            + f"; no send for {gap:.1f} s; all sends first to last incl. the gap"
            f" {(len(times) - 1) / (times[-1] - times[0]):.2f} msg/s"
        )
    print(
        f"    lost {count - len(per_chat)}, duplicates {sum(n - 1 for n in per_chat.values())}"
        + (f" (≤ {flying} in flight at the kill); takeover {takeover:.1f} s (≤ 10 s)"
           if killed_at is not None else "")
    )  # fmt: skip


def _split(times: list[float], killed_at: float) -> list[list[float]]:
    """The sends before the kill and those after it (the new sender's)."""
    before = [t for t in times if t <= killed_at]
    return [before, times[len(before) :]]


async def _until_sent(
    db: Database, api: FakeBotApi, procs: list[asyncio.subprocess.Process], count: int
) -> tuple[float | None, int, float]:
    """Wait until every row is sent; with several workers SIGKILL the sender at 50 %.
    Returns (kill time, rows in flight then, seconds until another worker sent)."""
    killed_at, flying, takeover = None, 0, float("nan")
    while len(_bulk(api)) < count // 2:
        await asyncio.sleep(0.05)
    if len(procs) > 1:
        sender = await workers.holder(db, "send:telegram")
        assert sender is not None
        victim = next(p for p in procs if p.pid == int(sender.split(":")[1]))
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        killed_at = time.monotonic()
        flying = await _count(db, "state = 'sending'")
        at_kill = len(_bulk(api))
        while len(_bulk(api)) == at_kill:
            await asyncio.sleep(0.02)
        takeover = time.monotonic() - killed_at
    while await _count(db, "state IN ('pending', 'sending')"):
        await asyncio.sleep(0.5)
    return killed_at, flying, takeover


def dispatch_benches(cluster: Cluster, workdir: Path, count: int) -> None:
    print(f"Dispatch: {count:,} summons to {count:,} chats, fake Bot API 30 msg/s, 1/s per chat")
    path = workdir / "dispatch.sqlite3"
    build_database(path, count, 1, chats_only=True)
    url = cluster.create_database()
    copy_sqlite_to_pg(path, url)  # the same residents and chats, nothing planned yet
    print("  baseline: 1 worker on SQLite")
    asyncio.run(dispatch(path, path, count, 1, workdir / "sqlite.log"))
    print("  3 workers on PostgreSQL, SIGKILL of the sending worker at 50 %")
    asyncio.run(dispatch(url, path, count, 3, workdir / "pg.log"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=1_800)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        sys.exit("PostgreSQL (initdb, pg_ctl) is not installed")
    workdir = Path(tempfile.mkdtemp(prefix="jemput-bench-pg-"))
    print(f"Files in {workdir}; load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    cluster = Cluster(bin_dir)
    cluster.start()
    try:
        if args.residents:
            planning_and_lookups(cluster, workdir, args.residents)
        if args.messages:
            dispatch_benches(cluster, workdir, args.messages)
    finally:
        cluster.remove()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
