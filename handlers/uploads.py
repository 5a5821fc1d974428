"""Staff upload field files to the bot: a CSV/XLSX document with the caption `/impor`.

`/impor` (alias `/import`) runs the kit sync, `/impor status` the SIAK status import and
`/impor siswa` the students import. Only staff (ADMIN_USER_IDS or added with /staf, authorised
by who sent it, also in the staff group); anyone else gets a polite refusal. Without a document
the command explains how to send one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.core.messages import Reply
from bot.errors import ImportFileError
from bot.imports.uploads import KINDS, SUFFIXES, fetch_document, import_upload, safe_name
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
        data = await fetch_document(ctx.inbound.channel, document, limit)
    except ImportFileError as exc:
        return [ctx.reply("upload_failed", name=name, reason=str(exc))]
    if data is None:
        return [ctx.reply("upload_no_download")]
    logger.info("Staff %s uploaded %s (%d bytes) as %s", actor(ctx), name, len(data), kind)
    return await import_upload(ctx.db, ctx.settings, ctx.clock, kind, name, data,
                               actor=actor(ctx), lang=ctx.lang)  # fmt: skip


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
