"""Wiring: the one module that builds the database, the conversation core and the channels."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.clock import Clock
from bot.core.telemetry import Telemetry
from bot.errors import ConfigError
from bot.imports.regions import read_city_areas
from bot.settings import Settings
from storage import areas
from storage.db import Database

# Only what opening the database needs is imported up front: a CLI command that reads data
# does not pay for the handlers, the channels or the scheduler (`jemput` starts fast).
if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel
    from bot.channels.whatsapp import WhatsAppChannel
    from bot.core.ports import Pacer, Sender
    from bot.outreach.cluster import Membership
    from bot.outreach.jobs import Outreach
    from bot.outreach.pacing import RatePacer
    from handlers.router import Conversation, Router

logger = logging.getLogger(__name__)

JOB_DRAIN_S = 20.0  # at stop, running jobs get this long (systemd waits 90 s by default)


async def load_areas(db: Database, path: Path, city: str) -> int:
    """Load the city's kecamatan and kelurahan from a Kepmendagri list; returns how many."""
    count = await areas.upsert_areas(db, read_city_areas(path, city))
    logger.info("Loaded %s areas of %s from %s", count, city, path)
    return count


def build_router() -> Router:
    """Every conversation feature, registered in one place."""
    from handlers import (
        console_login,
        my_orders,
        officials,
        orders,
        outreach,
        privacy,
        reports,
        schools,
        staff,
        staff_admin,
        start,
        status,
        tallies,
        uploads,
    )
    from handlers.router import Router

    router = Router()
    for module in (start, status, outreach, officials, orders, my_orders, staff, staff_admin,
                   tallies):  # fmt: skip
        module.register(router)
    for field_module in (reports, schools, uploads, privacy):  # field results, /hapus
        field_module.register(router)
    console_login.register(router)  # /konsol: login link to the staff web console (#11)
    return router


@dataclass
class App:
    """The parts every channel and job shares."""

    settings: Settings
    db: Database
    clock: Clock
    telemetry: Telemetry = field(default_factory=Telemetry)  # /healthz and /metrics
    _conversation: Conversation | None = None

    @property
    def conversation(self) -> Conversation:
        """The conversation core (built on first use: data commands never need it)."""
        if self._conversation is None:
            from handlers.router import Conversation

            self._conversation = Conversation(self.db, self.settings, self.clock, build_router())
        return self._conversation

    async def close(self) -> None:
        """Release the database."""
        await self.db.close()


async def build_app(settings: Settings, clock: Clock | None = None) -> App:
    """Open the database (migrating it) and build the conversation core."""
    clock = clock or Clock(settings.timezone)
    db = await Database.open(settings.database)
    try:
        if settings.regions_file is not None and await areas.count_areas(db) == 0:
            await load_areas(db, settings.regions_file, settings.city_code)
    except BaseException:  # the database's worker threads would keep the process alive
        await db.close()
        raise
    return App(settings=settings, db=db, clock=clock)


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock | None = None) -> AsyncIterator[App]:
    """`build_app` for one command: ``async with open_app(settings) as app:`` closes it after."""
    app = await build_app(settings, clock)
    try:
        yield app
    finally:
        await app.close()


def build_outreach(app: App) -> Outreach:
    """The outreach jobs with the sending window (reads HOLIDAYS_FILE)."""
    from bot.core.calendar import SendWindow
    from bot.outreach.jobs import Outreach

    return Outreach(app.db, app.settings, app.clock, SendWindow.from_settings(app.settings))


def build_telegram_pacer(settings: Settings) -> RatePacer:
    """One pacer per bot token, shared by the channel's direct replies and its dispatcher."""
    from bot.outreach.pacing import RatePacer

    return RatePacer.for_telegram(settings)


def build_whatsapp_pacer(settings: Settings) -> RatePacer:
    """WHATSAPP_RATE for the number; WHATSAPP_USER_INTERVAL_S between bulk sends to one user."""
    from bot.outreach.pacing import RatePacer

    per_user = 1.0 / max(settings.whatsapp_user_interval_s, 0.001)
    return RatePacer(settings.whatsapp_rate, per_user, 60.0)


@dataclass
class Channels:
    """The channels `jemput run` runs, with their pacers."""

    telegram: TelegramChannel | None = None
    whatsapp: WhatsAppChannel | None = None
    pacers: dict[str, Pacer] = field(default_factory=dict)

    @property
    def senders(self) -> list[Sender]:
        """Every configured channel (each is its dispatcher's Sender)."""
        return [c for c in (self.telegram, self.whatsapp) if c is not None]


