"""The Telegram channel: long polling into a durable inbox, replies rendered for Telegram.

Inbound is at-least-once with dedupe: every update from `getUpdates` is stored in the `inbox`
table (keyed by update_id) before the next `getUpdates` confirms it; stored rows are then handled
by one lane per chat (`inbox_loop.ChatLanes`: each chat in order, a bounded backlog) while
polling goes on at once, so no chat waits for another's paced replies. After a crash, rows left
unprocessed are handled first and polling resumes after the highest stored id, so an update the
server delivers twice is handled once. PTB's `Application`/`Updater` are not used: their polling
confirms updates before handlers run (at-most-once).

A `Reply` that `replaces` an earlier message becomes an edit of it (editMessageText, or
editMessageReplyMarkup when only its buttons change); "message is not modified" counts as done,
and a message Telegram will not edit any more is sent anew.

This module and the other `bot.channels` modules are the only ones that import a messaging
library (import-linter checks it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import warnings
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.channels.inbox_loop import ChatLanes
from bot.core.clock import Clock
from bot.core.messages import (
    Button,
    ButtonKind,
    Channel,
    Document,
    Inbound,
    Location,
    Reply,
    SharedContact,
)
from bot.core.numbers import parse_id
from bot.core.ports import NoPacer, Pacer
from bot.core.telemetry import Telemetry
from bot.errors import (
    ChannelError,
    ChatUnreachable,
    ConfigError,
    ImportFileError,
    RateLimited,
    TransientError,
)
from bot.i18n import t
from bot.imports.uploads import too_big
from bot.settings import Settings
from handlers.router import Conversation
from storage import chats, inbox
from storage.db import Database
from storage.inbox import InboxItem

logger = logging.getLogger(__name__)

CHANNEL = Channel.TELEGRAM
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
MAX_TEXT = 4096  # Telegram counts UTF-16 code units
MAX_CAPTION = 1024
PHOTO_TYPES = ("image/png", "image/jpeg")  # sent with sendPhoto (shown inline), not as a file
MAX_CALLBACK_BYTES = 64
SHORT_TITLE = 20  # inline buttons this short go two to a row
SEND_ATTEMPTS = 3
MAX_RETRY_WAIT = 30.0  # a longer flood wait drops the reply instead of stalling every chat
MAX_BACKOFF = 30.0
BLANK_TEXT = "👇"  # Telegram refuses empty texts; stands in when a reply is only buttons
#: Message contents we cannot read; the first one present becomes `Inbound.unsupported`.
UNSUPPORTED = (
    "photo", "sticker", "voice", "video", "video_note", "audio", "animation", "poll",
    "dice", "game", "story", "paid_media", "checklist", "invoice",
)  # fmt: skip
_UNREACHABLE_400 = ("chat not found", "peer_id_invalid", "user not found")
_COMMAND_TARGET = re.compile(r"^/\w+@(\w+)")

# RetryAfter warns, from its own constructor, that `retry_after` will become a timedelta: we
# accept both (see `_retry_seconds`), so the warning on every 429 is only noise.
warnings.filterwarnings("ignore", ".*`retry_after`", PTBDeprecationWarning, "telegram")

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message: text, or a document/photo with `text` as its caption, with at most
    one reply markup; with `replaces`, an edit of that earlier message instead."""

    text: str = ""
    markup: Markup | None = None
    document: Document | None = None
    replaces: int | None = None


