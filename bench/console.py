"""Benchmark the staff console: every page's server time at a million residents, and the memory
of `jemput run` with the console open.

Run from the repository root (it writes only to a temporary folder)::

    .venv/bin/python -m bench.console                         # 1,000,000 residents
    .venv/bin/python -m bench.console --residents 100000 --rounds 10   # a quick run

Set-up: a database with R residents over 7 kecamatan × 6 kelurahan × 6 RW, an outbox with
--outbox sent summons (and some dead letters), --audit audit rows, 3 teams, 200 waiting orders
with visits booked next week. `jemput run` (Telegram polling against the fake Bot API in this
process, which also delivers the /konsol login link) runs as a child process on 127.0.0.1.

Measured: each page --rounds times in turn over one keep-alive connection (time to the last
byte at the client, on loopback: the server's time plus a few hundred µs), p50/p95/max, beside
the baseline `GET /healthz` of the same server in the same run. Ringkasan's first (cold) load
counts all residents; later ones are cached (as designed), so its cold time is printed too,
and a load a minute later (old figures shown at once while they are counted again). Memory:
the child's RSS (VmRSS) and peak (VmHWM) once started and after the console pages were opened.
Target: p95 ≤ 200 ms per page.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

from bot.app import build_app
from bot.core.capacity import Slot
from bot.core.clock import Clock, iso
from bot.core.orders import OrderKind
from bot.office.desk import Office
from bot.settings import Settings
from storage import orders, teams, visits
from storage.db import PRAGMAS
from storage.migrate import apply_migrations
from storage.orders import OrderDraft
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.server import free_port

TOKEN = "123:BENCH"
ADMIN = "9001"
KECAMATAN = ["Bukit Intan", "Gabek", "Gerunggang", "Girimaya", "Pangkal Balam", "Rangkui",
             "Taman Sari"]  # fmt: skip
STATUSES = ["BELUM_REKAM"] * 3 + ["SUDAH_REKAM"] * 5 + ["PRR", "DICETAK", "DIAMBIL", "REKAM_ULANG"]
LINK = re.compile(r"/konsol/masuk\?t=(\S+)")


def resident_rows(count: int, today: date) -> Iterator[tuple[object, ...]]:
    """Synthetic residents with distinct NIKs over 42 kelurahan, ages 12-80."""
    stamp = iso(datetime.now(UTC))
    for i in range(count):
        born = today - timedelta(days=12 * 365 + i % 24_800)
        serial = 1 + i // 24_800
        nik = f"197101{born.day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
        kec = KECAMATAN[i % 7]
        kel = f"{kec} {(i // 7) % 6 + 1}"
        yield (nik, f"1971010101150{i % 1000:03d}", f"Warga {i}", born.isoformat(), "L",
               f"{i % 12 + 1:03d}", f"{(i // 42) % 6 + 1:03d}", kel, kec,
               STATUSES[i % len(STATUSES)], int(i % 9 == 0), stamp, stamp)  # fmt: skip


def build_database(path: Path, residents: int, outbox: int, audit: int) -> str:
    """Bulk rows with plain sqlite3 (set-up only); returns one NIK to look up."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    apply_migrations(conn)
    stamp = iso(datetime.now(UTC))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO residents (nik, no_kk, nama, tanggal_lahir, jenis_kelamin, rt, rw,"
        " kelurahan, kecamatan, status, kawin, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        resident_rows(residents, date.today()),
    )
    niks = [r[0] for r in conn.execute(f"SELECT nik FROM residents LIMIT {outbox}")]
    conn.executemany(
        "INSERT INTO outbox (channel, chat_id, kind, dedupe_key, nik, payload, not_before,"
        " state, sent_at, created_at, updated_at, last_error)"
        " VALUES ('telegram', ?, 'summons', ?, ?, '{\"text\": \"x\"}', ?, ?, ?, ?, ?, ?)",
        (
            (str(n), f"summons:{nik}:1", nik, stamp, "dead" if n % 5000 == 0 else "sent",
             stamp, stamp, stamp, "Forbidden: bot was blocked" if n % 5000 == 0 else "")
            for n, nik in enumerate(niks)
        ),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, '{}')",
        ((stamp, f"telegram:{9000 + n % 20}", ["order.schedule", "import.recordings",
          "team.add", "console.login"][n % 4]) for n in range(audit)),
    )  # fmt: skip
    conn.execute("COMMIT")
    conn.close()
    return str(niks[len(niks) // 2]) if niks else "1971010101000001"


async def add_orders(settings: Settings, count: int) -> int:
    """Three teams, `count` waiting orders, and visits booked next week; an order id to open."""
    app = await build_app(settings, Clock())
    try:
        now, today = app.clock.now(), app.clock.today()
        cal = await Office(app.db, settings, app.clock).calendar()
        days = [d for n in range(2, 30) if cal.has_slots(d := today + timedelta(days=n))][:5]
        ids = []
        for name in ("Alpha", "Beta", "Gamma"):
            team = await teams.add_team(app.db, name=name, kits=2, per_kit=25, vehicle="",
                                        members=[], actor="bench", now=now)  # fmt: skip
            ids.append(team.id)
        first = 0
        for n in range(count):
            draft = OrderDraft(
                kind=OrderKind.KOLEKTIF, channel="telegram", chat_id=str(100 + n),
                user_id=str(100 + n), kecamatan=KECAMATAN[n % 7], kelurahan=f"{KECAMATAN[n % 7]} 1",
                rw="001", rt="001", address="Balai warga", dates=days[:3], slot=Slot.PAGI,
                participants=30, phone="6281200000000",
            )  # fmt: skip
            order = await orders.create_order(app.db, draft, now, today.year)
            first = first or order.id
            if n < 20:  # a booked week
                day, team = days[n % 5], ids[(n // 5) % 3]
                slot = Slot.PAGI if n < 15 else Slot.SIANG
                await visits.schedule(app.db, order.id, team, day, slot, ("1", "b"), "bench", now)
        await teams.add_staff(app.db, ADMIN, "Bench", "bench", now)
        return first + 20
    finally:
        await app.close()


def rss(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


async def timed(client: httpx.AsyncClient, method: str, path: str, **kw: object) -> float:
    """One request's time in ms (fails on a status other than 200)."""
    start = time.perf_counter()
    response = await client.request(method, path, **kw)  # type: ignore[arg-type]
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        errors = Path(os.environ.get("BENCH_ERRORS", ""))
        tail = errors.read_text()[-3000:] if errors.is_file() else ""
        raise SystemExit(f"{method} {path}: {response.status_code}\n{tail}")
    return elapsed


def line(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(math.ceil(len(ordered) * 0.95) - 1, 0)]
    verdict = "ok" if p95 <= 200 else "OVER"
    return (f"{name:<28} p50 {statistics.median(ordered):8.1f} ms   p95 {p95:8.1f} ms"
            f"   max {ordered[-1]:8.1f} ms   {verdict}")  # fmt: skip


async def run(args: argparse.Namespace, workdir: Path) -> None:
    db_path = workdir / "konsol.sqlite3"
    os.environ["BENCH_ERRORS"] = str(workdir / "errors.log")
    started = time.perf_counter()
    nik = build_database(db_path, args.residents, args.outbox, args.audit)
    settings = Settings(_env_file=None, database_path=db_path, admin_user_ids=[ADMIN])  # type: ignore[call-arg]
    order_id = await add_orders(settings, args.orders)
    took = time.perf_counter() - started
    print(f"set-up: {args.residents:,} residents, {args.outbox:,} outbox rows, {args.audit:,}"
          f" audit rows, {args.orders} orders in {took:.0f} s")  # fmt: skip
    api = await FakeBotApi(TOKEN).start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "CONSOLE_"))}
    env.update(DATABASE_PATH=str(db_path), TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url,
               TELEGRAM_POLL_TIMEOUT="1", PORT=str(port), HOST="127.0.0.1", ADMIN_USER_IDS=ADMIN,
               CONSOLE_URL=f"http://127.0.0.1:{port}/konsol", BACKUP_HOUR="23")  # fmt: skip
    log = (workdir / "run.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stdout=log, stderr=log
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            await _ready(client, proc)
            await asyncio.sleep(2)
            idle = rss(proc.pid)
            api.push_message(int(ADMIN), "/konsol", user_id=int(ADMIN))
            [reply] = await api.wait_sent(1, chat_id=int(ADMIN), timeout=30)
            found = LINK.search(reply["text"])
            assert found is not None, reply["text"]
            await client.post("/konsol/masuk", data={"t": found.group(1)})
            cold = await timed(client, "GET", "/konsol/")
            chart = await timed(client, "GET", "/konsol/grafik.png")
            page = (await client.get("/konsol/warga")).text
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
            assert csrf is not None
            pages: list[tuple[str, str, str, dict[str, object]]] = [
                ("baseline GET /healthz", "GET", "/healthz", {}),
                ("Ringkasan (cached)", "GET", "/konsol/", {}),
                ("Ringkasan chart (cached)", "GET", "/konsol/grafik.png", {}),
                ("Pesanan (queue)", "GET", "/konsol/pesanan", {}),
                ("Pesanan detail", "GET", f"/konsol/pesanan/{order_id}", {}),
                ("Jadwal (week)", "GET", "/konsol/jadwal", {}),
                ("Tim & hari tutup", "GET", "/konsol/tim", {}),
                ("Pengurus", "GET", "/konsol/pengurus", {}),
                ("Impor (form)", "GET", "/konsol/impor", {}),
                ("Warga (NIK look-up)", "POST", "/konsol/warga",
                 {"data": {"csrf": csrf.group(1), "nik": nik}}),
                ("Outbox", "GET", "/konsol/outbox", {}),
                ("Audit (latest)", "GET", "/konsol/audit", {}),
                ("Audit (actor filter)", "GET", "/konsol/audit",
                 {"params": {"aktor": "telegram:9003"}}),
                ("Audit (action + date)", "GET", "/konsol/audit",
                 {"params": {"aksi": "team.add", "tanggal": date.today().isoformat()}}),
            ]  # fmt: skip
            samples: dict[str, list[float]] = {name: [] for name, *_ in pages}
            for _ in range(args.rounds):
                for name, method, path, kw in pages:
                    samples[name].append(await timed(client, method, path, **kw))
            opened = rss(proc.pid)
            await asyncio.sleep(61)  # the figures are a minute old now
            stale = await timed(client, "GET", "/konsol/")
            await asyncio.sleep(6)  # the background count finishes
            recounted = await timed(client, "GET", "/konsol/")
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 60)
        await api.stop()
    print(f"load: {Path('/proc/loadavg').read_text().strip()}  (cpus: {os.cpu_count()})")
    print(f"Ringkasan cold (counts {args.residents:,} residents): {cold:.0f} ms;"
          f" chart cold: {chart:.0f} ms (then cached)")  # fmt: skip
    for name, *_ in pages:
        print(line(name, samples[name]))
    print(f"Ringkasan a minute later: {stale:.1f} ms (old figures shown, counted again in the"
          f" background); next load {recounted:.1f} ms")  # fmt: skip
    print(f"jemput run RSS: {idle[0]} MB started (peak {idle[1]} MB); {opened[0]} MB with the"
          f" console open after {args.rounds} rounds (peak {opened[1]} MB)")  # fmt: skip


async def _ready(client: httpx.AsyncClient, proc: asyncio.subprocess.Process) -> None:
    for _ in range(600):
        if proc.returncode is not None:
            raise SystemExit("jemput run stopped")
        try:
            await client.get("/healthz")
            return
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise SystemExit("jemput run never listened")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--outbox", type=int, default=300_000)
    parser.add_argument("--audit", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-konsol-") as folder:
        asyncio.run(run(args, Path(folder)))


if __name__ == "__main__":
    main()
