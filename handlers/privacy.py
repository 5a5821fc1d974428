"""/hapus: a resident removes this chat's links and conversation history (after a button).

The registry data (data wajib KTP, statuses) is the office's and stays; see `storage.privacy`
for exactly what goes. Only in private chats: in a group it would erase the group's history.
"""

from __future__ import annotations

import logging

from bot.core.messages import Reply, Verb
from handlers.context import Context
from handlers.router import Router
from handlers.states import State
from storage import privacy

logger = logging.getLogger(__name__)


async def ask(ctx: Context, arg: str) -> list[Reply]:
    """Explain what goes and ask for confirmation."""
    if ctx.inbound.is_group:
        return [ctx.reply("privacy_group")]
    await ctx.clear_state()
    links = await privacy.link_count(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    buttons = [
        ctx.button("btn_privacy_yes", Verb.ERASE, "ya"),
        ctx.button("btn_privacy_no", Verb.ERASE, "batal"),
    ]
    return [ctx.reply("privacy_confirm", buttons, links=links)]


async def confirm(ctx: Context, arg: str) -> list[Reply]:
    """The button: erase on 'ya', else nothing."""
    if arg != "ya" or ctx.inbound.is_group:
        return [ctx.reply("privacy_kept")]
    chat = ctx.chat
    erased = await privacy.erase_chat(ctx.db, chat.channel, chat.chat_id, ctx.clock.now())
    chat.state, chat.state_data, chat.phone = State.IDLE.value, {}, ""
    logger.info("Chat %s:%s erased its data: %s", chat.channel, chat.chat_id, erased.counts)
    return [ctx.reply("privacy_done", remove_keyboard=True)]


def register(router: Router) -> None:
    """Add /hapus (aliases /hapus_data, /delete_my_data) and its buttons."""
    router.command("hapus", "hapus_data", "delete_my_data", handler=ask)
    router.button(Verb.ERASE, confirm)
