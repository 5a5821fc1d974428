"""Several `jemput run` workers on one PostgreSQL database: real processes, the fake Bot API,
one of them killed with SIGKILL while it sends."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.cli.main import main
from bot.core.clock import Clock
from bot.errors import StorageError
from storage import workers
from storage.db import Database
from storage.residents import add_residents
from tests.conftest import PG_BIN, make_settings
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.server import free_port
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


async def start_worker(app: App, fake: FakeBotApi, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=worker_env(app, fake), cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


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
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(p.wait(), 15) for p in procs]
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
