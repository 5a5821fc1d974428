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

#: How long a worker holds a chat it is handling before another may take it (it died).
CHAT_LEASE_S = 60.0


async def pending_by_chat(db: Database, channel: str) -> list[list[InboxItem]]:
    """The pending inbox rows grouped by chat, each chat's oldest first ([] when none).

    Only chats this worker could claim (several workers: another may be handling a chat; its
    rows wait for it, so a chat's messages are handled once and in order). The rows are read
    again after the claim: the previous holder may have handled some meanwhile."""
    chats = {row.chat_id for row in await inbox.pending(db, channel)}
    if not chats:
        return []
    mine = await inbox.claim_chats(db, channel, chats, CHAT_LEASE_S)
    by_chat: dict[str, list[InboxItem]] = {}
    for row in await inbox.pending(db, channel):
        if row.chat_id in mine:
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
    if items:
        await inbox.release_chat(db, channel, items[0].chat_id)
