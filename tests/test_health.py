"""/healthz and /metrics in every mode: `jemput run` with Telegram polling, and the routes."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import App
from bot.channels.webserver import WebDeps, build_web_app
from bot.core.telemetry import Telemetry
from bot.outreach.scheduler import JobRunner
from storage.db import Database
from storage.residents import Resident
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.server import free_port
from tests.outreach_support import link_chat, outreach_for

pytestmark = pytest.mark.engines


async def health(http: httpx.AsyncClient) -> tuple[int, dict[str, Any]]:
    response = await http.get("/healthz")
    return response.status_code, dict(response.json())


async def wait_for(http: httpx.AsyncClient, status: int, seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            code, body = await health(http)
            if code == status:
                return body
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"/healthz never answered {status}")


async def wait_for_metric(http: httpx.AsyncClient, line: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = (await http.get("/metrics")).text
        if line in text:
            return text
        await asyncio.sleep(0.2)
    raise AssertionError(f"/metrics never showed {line}")


async def test_polling_mode_serves_health_and_turns_503_when_polling_stops(
    tmp_path: Path,
) -> None:
    """`jemput run` with Telegram long polling only: the web server runs anyway."""
    bot_api = await FakeBotApi("123:TEST").start()
    port, db = free_port(), tmp_path / "data" / "run.sqlite3"
    env = {
        "PATH": "", "HOME": str(tmp_path), "DATABASE_PATH": "data/run.sqlite3",
        "TELEGRAM_BOT_TOKEN": "123:TEST", "TELEGRAM_API_URL": bot_api.url,
        "TELEGRAM_POLL_TIMEOUT": "1", "HEALTH_POLL_STALE_S": "2", "PORT": str(port),
    }  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            body = await wait_for(http, 200, 30)
            assert body["channels"]["telegram"]["mode"] == "polling"
            assert body["outbox"]["pending"] == 0 and body["database"] == f"sqlite:{db}"
            metrics = await wait_for_metric(
                http, 'jemput_job_runs_total{job="backup",outcome="done"} 1.0', 20
            )  # the day's backup, caught up on start
            assert 'jemput_channel_last_ok_seconds{channel="telegram",mode="polling"}' in metrics
            assert (db.parent / "backups").is_dir()
            await bot_api.stop()  # Telegram unreachable: polls fail from now on
            failing = await wait_for(http, 503, 15)
            assert failing["problems"] == ["telegram has not polled"]
            assert failing["channels"]["telegram"]["ok"] is False
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
        await bot_api.stop()
    log = stderr.decode()
    assert proc.returncode == 0, log[-2000:]
    first = log.splitlines()[0]
    assert f"database sqlite:{db};" in first and "telegram (polling)" in first
    assert db.stat().st_mode & 0o777 == 0o600 and db.parent.stat().st_mode & 0o777 == 0o700


async def test_healthz_reports_queues_jobs_and_a_dead_database(
    app: App, residents: dict[str, Resident]
) -> None:
    await link_chat(app, "1", residents["BELUM_REKAM"].nik)
    await outreach_for(app, summons_interval_days=0).summons()
    telemetry = Telemetry()
    runner = JobRunner(outreach_for(app), telemetry)
    await runner.run_now("triggers")
    deps = WebDeps(settings=app.settings, db=app.db, clock=app.clock, telemetry=telemetry)
    transport = httpx.ASGITransport(app=build_web_app(deps))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        code, body = await health(http)
        assert code == 200 and body["problems"] == []
        assert body["jobs"]["triggers"]["result"] == "done: notices=0"
        assert body["outbox"]["dead"] == 0 and set(body["inbox"]) <= {"telegram", "whatsapp"}
        await app.db.close()
        code, body = await health(http)
        assert code == 503 and body["db"] is False
        closed = "PoolClosed" if app.settings.database_url else "ValueError"
        assert body["problems"] == [f"database: {closed}"]
    app.db = await Database.open(app.settings.database)  # the fixture closes it again


async def test_metrics_count_sends_failures_429s_backlog_and_job_durations(app: App) -> None:
    telemetry = Telemetry()
    telemetry.sent("telegram", "summons")
    telemetry.sent("telegram", "summons")
    telemetry.failed("whatsapp", "notice", "dead")
    telemetry.rate_limited("telegram")
    telemetry.job_finished("summons", "done", 0.3)
    deps = WebDeps(settings=app.settings, db=app.db, clock=app.clock, telemetry=telemetry)
    transport = httpx.ASGITransport(app=build_web_app(deps))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/")
    text = response.text
    for line in (
        'jemput_messages_sent_total{channel="telegram",kind="summons"} 2.0',
        'jemput_messages_failed_total{channel="whatsapp",kind="notice",reason="dead"} 1.0',
        'jemput_rate_limited_total{channel="telegram"} 1.0',
        'jemput_job_duration_seconds_bucket{job="summons",le="0.5"} 1.0',
        'jemput_job_duration_seconds_count{job="summons"} 1.0',
        'jemput_job_runs_total{job="summons",outcome="done"} 1.0',
        "jemput_outbox_due 0.0",
    ):
        assert line in text, line


def test_stale_channels_only_count_polling_ones() -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    telemetry = Telemetry()
    telemetry.watch("telegram", "polling", start)
    telemetry.watch("whatsapp", "webhook", start)
    later = start + timedelta(minutes=3)
    assert telemetry.stale_channels(later, 120) == ["telegram"]
    telemetry.polled("telegram", later - timedelta(seconds=30))
    assert telemetry.stale_channels(later, 120) == []
