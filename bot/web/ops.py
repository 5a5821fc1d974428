"""Impor (upload residents / kit results / SIAK statuses / students, the summary, the notes or
rejects file to download), Outbox (counts, send rate, oldest pending, dead letters, retry) and
Audit (filter by actor, action, date).

Imports run `bot.imports` exactly as the chat upload and the CLI do (audited with the staff
member as actor); the uploaded bytes live in a 0600 file in a private temporary folder only
while the import runs. The notes/rejects file is held in memory for its uploader (newest 50).
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.responses import Response

from bot.core.calendar import SendWindow
from bot.core.files import write_private_bytes
from bot.core.tokens import new_token
from bot.errors import FileLimitError, ImportFileError
from bot.imports.limits import Limits
from bot.imports.residents import import_residents
from bot.imports.uploads import SUFFIXES, import_upload, safe_name, too_big
from bot.outreach.jobs import Outreach
from bot.web.auth import Visit, staff_page
from storage import audit, console
from storage import outbox as outbox_rows

KINDS = ("recordings", "residents", "statuses", "students")


@staff_page
async def imports_page(visit: Visit) -> Response:
    """GET /impor: the upload form."""
    return visit.page("imports.html", tab="impor", kinds=KINDS, result=None)


async def _received(visit: Visit) -> tuple[str, str, bytes] | str:
    """(kind, safe name, bytes) of the upload, or the key of what is wrong with it."""
    kind, upload = visit.field("jenis"), visit.form.get("berkas") if visit.form else None
    if kind not in KINDS or not isinstance(upload, UploadFile) or not upload.filename:
        return "k_import_missing"
    name = safe_name(upload.filename)
    if not name.lower().endswith(SUFFIXES):
        return "k_import_type"
    limit = int(visit.office.settings.import_max_mb * 1024 * 1024)
    if upload.size is not None and upload.size > limit:
        return too_big(upload.size, limit)
    data = await upload.read()
    await upload.close()  # the spooled copy (personal data) goes at once
    return (kind, name, data) if len(data) <= limit else too_big(len(data), limit)


@staff_page
async def upload(visit: Visit) -> Response:
    """POST /impor (jenis, berkas): run the import, show its summary and the notes link."""
    received = await _received(visit)
    if isinstance(received, str):
        error = visit.t(received) if received.startswith("k_") else received
        return visit.page("imports.html", 400, tab="impor", kinds=KINDS, result=None, error=error)
    kind, name, data = received
    if kind == "residents":
        summary, notes = await _residents(visit, name, data)
    else:
        summary, notes = await _field(visit, kind, name, data)
    link = ""
    if notes is not None:
        key = new_token()
        visit.console.keep_note(key, visit.staff.user_id, notes[0], notes[1])
        link = f"{visit.base}/impor/catatan/{key}"
    visit.console.forget_figures()  # Ringkasan counts again
    return visit.page("imports.html", tab="impor", kinds=KINDS, result=summary, notes=link)


async def _field(
    visit: Visit, kind: str, name: str, data: bytes
) -> tuple[str, tuple[str, bytes] | None]:
    """Kit results, SIAK statuses or students: the shared upload path of the chat."""
    office = visit.office
    replies = await import_upload(
        office.db, office.settings, office.clock, kind, name, data, actor=visit.staff.actor,
        lang=visit.lang, follow_up=_notices(visit) if kind == "statuses" else None,
    )  # fmt: skip
    doc = next((r.document for r in replies if r.document is not None), None)
    return replies[0].text, (doc.filename, doc.content) if doc is not None else None


def _notices(visit: Visit) -> Callable[[], Awaitable[str]]:
    """After a SIAK import: the status notices it triggers (as the chat upload does)."""
    office = visit.office
    outreach = Outreach(office.db, office.settings, office.clock,
                        SendWindow.from_settings(office.settings))  # fmt: skip

    async def notices() -> str:
        result = await outreach.triggers()
        return visit.t("cli_count_notices", n=result.counts.get("notices", 0))

    return notices


async def _residents(visit: Visit, name: str, data: bytes) -> tuple[str, tuple[str, bytes] | None]:
    """The data wajib KTP import (as `jemput import residents`), in a private temp folder."""
    office = visit.office
    with tempfile.TemporaryDirectory(prefix="jemput-konsol-") as folder:
        path = Path(folder) / name
        write_private_bytes(path, data)
        try:
            summary = await import_residents(
                office.db, path, today=office.clock.today(), actor=visit.staff.actor,
                regions=office.settings.regions_file, now=office.clock.now(),
                limits=Limits.from_settings(office.settings),
            )  # fmt: skip
        except FileLimitError as exc:  # in the staff member's language
            return visit.t("upload_failed", name=name, reason=visit.t(exc.key, **exc.values)), None
        except ImportFileError as exc:
            reason = str(exc).removeprefix(f"{name}: ")
            return visit.t("upload_failed", name=name, reason=reason), None
        rejects = summary.rejects_path
        notes = (rejects.name, rejects.read_bytes()) if rejects and rejects.exists() else None
    return visit.t("upload_done", name=name, summary=summary.line()), notes


@staff_page
async def notes(visit: Visit) -> Response:
    """GET /impor/catatan/{key}: the notes/rejects file, for the staff member who uploaded."""
    held = visit.console.notes.get(str(visit.request.path_params["key"]))
    if held is None or held[0] != visit.staff.user_id:
        return visit.page("missing.html", 404, tab="impor")
    _, filename, data = held
    disposition = f'attachment; filename="{safe_name(filename)}"'
    return Response(data, media_type="text/csv", headers={"content-disposition": disposition})


@staff_page
async def outbox_page(visit: Visit) -> Response:
    """GET /outbox: counts by state and kind, sends in the last minute, dead letters."""
    report = await outbox_rows.report(visit.office.db, visit.office.clock.now(), dead_limit=50)
    kinds = sorted({k for per_kind in report.counts.values() for k in per_kind})
    return visit.page(
        "outbox.html", tab="outbox", report=report, kinds=kinds,
        states=[s.value for s in outbox_rows.State],
    )  # fmt: skip


@staff_page
async def retry(visit: Visit) -> Response:
    """POST /outbox/ulang (id, or all dead letters): back to pending (audited)."""
    office, now = visit.office, visit.office.clock.now()
    chosen = visit.field("id")
    ids = [int(chosen)] if chosen.isdigit() else None
    count = await outbox_rows.retry_dead(office.db, now, ids)
    detail = {"ids": ids or "all", "count": count}
    await audit.record(office.db, now, visit.staff.actor, "console.outbox_retry", detail)
    return visit.back("/outbox", "retried", jumlah=str(count))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@staff_page
async def audit_page(visit: Visit) -> Response:
    """GET /audit?aktor=&aksi=&tanggal=: newest first, 200 rows at most."""
    params, office = visit.request.query_params, visit.office
    actor, action = params.get("aktor", "").strip(), params.get("aksi", "").strip()
    day = _day(params.get("tanggal", ""))
    start = end = None
    if day is not None:
        start = datetime.combine(day, time(0), office.clock.tz)
        end = start + timedelta(days=1)
    rows = await console.search_audit(office.db, actor=actor, action=action, start=start, end=end)
    return visit.page(
        "audit.html", tab="audit", rows=rows, actor=actor, action=action,
        chosen_day=day.isoformat() if day else "", actions=await console.audit_actions(office.db),
    )  # fmt: skip
