"""Benchmark conversations: reply latency with per-chat bursts, and one chat flooding the rest.

Run from the repository root (it writes only to a temporary folder)::

    .venv/bin/python -m bench.chats --baseline /tmp/jb-baseline
    (git worktree add --detach /tmp/jb-baseline dd3b1d2   # the code before #12.1 / #14.1)

Each scenario runs twice in one go, `jemput run` as a child process from the baseline tree and
from this tree, against the fake Bot API (in this process) enforcing Telegram's limits: 30 msg/s
overall, a burst of 5 then 1/s per private chat, 20/min per group (429 + retry_after). Latency
is from the update being offered to getUpdates to the reply's arrival at the fake.

- **idle**: a resident answers 0.2 s after each reply, three exchanges (/bantuan) in a row,
  then reads for 4 s; 4 such sessions. Target p95 ≤ 50 ms.
- **round**: the same resident while a round of --round summons goes out (planned by the bot's
  start-up catch-up). Target p95 ≤ 100 ms, 0 extra 429s; the round's rate first-to-last.
- **flood**: one chat sends 15 messages at once while 20 others chat at human pace (a reply
  read, then 1.5–4 s to answer) for --seconds. Target: the others' first-reply p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.dispatch import TOKEN, build_database, child_env
from tests.fakes.bot_api import FakeBotApi

RESIDENT = 999_999_999  # not linked: it gets no summons, only answers
SUMMONED = 1  # the chat of the first resident (every scenario's database has one)
FLOODER = 7_000
OTHERS = range(7_100, 7_120)


class TimedFake(FakeBotApi):
    """The Telegram-like fake, noting when each accepted message reached each chat."""

    def __init__(self) -> None:
        super().__init__(TOKEN, overall_per_s=30, per_chat_per_s=1, chat_burst=5, group_per_min=20)
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.texts: dict[str, list[str]] = defaultdict(list)
        self.arrived = asyncio.Event()

    def _send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        result = super()._send(method, params)
        chat = str(params.get("chat_id"))
        self.arrivals[chat].append(time.monotonic())
        self.texts[chat].append(str(params.get("text", "")))
        self.arrived.set()
        return result

    async def reply(self, chat: int, seen: int, timeout: float = 15.0) -> float | None:
        """When message number `seen` (0-based) reached `chat`; None after `timeout`."""
        deadline = time.monotonic() + timeout
        while len(self.arrivals[str(chat)]) <= seen:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except TimeoutError:
                return None
        return self.arrivals[str(chat)][seen]

    async def ask(self, chat: int, text: str = "/bantuan") -> float | None:
        """A user writes; seconds until the first message of the answer (None: none came)."""
        seen = len(self.arrivals[str(chat)])
        asked = time.monotonic()
        self.push_message(chat, text)
        at = await self.reply(chat, seen)
        return None if at is None else at - asked

    def bulk_sent(self) -> list[float]:
        """Arrival times of everything but the resident's answers, in order."""
        return sorted(t for c, ts in self.arrivals.items() if c != str(RESIDENT) for t in ts)


async def resident(fake: TimedFake, sessions: int) -> list[float]:
    """Three quick exchanges (answering 0.2 s after each reply), then 4 s of reading."""
    latencies: list[float] = []
    for _ in range(sessions):
        for _ in range(3):
            waited = await fake.ask(RESIDENT)
            latencies.append(waited if waited is not None else float("inf"))
            await asyncio.sleep(0.2)
        await asyncio.sleep(4.0)
    return latencies


async def human(fake: TimedFake, chat: int, until: float, rng: random.Random) -> list[float]:
    """Chats at human pace until `until`: ask, read the answer, 1.5-4 s later ask again."""
    await asyncio.sleep(rng.uniform(0, 2))
    latencies: list[float] = []
    while time.monotonic() < until:
        waited = await fake.ask(chat)
        latencies.append(waited if waited is not None else float("inf"))
        await asyncio.sleep(rng.uniform(1.5, 4.0))
    return latencies


async def flood(fake: TimedFake, seconds: float) -> dict[str, Any]:
    rng = random.Random(7)
    until = time.monotonic() + seconds
    people = [asyncio.create_task(human(fake, chat, until, rng)) for chat in OTHERS]
    await asyncio.sleep(3.0)
    for n in range(15):
        fake.push_message(FLOODER, f"/bantuan {n}")
    others = [x for task in people for x in await task]
    await asyncio.sleep(2.0)
    return {"others": others, "flooder": len(fake.arrivals[str(FLOODER)])}


