"""Benchmark the outreach engine: dispatch under Telegram's flood limits, and round planning.

Run from the repository root (it writes only to a temporary folder)::

    .venv/bin/python -m bench.dispatch                        # 20,000 messages (~12 min)
    .venv/bin/python -m bench.dispatch --messages 3000        # a quick run
    .venv/bin/python -m bench.dispatch --messages 0 --residents 1000000   # planning only
    .venv/bin/python -m bench.dispatch --round 240 --baseline /tmp/jb-baseline   # #12 item 5

Round (#12 item 5): `jemput run` from the baseline tree and from this one, each planning a
round of N summons at start-up (the scheduler's catch-up) against the fake with Telegram's
limits; the rate is measured first-to-last send: (N - 1) / (last - first).

Dispatch: the fake Bot API (tests/fakes/bot_api.py) runs in this process and enforces 30 msg/s
overall and 1/s per chat, answering 429 with `retry_after`. `jemput run` — the real
TelegramChannel, pacer, dispatcher and scheduler — runs as a child process on a database with N
summons for N chats. Meanwhile a resident chats with the bot (/bantuan every --chat-every s) and
each reply's latency is measured at the fake. At ~50 % the child gets SIGKILL and is started
again. Targets: ≥ 29 msg/s, 429 ≤ 0.1 % of sends, reply p95 ≤ 150 ms, 0 lost, duplicates ≤
the rows in flight at the kill.

Planning: a fresh child process times one summons round over R residents (a share of them with
a linked chat) and reports its peak RSS. Targets: 1,000,000 residents ≤ 10 s, ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.core.calendar import SendWindow
from bot.core.clock import Clock, iso
from bot.outreach.jobs import Outreach
from bot.settings import Settings
from storage.db import PRAGMAS, Database
from storage.migrate import apply_migrations
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.server import free_port

TOKEN = "123:BENCH"
RESIDENT_CHAT = 999_999_999
ALWAYS = {"send_window_start": "00:00", "send_window_end": "24:00", "send_on_sunday": True}
STATUSES = ["BELUM_REKAM"] * 8 + ["REKAM_ULANG", "SUDAH_REKAM", "PRR", "DICETAK", "DIAMBIL"] * 2


def resident_rows(count: int, today: date) -> Iterator[tuple[object, ...]]:
    """Synthetic residents with distinct NIKs: ages 12-80, a mix of statuses, some married."""
    stamp = iso(datetime.now(UTC))
    for i in range(count):
        born = today - timedelta(days=12 * 365 + i % 24_800)
        serial = 1 + i // 24_800
        nik = f"197101{born.day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
        status = "BELUM_REKAM" if i % 20 == 0 else STATUSES[i % len(STATUSES)]
        yield (
            nik,
            f"1971010101150{i % 1000:03d}",
            f"Warga {i}",
            born.isoformat(),
            "L",
            f"{i % 12 + 1:03d}",
            f"{i % 6 + 1:03d}",
            "Bacang",
            "Bukit Intan",
            status,
            int(i % 9 == 0),
            stamp,
            stamp,
        )


def build_database(path: Path, residents: int, linked_every: int, chats_only: bool) -> None:
    """Schema via the app's migrations, then bulk rows (plain sqlite3: this is set-up)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    apply_migrations(conn)
    conn.execute("BEGIN")
    stamp = iso(datetime.now(UTC))
    rows = resident_rows(residents, date.today())
    if chats_only:  # dispatch bench: every resident must record and has a chat
        rows = ((*r[:9], "BELUM_REKAM", 1, *r[11:]) for r in rows)
    niks: list[str] = []
    for n, row in enumerate(rows):
        conn.execute(
            "INSERT INTO residents (nik, no_kk, nama, tanggal_lahir, jenis_kelamin, rt, rw,"
            " kelurahan, kecamatan, status, kawin, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        if n % linked_every == 0:
            niks.append(str(row[0]))
    for number, nik in enumerate(niks, start=1):
        conn.execute(
            "INSERT INTO chats (channel, chat_id, user_id, created_at, updated_at)"
            " VALUES ('telegram', ?, ?, ?, ?)",
            (str(number), str(number), stamp, stamp),
        )
        conn.execute(
            "INSERT INTO chat_links (channel, chat_id, nik, linked_at)"
            " VALUES ('telegram', ?, ?, ?)",
            (str(number), nik, stamp),
        )
    conn.execute("COMMIT")
    conn.close()


def bench_settings(path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {"database_path": path, **ALWAYS, **extra}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def plan_round(path: Path) -> dict[str, float]:
    """One summons round (the child process of the planning bench)."""
    settings = bench_settings(path)
    db = await Database.open(path)
    clock = Clock(settings.timezone)
    jobs = Outreach(db, settings, clock, SendWindow(settings))
    started = time.perf_counter()
    result = await jobs.summons()
    seconds = time.perf_counter() - started
    await db.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "enqueued": result.counts["summons"], "peak_rss_mb": rss}


def planning_bench(workdir: Path, residents: int, linked_share: float) -> None:
    path = workdir / "plan.sqlite3"
    print(f"Planning: building {residents:,} residents ({linked_share:.0%} with a chat) …")
    started = time.perf_counter()
    build_database(path, residents, max(1, round(1 / linked_share)), chats_only=False)
    print(f"  set-up {time.perf_counter() - started:.1f} s")
    child = [sys.executable, "-m", "bench.dispatch", "--plan-child", str(path)]
    out = json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout)
    print(
        f"  summons round: {out['seconds']:.2f} s, {out['enqueued']:,} summons enqueued,"
        f" peak RSS {out['peak_rss_mb']:.0f} MB (targets ≤ 10 s, ≤ 300 MB)"
    )


