"""Staff upload field files to the bot: a CSV/XLSX document with the caption `/impor`.

`/impor` (alias `/import`) runs the kit sync, `/impor status` the SIAK status import and
`/impor siswa` the students import. Only staff (ADMIN_USER_IDS or added with /staf, authorised
by who sent it, also in the staff group); anyone else gets a polite refusal. Without a document
the command explains how to send one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.core.calendar import SendWindow
from bot.core.messages import Document, Reply
from bot.errors import ImportFileError
from bot.imports.uploads import KINDS, SUFFIXES, check_size, import_upload, safe_name
from bot.outreach.jobs import Outreach
from handlers.access import actor, is_staff
from handlers.context import Context
from handlers.router import Router

logger = logging.getLogger(__name__)


async def upload(ctx: Context, arg: str) -> list[Reply]:
    """Import the attached file (staff only)."""
    document = ctx.inbound.document
    if not await is_staff(ctx):
        if document is not None:
            logger.info("Refused a document from non-staff %s", actor(ctx))
        return [ctx.reply("upload_refused" if document is not None else "field_staff_only")]
    kind = KINDS.get(arg.strip().lower())
    if document is None or kind is None:
        return [ctx.reply("upload_usage")]
    name = safe_name(document.filename)
    if Path(name).suffix.lower() not in SUFFIXES:
        return [ctx.reply("upload_wrong_type", name=name)]
    limit = int(ctx.settings.import_max_mb * 1024 * 1024)
    try:
        data = await _download(ctx, document, limit)
    except ImportFileError as exc:
        return [ctx.reply("upload_failed", name=name, reason=str(exc))]
    if data is None:
        return [ctx.reply("upload_no_download")]
    logger.info("Staff %s uploaded %s (%d bytes) as %s", actor(ctx), name, len(data), kind)
    return await import_upload(ctx.db, ctx.settings, ctx.clock, kind, name, data,
                               actor=actor(ctx), lang=ctx.lang,
                               follow_up=_notices(ctx) if kind == "statuses" else None)  # fmt: skip


async def _download(ctx: Context, document: Document, limit: int) -> bytes | None:
    """The document's bytes through the channel (None when it cannot download files)."""
    if document.content:
        data = document.content
    elif document.file_id and ctx.files is not None:
        data = await ctx.files.fetch_file(document.file_id, limit)
    else:
        return None
    check_size(data, limit)
    return data


def _notices(ctx: Context) -> Callable[[], Awaitable[str]]:
    """After a SIAK import: the PRR/printed notices it triggers (queued in the outbox)."""
    window = SendWindow.from_settings(ctx.settings)
    outreach = Outreach(ctx.db, ctx.settings, ctx.clock, window)

    async def notices() -> str:
        result = await outreach.triggers()
        return ctx.t("cli_count_notices", n=result.counts.get("notices", 0))

    return notices


def register(router: Router) -> None:
    """Add /impor (alias /import) and documents sent without a caption."""
    router.command("impor", "import", handler=upload)

    async def captionless(ctx: Context, arg: str) -> list[Reply]:
        """A file without a caption: staff get the kit sync; in other groups, silence."""
        staff_chat = ctx.settings.staff_chat_id
        if ctx.chat.is_group and ctx.chat.chat_id != staff_chat:
            return []
        return await upload(ctx, "")

    router.on_document(captionless)
