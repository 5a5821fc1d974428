"""Staging and set-based rules shared by the bulk imports (residents, kit sync, SIAK statuses).

The one place for what a bulk import needs from the database engine: the forward-only status
rule as an SQL expression (`stage_of`, `forward_status`) built from `bot.core.status.STAGE`, so
the rule lives once and every import applies it set-based. Engine-specific staging (SQLite temp
tables today, PostgreSQL COPY later) belongs here too.
"""

from __future__ import annotations

from bot.core.status import STAGE


def stage_of(column: str) -> str:
    """SQL: the stage (0 = still to record … 4 = card collected) of a status column."""
    arms = " ".join(f"WHEN '{status.value}' THEN {rank}" for status, rank in STAGE.items())
    return f"(CASE {column} {arms} ELSE 0 END)"


def forward_status(stored: str, new: str) -> str:
    """SQL: `new` unless it is an earlier stage than `stored` (then `stored` stays)."""
    return f"(CASE WHEN {stage_of(new)} < {stage_of(stored)} THEN {stored} ELSE {new} END)"


def moves_back(stored: str, new: str) -> str:
    """SQL condition: `new` is an earlier stage than `stored`."""
    return f"{stage_of(new)} < {stage_of(stored)}"
