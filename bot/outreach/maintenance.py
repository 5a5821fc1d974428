"""Housekeeping jobs: the daily backup (BACKUP_DIR, BACKUP_HOUR, BACKUP_KEEP)."""

from __future__ import annotations

import logging

from bot.core.clock import Clock
from bot.outreach.results import JobResult
from bot.settings import Settings
from storage.backup import daily_backup
from storage.db import Database

logger = logging.getLogger(__name__)


async def run_backup(db: Database, settings: Settings, clock: Clock) -> JobResult:
    """Today's online backup (integrity-checked, 0600) and the pruning of old ones."""
    if settings.database_url is not None:  # PostgreSQL: the server's own backups (pg_dump)
        return JobResult.skipped("PostgreSQL: back up with pg_dump (docs/scaling.md)")
    made = await daily_backup(db.path, settings.backup_folder, clock.today(), settings.backup_keep)
    logger.info(
        "Backup %s written (%s pages); %s old backups removed", made.path, made.pages,
        len(made.pruned),
    )  # fmt: skip
    return JobResult.done(pages=made.pages, pruned=len(made.pruned))
