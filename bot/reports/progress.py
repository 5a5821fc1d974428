"""Progress to the campaign deadline: coverage, pace, projection, where to go next; the chart.

Target = residents who must have an e-KTP today (17+ or married); recorded = those whose
status means the biometrics are on record. Recordings per day come from the kit/SIAK ledger
and the tallies of closed visits without kit data. The pace is the 14-day average; the
projected completion date is when the remaining residents are recorded at that pace. The
kelurahan furthest behind (lowest coverage, then most unrecorded) gets the suggestion "N
residents unrecorded, M visits needed at K per visit" (K: VISIT_CAPACITY, else the active
teams' average kits × per kit, else `DEFAULT_PER_VISIT`).

`render_chart` draws with matplotlib's Agg backend (imported on first use): the cumulative
recorded residents vs the target with the projection line and the deadline marked, and a bar
chart of coverage per kecamatan.
"""

from __future__ import annotations

import asyncio
import io
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core.clock import Clock
from bot.core.messages import Document, Reply
from bot.core.status import born_by
from bot.i18n import format_date, t
from bot.i18n.numbers import number, percent
from bot.settings import Settings
from storage import progress as sql
from storage.db import Database

TREND_DAYS = 14
HISTORY_DAYS = 60
DEFAULT_PER_VISIT = 50


@dataclass(frozen=True)
class Area:
    """Target and recorded residents of an area."""

    name: str
    parent: str
    target: int
    recorded: int

    @property
    def unrecorded(self) -> int:
        """Residents still to record."""
        return self.target - self.recorded

    @property
    def ratio(self) -> float:
        """Coverage from 0 to 1 (1 for an area without target)."""
        return self.recorded / self.target if self.target else 1.0


@dataclass
class Progress:
    """Everything /laporan and `jemput report` show."""

    today: date
    deadline: date | None
    target: int
    recorded: int
    kecamatan: list[Area]
    kelurahan: list[Area]
    rw: list[Area]
    daily: dict[date, int]
    per_visit: int
    rate: float = 0.0
    projected: date | None = None
    behind: Area | None = None
    history: list[tuple[date, int]] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        """Target residents still to record."""
        return max(self.target - self.recorded, 0)

    @property
    def needed_rate(self) -> float | None:
        """Recordings per day needed to finish by the deadline (None without one)."""
        if self.deadline is None:
            return None
        return self.remaining / max((self.deadline - self.today).days, 1)

    @property
    def visits_needed(self) -> int:
        """Visits to record the furthest-behind kelurahan."""
        return math.ceil(self.behind.unrecorded / self.per_visit) if self.behind else 0


def _areas(rows: list[sql.AreaCount]) -> tuple[list[Area], list[Area], list[Area]]:
    """Sum the per-RW rows up to kelurahan and kecamatan."""
    kec: dict[str, list[int]] = {}
    kel: dict[tuple[str, str], list[int]] = {}
    rws = []
    for r in rows:
        for totals in (kec.setdefault(r.kecamatan, [0, 0]),
                       kel.setdefault((r.kecamatan, r.kelurahan), [0, 0])):  # fmt: skip
            totals[0] += r.target
            totals[1] += r.recorded
        rws.append(Area(f"RW {r.rw or '-'}", f"{r.kelurahan}, {r.kecamatan}", r.target, r.recorded))
    kecs = [Area(k or "-", "", a, b) for k, (a, b) in sorted(kec.items())]
    kels = [Area(k[1] or "-", k[0], a, b) for k, (a, b) in sorted(kel.items())]
    return kecs, kels, rws


async def compute(db: Database, settings: Settings, clock: Clock) -> Progress:
    """Read the figures and work out pace, projection and the kelurahan furthest behind."""
    today = clock.today()
    kecs, kels, rws = _areas(await sql.coverage(db, born_by(today)))
    daily = await sql.recordings_per_day(db, today - timedelta(days=HISTORY_DAYS))
    capacity = settings.visit_capacity or await sql.team_capacity(db) or DEFAULT_PER_VISIT
    p = Progress(
        today=today,
        deadline=settings.campaign_deadline,
        target=sum(a.target for a in kecs),
        recorded=sum(a.recorded for a in kecs),
        kecamatan=kecs,
        kelurahan=kels,
        rw=rws,
        daily=daily,
        per_visit=max(round(capacity), 1),
    )
    recent = sum(n for d, n in daily.items() if today - d < timedelta(days=TREND_DAYS))
    p.rate = recent / TREND_DAYS
    if p.rate > 0:
        p.projected = today + timedelta(days=math.ceil(p.remaining / p.rate))
    lagging = [a for a in kels if a.unrecorded > 0]
    p.behind = min(lagging, key=lambda a: (a.ratio, -a.unrecorded)) if lagging else None
    p.history = _history(p)
    return p


def _history(p: Progress) -> list[tuple[date, int]]:
    """Cumulative recorded residents per day over the last HISTORY_DAYS (today's count last)."""
    points, count = [], p.recorded
    for back in range(HISTORY_DAYS + 1):
        day = p.today - timedelta(days=back)
        points.append((day, max(count, 0)))
        count -= p.daily.get(day, 0)
    return points[::-1]


