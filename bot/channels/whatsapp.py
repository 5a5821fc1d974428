"""The WhatsApp channel (Business Cloud API): webhook → durable inbox → conversation → replies.

Inbound is at-least-once with durable dedupe: the web server checks the signature and calls
`accept`, which stores each message in the `inbox` table keyed by its wamid (statuses by
'status:{wamid}:{status}') before the webhook is answered 200; `run` then hands pending rows to
one lane per chat (`inbox_loop.ChatLanes`: each chat in order, a bounded backlog, no chat
waiting for another) and marks them processed. The same wamid
posted twice, also after a restart, is stored once and handled once.

Pieces: `graph_api` (HTTP client, error codes; why not pywa), `whatsapp_inbound` (webhook JSON
→ Inbound), `whatsapp_render` (Reply → buttons / list / numbered text), `whatsapp_send`
(window, templates), `whatsapp_templates` (`jemput whatsapp templates`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from datetime import timedelta
from typing import Any

import httpx

from bot.channels.graph_api import (
    THROUGHPUT,
    GraphApi,
    PairRateLimited,
    WindowClosed,
)
from bot.channels.inbox_loop import ChatLanes
from bot.channels.whatsapp_inbound import Sender, extract, parse_row, sender_of, to_inbound
from bot.channels.whatsapp_send import CHANNEL, WhatsAppSender
from bot.channels.whatsapp_templates import OPEN_PAYLOAD
from bot.core.clock import Clock
from bot.core.messages import Inbound, Reply
from bot.core.phone import normalize_phone
from bot.core.ports import NoPacer, Pacer
from bot.core.telemetry import Telemetry
from bot.errors import ChannelError, ChatUnreachable, ConfigError, RateLimited, TransientError
from bot.i18n import t
from bot.settings import Settings
from handlers.router import Conversation
from storage import chats, inbox
from storage import whatsapp as store
from storage.db import Database
from storage.inbox import InboxItem
from storage.whatsapp import Contact

logger = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
MAX_RETRY_WAIT = 30.0
IDLE_CHECK_S = 5.0  # also look at the inbox this often (rows another process stored)
KEEP_SENT = timedelta(days=30)  # send records older than this are dropped on start
#: Messages handled (database work, not sending) at once: the writes are serialised anyway,
#: and a webhook's insert must not queue behind a crowd of handler writes.
PROCESS_CONCURRENCY = 4


class WhatsAppChannel:
    """Handles stored webhooks and sends replies; also the channel's `Sender`."""

    channel = CHANNEL

    def __init__(
        self,
        settings: Settings,
        db: Database,
        conversation: Conversation,
        clock: Clock,
        *,
        pacer: Pacer | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if settings.whatsapp_access_token is None or not settings.whatsapp_phone_number_id:
            raise ConfigError("WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID must be set")
        self.settings, self.db, self.conversation, self.clock = settings, db, conversation, clock
        self.phone_number_id = settings.whatsapp_phone_number_id
        self.pacer: Pacer = pacer or NoPacer()
        self._own_client = client is None
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0))
        self.api = GraphApi(
            self.client,
            base_url=settings.whatsapp_api_url,
            version=settings.whatsapp_api_version,
            phone_number_id=self.phone_number_id,
            token=settings.whatsapp_access_token.get_secret_value(),
            pair_wait=settings.whatsapp_user_interval_s,
        )
        self.sender = WhatsAppSender(settings, db, clock, self.api)
        self._wake = asyncio.Event()
        self.lanes = ChatLanes(
            db, CHANNEL.value, clock, self._process, logger, "WhatsApp",
            backlog=settings.chat_backlog, on_flood=self._slow_down,
        )  # fmt: skip
        self._busy = asyncio.Semaphore(PROCESS_CONCURRENCY)
        self._reply_keys = itertools.count()
        self.telemetry = Telemetry()  # the wiring passes the process's: /healthz, /metrics

    # -- webhook side --------------------------------------------------------------------

    async def accept(self, body: bytes) -> int:
        """Store a verified webhook body's messages and statuses; returns how many were new.

        Raises ValueError for a body that is not JSON. Called before the webhook is answered.
        """
        items = extract(json.loads(body), self.phone_number_id)
        new = await inbox.store(self.db, CHANNEL, items, self.clock.now()) if items else 0
        if new:
            self._wake.set()
        return new

    async def pending_count(self) -> int:
        """Stored rows not processed yet (for /healthz)."""
        return len(await inbox.pending(self.db, CHANNEL, limit=10_000))

    # -- processing ----------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Handle what a crash left, then every row `accept` stores, until `stop`."""
        try:
            await store.forget_sent_before(self.db, self.clock.now() - KEEP_SENT)
            while not stop.is_set():
                self._wake.clear()
                self.lanes.check()
                await self.lanes.feed_pending()  # no waiting: lanes run on their own
                waiter = asyncio.ensure_future(self._wake.wait())
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait(
                    {waiter, stopper}, timeout=IDLE_CHECK_S, return_when=asyncio.FIRST_COMPLETED
                )
                waiter.cancel()
                stopper.cancel()
        finally:
            await self.close()
            logger.info("WhatsApp channel stopped")

    async def close(self) -> None:
        """Let the lanes finish, release the HTTP client (when this channel made it)."""
        await self.lanes.close()
        if self._own_client:
            await self.client.aclose()

    async def drain(self) -> None:
        """Handle every pending row and wait until done (tests, tools)."""
        await self.lanes.feed_pending()
        await self.lanes.idle()

    async def _slow_down(self, item: InboxItem) -> None:
        """The one notice to a chat that floods (its excess was skipped)."""
        _, message, contact_json = parse_row(item)
        sender = sender_of(message, contact_json)
        contact = await store.resolve_contact(
            self.db, user_id=sender.user_id, wa_id=sender.wa_id, phone=sender.phone,
            name=sender.name, now=self.clock.now(),
        )  # fmt: skip
        lang = await chats.chat_language(
            self.db, CHANNEL, contact.chat_id, self.settings.default_language
        )
        text = t(lang, "chat_slow_down", limit=self.settings.chat_backlog)
        await self._deliver(contact, Reply(text=text))

    async def _process(self, item: InboxItem) -> None:
        kind, data, contact = parse_row(item)
        if kind == "status":
            await self._on_status(data)
            return
        async with self._busy:  # handling: database work; sending waits on the network
            to, replies = await self._on_message(data, contact)
        for reply in replies:
            if to is None or not await self._deliver(to, reply):
                return

    async def _on_message(
        self, message: dict[str, Any], contact_json: dict[str, Any]
    ) -> tuple[Contact | None, list[Reply]]:
        """The contact and what to send it: replies held for it first, then the answers."""
        sender = sender_of(message, contact_json)
        inbound = to_inbound(message, sender, "")
        if inbound is None:
            logger.debug("Ignoring WhatsApp %s event", message.get("type"))
            return None, []
        arrival = await store.arrive(
            self.db,
            user_id=sender.user_id,
            wa_id=sender.wa_id,
            phone=sender.phone,
            name=sender.name,
            now=self.clock.now(),
        )
        chat_id = arrival.contact.chat_id
        inbound = numbered_choice(
            inbound.model_copy(update={"chat_id": chat_id, "user_id": chat_id}), arrival.choices
        )
        if inbound.payload == OPEN_PAYLOAD:
            replies = await self._open_window(inbound, sender)
        else:
            replies = await self.conversation.handle(inbound)
        held = [Reply.model_validate_json(p) for p in arrival.held]
        return arrival.contact, [*held, *replies]

    async def _open_window(self, inbound: Inbound, sender: Sender) -> list[Reply]:
        """The template's «Baca pesan» button: the window is open; held replies follow."""
        await chats.touch_chat(
            self.db,
            CHANNEL,
            inbound.chat_id,
            user_id=inbound.user_id,
            language=self.settings.default_language,
            is_group=False,
            now=self.clock.now(),
            phone=normalize_phone(sender.phone),
        )
        return []

    # -- statuses ------------------------------------------------------------------------

    async def _on_status(self, status: dict[str, Any]) -> None:
        """A delivery status: record it; 131047 → template; undeliverable → unreachable."""
        wamid, state = str(status.get("id")), str(status.get("status"))
        code = error_code(status)
        sent = await store.apply_status(self.db, wamid, state, code, self.clock.now())
        if sent is None or state != "failed":
            return
        logger.info("WhatsApp message to chat %s failed with %s", sent.chat_id, code)
        if code == THROUGHPUT:
            self.pacer.penalize(1.0)
        await self.sender.after_failure(sent, code)

    # -- sending -------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply, *, kind: str | None = None) -> str | None:
        """Sender protocol (the dispatcher's outbox rows): see `WhatsAppSender.send`."""
        return await self.sender.send(chat_id, reply, kind=kind)

    async def _deliver(self, contact: Contact, reply: Reply) -> bool:
        """A direct reply to someone who just wrote: paced, retried; never raises."""
        chat_id = contact.chat_id
        for attempt in range(1, SEND_ATTEMPTS + 1):
            # Direct replies take an overall slot only: the pair limit allows a conversation's
            # short bursts; its ~6 s spacing applies to the dispatcher's bulk sends.
            await self.pacer.acquire(f"{chat_id}#{next(self._reply_keys)}", interactive=True)
            try:
                await self.sender.send_reply(contact, reply)
                self.telemetry.sent(CHANNEL.value, "reply")
                return True
            except WindowClosed:
                return await self._template_instead(contact, reply)
            except PairRateLimited as exc:
                wait = exc.retry_after
            except RateLimited as exc:
                self.telemetry.rate_limited(CHANNEL.value)
                self.pacer.penalize(exc.retry_after)
                wait = exc.retry_after
            except TransientError as exc:
                logger.warning("Reply to chat %s failed (%s), attempt %s", chat_id, exc, attempt)
                wait = float(attempt)
            except ChatUnreachable as exc:
                logger.info("WhatsApp chat %s is unreachable: %s", chat_id, exc)
                await store.mark_unreachable(self.db, chat_id, str(exc), self.clock.now())
                return False
            except ChannelError as exc:
                logger.error("WhatsApp refused a reply to chat %s: %s", chat_id, exc)
                return False
            if attempt == SEND_ATTEMPTS or wait > MAX_RETRY_WAIT:
                break
            await asyncio.sleep(wait)
        logger.warning("Gave up on a reply to WhatsApp chat %s", chat_id)
        return False

    async def _template_instead(self, contact: Contact, reply: Reply) -> bool:
        try:
            await self.sender.send_template(contact, reply, "notice")
        except ChannelError as exc:
            logger.error("Template to WhatsApp chat %s failed: %s", contact.chat_id, exc)
            return False
        return True


def error_code(status: dict[str, Any]) -> int | None:
    """The first error code of a status, if any."""
    errors = status.get("errors")
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict) and str(error.get("code", "")).isdigit():
            return int(error["code"])
    return None


def numbered_choice(inbound: Inbound, choices: list[str]) -> Inbound:
    """'2' right after numbered choices means the second choice's payload."""
    text = (inbound.text or "").strip().rstrip(".")
    if choices and text.isdigit() and 1 <= int(text) <= len(choices):
        return inbound.model_copy(update={"text": None, "payload": choices[int(text) - 1]})
    return inbound
