"""Notifications for orders and visits: every one goes through the durable outbox.

Nothing here sends: rows are enqueued with a dedupe key (a job run twice, or a button pressed
twice, enqueues once) and the dispatcher delivers them. Requesters' order notices are answers
to their own request (no sending window); reminders to residents are outreach.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core.messages import Channel, Reply
from bot.settings import Settings
from storage import outbox
from storage.db import Database

logger = logging.getLogger(__name__)


def is_group_id(chat_id: str) -> bool:
    """Telegram group and channel ids are negative."""
    return chat_id.startswith("-")


async def notify_chat(
    db: Database,
    channel: str,
    chat_id: str,
    reply: Reply,
    *,
    kind: str,
    dedupe_key: str,
    now: datetime,
    not_before: datetime | None = None,
    outreach: bool = False,
    nik: str | None = None,
) -> bool:
    """Enqueue one message; False when the same dedupe key was already enqueued for the chat."""
    staff = kind == outbox.Kind.STAFF
    message = outbox.NewMessage(
        channel=channel,
        chat_id=chat_id,
        kind=kind,
        dedupe_key=dedupe_key,
        reply=reply,
        nik=nik,
        priority=outbox.PRIORITY_STAFF if staff else outbox.PRIORITY_NOTICE,
        outreach=outreach,
        is_group=is_group_id(chat_id),
        not_before=not_before,
    )
    new = await outbox.enqueue(db, [message], now) > 0
    logger.info("Notification %s to %s %s: %s", dedupe_key, channel, kind, "new" if new else "dup")
    return new


async def notify_staff(
    db: Database, settings: Settings, reply: Reply, *, dedupe_key: str, now: datetime
) -> bool:
    """To the staff group (STAFF_CHAT_ID on Telegram); False when it is not configured."""
    if not settings.staff_chat_id:
        logger.warning("STAFF_CHAT_ID is not set: staff notice %s not enqueued", dedupe_key)
        return False
    return await _staff_notice(db, settings.staff_chat_id, reply, dedupe_key, now)


async def notify_escalation(
    db: Database, settings: Settings, reply: Reply, *, dedupe_key: str, now: datetime
) -> bool:
    """To the head of office (ESCALATION_CHAT_ID on Telegram); False when it is not configured."""
    if not settings.escalation_chat_id:
        return False
    return await _staff_notice(db, settings.escalation_chat_id, reply, dedupe_key, now)


async def _staff_notice(
    db: Database, chat_id: str, reply: Reply, dedupe_key: str, now: datetime
) -> bool:
    """A staff notice to a Telegram chat of the office."""
    return await notify_chat(
        db, Channel.TELEGRAM, chat_id, reply, kind=outbox.Kind.STAFF, dedupe_key=dedupe_key, now=now
    )
