"""School drives: students import, ranking, target list, planning a SEKOLAH visit, tallies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.app import App
from bot.cli.demo import make_nik
from bot.cli.main import main
from bot.errors import ImportFileError
from bot.i18n import t
from bot.imports.students import import_students
from bot.reports.schools import school_key, schools
from tests.conftest import ChatDriver, FrozenClock
from tests.field_support import scalar, write_csv
from tests.order_support import ADMIN, STAFF_CHAT, add_team, office_app, payloads

pytestmark = pytest.mark.engines

HEADER = "nik,nama,tanggal_lahir,sekolah,kelas"
TODAY = date(2026, 11, 28)


def student(serial: int, born: date, school: str = "SMAN 1 Pangkalpinang") -> str:
    return f"{make_nik('01', born, 'P', serial)},Siswa {serial},{born.isoformat()},{school},XI"


@pytest.fixture
async def school_office(tmp_path: Path, clock: FrozenClock, engine: str) -> AsyncIterator[App]:
    app = await office_app(tmp_path, clock)
    lines = [
        student(1, date(2009, 12, 20)),  # 16, turns 17 in 3 weeks: soon
        student(2, date(2010, 3, 1)),  # 16, turns 17 in March: soon
        student(3, date(2010, 8, 1)),  # 16, turns 17 after 6 months
        student(4, date(2011, 1, 1)),  # 15: not yet
        student(5, date(2009, 12, 1), school="sman 1 pangkalpinang"),  # same school, any case
        student(6, date(2010, 1, 5), school="SMK Negeri 2"),
    ]
    path = write_csv(tmp_path / "siswa.csv", HEADER, lines)
    await import_students(app.db, path, today=TODAY, now=app.clock.now(), actor="t", max_mb=20)
    yield app
    await app.close()


async def test_schools_are_ranked_by_students_to_record(school_office: App) -> None:
    found = await schools(school_office.db, TODAY, 6)
    assert [(s.sekolah.upper(), s.students, s.to_record, s.soon) for s in found] == [
        ("SMAN 1 PANGKALPINANG", 5, 4, 3),
        ("SMK NEGERI 2", 1, 1, 1),
    ]
    assert (await schools(school_office.db, TODAY, 1))[0].soon == 2


async def test_recorded_students_drop_out_of_the_list(school_office: App, tmp_path: Path) -> None:
    from bot.imports.recordings import import_recordings

    nik = make_nik("01", date(2010, 1, 5), "P", 6)
    kit = write_csv(tmp_path / "kit.csv", "nik,tanggal_rekam,kit", [f"{nik},2026-11-27,K1"])
    await import_recordings(
        school_office.db, kit, today=TODAY, now=school_office.clock.now(), actor="t", max_mb=20
    )
    assert [s.sekolah for s in await schools(school_office.db, TODAY, 6)] == [
        "SMAN 1 Pangkalpinang"
    ]


async def test_reimport_changes_nothing_and_bad_rows_are_rejected(
    school_office: App, tmp_path: Path
) -> None:
    lines = [
        student(1, date(2009, 12, 20)),
        "123,Salah,2009-01-01,SMA X,X",
        student(7, date(2030, 1, 1)),
    ]
    path = write_csv(tmp_path / "siswa2.csv", HEADER, lines)
    s = await import_students(
        school_office.db, path, today=TODAY, now=school_office.clock.now(), actor="t", max_mb=20
    )
    assert (s.inserted, s.updated, s.unchanged, s.rejected) == (0, 0, 1, 2)
    rejects = s.rejects_path.read_text(encoding="utf-8-sig") if s.rejects_path else ""
    assert "NIK is not 16 digits" in rejects and "is in the future" in rejects
    with pytest.raises(ImportFileError, match="missing required columns: sekolah"):
        bad = write_csv(tmp_path / "x.csv", "nik,nama,tanggal_lahir", ["1,2,3"])
        await import_students(
            school_office.db, bad, today=TODAY, now=school_office.clock.now(), actor="t", max_mb=20
        )


async def test_staff_list_a_school_get_targets_and_plan_a_visit(school_office: App) -> None:
    await add_team(school_office)
    staff = ChatDriver(school_office, STAFF_CHAT)
    replies = await staff.send(text="/sekolah", user_id=ADMIN, is_group=True)
    assert (
        "1. SMAN 1 Pangkalpinang: 4 siswa 16+ belum rekam; 3 belum rekam akan 17 th; dari 5 siswa"
        in replies[0].text
    )
    key = school_key("SMAN 1 Pangkalpinang")
    assert payloads(replies[0])[0] == f"sek:{key}"

    detail = await staff.send(payload=f"sek:{key}", user_id=ADMIN, is_group=True)
    doc = detail[0].document
    assert doc is not None and doc.filename == "sasaran-sman-1-pangkalpinang.csv"
    text = doc.content.decode("utf-8-sig")
    assert text.count("\n") == 5 and "Siswa 4" not in text and "1971********" in text

    planned = await staff.send(payload=f"sekp:{key}", user_id=ADMIN, is_group=True)
    assert "Kunjungan sekolah JB-2026-0001 dibuat" in planned[0].text
    order_id = await scalar(school_office, "SELECT id FROM orders WHERE kind = 'SEKOLAH'")
    assert payloads(planned[0]) == [f"sj:{order_id}", f"st:{order_id}", f"sd:{order_id}"]
    assert (
        await scalar(school_office, "SELECT sekolah FROM school_orders") == "SMAN 1 Pangkalpinang"
    )
    assert (
        await scalar(school_office, "SELECT count(*) FROM audit_log WHERE action = 'school.plan'")
        == 1
    )
    # the order is scheduled with the issue-4 buttons: Jadwalkan → day → team
    days = await staff.send(payload=f"sj:{order_id}", user_id=ADMIN, is_group=True)
    day_payload = next(p for p in payloads(days[0]) if p.startswith("sjd:"))
    teams = await staff.send(payload=day_payload, user_id=ADMIN, is_group=True)
    team_payload = next(p for r in teams for p in payloads(r) if p.startswith("sjt:"))
    await staff.send(payload=team_payload, user_id=ADMIN, is_group=True)
    assert (
        await scalar(school_office, "SELECT status FROM visits WHERE order_id = ?", (order_id,))
        == "TERJADWAL"
    )


async def test_non_staff_cannot_list_schools(school_office: App) -> None:
    assert "hanya untuk petugas" in await ChatDriver(school_office, "777").say("/sekolah")


async def test_jemput_schools_cli(
    school_office: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(school_office.settings.database)
    assert await asyncio.to_thread(main, ["schools", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "SMAN 1 Pangkalpinang" in out and "SMK Negeri 2" in out
    args = ["schools", "--targets", "SMK Negeri 2", "--out", str(tmp_path / "t"), "--db", db]
    assert await asyncio.to_thread(main, args) == 0
    path = tmp_path / "t" / "sasaran-smk-negeri-2.csv"
    written = t("id", "cli_targets_written", count=1, school="SMK Negeri 2", path=path)
    assert capsys.readouterr().out.strip() == written
    assert path.stat().st_mode & 0o777 == 0o600  # names and NIKs of minors
    args = ["schools", "--targets", "SMA Atlantis", "--db", db]
    assert await asyncio.to_thread(main, args) == 2
    missing = t("id", "cli_unknown_school", name="SMA Atlantis")
    assert capsys.readouterr().err.strip() == f"jemput: {missing}"
    assert (tmp_path / "t" / "sasaran-smk-negeri-2.csv").exists()


async def test_a_school_whose_students_all_turn_17_soon_but_none_is_16_is_listed(
    school_office: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # SMP Muda: two 15-year-olds turning 17 in 13 and 16 months, one 14-year-old (in 30).
    lines = [
        student(21, date(2010, 12, 30), school="SMP Muda"),
        student(22, date(2011, 3, 15), school="SMP Muda"),
        student(23, date(2012, 5, 1), school="SMP Muda"),
    ]
    path = write_csv(tmp_path / "smp.csv", HEADER, lines)
    await import_students(
        school_office.db, path, today=TODAY, now=school_office.clock.now(), actor="t", max_mb=20
    )
    assert "SMP Muda" not in [s.sekolah for s in await schools(school_office.db, TODAY, 6)]
    found = {s.sekolah: s for s in await schools(school_office.db, TODAY, 18)}
    smp = found["SMP Muda"]
    assert (smp.students, smp.to_record, smp.soon) == (3, 0, 2)
    # The 16+ schools still come first; the columns say which count is which.
    assert list(found)[-1] == "SMP Muda"
    db = str(school_office.settings.database)
    assert await asyncio.to_thread(main, ["schools", "--months", "18", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["school", "16+", "to", "record", "turn", "17", "≤18mo", "students"]
    assert out[-1].split() == ["SMP", "Muda", "0", "2", "3"]
    assert await asyncio.to_thread(main, ["schools", "--months", "6", "--db", db]) == 0
    assert "SMP Muda" not in capsys.readouterr().out
