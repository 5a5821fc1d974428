"""Files staff send to the bot: download them through the channel, run the field import.

The core never sees a platform object, so downloading a received document is a channel
capability: a `DocumentFetcher` (file id → bytes, refusing anything over a size) registered per
channel by the wiring (`register_fetcher`; for Telegram `telegram_fetcher(bot)`, which uses the
Bot API's getFile). A document whose `content` the adapter already filled needs no fetcher.

`import_upload` runs the kit sync (default), the SIAK status import or the students import on
the bytes in a private temporary folder, and answers with the summary and the masked notes
listing; the temporary copy (which holds full NIKs) is removed at once.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.core.calendar import SendWindow
from bot.core.clock import Clock
from bot.core.messages import Document, Reply
from bot.errors import ImportFileError
from bot.i18n import t
from bot.imports.recordings import import_recordings
from bot.imports.statuses import import_statuses
from bot.imports.students import import_students
from bot.outreach.jobs import Outreach
from bot.settings import Settings
from storage.db import Database

logger = logging.getLogger(__name__)

#: (file id, largest size in bytes) → the file's bytes; raises ImportFileError when too big.
DocumentFetcher = Callable[[str, int], Awaitable[bytes]]
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
KINDS = {"": "recordings", "rekam": "recordings", "status": "statuses", "statuses": "statuses",
         "siak": "statuses", "siswa": "students", "students": "students"}  # fmt: skip

_fetchers: dict[str, DocumentFetcher] = {}


def register_fetcher(channel: str, fetch: DocumentFetcher | None) -> None:
    """Set (or, with None, remove) the channel's way to download received documents."""
    if fetch is None:
        _fetchers.pop(channel, None)
    else:
        _fetchers[channel] = fetch


def telegram_fetcher(bot: Any) -> DocumentFetcher:
    """Downloads through a python-telegram-bot `Bot` (getFile, then the file URL)."""

    async def fetch(file_id: str, max_bytes: int) -> bytes:
        from telegram.error import TelegramError

        try:
            file = await bot.get_file(file_id)
            if file.file_size and file.file_size > max_bytes:
                raise ImportFileError(_too_big(file.file_size, max_bytes))
            return bytes(await file.download_as_bytearray())
        except TelegramError as exc:  # e.g. "file is too big" (the Bot API serves ≤ 20 MB)
            logger.warning("Telegram could not give file %s: %s", file_id, exc)
            raise ImportFileError(f"Telegram could not give the file ({exc})") from None

    return fetch


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"the file is {size / 1024 / 1024:.1f} MB; the limit is {max_bytes / 1024 / 1024:g} MB"
        " (IMPORT_MAX_MB) — split it into smaller files"
    )


async def fetch_document(channel: str, document: Document, max_bytes: int) -> bytes | None:
    """The document's bytes (None when the channel cannot download); ImportFileError if big."""
    if document.content:
        data = document.content
    elif document.file_id and channel in _fetchers:
        data = await _fetchers[channel](document.file_id, max_bytes)
    else:
        return None
    if len(data) > max_bytes:
        raise ImportFileError(_too_big(len(data), max_bytes))
    return data


def safe_name(filename: str) -> str:
    """The file name without folders or odd characters (kept readable for the listings)."""
    name = Path(filename.replace("\\", "/")).name or "upload.csv"
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:80]


async def import_upload(
    db: Database, settings: Settings, clock: Clock, kind: str, name: str, data: bytes, *,
    actor: str, lang: str,
) -> list[Reply]:  # fmt: skip
    """Run one import on uploaded bytes; the summary, and the masked notes as a document."""
    with tempfile.TemporaryDirectory(prefix="jemput-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            brief, notes = await _run(db, settings, clock, kind, path, actor)
        except ImportFileError as exc:
            reason = str(exc).removeprefix(f"{name}: ")
            return [Reply(text=t(lang, "upload_failed", name=name, reason=reason))]
        replies = [Reply(text=t(lang, "upload_done", name=name, summary=brief))]
        if notes is not None:
            doc = Document(filename=notes.name, mime_type="text/csv", content=notes.read_bytes())
            replies.append(Reply(text=t(lang, "upload_notes"), document=doc))
    return replies


async def _run(
    db: Database, settings: Settings, clock: Clock, kind: str, path: Path, actor: str
) -> tuple[str, Path | None]:
    """The import of that kind: (brief summary, notes listing)."""
    common: dict[str, Any] = {"today": clock.today(), "now": clock.now(), "actor": actor,
                              "max_mb": settings.import_max_mb}  # fmt: skip
    if kind == "statuses":
        summary = await import_statuses(db, path, **common)
        window = SendWindow.from_settings(settings)
        notices = await Outreach(db, settings, clock, window).triggers()
        return f"{summary.brief()}; {notices}", summary.notes_path
    if kind == "students":
        students = await import_students(db, path, **common)
        return students.brief(), students.notes_path
    synced = await import_recordings(db, path, **common)
    return synced.brief(), synced.notes_path
