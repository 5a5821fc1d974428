"""The conversation core: routes an `Inbound` to a handler and returns its replies.

Commands ('/status', or the bare word 'status'), button payloads ('verb:arg') and the
chat's saved state each map to a handler. Feature modules register their handlers here;
nothing in this package imports a messaging library.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable

from bot.core.clock import Clock
from bot.core.messages import Inbound, Reply, Verb, payload_of
from bot.core.phone import normalize_phone
from bot.core.ports import FileFetcher
from bot.i18n import pick_language, t
from bot.settings import Settings
from handlers.context import Context
from handlers.states import State
from storage import chats
from storage.db import Database

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
CommandHandler = Callable[[Context, str], Awaitable[list[Reply]]]
StateHandler = Callable[[Context], Awaitable[list[Reply]]]
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


class Router:
    """Maps commands, button verbs and states to handlers: the one registry from a `Verb` (or
    a command, or a `State`) to the code that handles it."""

    def __init__(self) -> None:
        self.commands: dict[str, CommandHandler] = {}
        self.buttons: dict[Verb, CommandHandler] = {}
        self.states: dict[State, StateHandler] = {}
        self.fallbacks: list[Callable[[Context], Awaitable[list[Reply] | None]]] = []
        self.document: CommandHandler | None = None

    def command(self, *names: str, handler: CommandHandler) -> None:
        """Register a command under its names and aliases (without the slash)."""
        for name in names:
            self.commands[name.lower()] = handler

    def button(self, verb: Verb, handler: CommandHandler) -> None:
        """Register the handler for button payloads 'verb' or 'verb:arg' (one per verb)."""
        if verb in self.buttons:
            raise ValueError(f"button verb {verb!r} registered twice")
        self.buttons[verb] = handler

    def state(self, state: State, handler: StateHandler) -> None:
        """Register the handler for free text while a chat is in `state`."""
        self.states[state] = handler

    def on_document(self, handler: CommandHandler) -> None:
        """Register the handler for a document sent without a command caption."""
        self.document = handler

    def fallback(self, handler: Callable[[Context], Awaitable[list[Reply] | None]]) -> None:
        """Register a handler tried for idle free text; return None to pass."""
        self.fallbacks.append(handler)


class Conversation:
    """Handles one inbound message end to end; never raises to the channel."""

    def __init__(self, db: Database, settings: Settings, clock: Clock, router: Router) -> None:
        self.db, self.settings, self.clock, self.router = db, settings, clock, router
        #: Per channel, how to download a document a user sent (set by the wiring).
        self.files: dict[str, FileFetcher] = {}

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Replies for one message; an unexpected error becomes a polite apology."""
        try:
            return await self._handle(inbound)
        except Exception:  # the single error boundary: log it, apologise, keep running
            logger.exception("Handler failed for %s chat %s", inbound.channel, inbound.chat_id)
            lang = pick_language(inbound.language_hint, self.settings.default_language)
            try:
                chat = await chats.get_chat(self.db, inbound.channel, inbound.chat_id)
                lang = chat.language if chat else lang
            except Exception:
                logger.exception("Could not read chat language after a failure")
            return [Reply(text=t(lang, "error"))]

    async def _handle(self, inbound: Inbound) -> list[Reply]:
        inbound = inbound.model_copy(update={"text": clean_text(inbound.text)})
        chat = await chats.touch_chat(
            self.db,
            inbound.channel,
            inbound.chat_id,
            user_id=inbound.user_id,
            language=pick_language(inbound.language_hint, self.settings.default_language),
            is_group=inbound.is_group,
            now=self.clock.now(),
            phone=normalize_phone(inbound.phone) if not inbound.is_group else "",
        )
        files = self.files.get(inbound.channel)
        ctx = Context(self.db, self.settings, self.clock, inbound, chat, files)
        return await self._route(ctx)

    async def _route(self, ctx: Context) -> list[Reply]:
        inbound = ctx.inbound
        if inbound.payload:
            verb, arg = payload_of(inbound.payload)
            known = Verb._value2member_map_.get(verb)
            handler = self.router.buttons.get(known) if isinstance(known, Verb) else None
            return await handler(ctx, arg) if handler else [ctx.reply("stale_button")]
        text = inbound.text or ""
        if inbound.document is not None and self.router.document and not text.startswith("/"):
            return await self.router.document(ctx, "")
        command = parse_command(inbound.text or "", self.router.commands)
        if command is not None and inbound.is_group and not (inbound.text or "").startswith("/"):
            command = None  # in groups only '/commands' count, not words in conversation
        if command is not None:
            name, arg = command
            return await self.router.commands[name](ctx, arg)
        if (inbound.text or "").startswith("/"):
            return [] if inbound.is_group else [ctx.reply("not_understood")]
        state_handler = self.router.states.get(ctx.state)
        if state_handler is not None:
            return await state_handler(ctx)
        if inbound.is_group:  # groups chat among themselves: answer commands only
            return []
        if inbound.unsupported or (not inbound.text and not inbound.contact):
            return [ctx.reply("unsupported")]
        for fallback in self.router.fallbacks:
            replies = await fallback(ctx)
            if replies is not None:
                return replies
        return [ctx.reply("not_understood")]


def clean_text(text: str | None) -> str | None:
    """Drop control and format characters (keep newlines), trim, cap the length."""
    if text is None:
        return None
    kept = "".join(
        ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return kept.strip()[:MAX_TEXT]


def parse_command(text: str, known: dict[str, CommandHandler]) -> tuple[str, str] | None:
    """('status', '3171…') for '/status 3171…' or the bare word 'status'; None otherwise."""
    match = _COMMAND.match(text)
    if match:
        name = match.group(1).lower()
        return (name, (match.group(2) or "").strip()) if name in known else None
    word = text.strip().lower()
    return (word, "") if word in known else None