def build_channels(app: App) -> Channels:
    """Telegram when TELEGRAM_BOT_TOKEN is set, WhatsApp when its token and number id are."""
    from bot.channels.telegram import TelegramChannel
    from bot.channels.whatsapp import WhatsAppChannel

    s, channels = app.settings, Channels()
    if s.telegram_bot_token is not None:
        pacer = channels.pacers["telegram"] = build_telegram_pacer(s)
        channels.telegram = TelegramChannel(s, app.db, app.conversation, app.clock, pacer=pacer)
        app.conversation.files[channels.telegram.channel] = channels.telegram
        channels.telegram.telemetry = app.telemetry
        mode = "webhook" if s.telegram_webhook_url else "polling"
        app.telemetry.watch("telegram", mode, app.clock.now())
    if s.whatsapp_enabled:
        pacer = channels.pacers["whatsapp"] = build_whatsapp_pacer(s)
        channels.whatsapp = WhatsAppChannel(s, app.db, app.conversation, app.clock, pacer=pacer)
        channels.whatsapp.telemetry = app.telemetry
        app.telemetry.watch("whatsapp", "webhook", app.clock.now())
    return channels


async def run_channels(app: App, stop: asyncio.Event) -> None:
    """The channels, their dispatchers, the scheduler and the web server (always: health)."""
    from bot.channels import webserver
    from bot.office.desk import Office
    from bot.outreach.cluster import Membership, lead
    from bot.web.app import mount_console

    s, channels = app.settings, build_channels(app)
    member = Membership(app.db, s.worker_ttl_s, s.worker_beat_s)  # several workers: #10
    await member.join()
    tasks: dict[str, asyncio.Task[None]] = {}
    tg_webhook = channels.telegram if s.telegram_webhook_url else None
    deps = webserver.WebDeps(
        settings=s,
        db=app.db,
        clock=app.clock,
        whatsapp=channels.whatsapp,
        telegram=tg_webhook,
        tasks=lambda: {name: not task.done() for name, task in tasks.items()},
        telemetry=app.telemetry,
        ready=lambda: bool(tasks),
    )
    web = webserver.build_web_app(deps)
    mount_console(web, Office(app.db, s, app.clock))  # the staff web console at /konsol (#11)
    setup = webserver.telegram_webhook_setup(tg_webhook, s) if tg_webhook else None
    server = webserver.WebServer(web, s.host, s.port)
    await server.start()  # a busy port stops the start here, before any channel or job runs
    try:
        async with asyncio.TaskGroup() as group:
            if setup is not None:
                group.create_task(_awaited(setup()))  # setWebhook, once we listen
            tasks["worker"] = group.create_task(member.run(stop))
            if channels.telegram is not None and tg_webhook is None:  # one poller per token
                poll = lead(member, _poll_lease(s), stop, channels.telegram.run)
                tasks["telegram"] = group.create_task(poll)
            if channels.whatsapp is not None:
                tasks["whatsapp"] = group.create_task(channels.whatsapp.run(stop))
            outreach_run = run_outreach(app, channels.senders, channels.pacers, stop, member)
            tasks["outreach"] = group.create_task(outreach_run)
    except* ConfigError as errors:  # one clear line, not an exception group
        raise errors.exceptions[0] from None
    finally:
        await server.stop()
        if tg_webhook is not None:  # its chats' lanes finish the row in hand
            await tg_webhook.close()


async def _awaited(step: Awaitable[None]) -> None:
    await step


def _poll_lease(settings: Settings) -> str:
    """The lease of the getUpdates poller: one per bot token (a digest, never the token)."""
    import hashlib

    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    return f"poll:telegram:{hashlib.sha256(token.encode()).hexdigest()[:12]}"


async def run_outreach(
    app: App,
    senders: Sequence[Sender],
    pacers: Mapping[str, Pacer],
    stop: asyncio.Event,
    member: Membership | None = None,
) -> None:
    """One dispatcher task per channel plus the process's scheduler, until `stop` is set.

    With `member` (several workers), each dispatcher sends only while its worker holds the
    channel's `send:<channel>` lease (bot.outreach.cluster)."""
    from bot.outreach.cluster import lead
    from bot.outreach.dispatcher import Dispatcher
    from bot.outreach.scheduler import JobRunner, new_scheduler

    jobs = build_outreach(app)
    dispatchers = [
        Dispatcher(
            app.db,
            sender,
            pacers[sender.channel],
            app.clock,
            jobs.window,
            telemetry=app.telemetry,
            worker=member.id if member else None,
        )
        for sender in senders
    ]

    def wake() -> None:
        for dispatcher in dispatchers:
            dispatcher.wake()

    jobs.wake = wake
    scheduler = new_scheduler(app.settings)
    runner = JobRunner(jobs, app.telemetry)
    await runner.install(scheduler)
    scheduler.start()
    try:
        async with asyncio.TaskGroup() as group:
            for dispatcher in dispatchers:
                if member is None:
                    group.create_task(dispatcher.run(stop))
                else:
                    send = lead(
                        member, f"send:{dispatcher.channel}", stop, dispatcher.run,
                        pause_s=dispatcher.recovery_pause_s,
                    )  # fmt: skip
                    group.create_task(send)
    finally:
        scheduler.pause()  # no new runs; the running ones finish before the database closes
        await runner.drain(JOB_DRAIN_S)
        scheduler.shutdown(wait=False)