class TelegramChannel:
    """Polls Telegram, hands messages to the conversation core, sends its replies."""

    channel = CHANNEL

    def __init__(
        self,
        settings: Settings,
        db: Database,
        conversation: Conversation,
        clock: Clock,
        *,
        pacer: Pacer | None = None,
    ) -> None:
        if settings.telegram_bot_token is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
        self.settings, self.db, self.conversation, self.clock = settings, db, conversation, clock
        self.pacer: Pacer = pacer or NoPacer()
        self.bot = _make_bot(settings)
        self.lanes = ChatLanes(
            db, CHANNEL, clock, self._handle_row, logger, "Telegram",
            backlog=settings.chat_backlog, on_flood=self._slow_down, on_skip=self._skipped,
        )  # fmt: skip
        self._backoff = 1.0
        self.telemetry = Telemetry()  # the wiring passes the process's: /healthz, /metrics

    async def fetch_file(self, file_id: str, max_bytes: int) -> bytes:
        """A file a user sent (getFile, then its URL); ImportFileError when over `max_bytes`."""
        try:
            file = await self.bot.get_file(file_id)
            if file.file_size and file.file_size > max_bytes:
                raise ImportFileError(too_big(file.file_size, max_bytes))
            return bytes(await file.download_as_bytearray())
        except TelegramError as exc:  # e.g. "file is too big" (the Bot API serves ≤ 20 MB)
            logger.warning("Telegram could not give file %s: %s", file_id, exc)
            raise ImportFileError(f"Telegram could not give the file ({exc})") from None

    # -- running -------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set: first the rows a crash left, then new updates.

        Network trouble is retried with backoff; a bad token raises ConfigError; a storage
        failure ends the run (nothing unstored was confirmed, so Telegram delivers it again).
        """
        try:
            if not await self._connect(stop):
                return
            await self.lanes.feed_pending()
            last = await inbox.last_numeric_id(self.db, CHANNEL)
            offset = last + 1 if last is not None else None
            while not stop.is_set():
                self.lanes.check()
                offset = await self._poll_once(offset, stop)
        finally:
            await self.lanes.close()
            await self.bot.shutdown()
            logger.info("Telegram channel stopped")

    async def _connect(self, stop: asyncio.Event) -> bool:
        """getMe and drop any webhook; retries network trouble until `stop`."""
        while not stop.is_set():
            try:
                await self.bot.initialize()
                await self.bot.delete_webhook()
            except InvalidToken:  # its message contains the token: do not pass it on
                raise ConfigError("Telegram rejected TELEGRAM_BOT_TOKEN") from None
            except TelegramError as exc:
                logger.warning("Telegram is not reachable (%s); retrying", exc)
                await self._pause(stop, None)
                continue
            logger.info("Telegram bot @%s connected", self.bot.username)
            return True
        return False

    async def set_webhook(self, url: str, secret: str) -> None:
        """Webhook mode: getMe, then setWebhook (updates then arrive at `process_update_json`)."""
        try:
            await self.bot.initialize()
            await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        except InvalidToken:
            raise ConfigError("Telegram rejected TELEGRAM_BOT_TOKEN") from None
        except TelegramError as exc:
            raise ConfigError(f"Telegram setWebhook failed: {exc}") from None
        await self.lanes.feed_pending()  # what a crash left

    async def close(self) -> None:
        """Let the lanes finish, release the HTTP connections (webhook mode; `run` does this
        itself)."""
        await self.lanes.close()
        await self.bot.shutdown()

    async def _poll_once(self, offset: int | None, stop: asyncio.Event) -> int | None:
        """One getUpdates: store the batch, handle it; returns the next offset."""
        try:
            updates = await self._fetch(offset, stop)
        except TelegramError as exc:
            logger.warning("getUpdates failed: %s", exc)
            await self._pause(stop, _retry_seconds(exc) if isinstance(exc, RetryAfter) else None)
            return offset
        self._backoff = 1.0
        self.telemetry.polled(CHANNEL.value, self.clock.now())
        if not updates:
            if not self.settings.telegram_poll_timeout:  # short polling: do not spin
                await self._pause(stop, 1.0)
            return offset
        items = [_inbox_item(u) for u in updates]
        await inbox.store(self.db, CHANNEL, items, self.clock.now())
        self.lanes.feed(dict.fromkeys(item.chat_id for item in items))  # polling goes on
        return max(u.update_id for u in updates) + 1

    async def _fetch(self, offset: int | None, stop: asyncio.Event) -> list[Update]:
        """getUpdates raced against `stop` (an empty list when stopped mid-poll)."""
        poll = asyncio.ensure_future(
            self.bot.get_updates(
                offset=offset,
                timeout=self.settings.telegram_poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
            )
        )
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({poll, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not poll.done():  # unconfirmed: Telegram delivers these again next time
                poll.cancel()
                with suppress(asyncio.CancelledError):
                    await poll
        return [] if poll.cancelled() else list(poll.result())

    async def _pause(self, stop: asyncio.Event, seconds: float | None) -> None:
        """Wait `seconds` (None: the growing backoff), returning early on `stop`."""
        if seconds is None:
            seconds, self._backoff = self._backoff, min(self._backoff * 2, MAX_BACKOFF)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)

    # -- inbound -------------------------------------------------------------------------

    async def process_update_json(self, data: dict[str, Any]) -> None:
        """Store one update (a webhook body) and start its chat's lane (not waiting for it)."""
        item = _inbox_item(Update.de_json(data, self.bot), json.dumps(data, ensure_ascii=False))
        await inbox.store(self.db, CHANNEL, [item], self.clock.now())
        self.lanes.check()
        self.lanes.feed([item.chat_id])

    async def drain(self) -> None:
        """Handle every pending row and wait until done (tests, tools)."""
        await self.lanes.feed_pending()
        await self.lanes.idle()

    async def _language(self, chat_id: str) -> str:
        """The chat's language (the default for a chat that never wrote)."""
        return await chats.chat_language(self.db, CHANNEL, chat_id, self.settings.default_language)

    async def _slow_down(self, item: InboxItem) -> None:
        """The one notice to a chat that floods (its excess was skipped)."""
        lang = await self._language(item.chat_id)
        text = t(lang, "chat_slow_down", limit=self.settings.chat_backlog)
        await self._deliver(item.chat_id, Reply(text=text), is_group=item.chat_id.startswith("-"))

    async def _skipped(self, items: list[InboxItem]) -> None:
        """Stop the spinner of each skipped button press, with a short slow-down toast."""
        queries = [json.loads(item.payload).get("callback_query") or {} for item in items]
        ids = [q["id"] for q in queries if isinstance(q, dict) and isinstance(q.get("id"), str)]
        if not ids:
            return
        text = t(await self._language(items[0].chat_id), "chat_slow_down_tap")
        for query_id in ids:
            try:
                await self.bot.answer_callback_query(query_id, text=text)
            except TelegramError as exc:
                logger.info("Could not answer a skipped callback query: %s", exc)

    async def _handle_row(self, item: InboxItem) -> None:
        await self._handle(Update.de_json(json.loads(item.payload), self.bot))

    async def _handle(self, update: Update) -> None:
        """One update: answer a button press, hand the message to the core, send the replies."""
        if update.callback_query is not None:
            await self._answer_callback(update.callback_query)
        message = to_inbound(update, self._bot_username())
        if message is None:
            logger.debug("Ignoring Telegram update %s", update.update_id)
            return
        for reply in await self.conversation.handle(message):
            if not await self._deliver(message.chat_id, reply, is_group=message.is_group):
                return

    def _bot_username(self) -> str | None:
        """The bot's @username once getMe answered (webhook mode may not have asked yet)."""
        try:
            return self.bot.username
        except RuntimeError:
            return None

    async def _answer_callback(self, query: CallbackQuery) -> None:
        """Stop the button's spinner (also for stale buttons); a too-old query is fine."""
        try:
            await self.bot.answer_callback_query(query.id)
        except TelegramError as exc:
            logger.info("Could not answer callback query: %s", exc)

    # -- outbound ------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply, *, kind: str | None = None) -> str | None:
        """Send one reply (Sender protocol; `kind` does not matter on Telegram); returns the id
        of its last message (not counting a trailing share-contact keyboard message). Not
        paced: the caller paces bulk sends.
        A chat id starting with '-' is a group (no share-contact keyboard).

        Raises ChatUnreachable, RateLimited, TransientError or ChannelError. A reply Telegram
        needs several messages for can fail half-way; a retry then repeats the first part.
        """
        message_id: str | None = None
        for out in render(reply, private=not chat_id.startswith("-")):
            sent = await self._post(chat_id, out)
            if sent is None:
                continue
            if message_id is None or not isinstance(out.markup, ReplyKeyboardMarkup):
                message_id = str(sent.message_id)
        if message_id is None:
            logger.warning("Nothing to send to chat %s: empty reply", chat_id)
        return message_id

    async def _deliver(self, chat_id: str, reply: Reply, *, is_group: bool) -> bool:
        """Send a direct reply, paced and retried; False when it could not (never raises)."""
        for out in render(reply, private=not is_group):
            if not await self._post_paced(chat_id, out, is_group=is_group):
                return False
        return True

    async def _post_paced(self, chat_id: str, out: Outgoing, *, is_group: bool) -> bool:
        """One message to a user who is chatting: pace, retry 429s and network trouble."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            await self.pacer.acquire(chat_id, interactive=True, is_group=is_group)
            self.pacer.departing(chat_id)  # counted when it leaves (the loop may be busy)
            try:
                try:
                    await self._post(chat_id, out)
                finally:
                    self.pacer.answered(chat_id)  # counted as late as Telegram may count it
                self.telemetry.sent(CHANNEL.value, "reply")
                return True
            except RateLimited as exc:
                self.telemetry.rate_limited(CHANNEL.value)
                self.pacer.penalize(exc.retry_after)
                wait = exc.retry_after
            except TransientError as exc:  # a timed-out send may have arrived: rare duplicate
                logger.warning("Reply to chat %s failed (%s), attempt %s", chat_id, exc, attempt)
                wait = float(attempt)
            except ChatUnreachable as exc:
                logger.info("Chat %s is unreachable: %s", chat_id, exc)
                return False
            except ChannelError as exc:
                logger.error("Telegram refused a reply to chat %s: %s", chat_id, exc)
                return False
            if attempt == SEND_ATTEMPTS or wait > MAX_RETRY_WAIT:
                break
            await asyncio.sleep(wait)
        logger.warning("Gave up on a reply to chat %s after %s attempts", chat_id, attempt)
        return False

    async def _post(self, chat_id: str, out: Outgoing) -> Message | None:
        """sendMessage, sendPhoto, sendDocument or an edit, with PTB errors mapped to
        `bot.errors`."""
        if out.replaces is not None:
            return await self._edit(chat_id, out)
        try:
            if out.document is None:
                return await self.bot.send_message(chat_id, out.text, reply_markup=out.markup)
            upload, caption = _input_file(out.document), out.text or None
            if out.document.mime_type in PHOTO_TYPES:
                return await self.bot.send_photo(
                    chat_id, upload, caption=caption, reply_markup=out.markup
                )
            return await self.bot.send_document(
                chat_id, upload, caption=caption, reply_markup=out.markup
            )
        except TelegramError as exc:
            raise channel_error(exc) from exc

    async def _edit(self, chat_id: str, out: Outgoing) -> Message | None:
        """editMessageText (editMessageReplyMarkup without text); unchanged content is done; a
        message Telegram will not edit (too old, gone, not text) is sent anew."""
        assert out.replaces is not None
        markup = out.markup if isinstance(out.markup, InlineKeyboardMarkup) else None
        try:
            if out.text:
                edited = await self.bot.edit_message_text(
                    out.text, chat_id=chat_id, message_id=out.replaces, reply_markup=markup
                )
            else:
                edited = await self.bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=out.replaces, reply_markup=markup
                )
        except BadRequest as exc:
            error = channel_error(exc)
            if isinstance(error, ChatUnreachable):
                raise error from exc
            if "not modified" in exc.message.lower():
                return None
            logger.info("Could not edit message %s in chat %s (%s)%s", out.replaces, chat_id,
                        exc.message, ": sending anew" if out.text else "")  # fmt: skip
            return await self._post(chat_id, replace(out, replaces=None)) if out.text else None
        except TelegramError as exc:
            raise channel_error(exc) from exc
        return edited if isinstance(edited, Message) else None


def _make_bot(settings: Settings) -> Bot:
    """A PTB Bot on the configured API server; polling gets its own connection."""
    assert settings.telegram_bot_token is not None
    api = settings.telegram_api_url
    sends = HTTPXRequest(
        connection_pool_size=32,
        read_timeout=15.0,
        write_timeout=15.0,
        connect_timeout=5.0,
        pool_timeout=10.0,
    )
    # PTB adds the long-poll timeout to this read timeout for getUpdates
    polls = HTTPXRequest(connection_pool_size=1, read_timeout=10.0, connect_timeout=5.0)
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=sends,
        get_updates_request=polls,
    )


def _inbox_item(update: Update, payload: str | None = None) -> InboxItem:
    chat = update.effective_chat
    user = update.effective_user
    chat_id = chat.id if chat else user.id if user else ""
    return InboxItem(
        update_id=str(update.update_id),
        chat_id=str(chat_id),
        payload=payload if payload is not None else update.to_json(),
    )


# -- Update → Inbound --------------------------------------------------------------------


def to_inbound(update: Update, bot_username: str | None = None) -> Inbound | None:
    """The message or button press in an update; None for anything the core does not handle."""
    if update.callback_query is not None:
        return _from_callback(update.callback_query)
    if update.message is not None:
        return _from_message(update.message, bot_username)
    return None  # edited messages, my_chat_member, …


def _from_message(message: Message, bot_username: str | None) -> Inbound | None:
    text = message.text or message.caption
    kind = next((k for k in UNSUPPORTED if getattr(message, k, None)), None)
    contact = message.contact
    shared = (
        SharedContact(phone=contact.phone_number, user_id=_str(contact.user_id))
        if contact
        else None
    )
    location = message.location
    pin = Location(latitude=location.latitude, longitude=location.longitude) if location else None
    document = _document(message)
    if not (text or shared or pin or document or kind):
        return None  # service messages: members joined, title changed, …
    sender = _sender(message.chat, message.from_user)
    if sender["is_group"] and _addressed_elsewhere(text, bot_username):
        return None
    return Inbound(
        channel=CHANNEL,
        message_id=str(message.message_id),
        text=text,
        contact=shared,
        location=pin,
        document=document,
        unsupported=kind,
        **sender,
    )


def _from_callback(query: CallbackQuery) -> Inbound | None:
    if query.data is None:  # a game button
        return None
    message = query.message
    sender = _sender(message.chat if message else None, query.from_user)
    message_id = str(message.message_id) if message else None
    return Inbound(channel=CHANNEL, message_id=message_id, payload=query.data, **sender)


def _sender(chat: Chat | None, user: User | None) -> dict[str, Any]:
    """Inbound fields saying who wrote where (a chat-less button press is a private chat)."""
    chat_id = chat.id if chat else user.id if user else 0
    return {
        "chat_id": str(chat_id),
        "user_id": _str(user.id if user else None),
        "user_name": user.full_name if user else None,
        "language_hint": user.language_code if user else None,
        "is_group": chat is not None and chat.type != Chat.PRIVATE,
    }


def _document(message: Message) -> Document | None:
    doc = message.document
    if doc is None:
        return None
    return Document(
        filename=doc.file_name or "document",
        mime_type=doc.mime_type or "application/octet-stream",
        file_id=doc.file_id,
    )


def _addressed_elsewhere(text: str | None, bot_username: str | None) -> bool:
    """'/start@OtherBot' in a group is for another bot."""
    match = _COMMAND_TARGET.match(text or "")
    return bool(match and bot_username and match.group(1).lower() != bot_username.lower())


def _str(value: int | None) -> str | None:
    return str(value) if value is not None else None


# -- Reply → Telegram messages -------------------------------------------------------------


def render(reply: Reply, *, private: bool = True) -> list[Outgoing]:
    """The Telegram messages for one reply (Telegram allows one reply markup per message).

    Payload and URL buttons become an inline keyboard on the last text message. A share-contact
    button (private chats only) becomes a reply keyboard: on the text when there are no inline
    buttons, else on a short second message. `remove_keyboard` removes a reply keyboard: on the
    last message, or — when that carries inline buttons — on the first of two messages (split
    at the last paragraph; a one-paragraph text keeps the reply keyboard). A reply that
    `replaces` an earlier message is one edit of it when it fits one (see `_as_edit`).
    A document (an image: a photo) whose text fits a caption is one message: the text is its
    caption, the buttons its markup; a longer text goes first, on its own.
    """
    edit = _as_edit(reply)
    if edit is not None:
        return [edit]
    inline = inline_keyboard(reply.buttons)
    share = _share_keyboard(reply.buttons) if private else None
    if _fits_caption(reply, inline, share):
        removal = ReplyKeyboardRemove() if reply.remove_keyboard else None
        return [
            Outgoing(text=reply.text.strip(), markup=inline or removal, document=reply.document)
        ]
    chunks = split_text(reply.text)
    if not chunks and (inline or share):
        chunks = [BLANK_TEXT]
    remove = reply.remove_keyboard and share is None
    if remove and inline and len(chunks) == 1:
        chunks = _split_last_paragraph(chunks[0])
    out = [Outgoing(text=chunk) for chunk in chunks]
    if out:
        last_markup: Markup | None = inline or share or (ReplyKeyboardRemove() if remove else None)
        out[-1] = Outgoing(text=out[-1].text, markup=last_markup)
        if inline and share:
            out.append(Outgoing(text=f"{BLANK_TEXT} {share.keyboard[0][0].text}", markup=share))
        elif inline and remove and len(out) > 1:
            out[0] = Outgoing(text=out[0].text, markup=ReplyKeyboardRemove())
    if reply.document is not None:
        out.append(Outgoing(document=reply.document))
    return out


def _fits_caption(
    reply: Reply, inline: InlineKeyboardMarkup | None, share: ReplyKeyboardMarkup | None
) -> bool:
    """One captioned document can carry the reply: its text fits a caption and at most one
    markup is needed."""
    if reply.document is None or share is not None or (inline and reply.remove_keyboard):
        return False
    return _units(reply.text.strip()) <= MAX_CAPTION


def _as_edit(reply: Reply) -> Outgoing | None:
    """The edit standing for a reply that replaces one of our messages, when one edit can carry
    it: one text message (or none: buttons only) with inline buttons, no document, no reply
    keyboard to show or remove. None: send it as new messages."""
    message_id = parse_id(reply.replaces)
    if message_id is None or reply.document is not None or reply.remove_keyboard:
        return None
    if any(b.kind is ButtonKind.SHARE_CONTACT for b in reply.buttons):
        return None
    chunks = split_text(reply.text)
    if len(chunks) > 1:
        return None
    text = chunks[0] if chunks else ""
    return Outgoing(text=text, markup=inline_keyboard(reply.buttons), replaces=message_id)


def inline_keyboard(buttons: list[Button]) -> InlineKeyboardMarkup | None:
    """Payload and URL buttons, two to a row when every title is short."""
    keys = [key for key in map(_inline_button, buttons) if key is not None]
    if not keys:
        return None
    width = 2 if all(len(key.text) <= SHORT_TITLE for key in keys) else 1
    return InlineKeyboardMarkup([keys[i : i + width] for i in range(0, len(keys), width)])


def _inline_button(button: Button) -> InlineKeyboardButton | None:
    if button.kind is ButtonKind.URL:
        return InlineKeyboardButton(button.title, url=button.url)
    if button.kind is not ButtonKind.PAYLOAD:
        return None
    size = len(button.payload.encode())
    if not 1 <= size <= MAX_CALLBACK_BYTES:
        logger.error(
            "Dropping button %r: callback data of %s bytes (1–64 allowed)", button.title, size
        )
        return None
    return InlineKeyboardButton(button.title, callback_data=button.payload)


def _share_keyboard(buttons: list[Button]) -> ReplyKeyboardMarkup | None:
    share = next((b for b in buttons if b.kind is ButtonKind.SHARE_CONTACT), None)
    if share is None:
        return None
    key = KeyboardButton(share.title, request_contact=True)
    return ReplyKeyboardMarkup([[key]], one_time_keyboard=True, resize_keyboard=True)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut at a paragraph, line or word when possible."""
    pieces: list[str] = []
    rest = text.strip()
    while _units(rest) > limit:
        head = rest[:limit]
        while (excess := _units(head) - limit) > 0:  # astral characters count twice
            head = head[: len(head) - (excess + 1) // 2]
        seps = (head.rfind(sep) for sep in ("\n\n", "\n", " "))
        cut = next((i for i in seps if i > len(head) // 2), len(head))
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _split_last_paragraph(text: str) -> list[str]:
    head, sep, tail = text.rpartition("\n\n")
    return [head.rstrip(), tail.strip()] if sep and head.strip() and tail.strip() else [text]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _input_file(document: Document) -> InputFile | str:
    if not document.content and document.file_id:
        return document.file_id
    upload = InputFile(document.content, filename=document.filename)
    upload.mimetype = document.mime_type
    return upload


# -- errors --------------------------------------------------------------------------------


def channel_error(exc: TelegramError) -> ChannelError:
    """Map a PTB error to the project's channel errors."""
    if isinstance(exc, RetryAfter):
        return RateLimited(_retry_seconds(exc), str(exc))
    reason = exc.message.lower()
    if isinstance(exc, Forbidden) or (
        isinstance(exc, BadRequest) and any(s in reason for s in _UNREACHABLE_400)
    ):
        return ChatUnreachable(exc.message)
    if isinstance(exc, BadRequest):
        return ChannelError(exc.message)
    if isinstance(exc, NetworkError):  # includes TimedOut
        return TransientError(exc.message)
    return ChannelError(exc.message)


def _retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
