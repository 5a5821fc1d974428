"""Progress to the deadline: coverage, pace, projection, /laporan and `jemput report`."""

from __future__ import annotations

import asyncio
import csv
import json
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.cli.main import main
from bot.imports.recordings import import_recordings
from bot.reports.progress import compute, render_chart, summary_text
from storage.residents import Resident
from tests.conftest import ChatDriver, FrozenClock
from tests.field_support import bulk_residents, closed_visit, scalar, write_csv
from tests.order_support import ADMIN, STAFF_CHAT, office_app

TODAY = date(2026, 11, 28)


pytestmark = pytest.mark.engines


@pytest.fixture
async def campaign_office(tmp_path: Path, clock: FrozenClock, engine: str) -> AsyncIterator[App]:
    app = await office_app(tmp_path, clock, campaign_deadline=date(2027, 3, 31), visit_capacity=40)
    bulk_residents(
        app.settings.database, 300, clock.today()
    )  # Bukit Intan.. Girimaya, Kel. Bacang RW 001
    yield app
    await app.close()


async def record(app: App, tmp_path: Path, niks: list[str], day: date) -> None:
    lines = [f"{n},{day.isoformat()},K1" for n in niks]
    path = write_csv(tmp_path / f"kit-{day}.csv", "nik,tanggal_rekam,kit", lines)
    await import_recordings(app.db, path, today=TODAY, now=app.clock.now(), actor="t", max_mb=20)


async def test_coverage_pace_projection_and_the_kelurahan_furthest_behind(
    campaign_office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    bulk = [
        str(r[0])
        for r in await campaign_office.db.fetchall(
            "SELECT nik FROM residents WHERE rw = '001' ORDER BY nik"
        )
    ]
    for back in range(14):  # 10 recordings a day for 14 days
        await record(
            campaign_office,
            tmp_path,
            bulk[back * 10 : back * 10 + 10],
            TODAY - timedelta(days=back),
        )
    await closed_visit(
        campaign_office, date(2026, 11, 24), terekam=7
    )  # a visit without kit data counts too

    p = await compute(campaign_office.db, campaign_office.settings, campaign_office.clock)
    showcase = [r for r in residents.values() if r.tanggal_lahir <= date(2009, 11, 28)]
    assert p.target == 300 + len(showcase)
    recorded_showcase = sum(r.status.value not in ("BELUM_REKAM", "REKAM_ULANG") for r in showcase)
    assert p.recorded == 140 + recorded_showcase
    assert p.daily[date(2026, 11, 24)] == 10 + 7
    assert p.rate == pytest.approx((140 + 7) / 14)
    assert p.projected == TODAY + timedelta(days=-(-(p.target - p.recorded) * 14 // 147))
    assert {a.name for a in p.kecamatan} >= {"Bukit Intan", "Girimaya"}
    assert p.behind is not None and p.behind.name == "Bacang"
    assert p.visits_needed == -(-p.behind.unrecorded // 40)
    text = summary_text(p, "id")
    assert "Cakupan:" in text and "Perkiraan selesai:" in text and "Target 31 Maret 2027" in text
    assert (
        f"{p.behind.unrecorded} warga belum rekam, perlu {p.visits_needed} kunjungan @ 40" in text
    )
    assert render_chart(p).startswith(b"\x89PNG")


async def test_no_pace_and_no_deadline_are_said_plainly(tmp_path: Path, clock: FrozenClock) -> None:
    app = await office_app(tmp_path, clock)
    try:
        p = await compute(app.db, app.settings, app.clock)
        assert p.projected is None and p.rate == 0
        text = summary_text(p, "en")
        assert "cannot be projected" in text and "CAMPAIGN_DEADLINE is not set" in text
        assert render_chart(p, "en").startswith(b"\x89PNG")
    finally:
        await app.close()


async def test_laporan_sends_a_png_to_staff_only(campaign_office: App) -> None:
    staff = ChatDriver(campaign_office, STAFF_CHAT)
    replies = await staff.send(text="/laporan", user_id=ADMIN, is_group=True)
    assert len(replies) == 1 and replies[0].document is not None
    assert replies[0].document.content.startswith(b"\x89PNG")
    assert replies[0].document.filename == "laporan-ektp-2026-11-28.png"
    assert "Laporan perekaman e-KTP" in replies[0].text
    assert (
        await scalar(campaign_office, "SELECT count(*) FROM audit_log WHERE action = 'report.view'")
        == 1
    )
    resident = await ChatDriver(campaign_office, "5555").say("/laporan")
    assert "hanya untuk petugas" in resident


async def test_jemput_report_writes_a_page_and_masked_exports(
    campaign_office: App, tmp_path: Path
) -> None:
    out = tmp_path / "laporan"
    args = ["report", "--out", str(out), "--db", str(campaign_office.settings.database)]
    assert await asyncio.to_thread(main, args) == 0
    page = (out / "laporan.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page and "Bacang" in page
    with (out / "belum-rekam-per-rt.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 300 and all("********" in r["nik"] for r in rows)
    assert rows == sorted(
        rows, key=lambda r: (r["kecamatan"], r["kelurahan"], r["rw"], r["rt"], r["nama"])
    )
    for name in ("cakupan-kelurahan.csv", "cakupan-rw.csv", "pesanan-kunjungan.csv"):
        assert (out / name).exists()
    exports = "".join(p.read_text(encoding="utf-8-sig") for p in out.glob("*.csv"))
    assert not re.search(r"\b\d{16}\b", page + exports)  # no full NIK anywhere


async def test_report_audit_row(tmp_path: Path, clock: FrozenClock, engine: str) -> None:
    from bot.reports.page import write_report

    app = await office_app(tmp_path, clock)
    try:
        await write_report(app.db, app.settings, app.clock, tmp_path / "r", actor="cli:test")
        row = await app.db.fetchone(
            "SELECT actor, detail FROM audit_log WHERE action = 'report.write'"
        )
        assert row is not None and row["actor"] == "cli:test"
        assert "laporan.html" in json.loads(row["detail"])["files"]
    finally:
        await app.close()
