"""Files staff send to the bot: run the field import on the bytes the channel downloaded.

Downloading is a channel capability (`bot.core.ports.FileFetcher`, wired per channel into the
conversation core); this module only checks the size and runs the import.

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

from bot.core.clock import Clock
from bot.core.files import write_private_bytes
from bot.core.messages import Document, Reply
from bot.errors import FileLimitError, ImportFileError
from bot.i18n import t
from bot.imports.limits import Limits
from bot.imports.recordings import import_recordings
from bot.imports.statuses import import_statuses
from bot.imports.students import import_students
from bot.settings import Settings
from storage.db import Database

logger = logging.getLogger(__name__)

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
KINDS = {"": "recordings", "rekam": "recordings", "status": "statuses", "statuses": "statuses",
         "siak": "statuses", "siswa": "students", "students": "students"}  # fmt: skip


def too_big(size: int, max_bytes: int) -> str:
    """Why a file of `size` bytes is refused (IMPORT_MAX_MB)."""
    return (
        f"the file is {size / 1024 / 1024:.1f} MB; the limit is {max_bytes / 1024 / 1024:g} MB"
        " (IMPORT_MAX_MB) — split it into smaller files"
    )


def check_size(data: bytes, max_bytes: int) -> None:
    """Refuse bytes over the limit (a channel may not know the size before downloading)."""
    if len(data) > max_bytes:
        raise ImportFileError(too_big(len(data), max_bytes))


def safe_name(filename: str) -> str:
    """The file name without folders or odd characters (kept readable for the listings)."""
    name = Path(filename.replace("\\", "/")).name or "upload.csv"
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:80]


async def import_upload(
    db: Database, settings: Settings, clock: Clock, kind: str, name: str, data: bytes, *,
    actor: str, lang: str, follow_up: Callable[[], Awaitable[str]] | None = None,
) -> list[Reply]:  # fmt: skip
    """Run one import on uploaded bytes; the summary, and the masked notes as a document.

    `follow_up` runs after a successful import (e.g. the status notices a SIAK import
    triggers); its text joins the summary.
    """
    with tempfile.TemporaryDirectory(prefix="jemput-upload-") as folder:
        path = Path(folder) / name
        write_private_bytes(path, data)  # personal data: 0600 (UU 27/2022)
        try:
            brief, notes = await _run(db, settings, clock, kind, path, actor)
        except FileLimitError as exc:
            logger.warning("Upload %s refused: %s", name, exc)
            reason = t(lang, exc.key, **exc.values)
            return [Reply(text=t(lang, "upload_failed", name=name, reason=reason))]
        except ImportFileError as exc:
            reason = str(exc).removeprefix(f"{name}: ")
            return [Reply(text=t(lang, "upload_failed", name=name, reason=reason))]
        if follow_up is not None:
            brief = f"{brief}; {await follow_up()}"
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
                              "max_mb": settings.import_max_mb,
                              "limits": Limits.from_settings(settings)}  # fmt: skip
    if kind == "statuses":
        summary = await import_statuses(db, path, **common)
        return summary.brief(), summary.notes_path
    if kind == "students":
        students = await import_students(db, path, **common)
        return students.brief(), students.notes_path
    synced = await import_recordings(db, path, **common)
    return synced.brief(), synced.notes_path
