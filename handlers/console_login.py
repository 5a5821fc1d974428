"""/konsol: a staff member asks for a login link to the web console (private chat only).

Staff get a single-use link valid CONSOLE_LINK_MINUTES; anyone else gets a polite refusal and no
link (and nothing is stored). In a group the link would be seen by everyone: the bot asks for a
private chat instead.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.messages import Reply
from bot.core.tokens import new_token, token_hash
from handlers.access import staff
from handlers.context import Context
from handlers.router import Router
from storage import console

LOGIN_PATH = "/masuk?t="


async def console_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/konsol: a one-time link to the staff console."""
    who = await staff(ctx)
    if who is None:
        return [ctx.reply("console_refused")]
    if ctx.inbound.is_group:
        return [ctx.reply("console_private_only")]
    token, minutes = new_token(), ctx.settings.console_link_minutes
    await console.add_link(
        ctx.db, token_hash(token), who.user_id, ctx.lang, ctx.clock.now(),
        timedelta(minutes=minutes),
    )  # fmt: skip
    link = f"{ctx.settings.console_base}{LOGIN_PATH}{token}"
    return [ctx.reply("console_link", link=link, minutes=minutes)]


def register(router: Router) -> None:
    """Add /konsol (alias /console)."""
    router.command("konsol", "console", handler=console_cmd)
