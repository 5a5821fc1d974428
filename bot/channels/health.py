"""`GET /healthz` (JSON, 200 or 503) and `GET /metrics` (Prometheus text) for `jemput run`.

/healthz answers 503 when the database does not answer, a background task died, or a polling
channel has had no successful poll for HEALTH_POLL_STALE_S seconds (2 minutes by default); it
also shows, for the operator, the last successful poll or webhook of each channel, the inbox
backlog and lag, the outbox backlog and its oldest pending row, dead letters and the last run
of each job. Times are in the office time zone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.core.clock import Clock, from_iso
from bot.core.telemetry import JOB_BUCKETS, Telemetry
from bot.settings import Settings
from storage import health, job_runs
from storage.db import Database, db_errors
from storage.location import database_label

logger = logging.getLogger(__name__)


def health_errors() -> tuple[type[Exception], ...]:
    """What a health check reports instead of failing (the database's errors, bad values)."""
    return (*db_errors(), ValueError)


@dataclass
class Health:
    """What /healthz and /metrics read."""

    settings: Settings
    db: Database
    clock: Clock
    telemetry: Telemetry
    tasks: Callable[[], dict[str, bool]]
    ready: Callable[[], bool] = lambda: True

    def _local(self, stamp: datetime | str | None) -> str | None:
        if stamp is None:
            return None
        try:
            moment = from_iso(stamp) if isinstance(stamp, str) else stamp
        except ValueError:
            return str(stamp)
        return moment.astimezone(self.clock.tz).isoformat(timespec="seconds")

    def _age(self, stamp: str | None, now: datetime) -> float | None:
        try:
            return round((now - from_iso(stamp)).total_seconds(), 1) if stamp else None
        except ValueError:
            return None

    def channels(self, now: datetime) -> dict[str, Any]:
        """Each channel's mode and last successful poll/webhook."""
        stale = set(self.telemetry.stale_channels(now, self.settings.health_poll_stale_s))
        return {
            name: {
                "mode": beat.mode,
                "last_ok": self._local(beat.last_ok),
                "seconds_since": round((now - (beat.last_ok or beat.started)).total_seconds(), 1),
                "ok": name not in stale,
            }
            for name, beat in self.telemetry.channels.items()
        }

    async def queues(self, now: datetime) -> dict[str, Any]:
        """Inbox and outbox figures, and the last run of each job."""
        inbox = await health.inbox_backlog(self.db)
        outbox = await health.outbox_backlog(self.db, now)
        jobs = await job_runs.last_runs(self.db)
        return {
            "inbox": {
                ch: {"pending": b.pending, "lag_s": self._age(b.oldest, now)}
                for ch, b in inbox.items()
            },
            "outbox": {
                "pending": outbox.by_state.get("pending", 0),
                "due": outbox.due,
                "oldest_pending": self._local(outbox.oldest_pending),
                "late_s": self._age(outbox.oldest_due, now),
                "dead": outbox.by_state.get("dead", 0),
            },
            "jobs": {
                name: {
                    "slot": run.slot,
                    "started": self._local(run.started_at),
                    "finished": self._local(run.finished_at),
                    "result": run.error or run.result,
                }
                for name, run in jobs.items()
            },
        }

    async def report(self) -> tuple[dict[str, Any], list[str]]:
        """The /healthz body and its problems (none: healthy)."""
        now = self.clock.now()
        label = database_label(self.settings.database)
        body: dict[str, Any] = {"database": label, "db": False, "tasks": self.tasks()}
        body["channels"] = self.channels(now)
        problems = [] if self.ready() else ["starting"]
        problems += [f"{name} stopped" for name, alive in body["tasks"].items() if not alive]
        problems += [
            f"{name} has not polled" for name, c in body["channels"].items() if not c["ok"]
        ]
        try:
            body["db"] = await self.db.ping()
            body.update(await self.queues(now))
        except health_errors() as exc:
            logger.warning("Health check: database trouble: %s", exc)
            body["db"] = False
            problems.append(f"database: {type(exc).__name__}")
        if not body["db"] and not any(p.startswith("database") for p in problems):
            problems.append("database does not answer")
        body["status"] = "ok" if not problems else "failing"
        body["problems"] = problems
        return body, problems


def healthz_endpoint(source: Health) -> Callable[[Request], Any]:
    """GET /healthz."""

    async def healthz(request: Request) -> Response:
        body, problems = await source.report()
        return JSONResponse(body, status_code=503 if problems else 200)

    return healthz


def metrics_endpoint(source: Health) -> Callable[[Request], Any]:
    """GET /metrics in the Prometheus text format."""

    async def metrics(request: Request) -> Response:
        now = source.clock.now()
        try:
            inbox = await health.inbox_backlog(source.db)
            outbox = await health.outbox_backlog(source.db, now)
        except health_errors() as exc:
            logger.warning("Metrics: database trouble: %s", exc)
            inbox, outbox = {}, None
        registry = CollectorRegistry()
        registry.register(_Snapshot(source.telemetry, inbox, outbox, now))
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return metrics


class _Snapshot:
    """A one-scrape collector: the process's counters plus the queue figures just read."""

    def __init__(
        self,
        telemetry: Telemetry,
        inbox: dict[str, health.InboxBacklog],
        outbox: health.OutboxBacklog | None,
        now: datetime,
    ) -> None:
        self.t, self.inbox, self.outbox, self.now = telemetry, inbox, outbox, now

    def collect(self) -> Iterator[Metric]:
        """Every metric family."""
        yield from self._messages()
        yield from self._queues()
        yield from self._jobs()

    def _messages(self) -> Iterator[Metric]:
        sent = CounterMetricFamily(
            "jemput_messages_sent", "Messages sent", labels=["channel", "kind"]
        )
        for (channel, kind), n in sorted(self.t.sent_count.items()):
            sent.add_metric([channel, kind], n)
        failed = CounterMetricFamily(
            "jemput_messages_failed", "Messages not sent", labels=["channel", "kind", "reason"]
        )
        for (channel, kind, reason), n in sorted(self.t.failed_count.items()):
            failed.add_metric([channel, kind, reason], n)
        limited = CounterMetricFamily(
            "jemput_rate_limited", "429 answers (rate limits)", labels=["channel"]
        )
        for channel, n in sorted(self.t.limited_count.items()):
            limited.add_metric([channel], n)
        polled = GaugeMetricFamily(
            "jemput_channel_last_ok_seconds", "Seconds since the last poll/webhook",
            labels=["channel", "mode"],
        )  # fmt: skip
        for name, beat in sorted(self.t.channels.items()):
            last = beat.last_ok or beat.started
            polled.add_metric([name, beat.mode], (self.now - last).total_seconds())
        yield from (sent, failed, limited, polled)

    def _queues(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily("jemput_outbox_depth", "Outbox rows by state", labels=["state"])
        if self.outbox is not None:
            for state, n in sorted(self.outbox.by_state.items()):
                depth.add_metric([state], n)
            due = GaugeMetricFamily("jemput_outbox_due", "Pending rows whose time has come")
            due.add_metric([], self.outbox.due)
            yield due
        lag = GaugeMetricFamily(
            "jemput_inbox_lag_seconds", "Age of the oldest unhandled update", labels=["channel"]
        )
        pending = GaugeMetricFamily(
            "jemput_inbox_pending", "Updates stored, not handled yet", labels=["channel"]
        )
        for channel, backlog in sorted(self.inbox.items()):
            age = (self.now - from_iso(backlog.oldest)).total_seconds() if backlog.oldest else 0
            lag.add_metric([channel], age)
            pending.add_metric([channel], backlog.pending)
        yield from (depth, lag, pending)

    def _jobs(self) -> Iterator[Metric]:
        durations = HistogramMetricFamily(
            "jemput_job_duration_seconds", "Job run durations", labels=["job"]
        )
        for name, times in sorted(self.t.jobs.items()):
            buckets = [(str(b), n) for b, n in zip(JOB_BUCKETS, times.buckets, strict=True)]
            buckets.append(("+Inf", times.count))
            durations.add_metric([name], buckets, times.total)
        runs = CounterMetricFamily("jemput_job_runs", "Job runs", labels=["job", "outcome"])
        for (name, outcome), n in sorted(self.t.job_outcomes.items()):
            runs.add_metric([name, outcome], n)
        yield from (durations, runs)
