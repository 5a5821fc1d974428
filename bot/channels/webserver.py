"""One ASGI web server (Starlette on uvicorn) for every webhook, started by `jemput run`.

Routes:

* `GET  /webhooks/whatsapp` — Meta's verification: `hub.verify_token` must equal
  WHATSAPP_VERIFY_TOKEN (constant-time), the answer is `hub.challenge`.
* `POST /webhooks/whatsapp` — `X-Hub-Signature-256` must be `sha256=` + HMAC-SHA256(app secret,
  raw body): missing → 401, wrong → 403, and nothing is stored. A good body is stored in the
  durable inbox (`WhatsAppChannel.accept`) and answered 200 at once; it is handled afterwards.
  Storage trouble → 503, so Meta retries.
* `POST /webhooks/telegram` — Telegram webhook mode (TELEGRAM_WEBHOOK_URL): the header
  `X-Telegram-Bot-Api-Secret-Token` must equal TELEGRAM_WEBHOOK_SECRET (constant-time).
* `GET  /healthz` — channels' last poll/webhook, queues, jobs; 200 or 503 (`health.py`).
* `GET  /metrics` — Prometheus text format (`health.py`).

The server runs whenever `jemput run` runs, polling mode too, so health is always there.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram.error import InvalidToken, TelegramError

from bot.channels.health import Health, healthz_endpoint, metrics_endpoint
from bot.channels.telegram import ALLOWED_UPDATES, TelegramChannel
from bot.channels.whatsapp import WhatsAppChannel
from bot.core.clock import Clock
from bot.core.telemetry import Telemetry
from bot.errors import ConfigError
from bot.settings import Settings
from storage.db import Database, db_errors

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-hub-signature-256"
TELEGRAM_SECRET_HEADER = "x-telegram-bot-api-secret-token"
KEEP_ALIVE_S = 75  # longer than a reverse proxy's idle timeout (nginx: 60 s)


class TelegramWebhookTarget(Protocol):
    """What the Telegram route needs: the Telegram channel's webhook entry point."""

    async def process_update_json(self, data: dict[str, Any]) -> None:
        """Store and handle one update."""
        ...


@dataclass
class WebDeps:
    """What the routes use; `tasks` says whether each background task is alive."""

    settings: Settings
    db: Database
    clock: Clock
    whatsapp: WhatsAppChannel | None = None
    telegram: TelegramWebhookTarget | None = None
    tasks: Callable[[], dict[str, bool]] = field(default=lambda: {})
    telemetry: Telemetry = field(default_factory=Telemetry)
    ready: Callable[[], bool] = field(default=lambda: True)  # False while starting


def signature_ok(secret: bytes, body: bytes, header: str) -> bool:
    """True when `header` is 'sha256=' + the hex HMAC-SHA256 of the raw body."""
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def build_web_app(deps: WebDeps) -> Starlette:
    """The Starlette app with the routes of the configured channels."""
    source = Health(deps.settings, deps.db, deps.clock, deps.telemetry, deps.tasks, deps.ready)
    routes = [
        Route("/healthz", healthz_endpoint(source), methods=["GET"]),
        Route("/metrics", metrics_endpoint(source), methods=["GET"]),
    ]
    if deps.whatsapp is not None:
        s = deps.settings
        if s.whatsapp_app_secret is None or not s.whatsapp_app_secret.get_secret_value():
            raise ConfigError("WHATSAPP_APP_SECRET is required to receive WhatsApp webhooks")
        routes.append(Route("/webhooks/whatsapp", _wa_verify(s), methods=["GET"]))
        receive = _wa_receive(deps.whatsapp, s, deps.telemetry)
        routes.append(Route("/webhooks/whatsapp", receive, methods=["POST"]))
    if deps.telegram is not None:
        if deps.settings.telegram_webhook_secret is None:
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
        receive = _tg_receive(deps.telegram, deps.settings, deps.telemetry)
        routes.append(Route("/webhooks/telegram", receive, methods=["POST"]))
    return Starlette(routes=routes)


Endpoint = Callable[[Request], Any]


def _wa_verify(settings: Settings) -> Endpoint:
    token = settings.whatsapp_verify_token

    async def verify(request: Request) -> Response:
        params = request.query_params
        given = params.get("hub.verify_token", "")
        ok = (
            token is not None
            and bool(token.get_secret_value())
            and params.get("hub.mode") == "subscribe"
            and hmac.compare_digest(given.encode(), token.get_secret_value().encode())
        )
        if not ok:
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(params.get("hub.challenge", ""))

    return verify