def child_env(path: Path, api: FakeBotApi) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SEND_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api.url,
        TELEGRAM_POLL_TIMEOUT="10",
        DATABASE_PATH=str(path),
        SEND_WINDOW_START="00:00",
        SEND_WINDOW_END="24:00",
        SEND_ON_SUNDAY="true",
        SUMMONS_INTERVAL_DAYS="100000",
        HOST="127.0.0.1",
        PORT=str(free_port()),
        PYTHONPATH=str(Path.cwd()),
    )
    return env


def unfinished(path: Path) -> bool:
    """True while an outbox row is pending or sending (read-only, via the partial indexes)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = "SELECT count(*) FROM outbox WHERE state = ?"
        return any(conn.execute(sql, (state,)).fetchone()[0] for state in ("pending", "sending"))
    finally:
        conn.close()


def in_flight(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(
            conn.execute("SELECT count(*) FROM outbox WHERE state = 'sending'").fetchone()[0]
        )
    finally:
        conn.close()


class Tally:
    """Reads the fake's call log incrementally: scanning it whole on every call (as the fake's
    `sent()` / `wait_sent()` do) would stall the fake's loop and skew its flood accounting."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api, self.cursor, self.bulk = api, 0, 0
        self.replies: list[float] = []  # arrival times of replies to the chatting resident

    def update(self) -> None:
        calls = self.api.calls
        for call in calls[self.cursor :]:
            if call.method == "sendMessage" and call.status == 200:
                if call.params.get("chat_id") == str(RESIDENT_CHAT):
                    self.replies.append(call.at)
                else:
                    self.bulk += 1
        self.cursor = len(calls)


class Resident:
    """Chats with the bot while the round runs; records each reply's latency at the fake."""

    def __init__(self, api: FakeBotApi, tally: Tally, every: float) -> None:
        self.api, self.tally, self.every = api, tally, every
        self.latencies: list[float] = []
        self.paused = False

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            if self.paused:
                continue
            pushed = time.monotonic()
            self.api.push_message(RESIDENT_CHAT, "/bantuan")
            while not (self.tally.replies and self.tally.replies[-1] > pushed):
                await asyncio.sleep(0.005)
                self.tally.update()
                if time.monotonic() - pushed > 10:
                    print("  a reply took over 10 s")
                    break
            else:
                if not self.paused:
                    self.latencies.append(self.tally.replies[-1] - pushed)


async def dispatch_bench(workdir: Path, messages: int, chat_every: float, log: Path) -> None:
    path = workdir / "dispatch.sqlite3"
    print(f"Dispatch: {messages:,} summons to {messages:,} chats …")
    build_database(path, messages, 1, chats_only=True)
    db = await Database.open(path)
    settings = bench_settings(path)
    await Outreach(db, settings, Clock(settings.timezone), SendWindow(settings)).summons()
    await db.close()
    api = await FakeBotApi(TOKEN, overall_per_s=30, per_chat_per_s=1).start()
    tally = Tally(api)
    resident = Resident(api, tally, chat_every)
    chatter = asyncio.create_task(resident.run())
    with log.open("w") as out:
        figures = await _run_round(api, path, messages, resident, out)
    chatter.cancel()
    await api.stop()
    _report(api, messages, resident, figures)


async def _start(path: Path, api: FakeBotApi, out: object) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=child_env(path, api),
        cwd=path.parent,
        stdout=out,
        stderr=out,  # type: ignore[arg-type]
    )


async def _until_bulk(tally: Tally, count: int) -> None:
    while tally.bulk < count:
        await asyncio.sleep(0.01)
        tally.update()


