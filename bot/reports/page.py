"""`jemput report --out DIR`: the progress report as files for the head of office and RT/RW.

Writes ``laporan.html`` (self-contained: the chart as a base64 PNG, the summary, coverage per
kecamatan and kelurahan) and CSV exports: ``belum-rekam-per-rt.csv`` (residents still to record,
sorted by area and RT for printing; name, RT/RW and a masked NIK are enough to find people),
``cakupan-kelurahan.csv``, ``cakupan-rw.csv`` and ``pesanan-kunjungan.csv`` (orders and visits
with their tallies and kit counts). CSV cells that start like a formula are quoted.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import html
from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path

from bot.core.clock import Clock
from bot.core.files import open_private_text, private_dir, write_private_text
from bot.core.nik import mask
from bot.core.status import born_by
from bot.reports.progress import Area, Progress, compute, pct, render_chart, summary_text
from bot.settings import Settings
from storage import audit
from storage import import_runs as worker
from storage import progress as sql
from storage.db import Database

HTML = "laporan.html"
UNRECORDED = "belum-rekam-per-rt.csv"
ORDERS_HEADER = (
    "kode", "jenis", "status", "kecamatan", "kelurahan", "rw", "rt", "alamat", "peserta",
    "dibuat", "tanggal_kunjungan", "sesi", "tim", "status_kunjungan", "terekam", "gagal",
    "tidak_hadir", "sudah_punya", "belum_16", "rekaman_alat",
)  # fmt: skip


async def write_report(
    db: Database, settings: Settings, clock: Clock, out: Path, *, actor: str
) -> list[Path]:
    """Write the page and the exports into `out` (created); returns the files written."""
    private_dir(out)
    p = await compute(db, settings, clock)
    lang = settings.default_language
    png = await asyncio.to_thread(render_chart, p, lang)
    written = [
        _write_csv(out / "cakupan-kelurahan.csv", _COVERAGE, _coverage_rows(p.kelurahan)),
        _write_csv(out / "cakupan-rw.csv", _COVERAGE, _coverage_rows(p.rw)),
        *await asyncio.to_thread(_exports, db, out, p.today),
    ]
    page = out / HTML
    write_private_text(page, _page(p, lang, png, written))
    detail = {"out": str(out), "files": [f.name for f in [page, *written]]}
    await audit.record(db, clock.now(), actor, "report.write", detail)
    return [page, *written]


_COVERAGE = ("wilayah", "induk", "wajib_ktp", "terekam", "belum_rekam", "cakupan")


def _coverage_rows(areas: Iterable[Area]) -> Iterable[Sequence[object]]:
    for a in areas:
        yield (a.name, a.parent, a.target, a.recorded, a.unrecorded, pct(a.ratio))


def _exports(db: Database, out: Path, today: date) -> list[Path]:
    """The long exports, streamed from a worker connection (worker thread)."""
    with closing(worker.connect(db)) as conn:
        people = (
            (kec, kel, rw, rt, nama, mask(nik), alamat, status)
            for kec, kel, rw, rt, nama, nik, alamat, status in sql.unrecorded_by_rt(
                conn, born_by(today)
            )
        )
        header = ("kecamatan", "kelurahan", "rw", "rt", "nama", "nik", "alamat", "status")
        first = _write_csv(out / UNRECORDED, header, people)
        second = _write_csv(out / "pesanan-kunjungan.csv", ORDERS_HEADER, sql.orders_export(conn))
    return [first, second]


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    with open_private_text(path, "utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([_safe(c) for c in row] for row in rows)
    return path


def _safe(value: object) -> object:
    """A cell that could start a spreadsheet formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


def _page(p: Progress, lang: str, png: bytes, files: list[Path]) -> str:
    """The self-contained HTML page."""
    esc = html.escape
    summary = "<br>".join(esc(line) for line in summary_text(p, lang).splitlines())
    image = base64.b64encode(png).decode("ascii")
    links = "".join(f'<li><a href="{esc(f.name)}">{esc(f.name)}</a></li>' for f in files)
    return f"""<!doctype html>
<html lang="{esc(lang)}"><head><meta charset="utf-8">
<title>Laporan perekaman e-KTP {p.today.isoformat()}</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}img{{max-width:100%}}</style></head><body>
<h1>Laporan perekaman e-KTP</h1><p>{summary}</p>
<img alt="grafik" src="data:image/png;base64,{image}">
<h2>Kecamatan</h2>{_table(p.kecamatan)}
<h2>Kelurahan</h2>{_table(p.kelurahan)}
<h2>Unduhan (CSV)</h2><ul>{links}</ul>
</body></html>
"""


def _table(areas: list[Area]) -> str:
    head = "".join(f"<th>{h}</th>" for h in _COVERAGE)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
        for row in _coverage_rows(areas)
    )
    return f"<table><tr>{head}</tr>{body}</table>"
