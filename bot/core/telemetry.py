"""What `/healthz` and `/metrics` report about this process: plain counters and heartbeats.

Channels, dispatchers and the scheduler call the small hooks here (`polled`, `received`,
`sent`, `failed`, `rate_limited`, `job_finished`); the web server turns them into JSON and the
Prometheus text format. No metrics library is imported here, so every layer may report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

#: Prometheus-style histogram buckets for job durations, in seconds.
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)


@dataclass
class ChannelBeat:
    """The last successful contact with a platform (a poll or an accepted webhook)."""

    mode: str  # 'polling' | 'webhook'
    started: datetime
    last_ok: datetime | None = None


@dataclass
class JobTimes:
    """Durations of one job's runs: count, sum and cumulative bucket counts."""

    count: int = 0
    total: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(JOB_BUCKETS))

    def observe(self, seconds: float) -> None:
        """Count one run."""
        self.count += 1
        self.total += seconds
        for i, bound in enumerate(JOB_BUCKETS):
            if seconds <= bound:
                self.buckets[i] += 1


@dataclass
class Telemetry:
    """One per process (built by the wiring); every method is cheap and never raises."""

    channels: dict[str, ChannelBeat] = field(default_factory=dict)
    sent_count: Counter[tuple[str, str]] = field(default_factory=Counter)
    failed_count: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    limited_count: Counter[str] = field(default_factory=Counter)
    jobs: dict[str, JobTimes] = field(default_factory=dict)
    job_outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)

    def watch(self, channel: str, mode: str, now: datetime) -> None:
        """Start watching a channel: polling ones must poll, webhook ones just report."""
        self.channels[channel] = ChannelBeat(mode, now)

    def polled(self, channel: str, now: datetime) -> None:
        """A poll of the platform succeeded (also an empty one)."""
        self._beat(channel, "polling", now)

    def received(self, channel: str, now: datetime) -> None:
        """A webhook was accepted and stored."""
        self._beat(channel, "webhook", now)

    def _beat(self, channel: str, mode: str, now: datetime) -> None:
        beat = self.channels.setdefault(channel, ChannelBeat(mode, now))
        beat.last_ok = now

    def sent(self, channel: str, kind: str) -> None:
        """A message left (kind: summons, reminder, notice, staff, reply …)."""
        self.sent_count[(channel, kind)] += 1

    def failed(self, channel: str, kind: str, reason: str) -> None:
        """A message did not leave (reason: unreachable, dead, retry)."""
        self.failed_count[(channel, kind, reason)] += 1

    def rate_limited(self, channel: str) -> None:
        """The platform answered 429 (or its own rate-limit error)."""
        self.limited_count[channel] += 1

    def job_finished(self, name: str, outcome: str, seconds: float) -> None:
        """A job ran for `seconds` and ended with `outcome`."""
        self.jobs.setdefault(name, JobTimes()).observe(seconds)
        self.job_outcomes[(name, outcome)] += 1

    def stale_channels(self, now: datetime, limit_s: float) -> list[str]:
        """Polling channels without a successful poll for `limit_s` seconds."""
        return [
            name
            for name, beat in self.channels.items()
            if beat.mode == "polling"
            and (now - (beat.last_ok or beat.started)).total_seconds() > limit_s
        ]


#: For code paths that run without the wiring (tests, one-off commands).
def no_telemetry() -> Telemetry:
    """A throw-away Telemetry."""
    return Telemetry()
