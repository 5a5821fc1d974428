"""Sending on WhatsApp: replies rendered for the Cloud API, templates outside the 24-hour window.

`WhatsAppSender.send` is the `Sender` the dispatcher uses for outbox rows: inside the contact's
window the reply goes as normal messages; outside it (or when the API answers 131047) an
approved template goes instead and the reply is held until the resident answers
(`bot.channels.whatsapp_templates`). `reply` sends a direct answer to someone who just wrote.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.channels.graph_api import (
    PAIR_RATE,
    RE_ENGAGEMENT,
    THROUGHPUT,
    UNREACHABLE_CODES,
    GraphApi,
    WindowClosed,
)
from bot.channels.whatsapp_render import CAPTION_LIMIT, document_message, render
from bot.channels.whatsapp_templates import template_message
from bot.core.clock import Clock, from_iso
from bot.core.messages import Channel, Reply
from bot.errors import ChannelError, ChatUnreachable
from bot.settings import Settings
from storage import chats, outbox
from storage import whatsapp as store
from storage.db import Database
from storage.whatsapp import Contact, SentMessage

logger = logging.getLogger(__name__)

CHANNEL = Channel.WHATSAPP
#: A little less than 24 h, so a message never reaches Meta just after the window closed.
WINDOW = timedelta(hours=24) - timedelta(minutes=10)


class WhatsAppSender:
    """Sends replies and templates to WhatsApp contacts (see the module docstring)."""

    channel = CHANNEL

    def __init__(self, settings: Settings, db: Database, clock: Clock, api: GraphApi) -> None:
        self.settings, self.db, self.clock, self.api = settings, db, clock, api

    async def send(self, chat_id: str, reply: Reply, *, kind: str | None = None) -> str | None:
        """Send a business-initiated message (Sender protocol); returns the last wamid.

        Raises ChatUnreachable, RateLimited, TransientError or ChannelError.
        """
        contact = await self.contact(chat_id)
        if not await self.window_open(chat_id):
            return await self.send_template(contact, reply, kind)
        try:
            return await self.send_reply(contact, reply)
        except WindowClosed:
            return await self.send_template(contact, reply, kind)

    async def window_open(self, chat_id: str) -> bool:
        """True while the contact's last message is less than ~24 h old."""
        chat = await chats.get_chat(self.db, CHANNEL, chat_id)
        if chat is None or not chat.last_inbound_at:
            return False
        return self.clock.now() - from_iso(chat.last_inbound_at) < WINDOW

    async def send_reply(self, contact: Contact, reply: Reply) -> str | None:
        """The reply as normal messages (inside the window); returns the last wamid.

        WhatsApp cannot edit: a reply that `replaces` an earlier message goes as a new one, and
        one that only took buttons off a message (no text) sends nothing. The numbers a user
        may answer with are those of this reply's numbered choices only (none: older numbers
        no longer count)."""
        if reply.replaces and not reply.text.strip() and reply.document is None:
            return None
        lang = await chats.chat_language(
            self.db, CHANNEL, contact.chat_id, self.settings.default_language
        )
        rendered = render(reply, lang)
        messages = list(rendered.messages)
        document = await self._document(reply, messages)
        if document is not None:
            messages.append(document)
        wamid: str | None = None
        for message in messages:
            wamid = await self._post(contact, message, reply, template=False)
        choices = rendered.choices or []
        await store.set_choices(self.db, contact.chat_id, choices, self.clock.now())
        return wamid

    async def send_template(self, contact: Contact, reply: Reply, kind: str | None) -> str:
        """The approved template standing in for `reply`; the reply waits for the answer."""
        if kind is None:
            kind = await store.sending_kind(self.db, contact.chat_id) or "notice"
        message = template_message(self.settings, kind, reply)
        wamid = await self._post(contact, message, reply, template=True)
        await store.hold(self.db, contact.chat_id, _reply_json(reply), self.clock.now())
        logger.info("Window closed for WhatsApp chat %s: sent template (%s)", contact.chat_id, kind)
        return wamid

    async def after_failure(self, sent: SentMessage, code: int | None) -> None:
        """A `failed` status: 131047 → the template; 131026 → unreachable; rate → again later."""
        now = self.clock.now()
        if code in UNREACHABLE_CODES:
            await store.mark_unreachable(self.db, sent.chat_id, f"WhatsApp {code}", now, sent.wamid)
            return
        if sent.template or code not in (RE_ENGAGEMENT, PAIR_RATE, THROUGHPUT):
            return
        kind = await store.kind_of_sent(self.db, sent.wamid) or "notice"
        reply = Reply.model_validate_json(sent.payload)
        if code == RE_ENGAGEMENT:
            contact = await store.get_contact(self.db, sent.chat_id)
            try:
                if contact is not None:
                    await self.send_template(contact, reply, kind)
            except ChannelError as exc:
                logger.warning("Template after 131047 to chat %s failed: %s", sent.chat_id, exc)
            return
        wait = self.settings.whatsapp_user_interval_s if code == PAIR_RATE else 1.0
        retry = outbox.NewMessage(
            channel=CHANNEL, chat_id=sent.chat_id, kind=kind, dedupe_key=f"retry:{sent.wamid}",
            reply=reply, outreach=False, not_before=now + timedelta(seconds=wait),
        )  # fmt: skip
        await outbox.enqueue(self.db, [retry], now)

    async def contact(self, chat_id: str) -> Contact:
        """The contact to address; ChatUnreachable when we never heard from it."""
        contact = await store.get_contact(self.db, chat_id)
        if contact is None or not (contact.wa_id or contact.user_id):
            raise ChatUnreachable("no such WhatsApp contact")
        return contact

    async def _document(
        self, reply: Reply, messages: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        """Upload the reply's document; its text becomes the caption when it is short and plain."""
        doc = reply.document
        if doc is None:
            return None
        media_id = doc.file_id if not doc.content and doc.file_id else None
        if media_id is None:
            media_id = await self.api.upload_media(doc.content, doc.mime_type, doc.filename)
        caption = ""
        plain = len(messages) == 1 and messages[0]["type"] == "text" and not reply.buttons
        if plain and len(reply.text) <= CAPTION_LIMIT:
            caption = str(messages.pop()["text"]["body"])
        return document_message(media_id, doc.filename, caption, doc.mime_type)

    async def _post(
        self, contact: Contact, message: dict[str, Any], reply: Reply, *, template: bool
    ) -> str:
        wamid = await self.api.send_message({**address(contact), **message})
        await store.record_sent(
            self.db, wamid, contact.chat_id, _reply_json(reply), self.clock.now(), template=template
        )
        return wamid


def address(contact: Contact) -> dict[str, str]:
    """`to` the phone id when known, else `recipient` the business-scoped user id."""
    if contact.wa_id:
        return {"to": contact.wa_id}
    return {"recipient": str(contact.user_id)}


def _reply_json(reply: Reply) -> str:
    """The reply for later (a resend): file contents are not kept."""
    return reply.model_dump_json(exclude={"document": {"content"}}, exclude_defaults=True)
