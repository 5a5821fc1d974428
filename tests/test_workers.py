"""Several `jemput run` workers on one PostgreSQL database: real processes, the fake Bot API,
one of them killed with SIGKILL while it sends."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import App, build_app
from bot.cli.demo import seed_demo, showcase_residents
from bot.cli.main import main
from bot.core.clock import Clock
from bot.errors import StorageError
from storage import workers
from storage.db import Database
from storage.residents import add_residents, get_resident
from tests.conftest import PG_BIN, make_settings
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.server import free_port
from tests.order_support import ADMIN, STAFF_CHAT, add_team, saved_order
from tests.outreach_support import link_chat, outreach_for, rows, unrecorded_adults

pytestmark = [
    pytest.mark.engines,
    pytest.mark.filterwarnings("ignore:.*`retry_after`:DeprecationWarning"),
]

TOKEN = "123:TEST"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = await FakeBotApi(TOKEN, overall_per_s=30, per_chat_per_s=1).start()
    yield api
    await api.stop()


async def test_leases_have_one_holder_and_workers_are_listed_while_alive(
    app: App, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await workers.acquire(app.db, "send:telegram", 5)
    assert await workers.acquire(app.db, "send:telegram", 5)  # renewing is taking again
    assert await workers.holder(app.db, "send:telegram") == workers.worker_id()
    async with app.db.write() as tx:  # another worker holds it, alive
        await tx.execute("UPDATE leases SET holder = 'other:1:1' WHERE name = 'send:telegram'")
    assert not await workers.acquire(app.db, "send:telegram", 5)
    async with app.db.write() as tx:  # … until its lease runs out
        await tx.execute("UPDATE leases SET expires_at = '2000-01-01T00:00:00.000000Z'")
    assert await workers.acquire(app.db, "send:telegram", 5)
    await workers.beat(app.db, "0012_workers.sql", ["send:telegram"], 5)
    [me] = await workers.live(app.db)
    assert me.id == workers.worker_id() and me.pid == os.getpid() and me.roles == "send:telegram"
    command = ["workers", "--db", str(app.settings.database), "--lang", "en"]
    assert await asyncio.to_thread(main, command) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{me.id}  started ") and line.endswith("send:telegram")
    await workers.retire(app.db)
    assert await asyncio.to_thread(main, command) == 0
    assert capsys.readouterr().out.strip() == "No live workers."
    assert await workers.live(app.db) == []
    assert await workers.holder(app.db, "send:telegram") is None


async def test_a_dead_workers_rows_come_back_only_after_its_heartbeat_expired(
    app: App, engine: str
) -> None:
    async with app.db.write() as tx:
        for n, worker in enumerate(("alive:1:1", "dead:2:2")):
            await tx.execute(
                "INSERT INTO workers (id, host, pid, started_at, beat_at, expires_at)"
                " VALUES (?, 'h', 1, '', '', ?)",
                (worker, "2999-01-01T00:00:00.000000Z" if n == 0 else "2000-01-01T00:00:00Z"),
            )
            await tx.execute(
                "INSERT INTO outbox (channel, chat_id, kind, dedupe_key, payload, not_before,"
                " state, claimed_by, claimed_at, created_at, updated_at)"
                " VALUES ('telegram', ?, 'notice', 'k', '{}', '', 'sending', ?, '', '', '')",
                (str(n), worker),
            )
    assert await workers.recover_dead(app.db) == 1
    states = {r["claimed_by"] or r["chat_id"]: r["state"] for r in await rows(app.db)}
    assert states == {"alive:1:1": "sending", "1": "pending"}


async def test_an_older_worker_refuses_to_start(app: App, engine: str) -> None:
    async with app.db.write() as tx:
        await tx.execute("INSERT INTO schema_migrations (name) VALUES ('0099_newer.sql')")
    with pytest.raises(StorageError, match="upgrade this worker"):
        await build_app(app.settings)


def worker_env(app: App, fake: FakeBotApi) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SEND_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.url,
        TELEGRAM_POLL_TIMEOUT="1",
        TELEGRAM_RATE_PER_S="30",
        DATABASE_URL=str(app.settings.database),
        SEND_WINDOW_START="00:00",
        SEND_WINDOW_END="24:00",
        SEND_ON_SUNDAY="true",
        SUMMONS_INTERVAL_DAYS="100000",
        WORKER_BEAT_S="1",
        WORKER_TTL_S="4",
        HOST="127.0.0.1",
        PORT=str(free_port()),
        PYTHONPATH=str(ROOT),
    )
    return env


async def start_worker(
    app: App, fake: FakeBotApi, cwd: Path, **extra: str
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env={**worker_env(app, fake), **extra}, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def stop_workers(procs: list[asyncio.subprocess.Process]) -> list[int]:
    """SIGTERM to each worker still running; every worker's exit code."""
    for proc in procs:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    return [await asyncio.wait_for(p.wait(), 15) for p in procs]


