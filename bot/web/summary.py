"""Ringkasan: coverage and projection to CAMPAIGN_DEADLINE with the chart, coverage per
kecamatan and kelurahan (sortable), where to send the next team, recordings per day.

The figures (`bot.reports.progress.compute`) and the chart are cached: at a million residents a
full count takes seconds, and the office reloads this page often. Figures older than a minute
are shown once more while they are counted again in the background (so no page waits for the
count but the first one, and the one right after an import, which wants the new numbers).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from starlette.responses import Response

from bot.reports.progress import TREND_DAYS, Progress, compute, render_chart, summary_text
from bot.web.auth import Visit, staff_page
from storage import console as sql
from storage.db import db_errors

if TYPE_CHECKING:
    from bot.web.app import Console

DAYS_SHOWN = 14
T = TypeVar("T")
logger = logging.getLogger(__name__)


async def progress(visit: Visit) -> Progress:
    """The figures: counted now when there are none, else the cached ones (counted again in
    the background when older than a minute)."""
    console = visit.console
    cached = console.progress
    if cached is None:
        return await count(console)
    if not console.fresh(cached[0]) and console.counting is None:
        console.counting = asyncio.create_task(_in_background(count(console)))
    return cached[1]


async def _in_background(step: Awaitable[T]) -> T | None:
    """Run a refresh nobody waits for; a failure is logged (the old figures stay)."""
    try:
        return await step
    except db_errors():
        logger.exception("Could not count the console's figures again")
        return None


async def count(console: Console) -> Progress:
    """Count the figures and the trend, and cache them."""
    office = console.office
    try:
        figures = await compute(office.db, office.settings, office.clock)
        since = figures.today - timedelta(days=TREND_DAYS - 1)
        console.trend = await sql.recorded_since(office.db, since)
        console.progress = (time.monotonic(), figures)
        return figures
    finally:
        console.counting = None


@staff_page
async def page(visit: Visit) -> Response:
    """GET /: the summary page."""
    p = await progress(visit)
    days = [p.today - timedelta(days=n) for n in range(DAYS_SHOWN)]
    daily = [(d, p.daily.get(d, 0)) for d in days]
    trend = visit.console.trend
    by_kecamatan: dict[str, int] = {}
    for (kec, _), count in trend.items():
        by_kecamatan[kec] = by_kecamatan.get(kec, 0) + count
    return visit.page(
        "summary.html", tab="ringkasan", p=p, text=summary_text(p, visit.lang), daily=daily,
        ratio=p.recorded / p.target if p.target else 0.0, trend_days=TREND_DAYS,
        trend={"kecamatan": {(k, ""): n for k, n in by_kecamatan.items()}, "kelurahan": trend},
    )  # fmt: skip


@staff_page
async def chart(visit: Visit) -> Response:
    """GET /grafik.png: the chart of the cached figures, drawn off the event loop once per count
    and language (the previous drawing is served while the next one is drawn)."""
    console, lang = visit.console, visit.lang
    await progress(visit)
    cached = console.charts.get(lang)
    if cached is None:
        cached = await draw(console, lang)
    elif console.progress and cached[0] != console.progress[0] and lang not in console.drawing:
        console.drawing[lang] = asyncio.create_task(_in_background(draw(console, lang)))
    return Response(cached[1], media_type="image/png")


async def draw(console: Console, lang: str) -> tuple[float, bytes]:
    """Draw the chart of the cached figures and keep it."""
    try:
        assert console.progress is not None
        stamp, figures = console.progress
        png = await asyncio.to_thread(render_chart, figures, lang)
        console.charts[lang] = (stamp, png)
        return stamp, png
    finally:
        console.drawing.pop(lang, None)
