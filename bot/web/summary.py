"""Ringkasan: coverage and projection to CAMPAIGN_DEADLINE with the chart, coverage per
kecamatan and kelurahan (sortable), where to send the next team, recordings per day.

The figures (`bot.reports.progress.compute`) and the chart are cached for a minute: at a
million residents a full count takes seconds, and the office reloads this page often.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from starlette.responses import Response

from bot.reports.progress import Progress, compute, render_chart, summary_text
from bot.web.auth import Visit, staff_page

DAYS_SHOWN = 14


async def progress(visit: Visit) -> Progress:
    """The figures, at most a minute old."""
    console = visit.console
    cached = console.progress
    if cached is not None and console.fresh(cached[0]):
        return cached[1]
    office = visit.office
    figures = await compute(office.db, office.settings, office.clock)
    console.progress = (time.monotonic(), figures)
    return figures


@staff_page
async def page(visit: Visit) -> Response:
    """GET /: the summary page."""
    p = await progress(visit)
    days = [p.today - timedelta(days=n) for n in range(DAYS_SHOWN)]
    daily = [(d, p.daily.get(d, 0)) for d in days]
    return visit.page(
        "summary.html", tab="ringkasan", p=p, text=summary_text(p, visit.lang), daily=daily,
        ratio=p.recorded / p.target if p.target else 0.0,
    )  # fmt: skip


@staff_page
async def chart(visit: Visit) -> Response:
    """GET /grafik.png: the progress chart (drawn off the event loop, cached a minute)."""
    console, lang = visit.console, visit.lang
    cached = console.charts.get(lang)
    if cached is None or not console.fresh(cached[0]):
        png = await asyncio.to_thread(render_chart, await progress(visit), lang)
        cached = console.charts[lang] = (time.monotonic(), png)
    return Response(cached[1], media_type="image/png")