@pytest.mark.skipif(PG_BIN is None, reason="PostgreSQL not installed")
@pytest.mark.parametrize("engine", ["pg"], indirect=True)
async def test_three_workers_one_killed_mid_round_lose_nothing(
    tmp_path: Path, fake: FakeBotApi, engine: str
) -> None:
    settings = make_settings(
        tmp_path, telegram_bot_token=TOKEN, telegram_api_url=fake.url,
        send_window_start="00:00", send_window_end="24:00", send_on_sunday=True,
    )  # fmt: skip
    app = await build_app(settings, Clock())
    people = unrecorded_adults(240, app.clock.today())
    await add_residents(app.db, people, app.clock.now())
    for number, person in enumerate(people, start=1):
        await link_chat(app, str(number), person.nik)
    await outreach_for(app).summons()
    procs = [await start_worker(app, fake, tmp_path) for _ in range(3)]
    try:
        async with asyncio.timeout(30):
            while len(await workers.live(app.db)) < 3 or fake.accepted < 60:
                await asyncio.sleep(0.05)
        live = await workers.live(app.db)
        assert len({w.id for w in live}) == 3 and len({w.pid for w in live}) == 3
        assert sum("send:telegram" in w.roles.split() for w in live) == 1
        sender = await workers.holder(app.db, "send:telegram")
        assert sender is not None
        victim = next(p for p in procs if p.pid == int(sender.split(":")[1]))
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        killed_at, at_kill = time.monotonic(), fake.accepted
        in_flight = len(await rows(app.db, "state = 'sending'"))
        async with asyncio.timeout(15):
            while (new := await workers.holder(app.db, "send:telegram")) in (None, sender):
                await asyncio.sleep(0.05)
            while fake.accepted == at_kill:
                await asyncio.sleep(0.05)
        takeover = time.monotonic() - killed_at
        assert new is not None and new != sender
        fake.push_message(9999, "/bantuan")  # polled by one worker, answered once
        async with asyncio.timeout(40):
            while any(r["state"] != "sent" for r in await rows(app.db)):
                await asyncio.sleep(0.1)
        await fake.wait_sent(1, chat_id=9999)
        await asyncio.sleep(1.5)  # a second answer would come by now
    finally:
        codes = await stop_workers(procs)
        await app.close()
    per_chat = Counter(str(m["chat_id"]) for m in fake.sent())
    answers = per_chat.pop("9999")
    duplicates = sum(n - 1 for n in per_chat.values())
    assert len(per_chat) == 240 and at_kill < 240  # nothing lost
    assert duplicates <= in_flight and answers == 1
    assert takeover <= 10, takeover
    assert sorted(codes) == [-signal.SIGKILL, 0, 0]
    db = await Database.open(str(app.settings.database))
    try:
        assert await workers.live(db) == []  # the two left cleanly, the dead one expired
    finally:
        await db.close()


async def test_catching_up_takes_over_only_a_dead_workers_unfinished_job(
    app: App, engine: str
) -> None:
    from storage.job_runs import claim_job_run

    now = app.clock.now()
    async with app.db.write() as tx:
        for worker, expires in (("alive:1:1", "2999-01-01T00:00:00Z"), ("dead:2:2", "2000")):
            await tx.execute(
                "INSERT INTO workers (id, host, pid, started_at, beat_at, expires_at)"
                " VALUES (?, 'h', 1, '', '', ?)",
                (worker, expires),
            )
        for slot, worker in (("2026-11-28", "alive:1:1"), ("2026-11-27", "dead:2:2")):
            await tx.execute(
                "INSERT INTO job_runs (name, slot, started_at, worker)"
                " VALUES ('summons', ?, '', ?)",
                (slot, worker),
            )
    assert await claim_job_run(app.db, "summons", "2026-11-28", now, take_over=True) is None
    assert await claim_job_run(app.db, "summons", "2026-11-27", now, take_over=True) is not None
    assert await claim_job_run(app.db, "summons", "2026-11-27", now, take_over=False) is None


def working_days_after(today: date, count: int) -> tuple[date, ...]:
    """The next `count` weekdays after today (no holiday file is configured)."""
    days: list[date] = []
    day = today
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return tuple(days)


def closed_window(clock: Clock) -> dict[str, str]:
    """A one-hour sending window that opens two hours from now (so a round stays pending)."""
    start = (clock.now().astimezone(ZoneInfo("Asia/Jakarta")).hour + 2) % 24
    return {"send_window_start": f"{start:02d}:00", "send_window_end": f"{start + 1:02d}:00"}


def callback_data(message: dict[str, Any]) -> list[str]:
    """The callback data of a sent message's inline keyboard."""
    rows_ = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [key["callback_data"] for row in rows_ for key in row if "callback_data" in key]


async def sent_matching(
    fake: FakeBotApi, chat: int, match: Callable[[dict[str, Any]], bool], timeout: float = 20
) -> dict[str, Any]:
    """The first message sent to `chat` that matches (polls the fake)."""
    async with asyncio.timeout(timeout):
        while not (found := [m for m in fake.sent(chat) if match(m)]):
            await asyncio.sleep(0.05)
    return found[0]


