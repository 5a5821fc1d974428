"""/laporan (alias /report): staff get the progress chart as a PNG document and a short text."""

from __future__ import annotations

import logging

from bot.core.messages import Reply
from bot.reports.progress import laporan
from handlers.access import actor, is_staff
from handlers.context import Context
from handlers.router import Router
from storage import audit

logger = logging.getLogger(__name__)


async def report(ctx: Context, arg: str) -> list[Reply]:
    """The progress report (staff only; audited)."""
    if not await is_staff(ctx):
        return [ctx.reply("field_staff_only")]
    reply = await laporan(ctx.db, ctx.settings, ctx.clock, ctx.lang)
    await audit.record(
        ctx.db, ctx.clock.now(), actor(ctx), "report.view", {"chat": ctx.chat.chat_id}
    )
    logger.info("Progress report for %s in chat %s", actor(ctx), ctx.chat.chat_id)
    return [reply]


def register(router: Router) -> None:
    """Add this module's commands."""
    router.command("laporan", "report", handler=report)
