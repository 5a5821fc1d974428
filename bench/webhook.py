"""Benchmark the WhatsApp webhook (ingest) and WhatsApp sending (outbound), on loopback only.

Run from the repository root::

    .venv/bin/python -m bench.webhook                        # defaults below
    .venv/bin/python -m bench.webhook --burst 3000 --rate 200 --seconds 10 --outbound 1600

Three processes: `jemput run` (WhatsApp only: uvicorn on 127.0.0.1, the inbox processor, the
dispatcher), the fake Graph API (`python -m tests.fakes.graph_api`), and this load generator
with a lean keep-alive HTTP/1.1 client (httpx would cost more CPU than the server it measures).

1. **Ingest, flat out**: `--burst` signed text-message posts (each from its own sender) from
   `--concurrency` connections: posts per second answered 200.
2. **Ingest at a fixed rate**: `--rate` posts/s for `--seconds`, open loop (each post starts on
   schedule whatever the others do): p50/p99/max ack latency (target p99 ≤ 50 ms at 200/s).
   Then wait until every message of both phases was processed and answered (one reply each,
   paced at WHATSAPP_RATE) and count losses from the server's database.
3. **Outbound**: `--outbound` outbox rows to as many WhatsApp contacts, sent by the real
   dispatcher and the WhatsApp pacer (WHATSAPP_RATE, default 80/s) to a fake Graph API that
   enforces that rate (130429): achieved messages/s and the share of 130429 answers.

Everything lives in a temporary folder; nothing is written under version control. Set
BENCH_PROFILE=/tmp/server.prof to run the server under cProfile.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.whatsapp_webhooks import APP_SECRET, PNID, TOKEN, sign, text_body

SIG = "x-hub-signature-256"
PROFILE_ENV = "BENCH_PROFILE"  # set to a file name: profile the server process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _start_graph(folder: Path) -> tuple[Any, str]:
    """The fake Graph API in its own process, so it takes no CPU from the load generator."""
    port_file = folder / "graph.port"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.graph_api", str(port_file), PNID,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(400):
        if port_file.exists() and port_file.read_text():
            return proc, f"http://127.0.0.1:{port_file.read_text()}"
        await asyncio.sleep(0.025)
    proc.terminate()
    raise SystemExit("the fake Graph API did not start")


async def _start_server(folder: Path, graph_url: str, rate: float) -> tuple[Any, int, Path]:
    port, db = _free_port(), folder / "bench.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "PYTHONPATH")},
        "DATABASE_PATH": str(db), "WHATSAPP_ACCESS_TOKEN": TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PNID, "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_API_URL": graph_url, "WHATSAPP_RATE": str(rate),
        "HOST": "127.0.0.1", "PORT": str(port),
    }  # fmt: skip
    profile = ["-m", "cProfile", "-o", os.environ[PROFILE_ENV]] if PROFILE_ENV in os.environ else []
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *profile, "-m", "bot", "run", cwd=folder, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=url) as http:
        for _ in range(400):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return proc, port, db
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    proc.terminate()
    raise SystemExit("jemput run did not become healthy")


def _request(n: int) -> bytes:
    """A complete signed HTTP/1.1 POST of message n, from its own sender (no per-chat queue)."""
    wa_id = f"62812{n:08d}"
    body = json.dumps(text_body(f"wamid.bench{n}", "halo", wa_id=wa_id, user_id=None)).encode()
    head = (
        "POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-Hub-Signature-256: {sign(body)}\r\n\r\n"
    )
    return head.encode() + body


class Client:
    """A lean keep-alive HTTP/1.1 client (httpx costs more CPU than the server it measures)."""

    def __init__(self, port: int, max_connections: int) -> None:
        self.port, self.limit, self.opened = port, max_connections, 0
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
        self.idle = asyncio.Queue()

    async def post(self, request: bytes) -> tuple[int, float]:
        """(status, seconds); status 0 when the connection failed."""
        started = time.perf_counter()
        reader, writer = await self._connection()
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, StopIteration, ValueError):
            writer.close()
            self.opened -= 1
            return 0, time.perf_counter() - started
        self.idle.put_nowait((reader, writer))
        return int(head.split(b" ", 2)[1]), time.perf_counter() - started

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.idle.empty() and self.opened < self.limit:
            self.opened += 1
            return await asyncio.open_connection("127.0.0.1", self.port)
        return await self.idle.get()

    async def close(self) -> None:
        """Close the idle connections."""
        while not self.idle.empty():
            _, writer = self.idle.get_nowait()
            writer.close()
            self.opened -= 1


async def burst(client: Client, first: int, count: int, concurrency: int) -> float:
    """Posts per second accepted with `concurrency` clients posting back to back."""
    requests = iter([_request(n) for n in range(first, first + count)])
    ok = 0

    async def one_client() -> None:
        nonlocal ok
        for request in requests:
            status, _ = await client.post(request)
            ok += status == 200

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    if ok != count:
        print(f"  WARNING: {count - ok} posts not answered 200")
    return ok / elapsed


async def steady(client: Client, first: int, rate: float, seconds: float) -> list[float]:
    """Ack latencies (s) of posts started on an even schedule at `rate`/s (open loop)."""
    count = int(rate * seconds)
    requests = [_request(n) for n in range(first, first + count)]
    start = time.perf_counter() + 0.2
    latencies: list[float] = []

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        status, took = await client.post(requests[i])
        latencies.append(took if status == 200 else float("inf"))

    await asyncio.gather(*(one(i) for i in range(count)))
    return latencies


def _counts(db: Path) -> tuple[int, int, int]:
    """Inbox rows stored, processed without error, and replies the Graph API accepted."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        stored, processed = conn.execute(
            "SELECT count(*), count(processed_at) FILTER (WHERE error = '') FROM inbox"
            " WHERE channel = 'whatsapp'"
        ).fetchone()
        replies = conn.execute("SELECT count(*) FROM wa_sent").fetchone()[0]
    finally:
        conn.close()
    return int(stored), int(processed), int(replies)