def with_button(prefix: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: any(data.startswith(prefix) for data in callback_data(m))


def with_text(needle: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: needle in m.get("text", "")


@pytest.mark.skipif(PG_BIN is None, reason="PostgreSQL not installed")
@pytest.mark.parametrize("engine", ["pg"], indirect=True)
async def test_three_workers_status_order_scheduled_and_kit_sync_happen_once(
    tmp_path: Path, fake: FakeBotApi, engine: str
) -> None:
    """The end-to-end story on three `jemput run` processes and one PostgreSQL database."""
    clock = Clock()
    settings = make_settings(
        tmp_path, telegram_bot_token=TOKEN, telegram_api_url=fake.url, send_on_sunday=True,
        staff_chat_id=STAFF_CHAT, admin_user_ids=[ADMIN],
    )  # fmt: skip
    app = await build_app(settings, clock)
    await seed_demo(app.db, clock.today(), clock.now(), everyone=False)
    showcase = {r.status.value: r for r in showcase_residents(clock.today())}
    prr, budi = showcase["PRR"], showcase["BELUM_REKAM"]
    await add_team(app)
    order = await saved_order(app, days=working_days_after(clock.today(), 3))
    # Budi's summons is planned for a window that opens later: pending while the workers run.
    await link_chat(app, "3001", budi.nik)
    await outreach_for(app, summons_interval_days=0, **closed_window(clock)).summons()
    [summons] = await rows(app.db, "kind = 'summons'")
    assert (summons["nik"], summons["state"]) == (budi.nik, "pending")
    kit = tmp_path / "kit.csv"
    kit.write_text(
        f"nik,tanggal_rekam,kit,kode_kunjungan\n{budi.nik},{clock.today() - timedelta(days=1)},"
        "KIT-07,\n",
        encoding="utf-8",
    )
    office = {"STAFF_CHAT_ID": STAFF_CHAT, "ADMIN_USER_IDS": ADMIN}
    procs = [await start_worker(app, fake, tmp_path, **office) for _ in range(3)]
    group, admin, resident, requester = int(STAFF_CHAT), int(ADMIN), 4242, int(order.chat_id)
    try:
        async with asyncio.timeout(30):
            while len(await workers.live(app.db)) < 3:
                await asyncio.sleep(0.05)
        # (1) a resident asks their status: NIK, then KK
        fake.push_message(resident, prr.nik)
        await sent_matching(fake, resident, with_text("Untuk memastikan data ini milik"))
        fake.push_message(resident, prr.no_kk)
        await sent_matching(fake, resident, with_text("Siap cetak (PRR)"))
        # (2) staff schedule the order with the buttons in the staff group
        fake.push_callback(group, f"sj:{order.id}", user_id=admin)
        days = await sent_matching(fake, group, with_button("sjd:"))
        day = next(d for d in callback_data(days) if d.startswith("sjd:"))
        fake.push_callback(group, day, user_id=admin)
        teams_msg = await sent_matching(fake, group, with_button("sjt:"))
        team = next(d for d in callback_data(teams_msg) if d.startswith("sjt:"))
        fake.push_callback(group, team, user_id=admin)
        await sent_matching(fake, group, with_text("dijadwalkan oleh"))
        await sent_matching(fake, requester, with_text("dijadwalkan pada"))
        # (3) the kit sync runs from the command line while the workers run
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "import", "recordings", str(kit),
            "--db", str(settings.database), cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(child.communicate(), 30)
        assert child.returncode == 0, err.decode()
        assert out.decode().startswith("recorded 1 (status changed 1)")
        await asyncio.sleep(2)  # a second answer or notice would come by now
    finally:
        codes = await stop_workers(procs)
        await app.close()
    assert codes == [0, 0, 0]
    answers = Counter(m.get("text", "") for m in fake.sent(resident))
    assert len(answers) == len(fake.sent(resident)) == 4, answers  # NIK: 2, KK: 2; none twice
    notices = [m for m in fake.sent(requester) if "dijadwalkan pada" in m.get("text", "")]
    assert len(notices) == 1
    group_texts = Counter(m.get("text", "") for m in fake.sent(group))
    assert sum(n for text, n in group_texts.items() if "dijadwalkan oleh" in text) == 1
    assert all(n == 1 for n in group_texts.values()), group_texts
    db = await Database.open(str(settings.database))
    try:
        budi_now = await get_resident(db, budi.nik)
        assert budi_now is not None and budi_now.status.value == "SUDAH_REKAM"
        [cancelled] = await rows(db, "kind = 'summons'")
        assert cancelled["state"] == "cancelled"
        visit = await db.fetchone("SELECT status FROM visits WHERE order_id = ?", (order.id,))
        assert visit is not None and visit["status"] == "TERJADWAL"
        assert fake.sent(3001) == []  # the summons never went out
    finally:
        await db.close()
