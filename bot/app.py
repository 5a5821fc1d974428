"""Wiring: the one module that builds the database, the conversation core and the channels."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.clock import Clock
from bot.settings import Settings
from handlers import start, status
from handlers.router import Conversation, Router
from storage.db import Database

logger = logging.getLogger(__name__)


def build_router() -> Router:
    """Every conversation feature, registered in one place."""
    router = Router()
    for module in (start, status):
        module.register(router)
    return router


@dataclass
class App:
    """The parts every channel and job shares."""

    settings: Settings
    db: Database
    clock: Clock
    conversation: Conversation

    async def close(self) -> None:
        """Release the database."""
        await self.db.close()


async def build_app(settings: Settings, clock: Clock | None = None) -> App:
    """Open the database (migrating it) and build the conversation core."""
    clock = clock or Clock(settings.timezone)
    db = await Database.open(settings.database_path)
    conversation = Conversation(db, settings, clock, build_router())
    return App(settings=settings, db=db, clock=clock, conversation=conversation)
