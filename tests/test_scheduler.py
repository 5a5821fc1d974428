"""Scheduled jobs: defaults, catch-up on start, one run per slot, manual runs, the CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.cli.jobs import JOB_NAMES
from bot.cli.main import main
from bot.errors import OperatorError
from bot.i18n import t
from bot.outreach.results import JobResult
from bot.outreach.scheduler import JobRunner, describe_jobs, new_scheduler
from storage.db import Database
from storage.residents import Resident
from tests.conftest import FrozenClock
from tests.outreach_support import link_chat, outreach_for, rows

pytestmark = pytest.mark.engines


def runner(app: App, **settings: object) -> JobRunner:
    return JobRunner(outreach_for(app, **settings))


async def job_runs(app: App) -> list[tuple[str, str, bool]]:
    found = await app.db.fetchall("SELECT name, slot, finished_at FROM job_runs ORDER BY id")
    return [(r[0], r[1], r[2] is not None) for r in found]


async def test_jobs_get_the_deliberate_defaults(app: App) -> None:
    scheduler = new_scheduler(app.settings)
    await runner(app, summons_hour=23).install(scheduler)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job("summons")
        assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (3600, True, 1)
        assert {j.id for j in scheduler.get_jobs()} >= {
            "summons",
            "triggers",
            "staff_digest",
            "officials_digest",
        }
    finally:
        scheduler.shutdown(wait=False)


async def test_missed_run_of_today_is_caught_up_on_start(app: App) -> None:
    scheduler = new_scheduler(app.settings)
    jobs = runner(app, summons_hour=9)  # the clock says 10:00 WIB: 09:00 was missed
    assert "summons" in await jobs.install(scheduler)
    assert scheduler.get_job("summons:catch-up") is not None
    await jobs.run_scheduled("summons", "2026-11-28", True)
    again = new_scheduler(app.settings)
    assert "summons" not in await runner(app, summons_hour=9).install(again)
    later = runner(app, summons_hour=11)  # the latest scheduled run was yesterday's
    assert later.slot("summons", later.previous_fire("summons", app.clock.now())) == "2026-11-27"


async def test_a_slot_runs_once_even_when_fired_twice_or_concurrently(
    app: App, residents: dict[str, Resident]
) -> None:
    await link_chat(app, "1", residents["BELUM_REKAM"].nik)
    jobs = runner(app, summons_interval_days=0)
    await asyncio.gather(*(jobs.run_scheduled("summons") for _ in range(3)))
    await jobs.run_scheduled("summons")
    assert await job_runs(app) == [("summons", "2026-11-28", True)]
    assert len(await rows(app.db)) == 1


async def test_unfinished_slot_is_taken_over_on_catch_up(
    app: App, residents: dict[str, Resident]
) -> None:
    await link_chat(app, "1", residents["BELUM_REKAM"].nik)
    async with app.db.write() as conn:  # a run that died half-way
        await conn.execute(
            "INSERT INTO job_runs (name, slot, started_at) VALUES ('summons', '2026-11-28', 'x')"
        )
    jobs = runner(app)
    await jobs.run_scheduled("summons")
    assert len(await rows(app.db)) == 0
    await jobs.run_scheduled("summons", "2026-11-28", True)
    assert await job_runs(app) == [("summons", "2026-11-28", True)]
    assert len(await rows(app.db)) == 1


async def test_manual_runs_always_run_and_failures_are_recorded(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = runner(app)
    assert (await jobs.run_now("triggers")) == JobResult.done(notices=0)

    async def broken(*args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("storage.outreach.fire_triggers", broken)
    assert await jobs.run_now("triggers") == JobResult.failed("RuntimeError: disk on fire")
    last = await app.db.fetchone("SELECT error FROM job_runs ORDER BY id DESC LIMIT 1")
    assert last is not None and last[0] == "RuntimeError: disk on fire"


async def test_describe_jobs_next_runs(app: App) -> None:
    jobs = runner(app, summons_hour=9, digest_hour=7)
    await jobs.run_now("summons")
    info = {j.name: j for j in await describe_jobs(jobs)}
    assert info["summons"].next_run == datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
    assert info["triggers"].next_run == datetime(2026, 11, 28, 3, 5, tzinfo=UTC)
    assert info["officials_digest"].next_run == datetime(2026, 11, 30, 0, 10, tzinfo=UTC)
    last = info["summons"].last
    assert last is not None and last.slot.startswith("manual:") and last.finished_at


def test_unknown_job_is_an_operator_error(app: App) -> None:
    with pytest.raises(OperatorError) as raised:
        runner(app).spec("nope")
    assert raised.value.key == "cli_job_unknown" and raised.value.values["name"] == "nope"


def test_cli_jobs_outbox_and_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "cli.sqlite3")
    assert main(["jobs", "--db", db]) == 2  # no database there: refused, not created
    assert not Path(db).exists()
    asyncio.run(_create(Path(db)))
    assert main(["jobs", "--db", db]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in JOB_NAMES) and t("id", "cli_job_never") in out
    assert main(["jobs", "run", "summons", "--db", db]) == 0
    done = t(
        "id",
        "cli_job_done",
        name="summons",
        counts=", ".join([t("id", "cli_count_summons", n=0), t("id", "cli_count_cancelled", n=0)]),
    )
    assert capsys.readouterr().out.strip() == done
    with pytest.raises(SystemExit) as usage:
        main(["jobs", "run", "nope", "--db", db])
    assert usage.value.code == 2
    assert main(["outbox", "--retry-dead", "--db", db, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert t("en", "cli_dead_requeued", count=0) in out and t("en", "outbox_title") in out


async def _create(path: Path) -> None:
    await (await Database.open(path)).close()


def test_every_job_is_listed_for_the_cli(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    assert tuple(runner(app).specs) == JOB_NAMES
    with pytest.raises(SystemExit):
        main(["jobs", "run", "--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in JOB_NAMES), out


async def test_a_failing_job_exits_1_with_one_line(
    app: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def broken(*args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("storage.outreach.fire_triggers", broken)
    code = await asyncio.to_thread(
        main, ["jobs", "run", "triggers", "--db", str(app.settings.database)]
    )
    assert code == 1
    line = t("id", "cli_job_failed", name="triggers", reason="RuntimeError: disk on fire")
    assert capsys.readouterr().out.strip() == line


def test_frozen_clock_is_saturday_10_wib(clock: FrozenClock) -> None:
    assert clock.local_now().strftime("%a %H:%M") == "Sat 10:00"
