"""Greeting, menu, help, language and cancel: the conversations every chat starts with."""

from __future__ import annotations

from bot.core.messages import Button, Reply, Verb, payload
from bot.i18n import LANGUAGES, t
from handlers.access import is_staff
from handlers.context import Context
from handlers.router import Router
from storage import chats

#: Deep-link payloads (`/start <payload>`) other features handle, e.g. 'order-1971011004'.
START_PAYLOADS: dict[str, str] = {}


def menu(ctx: Context) -> list[Button]:
    """The main menu buttons."""
    return [
        ctx.button("btn_status", Verb.MENU, "status"),
        ctx.button("btn_help", Verb.MENU, "help"),
        ctx.button("btn_language", Verb.MENU, "lang"),
    ]


async def start(ctx: Context, arg: str) -> list[Reply]:
    """Greet and show the menu."""
    await ctx.clear_state()
    return [ctx.reply("welcome", menu(ctx), office=ctx.settings.office_name)]


async def help_(ctx: Context, arg: str) -> list[Reply]:
    """Explain the commands and the office's address, hours and requirements."""
    s = ctx.settings
    english = ctx.lang == "en"
    phone = ctx.t("help_phone", phone=s.office_phone) if s.office_phone else ""
    text = ctx.t(
        "help",
        office=s.office_name,
        address=s.office_address,
        hours=s.office_hours_en if english else s.office_hours,
        requirements=s.office_requirements_en if english else s.office_requirements,
        phone=phone,
    )
    if await is_staff(ctx):
        text += ctx.t("help_staff")
    return [Reply(text=text, buttons=menu(ctx))]


async def language(ctx: Context, arg: str) -> list[Reply]:
    """Offer the languages, or switch at once with '/bahasa en'."""
    if arg.lower() in LANGUAGES:
        return await set_language(ctx, arg.lower())
    buttons = [
        Button(title="Bahasa Indonesia", payload=payload(Verb.LANGUAGE, "id")),
        Button(title="English", payload=payload(Verb.LANGUAGE, "en")),
    ]
    return [ctx.reply("choose_language", buttons)]


async def set_language(ctx: Context, arg: str) -> list[Reply]:
    """Switch the chat's language (button 'lang:id' / 'lang:en')."""
    if arg not in LANGUAGES:
        return [ctx.reply("stale_button")]
    await chats.set_language(ctx.db, ctx.chat.channel, ctx.chat.chat_id, arg, ctx.clock.now())
    ctx.chat.language = arg
    return [Reply(text=t(arg, "language_set"), buttons=menu(ctx))]


async def cancel(ctx: Context, arg: str) -> list[Reply]:
    """Leave whatever flow the chat is in."""
    if not ctx.chat.state:
        return [ctx.reply("nothing_to_cancel", remove_keyboard=True)]
    await ctx.clear_state()
    return [ctx.reply("cancelled", remove_keyboard=True)]


def register(router: Router) -> None:
    """Add this module's commands and buttons."""

    async def start_or_link(ctx: Context, arg: str) -> list[Reply]:
        """'/start order-1971011006' runs the command START_PAYLOADS names for 'order'."""
        prefix, _, rest = arg.partition("-")
        handler = router.commands.get(START_PAYLOADS.get(prefix, ""))
        return await handler(ctx, rest) if handler and prefix else await start(ctx, arg)

    router.command("start", "menu", "mulai_menu", handler=start_or_link)
    router.command("bantuan", "help", "tolong", handler=help_)
    router.command("bahasa", "language", "lang", handler=language)
    router.command("batal", "cancel", handler=cancel)

    async def menu_button(ctx: Context, arg: str) -> list[Reply]:
        """A main-menu button runs the command it names ('menu:status' → /status)."""
        handler = router.commands.get(arg)
        return await handler(ctx, "") if handler else [ctx.reply("stale_button")]

    router.button(Verb.MENU, menu_button)
    router.button(Verb.LANGUAGE, set_language)
    router.button(Verb.CANCEL, cancel)
