"""Scheduled jobs on APScheduler 3.11's `AsyncIOScheduler` (one per process, built in the wiring).

Job defaults, chosen on purpose:

- ``misfire_grace_time=3600``: APScheduler's default (1 s) silently *skips* a run whenever the
  event loop was busy for over a second (a big import) or the machine slept. An hour late, a
  daily round is still worth running; later than that, the next day's run is the right one.
- ``coalesce=True``: after a long stall, several missed runs of one job collapse into one — the
  jobs are idempotent, so running the backlog would only cost time.
- ``max_instances=1``: a long round is never started again while it still runs.

APScheduler keeps jobs in memory only (its SQLAlchemy store is synchronous and pickles jobs), so
on every start the jobs are re-derived from settings, and the `job_runs` table says whether the
latest scheduled run of each job happened. A run missed while the bot was down is caught up at
once. Each scheduled run first claims its slot (job + local day/hour/week) in `job_runs`: a job
fired twice, or by two processes, runs once. `jemput jobs run NAME` runs a job by hand, any time.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.clock import iso
from bot.core.telemetry import Telemetry
from bot.errors import OperatorError
from bot.outreach.jobs import Outreach
from bot.outreach.results import JobResult
from bot.settings import Settings
from storage import job_runs as sql

if TYPE_CHECKING:  # the scheduler itself loads in `jemput run` only (`jemput jobs` lists)
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

logger = logging.getLogger(__name__)

JOB_DEFAULTS = {"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1}


@dataclass(frozen=True)
class JobSpec:
    """A job: when it runs and how its runs are keyed (one run per slot)."""

    name: str
    trigger: CronTrigger
    period: timedelta  # at most one scheduled run per period
    slot_format: str  # strftime of the local fire time: the slot key
    about: str


def job_specs(settings: Settings) -> list[JobSpec]:
    """Every scheduled job, from settings."""
    tz = ZoneInfo(settings.timezone)
    day, hour, week = timedelta(days=1), timedelta(hours=1), timedelta(weeks=1)
    digest = settings.digest_hour
    return [
        JobSpec("summons", CronTrigger(hour=settings.summons_hour, timezone=tz), day, "%Y-%m-%d",
                "summons round (SUMMONS_HOUR)"),
        JobSpec("triggers", CronTrigger(minute=5, timezone=tz), hour, "%Y-%m-%dT%H",
                "birthday and status-change notices (hourly)"),
        JobSpec("staff_digest", CronTrigger(hour=digest, timezone=tz), day, "%Y-%m-%d",
                "staff daily digest (DIGEST_HOUR)"),
        JobSpec("officials_digest", CronTrigger(day_of_week="mon", hour=digest, minute=10,
                timezone=tz), week, "%G-W%V", "RT/RW officials' weekly digest"),
        JobSpec("visit_reminders", CronTrigger(hour=settings.visit_reminder_hour, timezone=tz),
                day, "%Y-%m-%d", "D-1 visit reminders (VISIT_REMINDER_HOUR)"),
        JobSpec("order_escalation", CronTrigger(day_of_week="mon-fri",
                hour=settings.escalation_hour, timezone=tz), day, "%Y-%m-%d",
                "overdue orders to staff and head of office (ESCALATION_HOUR)"),
        JobSpec("backup", CronTrigger(hour=settings.backup_hour, minute=30, timezone=tz), day,
                "%Y-%m-%d", "daily backup into BACKUP_DIR, kept BACKUP_KEEP days (BACKUP_HOUR)"),
    ]  # fmt: skip


def new_scheduler(settings: Settings) -> AsyncIOScheduler:
    """The process's scheduler (not started: `start()` needs the running loop)."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    return AsyncIOScheduler(timezone=ZoneInfo(settings.timezone), job_defaults=JOB_DEFAULTS)


