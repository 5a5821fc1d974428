"""Opt-out and the staff outbox view.

`/berhenti` (also `/stop`, or just "STOP" / "BERHENTI") stops summons and reminders for the
chat — direct answers keep working — and `/mulai` resumes them; both are confirmed. `/outbox`
shows staff the queue (`/outbox ulang` or `/outbox retry` queues the dead letters again); to
anyone else it does not exist.
"""

from __future__ import annotations

import logging

from bot.core.messages import Reply
from bot.outreach.jobs import outbox_report_text
from handlers.access import is_staff
from handlers.context import Context
from handlers.router import Router
from storage import outbox, outreach

logger = logging.getLogger(__name__)

RETRY_WORDS = ("retry", "ulang")


async def stop(ctx: Context, arg: str) -> list[Reply]:
    """Opt out of business-initiated messages."""
    if ctx.chat.opted_out:
        return [ctx.reply("optout_already")]
    chat = ctx.chat
    cancelled = await outreach.set_opted_out(
        ctx.db, chat.channel, chat.chat_id, True, ctx.clock.now()
    )
    chat.opted_out = True
    logger.info("Chat %s:%s opted out; %d pending cancelled", chat.channel, chat.chat_id, cancelled)
    return [ctx.reply("optout_done")]


async def resume(ctx: Context, arg: str) -> list[Reply]:
    """Opt back in."""
    if not ctx.chat.opted_out:
        return [ctx.reply("optin_already")]
    chat = ctx.chat
    await outreach.set_opted_out(ctx.db, chat.channel, chat.chat_id, False, ctx.clock.now())
    chat.opted_out = False
    logger.info("Chat %s:%s opted in again", chat.channel, chat.chat_id)
    return [ctx.reply("optin_done")]


async def outbox_view(ctx: Context, arg: str) -> list[Reply]:
    """Staff: the outbox report, or retry the dead letters."""
    if not await is_staff(ctx):
        return [ctx.reply("not_understood")]
    if arg.strip().lower() in RETRY_WORDS:
        count = await outbox.retry_dead(ctx.db, ctx.clock.now())
        logger.info("Staff %s retried %d dead letters", ctx.inbound.user_id, count)
        return [ctx.reply("outbox_retried", count=count)]
    return [Reply(text=await outbox_report_text(ctx.db, ctx.clock, ctx.lang))]


def register(router: Router) -> None:
    """Add this module's commands ("STOP" and "BERHENTI" work as bare words too)."""
    router.command("berhenti", "stop", "unsubscribe", handler=stop)
    router.command("mulai", "subscribe", handler=resume)
    router.command("outbox", handler=outbox_view)