async def _run_round(
    api: FakeBotApi, path: Path, messages: int, resident: Resident, out: object
) -> dict[str, float]:
    tally = resident.tally
    bot = await _start(path, api, out)
    await _until_bulk(tally, messages // 2)
    resident.paused = True
    bot.send_signal(signal.SIGKILL)
    await bot.wait()
    killed_at = time.monotonic()
    flying = await asyncio.to_thread(in_flight, path)
    tally.update()
    print(f"  SIGKILL at {tally.bulk:,} sent; {flying} rows were in flight")
    bot = await _start(path, api, out)
    await _until_bulk(tally, tally.bulk + 1)  # the new process sends
    resident.paused = False
    while await asyncio.to_thread(unfinished, path):
        await asyncio.sleep(0.5)
    bot.send_signal(signal.SIGTERM)
    await bot.wait()
    return {"in_flight": flying, "killed_at": killed_at}


def _report(api: FakeBotApi, messages: int, resident: Resident, figures: dict[str, float]) -> None:
    sends = [c for c in api.calls if c.method == "sendMessage"]
    bulk = [c for c in sends if c.status == 200 and c.params["chat_id"] != str(RESIDENT_CHAT)]
    per_chat = Counter(c.params["chat_id"] for c in bulk)
    before = [c.at for c in bulk if c.at < figures["killed_at"]]
    after = [c.at for c in bulk if c.at > figures["killed_at"]]
    sending_time = (before[-1] - before[0]) + (after[-1] - after[0])
    accepted = [c for c in sends if c.status == 200]
    lat = sorted(resident.latencies)
    p95 = lat[int(0.95 * (len(lat) - 1))] if lat else float("nan")
    print(
        f"  achieved: {len(bulk) / sending_time:.2f} summons/s, "
        f"{len(accepted) / sending_time:.2f} msg/s with replies (target ≥ 29)"
    )
    print(
        f"  429: {api.limited} of {len(sends)} sends = {api.limited / len(sends):.3%} "
        "(target ≤ 0.1 %)"
    )
    print(
        f"  replies to the chatting resident: {len(lat)}, p50 "
        f"{statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max "
        f"{lat[-1] * 1000:.0f} ms (target p95 ≤ 150 ms)"
    )
    print(
        f"  lost {messages - len(per_chat)}, duplicates "
        f"{sum(n - 1 for n in per_chat.values())} (≤ {figures['in_flight']:.0f} in flight)"
    )
    print(f"  restart gap: {after[0] - before[-1]:.1f} s")


async def round_once(tree: Path, workdir: Path, size: int, measure: int) -> str:
    """One round of `size` summons planned by `jemput run` (from `tree`) at start-up; the
    first `measure` sends are timed."""
    path = workdir / "round.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    build_database(path, size, 1, chats_only=True)
    api = await FakeBotApi.like_telegram(TOKEN).start()
    env = child_env(path, api) | {"PYTHONPATH": str(tree)}
    started = time.monotonic()
    with (workdir / "round.log").open("a") as out:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tree, stdout=out, stderr=out
        )
        try:
            while len(sends := _sends(api)) < measure and time.monotonic() - started < 120:
                await asyncio.sleep(0.1)
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()
    await api.stop()
    span = sends[-1] - sends[0]
    share = (len(sends) - 1) / span / 30
    job = _job_started(workdir / "round.log") - (time.time() - time.monotonic())
    return (
        f"{len(sends)} sent, first-to-last {span:.2f} s = {(len(sends) - 1) / span:.2f} msg/s"
        f" = {share:.1%} of 30/s; 429s {api.limited} ({api.limited / max(1, len(sends)):.2%}"
        f"{''.join(f', {k}' for k in api.limited_by)});"
        f" first send {sends[0] - job:.2f} s after the summons job started"
    )


def _job_started(log: Path) -> float:
    """When the child's last summons job started (epoch s, from its log line)."""
    lines = [x for x in log.read_text().splitlines() if "Job summons started" in x]
    stamp = datetime.strptime(lines[-1][:23], "%Y-%m-%d %H:%M:%S,%f")  # local time
    return stamp.timestamp()


def _sends(api: FakeBotApi) -> list[float]:
    return [c.at for c in api.calls if c.method == "sendMessage" and c.status == 200]


async def round_bench(
    workdir: Path, size: int, baseline: Path | None, repeat: int, measure: int
) -> None:
    print(f"Round of {size:,} summons from start, first {measure:,} sends timed (target ≥ 97 %"
          f" of 30 msg/s, 429 ≤ 0.1 %); load {os.getloadavg()[0]:.2f}")  # fmt: skip
    trees = [("baseline", baseline), ("new", Path.cwd())] if baseline else [("new", Path.cwd())]
    for n in range(repeat):
        for label, tree in trees:
            print(
                f"  {label:8s} #{n + 1} {await round_once(tree, workdir, size, measure)}",
                flush=True,
            )
    print(f"  load after: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--round", type=int, default=0, help="only: a round of N from start")
    parser.add_argument("--baseline", type=Path, help="checkout to compare the round with")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per tree")
    parser.add_argument("--measure", type=int, default=0, help="time the first N sends only")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--chat-every", type=float, default=2.0, help="resident's pace (s)")
    parser.add_argument("--residents", type=int, default=1_000_000, help="planning bench size")
    parser.add_argument("--linked-share", type=float, default=0.2)
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp dir)")
    parser.add_argument("--plan-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plan_child:
        print(json.dumps(asyncio.run(plan_round(args.plan_child))))
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="jemput-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"Files in {workdir}")
    if args.round:
        measure = min(args.round, args.measure or args.round)
        asyncio.run(round_bench(workdir, args.round, args.baseline, args.repeat, measure))
        return
    if args.messages:
        asyncio.run(dispatch_bench(workdir, args.messages, args.chat_every, workdir / "bot.log"))
    if args.residents:
        planning_bench(workdir, args.residents, args.linked_share)


if __name__ == "__main__":
    main()