async def _wait_done(db: Path, count: int, timeout: float) -> tuple[float, tuple[int, int, int]]:
    """Wait until `count` messages are processed and answered; (seconds, counts)."""
    started = time.perf_counter()
    counts = _counts(db)
    while min(counts[1:]) < count and time.perf_counter() - started < timeout:
        await asyncio.sleep(0.1)
        counts = _counts(db)
    return time.perf_counter() - started, counts


async def ingest(args: argparse.Namespace, folder: Path) -> None:
    graph, graph_url = await _start_graph(folder)
    proc, port, db = await _start_server(folder, graph_url, args.whatsapp_rate)
    client = Client(port, max_connections=max(args.concurrency, 64))
    try:
        print(f"Ingest: {args.burst} signed posts, {args.concurrency} clients ...")
        per_s = await burst(client, 0, args.burst, args.concurrency)
        print(f"  accepted {per_s:,.0f} posts/s (HTTP 200)")
        await _wait_done(db, args.burst, 120)
        await client.close()  # fresh connections for the steady phase
        print(f"Ingest: {args.rate:.0f} posts/s for {args.seconds:.0f} s ...")
        lat = sorted(await steady(client, args.burst, args.rate, args.seconds))
        p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99) - 1]
        print(f"  ack latency p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms,"
              f" max {lat[-1] * 1000:.1f} ms over {len(lat)} posts")  # fmt: skip
        total = args.burst + len(lat)
        took, (stored, processed, replies) = await _wait_done(db, total, 300)
        print(f"  all handled {took:.1f} s after the last post: stored {stored},"
              f" processed {processed}, answered {replies} of {total};"
              f" lost {total - min(processed, replies)}")  # fmt: skip
    finally:
        await client.close()
        for child in (proc, graph):
            child.terminate()
            await child.wait()


