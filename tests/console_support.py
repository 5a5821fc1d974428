"""Helpers for console tests: the web app as `jemput run` serves it, login."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from bot.app import App
from bot.channels.webserver import WebDeps, build_web_app
from bot.office.desk import Office
from bot.web.app import mount_console
from tests.conftest import ChatDriver

LINK = re.compile(r"(https?://\S+/konsol)/masuk\?t=(\S+)")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@asynccontextmanager
async def console_client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the web app `jemput run` serves (webhooks, health, /konsol)."""
    web = build_web_app(WebDeps(settings=app.settings, db=app.db, clock=app.clock))
    mount_console(web, Office(app.db, app.settings, app.clock))
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def login_token(app: App, user_id: str) -> str:
    """Ask the bot for a link in a private chat as `user_id`; the token in it."""
    text = await ChatDriver(app, user_id).say("/konsol")
    found = LINK.search(text)
    assert found is not None, text
    return found.group(2)


async def log_in(app: App, client: httpx.AsyncClient, user_id: str) -> httpx.Response:
    """The whole login: /konsol in the chat, open the link, press Masuk."""
    token = await login_token(app, user_id)
    shown = await client.get(f"/konsol/masuk?t={token}")
    assert shown.status_code == 200
    return await client.post("/konsol/masuk", data={"t": token})


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token of a rendered page."""
    found = CSRF.search(page.text)
    assert found is not None, page.text[:500]
    return found.group(1)
