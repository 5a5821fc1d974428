"""Scheduled job runs: one row per job and slot, so a job fired twice runs once and a run
missed (or cut short) while the bot was down is caught up on start."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.core.clock import iso
from storage.db import Database
from storage.workers import wall_now, worker_id


class JobRun(BaseModel):
    """One recorded run of a scheduled job."""

    name: str
    slot: str
    started_at: str
    finished_at: str | None
    result: str
    error: str


async def claim_job_run(
    db: Database, name: str, slot: str, now: datetime, *, take_over: bool
) -> int | None:
    """Claim a job's slot; None when it already ran (or runs). `take_over` re-runs an
    unfinished slot whose worker died (used when catching up on start): never one that another
    live worker is running (`storage.workers`)."""
    conflict = (
        "DO UPDATE SET started_at = excluded.started_at, worker = excluded.worker,"
        " error = 'taken over' WHERE job_runs.finished_at IS NULL AND NOT EXISTS (SELECT 1"
        " FROM workers w WHERE w.id = job_runs.worker AND w.id <> excluded.worker"
        " AND w.expires_at >= ?)"
        if take_over
        else "DO NOTHING"
    )
    params = (name, slot, iso(now), worker_id(), *((iso(wall_now()),) if take_over else ()))
    async with (
        db.write() as conn,
        conn.execute(
            "INSERT INTO job_runs (name, slot, started_at, worker) VALUES (?, ?, ?, ?)"
            f" ON CONFLICT (name, slot) {conflict} RETURNING id",
            params,
        ) as cur,
    ):
        row = await cur.fetchone()
    return int(row[0]) if row else None


async def finish_job_run(
    db: Database, run_id: int, now: datetime, result: str, error: str = ""
) -> None:
    """Record how a run ended."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE job_runs SET finished_at = ?, result = ?, error = ? WHERE id = ?",
            (iso(now), result[:500], error[:500], run_id),
        )


async def finished_run(db: Database, name: str, slot: str) -> bool:
    """True when the job's slot ran to the end."""
    row = await db.fetchone(
        "SELECT 1 FROM job_runs WHERE name = ? AND slot = ? AND finished_at IS NOT NULL",
        (name, slot),
    )
    return row is not None


async def last_runs(db: Database) -> dict[str, JobRun]:
    """The latest run of each job."""
    rows = await db.fetchall(
        "SELECT name, slot, started_at, finished_at, result, error FROM job_runs"
        " WHERE id IN (SELECT max(id) FROM job_runs GROUP BY name)"
    )
    return {r["name"]: JobRun.model_validate(dict(r)) for r in rows}
