"""SIAK status import (`jemput import statuses`): history, notices, bad input, re-import."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App, build_outreach
from bot.cli.main import main
from bot.errors import ImportFileError
from bot.i18n import t
from bot.imports.statuses import import_statuses
from storage.residents import Resident
from tests.field_support import scalar, status_of, write_csv, write_xlsx
from tests.outreach_support import link_chat, outreach_for, rows

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

HEADER = "nik,status,tanggal"


async def run(app: App, path: Path):  # type: ignore[no-untyped-def]
    return await import_statuses(
        app.db, path, today=app.clock.today(), now=app.clock.now(), actor="test", max_mb=20.0
    )


async def test_each_change_goes_to_history_and_prr_dicetak_get_notices(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    siti, rizky, budi = residents["SUDAH_REKAM"], residents["PRR"], residents["BELUM_REKAM"]
    await link_chat(office, "3001", siti.nik, rizky.nik)
    path = write_csv(tmp_path / "siak.csv", HEADER, [
        f"{siti.nik},print_ready_record,2026-11-25",   # → PRR: "come and print"
        f"{rizky.nik},Card_Printed,2026-11-26",        # → DICETAK: "come and collect"
        f"{budi.nik},sfe,2026-11-26",                  # → SUDAH_REKAM (recorded)
        f"{budi.nik},SFE,2026-11-26",                  # duplicate row
    ])  # fmt: skip
    s = await run(office, path)

    assert (s.changed, s.rejected, s.recorded) == (3, 1, 1)
    assert [await status_of(office, r.nik) for r in (siti, rizky, budi)] == [
        "PRR",
        "DICETAK",
        "SUDAH_REKAM",
    ]
    history = await office.db.fetchall(
        "SELECT nik, old_status, new_status, source FROM status_history ORDER BY nik"
    )
    assert {(r[1], r[2], r[3]) for r in history} == {
        ("SUDAH_REKAM", "PRR", "import:statuses"),
        ("PRR", "DICETAK", "import:statuses"),
        ("BELUM_REKAM", "SUDAH_REKAM", "import:statuses"),
    }
    await build_outreach(office).triggers()
    notices = {r["dedupe_key"]: json.loads(r["payload"])["text"] for r in await rows(office.db)}
    assert set(notices) == {f"status:PRR:{siti.nik}", f"status:DICETAK:{rizky.nik}"}
    assert siti.nik not in notices[f"status:PRR:{siti.nik}"]  # NIKs in texts are masked
    assert (
        await scalar(office, "SELECT source FROM recordings WHERE nik = ?", (budi.nik,)) == "siak"
    )


async def test_reimport_changes_nothing_and_older_reports_never_win(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    siti = residents["SUDAH_REKAM"]
    newer = write_csv(tmp_path / "new.csv", HEADER, [f"{siti.nik},PRINTED,2026-11-25"])
    older = write_csv(tmp_path / "old.csv", HEADER, [f"{siti.nik},PRR,2026-11-10"])
    assert (await run(office, newer)).changed == 1
    again = await run(office, newer)
    assert (again.changed, again.unchanged) == (0, 1)
    stale = await run(office, older)
    assert (stale.changed, stale.kept) == (0, 1)
    assert (
        stale.notes_path is not None
        and "older than the SIAK status of 2026-11-25"
        in stale.notes_path.read_text(encoding="utf-8-sig")
    )
    assert await status_of(office, siti.nik) == "DICETAK"
    assert await scalar(office, "SELECT count(*) FROM status_history") == 1


async def test_a_kit_recording_is_not_undone_by_a_lagging_siak(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    from bot.imports.recordings import import_recordings

    budi = residents["BELUM_REKAM"]
    kit = write_csv(tmp_path / "kit.csv", "nik,tanggal_rekam,kit", [f"{budi.nik},2026-11-20,K1"])
    await import_recordings(
        office.db, kit, today=office.clock.today(), now=office.clock.now(), actor="t", max_mb=20
    )
    s = await run(
        office, write_csv(tmp_path / "siak.csv", HEADER, [f"{budi.nik},UNREGISTERED,2026-11-21"])
    )
    assert s.kept == 1 and await status_of(office, budi.nik) == "SUDAH_REKAM"


async def test_recorded_by_siak_cancels_pending_summons(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    nur = residents["REKAM_ULANG"]
    await link_chat(office, "3002", nur.nik)
    await outreach_for(office, summons_interval_days=0).summons()
    s = await run(
        office, write_csv(tmp_path / "s.csv", HEADER, [f"{nur.nik},BIO_CAPTURED,2026-11-27"])
    )
    assert s.summons_cancelled == 1
    assert await rows(office.db, "state = 'pending'") == []


async def test_unknown_codes_nik_and_dates_are_rejected_with_row_numbers(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    siti = residents["SUDAH_REKAM"]
    future = (office.clock.today() + timedelta(days=3)).isoformat()
    path = write_csv(tmp_path / "siak.csv", HEADER, [
        f"{siti.nik},CETAK_ULANG,2026-11-01",    # row 2: unknown code
        f"{siti.nik},,2026-11-01",               # row 3: empty
        "1971010101900009,PRR,2026-11-01",       # row 4: not in the data
        f"{siti.nik},PRR,{future}",              # row 5: future
        f"{siti.nik},prr,2026-11-01",            # row 6: fine
    ])  # fmt: skip
    s = await run(office, path)
    assert (s.rows, s.rejected, s.changed) == (5, 4, 1)
    rejects = s.rejects_path.read_text(encoding="utf-8-sig") if s.rejects_path else ""
    assert "2,unknown status code 'CETAK_ULANG'" in rejects
    assert "3,status is empty" in rejects
    assert "4,NIK is not in the data wajib KTP" in rejects
    assert "5,tanggal" in rejects and "is in the future" in rejects


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("nik,status\n1,2\n", "missing required columns: tanggal"),
        (f"{HEADER}\n", "no data rows"),
    ],
)
async def test_unusable_files_are_refused(
    office: App, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "siak.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError, match=message):
        await run(office, path)
    assert await scalar(office, "SELECT count(*) FROM status_reports") == 0


async def test_excel_status_file(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    siti = residents["SUDAH_REKAM"]
    path = write_xlsx(
        tmp_path / "siak.xlsx", [("NIK", "Status", "Tanggal"), (siti.nik, "PRR", "25-11-2026")]
    )
    assert (await run(office, path)).changed == 1


def test_cli_imports_and_enqueues_notices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "s.csv", HEADER, ["1971010101900009,PRR,2026-01-05"])
    assert main(["import", "statuses", str(path), "--db", str(tmp_path / "cli.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert (
        out.startswith("changed 0, unchanged 0, kept 0, rejected 1")
        and t("id", "cli_count_notices", n=0) in out
    )


async def test_siak_moves_a_status_back_only_with_a_newer_report(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    # Forward-only (bot.core.status.STAGE) binds residents files and kits; SIAK may correct
    # (DUPLIKAT, REKAM_ULANG, a card that was not printed after all) with a newer report.
    siti, rizky = residents["SUDAH_REKAM"], residents["PRR"]
    first = write_csv(tmp_path / "a.csv", HEADER, [
        f"{siti.nik},PRINTED,2026-11-20", f"{rizky.nik},PRR,2026-11-20",
    ])  # fmt: skip
    await run(office, first)
    back = write_csv(tmp_path / "b.csv", HEADER, [
        f"{siti.nik},EFAC,2026-11-22",  # DICETAK → REKAM_ULANG: newer, applied
        f"{rizky.nik},DUP,2026-11-18",  # PRR → DUPLIKAT: older than the PRR report, kept
    ])  # fmt: skip
    s = await run(office, back)
    assert (s.changed, s.kept) == (1, 1)
    assert await status_of(office, siti.nik) == "REKAM_ULANG"
    assert await status_of(office, rizky.nik) == "PRR"


async def test_siak_does_not_move_back_what_a_newer_residents_file_set(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    from bot.imports.residents import import_residents

    budi = residents["BELUM_REKAM"]
    columns = "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,status_ektp"
    row = f"{budi.nik},{budi.no_kk},{budi.nama},{budi.tanggal_lahir},{budi.jenis_kelamin},DICETAK"
    people = write_csv(tmp_path / "warga.csv", columns, [row])
    now = office.clock.now()  # 2026-11-28
    await import_residents(office.db, people, today=office.clock.today(), actor="t", now=now)
    assert await status_of(office, budi.nik) == "DICETAK"
    lines = [f"{budi.nik},PRR,2026-11-27"]  # older than the residents file's DICETAK
    s = await run(office, write_csv(tmp_path / "siak.csv", HEADER, lines))
    assert (s.changed, s.kept) == (0, 1) and await status_of(office, budi.nik) == "DICETAK"
    assert s.notes_path is not None
    assert "older than the status DICETAK on file since 2026-11-28: kept DICETAK" in (
        s.notes_path.read_text(encoding="utf-8-sig")
    )
    newer = [f"{budi.nik},PRR,2026-11-28"]  # a newer SIAK report is a correction: applied
    s = await run(office, write_csv(tmp_path / "siak2.csv", HEADER, newer))
    assert s.changed == 1 and await status_of(office, budi.nik) == "PRR"
