"""Working through a channel's durable inbox: pending rows by chat, each chat's in order.

Telegram and WhatsApp both store what arrives in the `inbox` table before handling it; these
are the steps they share. Different chats are handled concurrently by the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.clock import Clock
from storage import inbox
from storage.db import Database
from storage.inbox import InboxItem


async def pending_by_chat(db: Database, channel: str) -> list[list[InboxItem]]:
    """The pending inbox rows grouped by chat, each chat's oldest first ([] when none)."""
    by_chat: dict[str, list[InboxItem]] = {}
    for row in await inbox.pending(db, channel):
        by_chat.setdefault(row.chat_id, []).append(row)
    return list(by_chat.values())


async def process_in_order(
    db: Database,
    channel: str,
    clock: Clock,
    items: list[InboxItem],
    handle: Callable[[InboxItem], Awaitable[None]],
    log: logging.Logger,
    label: str,
) -> None:
    """Handle one chat's rows in order, marking each processed (with its error if it failed).

    A row that fails is logged on `log` as "<label> update <id> failed"; a failure to mark a
    row (storage) propagates.
    """
    for item in items:
        error = ""
        try:
            await handle(item)
        except Exception as exc:  # one bad row must not stop the others
            log.exception("%s update %s failed", label, item.update_id)
            error = f"{type(exc).__name__}: {exc}"[:500]
        await inbox.mark_processed(db, channel, item.update_id, clock.now(), error)
