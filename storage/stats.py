"""A few facts about the database for `jemput info`."""

from __future__ import annotations

from pydantic import BaseModel

from storage.db import Database


class DatabaseStats(BaseModel):
    """The last migration applied and how many residents are loaded."""

    migration: str
    residents: int


async def database_stats(db: Database) -> DatabaseStats:
    """Read the facts (cheap: one index scan for the count)."""
    last = await db.fetchone("SELECT max(name) FROM schema_migrations")
    residents = await db.fetchone("SELECT count(*) FROM residents")
    return DatabaseStats(
        migration=str(last[0]) if last and last[0] else "-",
        residents=int(residents[0]) if residents else 0,
    )