def _wa_receive(channel: WhatsAppChannel, settings: Settings, telemetry: Telemetry) -> Endpoint:
    assert settings.whatsapp_app_secret is not None
    secret = settings.whatsapp_app_secret.get_secret_value().encode()

    async def receive(request: Request) -> Response:
        body = await request.body()
        header = request.headers.get(SIGNATURE_HEADER)
        if not header:
            return PlainTextResponse("missing signature", status_code=401)
        if not signature_ok(secret, body, header):
            logger.warning("WhatsApp webhook with a wrong signature from %s", _client(request))
            return PlainTextResponse("bad signature", status_code=403)
        try:
            await channel.accept(body)
        except ValueError:
            return PlainTextResponse("not JSON", status_code=400)
        except db_errors():
            logger.exception("Could not store a WhatsApp webhook")
            return PlainTextResponse("try again", status_code=503)
        telemetry.received(channel.channel.value, channel.clock.now())
        return PlainTextResponse("ok")

    return receive


def _tg_receive(
    telegram: TelegramWebhookTarget, settings: Settings, telemetry: Telemetry
) -> Endpoint:
    assert settings.telegram_webhook_secret is not None
    secret = settings.telegram_webhook_secret.get_secret_value().encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(TELEGRAM_SECRET_HEADER)
        if given is None:
            return PlainTextResponse("missing secret", status_code=401)
        if not hmac.compare_digest(given.encode(), secret):
            logger.warning("Telegram webhook with a wrong secret from %s", _client(request))
            return PlainTextResponse("bad secret", status_code=403)
        try:
            data = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("not JSON", status_code=400)
        if not isinstance(data, dict):
            return PlainTextResponse("not an update", status_code=400)
        try:
            await telegram.process_update_json(data)
        except db_errors():
            logger.exception("Could not store a Telegram update")
            return PlainTextResponse("try again", status_code=503)
        telemetry.received("telegram", datetime.now(UTC))
        return PlainTextResponse("ok")

    return receive


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


async def serve_webhooks(
    deps: WebDeps,
    stop: asyncio.Event,
    *,
    app: Starlette | None = None,
    after_start: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Serve on HOST:PORT until `stop`; `after_start` runs once listening (setWebhook)."""
    server = WebServer(app or build_web_app(deps), deps.settings.host, deps.settings.port)
    await server.start()
    try:
        if after_start is not None:
            await after_start()
        await stop.wait()
    finally:
        await server.stop()


def telegram_webhook_setup(
    telegram: TelegramChannel, settings: Settings
) -> Callable[[], Awaitable[None]]:
    """setWebhook(TELEGRAM_WEBHOOK_URL, secret_token=TELEGRAM_WEBHOOK_SECRET) once we listen."""
    assert settings.telegram_webhook_url and settings.telegram_webhook_secret is not None
    url, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret

    async def setup() -> None:
        bot = telegram.bot
        try:
            await bot.initialize()
            await bot.set_webhook(
                url, secret_token=secret.get_secret_value(), allowed_updates=ALLOWED_UPDATES
            )
        except InvalidToken:
            raise ConfigError("Telegram rejected TELEGRAM_BOT_TOKEN") from None
        except TelegramError as exc:
            raise ConfigError(f"Telegram setWebhook failed: {exc}") from None
        logger.info("Telegram webhook set (%s)", url)
        await telegram.lanes.feed_pending()  # what a crash or stop left unhandled

    return setup


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: `jemput run` owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebServer:
    """uvicorn serving one app on HOST:PORT inside the running event loop."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_keep_alive=KEEP_ALIVE_S,
        )
        self.server = _Server(config)
        self.host, self.port = host, port
        self._socket: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Bind HOST:PORT (ConfigError when it cannot) and start serving."""
        try:
            self._socket = socket.create_server((self.host, self.port), backlog=2048)
            # asyncio only turns Nagle off for sockets whose proto is TCP, and create_server's
            # is 0: without this, small responses wait ~40 ms for the peer's delayed ACK.
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as exc:
            raise ConfigError(
                f"web server cannot listen on {self.host}:{self.port}: {exc}"
            ) from None
        self.port = int(self._socket.getsockname()[1])
        self._task = asyncio.create_task(self.server.serve(sockets=[self._socket]))
        while not self.server.started and not self._task.done():
            await asyncio.sleep(0.01)
        logger.info("Web server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        """Stop accepting, finish requests in flight."""
        self.server.should_exit = True
        if self._task is not None:
            await self._task
        if self._socket is not None:
            self._socket.close()

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