class JobRunner:
    """Runs jobs by name, once per slot; records each run in `job_runs`."""

    def __init__(self, outreach: Outreach, telemetry: Telemetry | None = None) -> None:
        self.outreach = outreach
        self.telemetry = telemetry or Telemetry()
        self._deps = (outreach.db, outreach.settings, outreach.clock)
        self.specs = {spec.name: spec for spec in job_specs(outreach.settings)}
        self._running: set[asyncio.Task[Any]] = set()
        self._functions: dict[str, Callable[[], Awaitable[JobResult]]] = {
            "summons": outreach.summons,
            "triggers": outreach.triggers,
            "staff_digest": outreach.staff_digest,
            "officials_digest": outreach.officials_digest,
            "visit_reminders": self._visit_reminders,
            "order_escalation": self._order_escalation,
            "backup": self._backup,
        }

    async def _visit_reminders(self) -> JobResult:
        """D-1 visit reminders (the order jobs load when a job runs, not for `jemput jobs`)."""
        from bot.outreach.order_jobs import run_visit_reminders

        return await run_visit_reminders(*self._deps)

    async def _order_escalation(self) -> JobResult:
        """Overdue orders to the staff and the head of office."""
        from bot.outreach.order_jobs import run_order_escalation

        return await run_order_escalation(*self._deps)

    async def _backup(self) -> JobResult:
        """The daily backup."""
        from bot.outreach.maintenance import run_backup

        return await run_backup(*self._deps)

    def spec(self, name: str) -> JobSpec:
        """The job called `name`; OperatorError listing the known ones otherwise."""
        if name not in self.specs:
            raise OperatorError("cli_job_unknown", name=name, jobs=", ".join(self.specs))
        return self.specs[name]

    def previous_fire(self, name: str, now: datetime) -> datetime | None:
        """The latest scheduled fire time at or before `now`."""
        spec = self.spec(name)
        fire: datetime | None = spec.trigger.get_next_fire_time(None, now - spec.period)
        return fire if fire is not None and fire <= now else None

    def slot(self, name: str, fire: datetime) -> str:
        """The slot key of a fire time."""
        spec = self.spec(name)
        return fire.astimezone(spec.trigger.timezone).strftime(spec.slot_format)

    async def run_scheduled(
        self, name: str, slot: str | None = None, catch_up: bool = False
    ) -> None:
        """APScheduler's entry point: run unless this slot already ran (or is running)."""
        now = self.outreach.clock.now()
        slot = slot or self.slot(name, now)
        run_id = await sql.claim_job_run(self.outreach.db, name, slot, now, take_over=catch_up)
        if run_id is None:
            logger.info("Job %s already ran for %s; skipped", name, slot)
            return
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await self._execute(name, run_id)
        finally:
            self._running.discard(task)

    async def drain(self, timeout: float) -> None:
        """Let running jobs finish (at stop, before the database closes); the rest are cut
        short and caught up on the next start."""
        if self._running:
            logger.info("Waiting up to %.0f s for %d running jobs", timeout, len(self._running))
            await asyncio.wait(set(self._running), timeout=timeout)

    async def run_now(self, name: str) -> JobResult:
        """Run a job by hand (`jemput jobs run NAME`), whatever the schedule says."""
        self.spec(name)
        now = self.outreach.clock.now()
        slot = f"manual:{iso(now)}:{secrets.token_hex(3)}"
        run_id = await sql.claim_job_run(self.outreach.db, name, slot, now, take_over=False)
        assert run_id is not None  # a fresh slot never collides
        return await self._execute(name, run_id)

    async def _execute(self, name: str, run_id: int) -> JobResult:
        db, clock = self.outreach.db, self.outreach.clock
        logger.info("Job %s started", name)
        started = time.monotonic()
        try:
            result = await self._functions[name]()
        except Exception as exc:  # the job's boundary: record it, keep the scheduler running
            logger.exception("Job %s failed", name)
            result = JobResult.failed(f"{type(exc).__name__}: {exc}")
            await sql.finish_job_run(db, run_id, clock.now(), result.record(), result.reason)
        else:
            await sql.finish_job_run(db, run_id, clock.now(), result.record())
            logger.info("Job %s finished: %s", name, result.record())
        self.telemetry.job_finished(name, result.outcome.value, time.monotonic() - started)
        return result

    async def install(self, scheduler: AsyncIOScheduler) -> list[str]:
        """Add every job; catch up those whose latest scheduled run did not finish.

        Returns the names caught up."""
        now = self.outreach.clock.now()
        caught_up: list[str] = []
        for spec in self.specs.values():
            scheduler.add_job(
                self.run_scheduled,
                spec.trigger,
                args=[spec.name],
                id=spec.name,
                name=spec.about,
                replace_existing=True,
            )
            fire = self.previous_fire(spec.name, now)
            if fire is None:
                continue
            slot = self.slot(spec.name, fire)
            if await sql.finished_run(self.outreach.db, spec.name, slot):
                continue
            scheduler.add_job(
                self.run_scheduled,
                "date",
                args=[spec.name, slot, True],
                id=f"{spec.name}:catch-up",
                name=f"{spec.about}, catch-up for {slot}",
                replace_existing=True,
            )
            caught_up.append(spec.name)
        if caught_up:
            logger.info("Catching up missed jobs: %s", ", ".join(caught_up))
        return caught_up


@dataclass
class JobInfo:
    """A line of `jemput jobs`."""

    name: str
    about: str
    next_run: datetime | None
    last: sql.JobRun | None


async def describe_jobs(runner: JobRunner) -> list[JobInfo]:
    """Every job with its next run (from its trigger) and its last recorded run."""
    now = runner.outreach.clock.now()
    last = await sql.last_runs(runner.outreach.db)
    return [
        JobInfo(spec.name, spec.about, spec.trigger.get_next_fire_time(None, now), last.get(name))
        for name, spec in runner.specs.items()
    ]
