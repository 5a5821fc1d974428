"""What a job returns: an outcome and named counts, not prose.

`jemput jobs run NAME` prints it in the CLI's language and takes its exit code from the
outcome; `job_runs.result` keeps `record()`, a stable English line for operators and logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    """How a run ended."""

    DONE = "done"
    SKIPPED = "skipped"  # nothing to do by design (no staff chat, not a working day …)
    FAILED = "failed"


@dataclass(frozen=True)
class JobResult:
    """Outcome, counts by name (e.g. summons=12, cancelled=3) and, unless done, a reason key."""

    outcome: Outcome
    counts: dict[str, int] = field(default_factory=dict)
    reason: str = ""

    @classmethod
    def done(cls, **counts: int) -> JobResult:
        """A run that did its work."""
        return cls(Outcome.DONE, dict(counts))

    @classmethod
    def skipped(cls, reason: str) -> JobResult:
        """A run with nothing to do; `reason` is a short key (no_staff_chat …)."""
        return cls(Outcome.SKIPPED, {}, reason)

    @classmethod
    def failed(cls, reason: str) -> JobResult:
        """A run that raised; `reason` is the error, for the operator."""
        return cls(Outcome.FAILED, {}, reason)

    @property
    def exit_code(self) -> int:
        """0 unless the run failed."""
        return 1 if self.outcome is Outcome.FAILED else 0

    def record(self) -> str:
        """'done: summons=2, cancelled=0' / 'skipped: no_staff_chat' (stored in job_runs)."""
        if self.outcome is Outcome.DONE:
            counts = ", ".join(f"{name}={value}" for name, value in self.counts.items())
            return f"done: {counts}" if counts else "done"
        return f"{self.outcome.value}: {self.reason}"

    def __str__(self) -> str:
        return self.record()
