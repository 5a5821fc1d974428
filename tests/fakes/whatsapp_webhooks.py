"""Cloud API webhook bodies shaped like Meta's, signed posts, and a WhatsApp test harness.

async with WhatsAppHarness(tmp_path, clock) as wa:       # app + fake Graph API + web app
    await wa.post(text_body("wamid.1", "/status"))         # signed POST /webhooks/whatsapp
    await wa.channel.drain()                               # handle what the inbox holds
    assert wa.graph.sent_to(WA_ID)
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from bot.app import App, build_app
from bot.channels.webserver import WebDeps, build_web_app
from bot.channels.whatsapp import WhatsAppChannel
from bot.cli.demo import seed_demo
from bot.core.clock import Clock
from storage.residents import count_residents
from tests.conftest import make_settings
from tests.fakes.graph_api import FakeGraphApi

TOKEN = "TOKEN"
PNID = "1122334455667"
APP_SECRET = "app-secret"
VERIFY_TOKEN = "verify-me"
WA_ID = "6281299990001"
USER_ID = "ID.13491208655302741918"


def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    """The X-Hub-Signature-256 header for a raw body."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def envelope(value: dict[str, Any], pnid: str = PNID) -> dict[str, Any]:
    """Wrap a change value the way Meta does."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6271700000", "phone_number_id": pnid},
        **value,
    }
    change = {"field": "messages", "value": value}
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [change]}]}


def contact(wa_id: str | None = WA_ID, user_id: str | None = USER_ID) -> dict[str, Any]:
    """contacts[0]: profile, wa_id (may be withheld) and the business-scoped user id."""
    entry: dict[str, Any] = {"profile": {"name": "Siti"}}
    if wa_id:
        entry["wa_id"] = wa_id
    if user_id:
        entry["user_id"] = user_id
    return entry


def message_body(
    wamid: str, content: dict[str, Any], *, wa_id: str | None = WA_ID, user_id: str | None = USER_ID
) -> dict[str, Any]:
    """One inbound message of any type (`content` holds `type` and its object)."""
    message: dict[str, Any] = {"id": wamid, "timestamp": "1764298800", **content}
    if wa_id:
        message["from"] = wa_id
    elif user_id:
        message["from_user_id"] = user_id
    return envelope({"contacts": [contact(wa_id, user_id)], "messages": [message]})


def text_body(wamid: str, text: str, **ids: Any) -> dict[str, Any]:
    """A text message."""
    return message_body(wamid, {"type": "text", "text": {"body": text}}, **ids)


def button_reply_body(wamid: str, payload: str, title: str = "x", **ids: Any) -> dict[str, Any]:
    """A pressed reply button."""
    reply = {"type": "button_reply", "button_reply": {"id": payload, "title": title}}
    return message_body(wamid, {"type": "interactive", "interactive": reply}, **ids)


def list_reply_body(wamid: str, payload: str, title: str = "x", **ids: Any) -> dict[str, Any]:
    """A chosen list row."""
    reply = {"type": "list_reply", "list_reply": {"id": payload, "title": title}}
    return message_body(wamid, {"type": "interactive", "interactive": reply}, **ids)


def quick_reply_body(wamid: str, payload: str, **ids: Any) -> dict[str, Any]:
    """A template's quick-reply button."""
    content = {"type": "button", "button": {"payload": payload, "text": "Baca pesan"}}
    return message_body(wamid, content, **ids)


def status_body(wamid: str, status: str, code: int | None = None) -> dict[str, Any]:
    """A delivery status, with an error code for `failed`."""
    entry: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": "1764298900",
        "recipient_id": WA_ID,
    }
    if code is not None:
        entry["errors"] = [{"code": code, "title": "fake", "message": "fake"}]
    return envelope({"contacts": [contact()], "statuses": [entry]})


class WhatsAppHarness:
    """An app on a real SQLite file, the fake Graph API, the channel and the Starlette app."""

    def __init__(
        self, tmp_path: Path, clock: Clock, *, graph: FakeGraphApi | None = None, **settings: Any
    ) -> None:
        self.tmp_path, self.clock, self.overrides = tmp_path, clock, settings
        self.graph = graph or FakeGraphApi(token=TOKEN, phone_number_id=PNID)
        self._own_graph = graph is None

    async def __aenter__(self) -> WhatsAppHarness:
        if self._own_graph:
            await self.graph.start()
        await self.open()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
        if self._own_graph:
            await self.graph.stop()

    async def open(self) -> None:
        """(Re)start the app on the same database file, as after a restart."""
        settings = make_settings(
            self.tmp_path,
            whatsapp_access_token=TOKEN,
            whatsapp_phone_number_id=PNID,
            whatsapp_app_secret=APP_SECRET,
            whatsapp_verify_token=VERIFY_TOKEN,
            whatsapp_api_url=self.graph.url,
            **self.overrides,
        )
        self.app: App = await build_app(settings, self.clock)
        if await count_residents(self.app.db) == 0:
            await seed_demo(self.app.db, self.clock.today(), self.clock.now(), everyone=False)
        self.channel = WhatsAppChannel(settings, self.app.db, self.app.conversation, self.clock)
        deps = WebDeps(settings=settings, db=self.app.db, clock=self.clock, whatsapp=self.channel)
        self.web = build_web_app(deps)
        transport = httpx.ASGITransport(app=self.web)
        self.http = httpx.AsyncClient(transport=transport, base_url="http://jemput.test")

    async def close(self) -> None:
        """Stop everything (the database file stays)."""
        await self.http.aclose()
        await self.channel.close()
        await self.app.close()

    async def post(
        self, body: dict[str, Any] | bytes, *, signature: str | None = "auto"
    ) -> httpx.Response:
        """POST a webhook body, signed unless told otherwise (None: no header)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"content-type": "application/json"}
        if signature == "auto":
            headers["x-hub-signature-256"] = sign(raw)
        elif signature is not None:
            headers["x-hub-signature-256"] = signature
        return await self.http.post("/webhooks/whatsapp", content=raw, headers=headers)

    async def say(self, wamid: str, text: str, **ids: Any) -> list[dict[str, Any]]:
        """Post a text, handle it; returns the messages the bot sent in answer."""
        before = len(self.graph.sent)
        response = await self.post(text_body(wamid, text, **ids))
        assert response.status_code == 200, response.text
        await self.channel.drain()
        return self.graph.sent[before:]


def body_text(message: dict[str, Any]) -> str:
    """The visible text of a sent message (text, interactive body, template parameters)."""
    kind = message["type"]
    if kind == "text":
        return str(message["text"]["body"])
    if kind == "interactive":
        return str(message["interactive"]["body"]["text"])
    if kind == "template":
        params = message["template"]["components"][0]["parameters"]
        return " ".join(str(p["text"]) for p in params)
    return str(message.get(kind, ""))