async def _wait_answered(graph: FakeGraphApi, count: int, timeout: float) -> float:
    started = time.perf_counter()
    while len(graph.sent) < count and time.perf_counter() - started < timeout:
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def outbound(args: argparse.Namespace, folder: Path) -> None:
    """The real dispatcher + WhatsApp pacer against a fake Graph API enforcing WHATSAPP_RATE."""
    from bot.app import build_app, build_whatsapp_pacer
    from bot.channels.whatsapp import WhatsAppChannel
    from bot.core.calendar import SendWindow
    from bot.core.clock import Clock
    from bot.outreach.dispatcher import Dispatcher
    from tests.conftest import make_settings

    graph = FakeGraphApi(token=TOKEN, phone_number_id=PNID, rate_per_s=args.whatsapp_rate)
    await graph.start()
    settings = make_settings(
        folder / "out", whatsapp_access_token=TOKEN, whatsapp_phone_number_id=PNID,
        whatsapp_api_url=graph.url, whatsapp_rate=args.whatsapp_rate,
        send_window_start="00:00", send_window_end="24:00", send_on_sunday=True,
    )  # fmt: skip
    app = await build_app(settings, Clock(settings.timezone))
    channel = WhatsAppChannel(settings, app.db, app.conversation, app.clock)
    await _seed_outbox(app, args.outbound)
    dispatcher = Dispatcher(
        app.db, channel, build_whatsapp_pacer(settings), app.clock, SendWindow(settings)
    )
    stop = asyncio.Event()
    print(f"Outbound: {args.outbound} messages at WHATSAPP_RATE={args.whatsapp_rate:.0f}/s ...")
    task = asyncio.create_task(dispatcher.run(stop))
    started = time.perf_counter()
    first = await _wait_first(graph)
    await _wait_answered(graph, args.outbound, args.outbound / args.whatsapp_rate * 3 + 30)
    elapsed = time.perf_counter() - first
    stop.set()
    await task
    rate = (len(graph.sent) - 1) / elapsed if elapsed > 0 else 0.0
    attempts = len(graph.sent) + len(graph.rejected)
    print(f"  sent {len(graph.sent)} in {elapsed:.1f} s (+{first - started:.2f} s to the first):"
          f" {rate:.1f} msg/s = {rate / args.whatsapp_rate:.1%} of the limit;"
          f" 130429 answers {graph.limited} = {graph.limited / attempts:.2%}")  # fmt: skip
    await channel.close()
    await app.close()
    await graph.stop()


async def _wait_first(graph: FakeGraphApi) -> float:
    while not graph.sent:
        await asyncio.sleep(0.001)
    return time.perf_counter()


async def _seed_outbox(app: Any, count: int) -> None:
    """`count` contacts who wrote an hour ago (window open) and one notice each."""
    from bot.core.messages import Reply
    from storage import chats, outbox
    from storage import whatsapp as store

    now = app.clock.now()
    for n in range(count):
        wa_id = f"62813{n:08d}"
        await store.resolve_contact(
            app.db, user_id=None, wa_id=wa_id, phone="+" + wa_id, name="", now=now
        )
        await chats.touch_chat(
            app.db, "whatsapp", wa_id, user_id=wa_id, language="id", is_group=False,
            now=now - timedelta(hours=1), phone=wa_id,
        )  # fmt: skip
    messages = [_notice(n, Reply(text=f"Pemberitahuan {n}")) for n in range(count)]
    await outbox.enqueue(app.db, messages, now)


def _notice(n: int, reply: Any) -> Any:
    from storage import outbox

    return outbox.NewMessage(
        channel="whatsapp",
        chat_id=f"62813{n:08d}",
        kind="notice",
        dedupe_key=f"bench:{n}",
        reply=reply,
        outreach=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--burst", type=int, default=3000, help="posts in the flat-out phase")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200.0, help="posts/s, steady phase")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the steady phase")
    parser.add_argument("--outbound", type=int, default=1600, help="outbox messages to send")
    parser.add_argument("--whatsapp-rate", type=float, default=80.0)
    args = parser.parse_args()
    if args.burst > 20000 or args.rate * args.seconds > 20000 or args.outbound > 20000:
        raise SystemExit("keep each phase ≤ 20,000 messages")
    with tempfile.TemporaryDirectory(prefix="jemput-bench-") as tmp:
        asyncio.run(ingest(args, Path(tmp)))
        asyncio.run(outbound(args, Path(tmp)))


if __name__ == "__main__":
    main()