def pct(ratio: float) -> str:
    """'42.5%'."""
    return f"{ratio * 100:.1f}%"


def summary_text(p: Progress, lang: str) -> str:
    """The short text under the chart."""
    if not p.target:
        return t(lang, "report_empty")
    ratio = p.recorded / p.target
    lines = [
        t(lang, "report_head", date=format_date(lang, p.today), recorded=number(lang, p.recorded),
          target=number(lang, p.target), pct=percent(lang, ratio)),
        t(lang, "report_pace", rate=number(lang, p.rate, 1)),
    ]  # fmt: skip
    if p.projected is not None:
        lines.append(t(lang, "report_projection", date=format_date(lang, p.projected)))
    else:
        lines.append(t(lang, "report_no_pace"))
    lines.append(_deadline_line(p, lang))
    if p.behind is not None:
        b = p.behind
        lines.append(t(lang, "report_behind", kelurahan=b.name, kecamatan=b.parent,
                       pct=percent(lang, b.ratio), unrecorded=number(lang, b.unrecorded),
                       visits=p.visits_needed, per_visit=p.per_visit))  # fmt: skip
    return "\n".join(lines)


def _deadline_line(p: Progress, lang: str) -> str:
    if p.deadline is None:
        return t(lang, "report_no_deadline")
    deadline = format_date(lang, p.deadline)
    if p.projected is not None and p.projected <= p.deadline:
        return t(lang, "report_deadline_ok", deadline=deadline)
    return t(
        lang, "report_deadline_late", deadline=deadline, needed=number(lang, p.needed_rate or 0)
    )


def render_chart(p: Progress, lang: str = "id") -> bytes:
    """The PNG: cumulative recorded vs target with projection and deadline; coverage bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 8), dpi=100, layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=(3, 2))
    _cumulative(top, p, lang)
    _bars(bottom, p, lang)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


_LABELS = {
    "id": ("Terekam (kumulatif)", "Target wajib KTP", "Proyeksi", "Tenggat",
           "Cakupan per kecamatan", "Perekaman e-KTP: {pct} dari wajib KTP"),
    "en": ("Recorded (cumulative)", "Target", "Projection", "Deadline", "Coverage per kecamatan",
           "e-KTP recording: {pct} of the target"),
}  # fmt: skip


def _cumulative(ax: object, p: Progress, lang: str) -> None:
    from matplotlib import dates as mdates
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    recorded, target, projection, deadline, *_ = _LABELS.get(lang, _LABELS["id"])
    x = _day_number
    ax.plot([x(d) for d, _ in p.history], [n for _, n in p.history], color="tab:blue",
            linewidth=2, label=recorded)  # fmt: skip
    end = max(d for d in (p.deadline, p.projected, p.today + timedelta(days=30)) if d is not None)
    end = min(end, p.today + timedelta(days=3 * 365))
    ax.axhline(p.target, color="tab:green", linestyle=":", label=target)
    if p.rate > 0:
        finish = min(end, p.projected or end)
        reach = min(p.recorded + p.rate * (finish - p.today).days, p.target)
        ax.plot([x(p.today), x(finish)], [p.recorded, reach], color="tab:blue", linestyle="--",
                label=projection)  # fmt: skip
    if p.deadline is not None:
        ax.axvline(x(p.deadline), color="tab:red", linestyle="-.", label=deadline)
    ax.set_xlim(x(p.history[0][0]), x(end) + 7)
    ax.set_title(_LABELS.get(lang, _LABELS["id"])[5].format(pct=pct(p.recorded / max(p.target, 1))))
    ax.set_ylim(0, max(p.target, 1) * 1.05)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d-%m-%Y"))  # type: ignore[no-untyped-call]
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)


def _day_number(day: date) -> float:
    """matplotlib's date number (days since its default epoch, 1970-01-01)."""
    return float((day - _EPOCH).days)


_EPOCH = date(1970, 1, 1)


def _bars(ax: object, p: Progress, lang: str) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    title = _LABELS.get(lang, _LABELS["id"])[4]
    names = [a.name for a in p.kecamatan] or ["-"]
    values = [a.ratio * 100 for a in p.kecamatan] or [0.0]
    bars = ax.bar(names, values, color="tab:blue")
    ax.bar_label(bars, labels=[f"{v:.0f}%" for v in values])
    ax.set_ylim(0, 110)
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=20)


async def laporan(db: Database, settings: Settings, clock: Clock, lang: str) -> Reply:
    """/laporan: the chart as a PNG document with the short text (drawn off the event loop)."""
    p = await compute(db, settings, clock)
    png = await asyncio.to_thread(render_chart, p, lang)
    name = f"laporan-ektp-{p.today.isoformat()}.png"
    return Reply(
        text=summary_text(p, lang),
        document=Document(filename=name, mime_type="image/png", content=png),
    )