async def with_bot(
    tree: Path, db: Path, fake: TimedFake, log: Path, scenario: Callable[[], Awaitable[Any]]
) -> Any:
    """Run `scenario` while `jemput run` (from `tree`) serves the fake."""
    env = child_env(db, fake) | {"PYTHONPATH": str(tree), "TELEGRAM_POLL_TIMEOUT": "10"}
    with log.open("a") as out:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tree, stdout=out, stderr=out
        )
        try:
            while not fake.calls_of("getUpdates"):
                await asyncio.sleep(0.05)
            return await scenario()
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()


def fresh_db(workdir: Path, name: str, summons: int) -> Path:
    path = workdir / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    build_database(path, max(summons, 1), 1, chats_only=True)
    return path


def figures(values: list[float]) -> str:
    if not values:
        return "no replies"
    ordered = sorted(values)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    lost = sum(1 for v in ordered if v == float("inf"))
    return (
        f"n={len(ordered):3d}  p50 {statistics.median(ordered) * 1000:6.0f} ms  "
        f"p95 {p95 * 1000:6.0f} ms  max {ordered[-1] * 1000:6.0f} ms"
        + (f"  ({lost} unanswered)" if lost else "")
    )


async def scenario(tree: Path, workdir: Path, name: str, args: argparse.Namespace) -> str:
    """One scenario against one tree; its figures as a line."""
    fake = TimedFake()
    await fake.start()
    try:
        if name == "idle":
            db = fresh_db(workdir, "idle", 1)
            run = with_bot(tree, db, fake, workdir / "bot.log", lambda: _idle(fake, args))
            latencies = await run
            return f"{figures(latencies)}  429s {fake.limited} {_why(fake)}"
        if name == "round":
            db = fresh_db(workdir, "round", args.round)
            run = with_bot(tree, db, fake, workdir / "bot.log", lambda: _round(fake, args))
            latencies, rate = await run
            return f"{figures(latencies)}  429s {fake.limited} {_why(fake)} round {rate:.1f} msg/s"
        db = fresh_db(workdir, "flood", 1)
        out = await with_bot(
            tree, db, fake, workdir / "bot.log", lambda: _flood(fake, args.seconds)
        )
        flooder = f"flooder got {out['flooder']}"
        return f"{figures(out['others'])}  429s {fake.limited} {_why(fake)} {flooder}"
    finally:
        await fake.stop()


def _why(fake: TimedFake) -> str:
    """Which limits answered 429 ('' when none did)."""
    return ",".join(f"{k} {v}" for k, v in fake.limited_by.items())


async def _idle(fake: TimedFake, args: argparse.Namespace) -> list[float]:
    await fake.reply(SUMMONED, 0)  # the one summons of the start-up catch-up, then quiet
    await asyncio.sleep(2.0)
    return await resident(fake, args.sessions)


async def _round(fake: TimedFake, args: argparse.Namespace) -> tuple[list[float], float]:
    while len(fake.bulk_sent()) < 5:  # the round has started
        await asyncio.sleep(0.01)
    latencies = await resident(fake, args.sessions)
    while len(fake.bulk_sent()) < args.round:
        await asyncio.sleep(0.2)
    bulk = fake.bulk_sent()
    return latencies, (len(bulk) - 1) / (bulk[-1] - bulk[0])


async def _flood(fake: TimedFake, seconds: float) -> dict[str, Any]:
    await fake.reply(SUMMONED, 0)
    return await flood(fake, seconds)


async def main_async(args: argparse.Namespace) -> None:
    here = Path.cwd()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="jemput-chats-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"Files in {workdir}; load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    trees = [("baseline", args.baseline), ("new", here)] if args.baseline else [("new", here)]
    targets = {
        "idle": "p95 ≤ 50 ms",
        "round": "p95 ≤ 100 ms, 0 429s",
        "flood": "others p95 ≤ 100 ms",
    }
    for name in args.scenarios:
        print(f"{name} ({targets[name]}):")
        for _ in range(args.repeat):
            for label, tree in trees:
                line = await scenario(tree, workdir, name, args)
                print(f"  {label:8s} {line}", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--scenarios", nargs="+", default=["idle", "round", "flood"])
    parser.add_argument("--sessions", type=int, default=4, help="resident's sessions")
    parser.add_argument("--round", type=int, default=900, help="summons in the round")
    parser.add_argument("--seconds", type=float, default=20.0, help="flood scenario length")
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp dir)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each scenario per tree")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
