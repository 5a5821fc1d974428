"""The audit trail: who did what and when (staff actions, team changes, imports)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from bot.core.clock import iso
from storage.db import Database, Tx


class AuditEntry(BaseModel):
    """One audit_log row; `detail` is JSON without full NIKs."""

    id: int
    at: str
    actor: str
    action: str
    detail: str


async def add(conn: Tx, now: datetime, actor: str, action: str, detail: dict[str, Any]) -> None:
    """Write one row inside the caller's transaction."""
    await conn.execute(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
        (iso(now), actor, action, json.dumps(detail, ensure_ascii=False, sort_keys=True)),
    )


async def record(
    db: Database, now: datetime, actor: str, action: str, detail: dict[str, Any]
) -> None:
    """Write one row in its own transaction."""
    async with db.write() as conn:
        await add(conn, now, actor, action, detail)


async def latest(db: Database, limit: int = 50, action: str | None = None) -> list[AuditEntry]:
    """The newest rows first."""
    where, params = ("WHERE action = ?", [action]) if action else ("", [])
    rows = await db.fetchall(
        f"SELECT id, at, actor, action, detail FROM audit_log {where} ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    return [AuditEntry.model_validate(dict(r)) for r in rows]
