"""The console's routes and what they share (`Console`): mounted by `jemput run` at `/konsol`.

Every response carries no-store caching, a strict Content-Security-Policy (own scripts and
styles only: no CDN, works on an office LAN), no framing and no referrer (a login link's token
never leaves in a Referer header).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.office.desk import Office
from bot.reports.progress import Progress
from bot.web import auth, ops, orders, people, planning, summary
from bot.web.render import STATIC

CACHE_S = 60.0  # Ringkasan's figures and chart may be a minute old
NOTES_KEPT = 50  # import notes held for download (newest)

HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
        b" form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
]


@dataclass
class Console:
    """What every page shares: the office services and short-lived caches."""

    office: Office
    cache_s: float = CACHE_S
    progress: tuple[float, Progress] | None = None
    trend: dict[tuple[str, str], int] = field(default_factory=dict)  # recorded, last 14 days
    counting: asyncio.Task[Progress | None] | None = None  # the figures being counted again
    charts: dict[str, tuple[float, bytes]] = field(default_factory=dict)  # lang → (count, png)
    drawing: dict[str, asyncio.Task[tuple[float, bytes] | None]] = field(default_factory=dict)
    notes: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # id → user, name, data

    def forget_figures(self) -> None:
        """After an import: the next Ringkasan counts again before it shows."""
        self.progress = None
        self.charts.clear()

    def fresh(self, at: float) -> bool:
        """A cached figure from `at` is still good."""
        return time.monotonic() - at < self.cache_s

    def secure(self, request: Request) -> bool:
        """Cookies get `Secure` when the console is reached over HTTPS."""
        https = self.office.settings.console_base.startswith("https://")
        return https or request.url.scheme == "https"

    def keep_note(self, key: str, user_id: str, name: str, data: bytes) -> None:
        """Hold an import's notes file for its uploader to download."""
        self.notes[key] = (user_id, name, data)
        while len(self.notes) > NOTES_KEPT:
            self.notes.pop(next(iter(self.notes)))


class SecurityHeaders:
    """Adds `HEADERS` to every response of the console."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _home(request: Request) -> Response:
    """'/konsol' without the slash."""
    return RedirectResponse(f"{request.scope.get('root_path', '')}/", status_code=307)


def build_console(office: Office, **options: Any) -> Starlette:
    """The console app; mount it at `/konsol`."""
    routes = [
        Route("/", summary.page, methods=["GET"]),
        Route("/grafik.png", summary.chart, methods=["GET"]),
        Route("/masuk", auth.login_form, methods=["GET"]),
        Route("/masuk", auth.login, methods=["POST"]),
        Route("/keluar", auth.logout, methods=["POST"]),
        Route("/pesanan", orders.queue_page, methods=["GET"]),
        Route("/pesanan/{order_id:int}", orders.detail_page, methods=["GET"]),
        Route("/pesanan/{order_id:int}/jadwal", orders.schedule, methods=["POST"]),
        Route("/pesanan/{order_id:int}/tolak", orders.reject, methods=["POST"]),
        Route("/jadwal", planning.week_page, methods=["GET"]),
        Route("/tim", planning.teams_page, methods=["GET"]),
        Route("/tim/tambah", planning.add_team, methods=["POST"]),
        Route("/tim/hapus", planning.remove_team, methods=["POST"]),
        Route("/tim/{team_id:int}/kit", planning.set_kits, methods=["POST"]),
        Route("/tim/tutup", planning.close_day, methods=["POST"]),
        Route("/pengurus", people.officials_page, methods=["GET"]),
        Route("/pengurus/{official_id:int}", people.decide, methods=["POST"]),
        Route("/warga", people.resident_page, methods=["GET"]),
        Route("/warga", people.lookup, methods=["POST"]),
        Route("/impor", ops.imports_page, methods=["GET"]),
        Route("/impor", ops.upload, methods=["POST"]),
        Route("/impor/catatan/{key}", ops.notes, methods=["GET"]),
        Route("/outbox", ops.outbox_page, methods=["GET"]),
        Route("/outbox/ulang", ops.retry, methods=["POST"]),
        Route("/audit", ops.audit_page, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])
    app.state.console = Console(office, **options)
    return app


def mount_console(web: Starlette, office: Office) -> Console:
    """Mount the console on `jemput run`'s web server at /konsol (and /konsol → /konsol/)."""
    console = build_console(office)
    web.router.routes.append(Route("/konsol", _home, methods=["GET"]))
    web.mount("/konsol", console)
    return console.state.console  # type: ignore[no-any-return]
