"""Kit sync (`jemput import recordings`): statuses, summons, visit tallies, bad input, kills."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.cli.main import main
from bot.core.messages import Document
from bot.core.nik import mask
from bot.errors import ImportFileError
from bot.i18n import t
from bot.imports.recordings import import_recordings
from storage.import_runs import NOT_AWAITING_RESULTS, hold_since
from storage.residents import Resident
from tests.conftest import ChatDriver, FrozenClock
from tests.fakes.bot_api import FakeBotApi
from tests.field_support import (
    bulk_residents,
    closed_visit,
    scalar,
    status_of,
    write_csv,
    write_xlsx,
)
from tests.order_support import ADMIN, STAFF_CHAT, office_app
from tests.outreach_support import link_chat, outreach_for, rows

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

HEADER = "nik,tanggal_rekam,kit,kode_kunjungan"
DAY = "2026-11-20"
ROOT = Path(__file__).resolve().parents[1]


async def sync(app: App, path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return await import_recordings(
        app.db, path, today=app.clock.today(), now=app.clock.now(), actor="test",
        max_mb=kw.pop("max_mb", 20.0), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


async def test_recorded_residents_change_status_and_their_summons_stop(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    budi, nur = residents["BELUM_REKAM"], residents["REKAM_ULANG"]
    await link_chat(office, "3001", budi.nik, nur.nik)
    await outreach_for(office, summons_interval_days=0).summons()
    assert len(await rows(office.db, "state = 'pending' AND kind = 'summons'")) == 2

    path = write_csv(
        tmp_path / "kit.csv", HEADER, [f"{budi.nik},{DAY},KIT-07,", f"{nur.nik},{DAY},KIT-07,"]
    )
    summary = await sync(office, path)

    assert (summary.recorded, summary.status_changed, summary.rejected) == (2, 2, 0)
    assert await status_of(office, budi.nik) == "SUDAH_REKAM"
    history = await office.db.fetchall(
        "SELECT old_status, new_status, source FROM status_history ORDER BY id"
    )
    assert [tuple(r) for r in history] == [
        ("BELUM_REKAM", "SUDAH_REKAM", "kit"),
        ("REKAM_ULANG", "SUDAH_REKAM", "kit"),
    ]
    assert summary.summons_cancelled == 2
    assert await rows(office.db, "state = 'pending'") == []
    audit = await office.db.fetchone(
        "SELECT action, detail FROM audit_log WHERE action = 'import.recordings'"
    )
    assert audit is not None and json.loads(audit["detail"])["recorded"] == 2
    assert budi.nik not in audit["detail"]


async def test_reimport_changes_nothing(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    lines = [f"{r.nik},{DAY},KIT-1," for r in residents.values()] + [
        f"1971010101900009,{DAY},KIT-1,"
    ]
    path = write_csv(tmp_path / "kit.csv", HEADER, lines)
    first = await sync(office, path)
    dump = await _state(office)
    second = await sync(office, path)

    assert (first.recorded, first.flagged) == (9, 1)
    assert (second.recorded, second.status_changed, second.already, second.flagged) == (0, 0, 9, 0)
    assert await _state(office) == dump


async def _state(app: App) -> list[object]:
    tables = ("residents", "status_history", "recordings", "outbox", "visits")
    return [
        [tuple(r) for r in await app.db.fetchall(f"SELECT * FROM {t} ORDER BY 1, 2")]
        for t in tables
    ]


async def test_malformed_future_duplicate_and_twice_rows_are_reported(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    budi, siti = residents["BELUM_REKAM"], residents["SUDAH_REKAM"]
    future = (office.clock.today() + timedelta(days=1)).isoformat()
    path = write_csv(tmp_path / "kit.csv", HEADER, [
        f"{budi.nik},{DAY},KIT-1,",           # row 2
        f"{budi.nik},{DAY},KIT-1,",           # row 3: duplicate
        f"{budi.nik},2026-11-21,KIT-2,",      # row 4: recorded twice
        "12345,2026-11-20,KIT-1,",            # row 5: malformed NIK
        f"{siti.nik},{future},KIT-1,",        # row 6: future date
        f"{siti.nik},31-02-2026,KIT-1,",      # row 7: impossible date
        f"{siti.nik},20-11-2026,KIT-1,JB-2026-9999",  # row 8: DD-MM-YYYY; unknown visit code
    ])  # fmt: skip
    s = await sync(office, path)

    assert (s.rows, s.recorded, s.duplicates, s.twice, s.rejected) == (7, 3, 1, 1, 3)
    notes = s.notes_path.read_text(encoding="utf-8-sig") if s.notes_path else ""
    assert "3,1971********0001,rejected: duplicate of row 2" in notes
    assert "4,1971********0001,NIK also recorded on 2026-11-20 (row 2)" in notes
    assert "5,*****,rejected: NIK is not 16 digits" in notes
    assert f"6,{siti.nik[:4]}" in notes and "is in the future" in notes
    assert "is not a real date" in notes and "JB-2026-9999 is not a scheduled visit" in notes
    assert budi.nik not in notes  # the notes go back to chats: NIKs masked
    rejects = s.rejects_path.read_text(encoding="utf-8-sig") if s.rejects_path else ""
    assert f"{budi.nik},{DAY},KIT-1,,3,duplicate of row 2" in rejects


async def test_every_nik_date_part_is_checked_29_february_only_in_leap_years(
    office: App, tmp_path: Path
) -> None:
    # The NIK check remembers day+month parts it accepted; 29 February must never be remembered.
    path = write_csv(tmp_path / "kit.csv", HEADER, [
        f"1971012902960001,{DAY},KIT-1,",  # row 2: 29 Feb 1996 (leap year)
        f"1971012902970001,{DAY},KIT-1,",  # row 3: 29 Feb 1997: no such day
        f"1971016902960002,{DAY},KIT-1,",  # row 4: a woman born 29 Feb 1996
        f"1971016902970002,{DAY},KIT-1,",  # row 5: a woman, 29 Feb 1997
        f"1971013101970003,{DAY},KIT-1,",  # row 6: 31 Jan 1997
        f"1971013101850003,{DAY},KIT-1,",  # row 7: 31 Jan 1985, same day and month
        f"1971013104970004,{DAY},KIT-1,",  # row 8: 31 April: never
        f"1971013101970000,{DAY},KIT-1,",  # row 9: serial 0000
    ])  # fmt: skip
    s = await sync(office, path)

    assert (s.rows, s.recorded, s.rejected) == (8, 4, 4)
    rejects = s.rejects_path.read_text(encoding="utf-8-sig") if s.rejects_path else ""
    assert [line.split(",")[0] for line in rejects.splitlines()[1:]] == [
        "1971012902970001", "1971016902970002", "1971013104970004", "1971013101970000",
    ]  # fmt: skip


async def test_unknown_nik_is_kept_flagged_and_applied_when_it_arrives(
    office: App, tmp_path: Path
) -> None:
    stranger = "1971010101900009"
    path = write_csv(tmp_path / "kit.csv", HEADER, [f"{stranger},{DAY},KIT-1,"])
    s = await sync(office, path)
    assert (s.recorded, s.flagged) == (1, 1)
    assert await scalar(office, "SELECT cleanup FROM recordings WHERE nik = ?", (stranger,)) == 1

    bulk = [(stranger, "1971010101150001", "Baru", "1990-01-01", "L", "BELUM_REKAM")]
    async with office.db.write() as conn:
        await conn.executemany(
            "INSERT INTO residents (nik, no_kk, nama, tanggal_lahir, jenis_kelamin, status,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'x', 'x')", bulk,
        )  # fmt: skip
    again = await sync(office, path)
    assert again.reconciled == 1
    assert await status_of(office, stranger) == "SUDAH_REKAM"
    assert await scalar(office, "SELECT cleanup FROM recordings WHERE nik = ?", (stranger,)) == 0


@pytest.mark.parametrize(
    ("header", "line"),
    [
        ("kit,tanggal_rekam,nik", "KIT-9, 2026-11-20 ,{nik}"),  # any order, cells trimmed
        ("nik,tanggal_rekam,kit", "{nik},2026-11-20"),  # a short row: no kit cell
        ("kode_kunjungan,nik,tanggal_rekam,kit", ",{nik},2026-11-20,KIT-9,extra"),
    ],
)
async def test_columns_in_any_order_short_and_long_rows_are_read(
    office: App, residents: dict[str, Resident], tmp_path: Path, header: str, line: str
) -> None:
    budi = residents["BELUM_REKAM"]
    path = write_csv(tmp_path / "kit.csv", header, [line.format(nik=budi.nik)])
    s = await sync(office, path)

    assert (s.recorded, s.rejected) == (1, 0)
    kit = "" if line.endswith("2026-11-20") else "KIT-9"
    row = await office.db.fetchone("SELECT tanggal_rekam, kit FROM recordings")
    assert tuple(row) == ("2026-11-20", kit)


@pytest.mark.parametrize("apply_rows", [1, 20_000])
async def test_notes_found_while_applying_name_earlier_recordings_not_this_files(
    office: App, residents: dict[str, Resident], tmp_path: Path, apply_rows: int
) -> None:
    budi, nur = residents["BELUM_REKAM"], residents["REKAM_ULANG"]
    first = write_csv(tmp_path / "kit.csv", HEADER, [f"{budi.nik},2026-11-10,KIT-1,"])
    await sync(office, first)
    stranger = "1971010101900009"
    path = write_csv(tmp_path / "kit2.csv", HEADER, [
        f"{stranger},{DAY},KIT-1,",        # row 2: NIK not in the data
        f"{nur.nik},2026-11-21,KIT-1,",    # row 3: nur twice in this file (row 4) …
        f"{nur.nik},{DAY},KIT-1,",         # row 4: … in two chunks when apply_rows is 1
        f"{budi.nik},{DAY},KIT-1,",        # row 5: budi was recorded by the earlier file
    ])  # fmt: skip
    s = await sync(office, path, apply_rows=apply_rows)

    assert (s.recorded, s.flagged, s.twice) == (4, 1, 2)
    notes = s.notes_path.read_text(encoding="utf-8-sig").splitlines() if s.notes_path else []
    assert notes == [
        "row,nik,note",
        f"4,{mask(nur.nik)},NIK also recorded on 2026-11-21 (row 3)",
        '2,1971********0009,"NIK not in the data: kept, flagged for cleanup"',
        f"5,{mask(budi.nik)},NIK already recorded on 2026-11-10",
    ]
    assert await status_of(office, nur.nik) == "SUDAH_REKAM"
    assert await scalar(office, "SELECT cleanup FROM recordings WHERE nik = ?", (stranger,)) == 1
    again = await sync(office, path, apply_rows=apply_rows)
    assert (again.recorded, again.already, again.flagged, again.twice) == (0, 4, 0, 1)


async def test_visit_tally_is_filled_from_the_kit(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    code, visit_id = await closed_visit(office, date(2026, 11, 24), terekam=5)
    people = [r.nik for r in residents.values()][:3]
    path = write_csv(
        tmp_path / "kit.csv", HEADER, [f"{n},2026-11-24,KIT-1,{code.lower()}" for n in people]
    )
    s = await sync(office, path)
    assert s.visits == [(code, "SELESAI", 3)]
    assert await scalar(office, "SELECT terekam FROM visits WHERE id = ?", (visit_id,)) == 3
    assert f"visits {code}=3" in s.line()


async def test_summons_are_held_while_a_visits_results_are_awaited(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    budi = residents["BELUM_REKAM"]  # Bacang, RW 002, RT 001: the visit's area
    visit_day = date(2026, 11, 24)
    code, _ = await closed_visit(office, visit_day)
    held = f"SELECT count(*) FROM residents r WHERE r.nik = :nik AND NOT ({NOT_AWAITING_RESULTS})"

    async def is_held(today: date) -> bool:
        params = {"nik": budi.nik, "today": today.isoformat(), "hold_since": hold_since(today, 7)}
        async with office.db.write() as conn, conn.execute(held, params) as cur:
            row = await cur.fetchone()
        return bool(row and row[0])

    assert not await is_held(visit_day - timedelta(days=1))  # before the visit
    assert await is_held(visit_day) and await is_held(visit_day + timedelta(days=7))
    assert not await is_held(visit_day + timedelta(days=8))  # grace over
    other = residents["REKAM_ULANG"]
    path = write_csv(tmp_path / "kit.csv", HEADER, [f"{other.nik},2026-11-24,KIT-1,{code}"])
    await sync(office, path)
    assert not await is_held(visit_day + timedelta(days=1))  # results arrived


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        (
            "nik,tanggal,kit\n1971011102960001,2026-11-20,K\n",
            "missing required columns: tanggal_rekam",
        ),
        (f"{HEADER}\n", "header but no data rows"),
        ("nik,tanggal_rekam,kit,kit\n", "appears twice"),
    ],
)
async def test_unusable_files_are_refused_and_change_nothing(
    office: App, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "kit.csv"
    path.write_text(content, encoding="utf-8")
    before = await _state(office)
    with pytest.raises(ImportFileError, match=message):
        await sync(office, path)
    assert await _state(office) == before
    refused = await scalar(office, "SELECT count(*) FROM audit_log WHERE detail LIKE '%refused%'")
    assert refused == 1


async def test_a_50_mb_file_is_refused_before_reading(office: App, tmp_path: Path) -> None:
    path = tmp_path / "besar.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        line = f"1971011102960001,{DAY},KIT-0000000001,\n"
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert path.stat().st_size > 50 * 1024 * 1024
    with pytest.raises(ImportFileError, match=r"50\.0 MB; the limit is 20 MB \(IMPORT_MAX_MB\)"):
        await sync(office, path)
    assert await scalar(office, "SELECT count(*) FROM recordings") == 0


async def test_excel_works_and_merged_header_cells_are_refused(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    budi = residents["BELUM_REKAM"]
    good = write_xlsx(
        tmp_path / "kit.xlsx",
        [("NIK", "Tanggal Rekam", "Kit"), (budi.nik, date(2026, 11, 20), "K1")],
    )
    assert (await sync(office, good)).recorded == 1
    titled = write_xlsx(
        tmp_path / "judul.xlsx",
        [("Data perekaman Kec. Bukit Intan", None, None), ("nik", "tanggal_rekam", "kit"),
         ("12345", "2026-11-20", "K1")],
        merge="A1:C1",
    )  # fmt: skip
    s = await sync(office, titled)  # a merged title row above the header is skipped
    assert s.rejected == 1 and s.notes_path is not None
    assert s.notes_path.read_text(encoding="utf-8-sig").splitlines()[1].startswith("3,")
    merged = write_xlsx(
        tmp_path / "gabung.xlsx", [("nik", "tanggal_rekam", None, "kit")], merge="B1:C1"
    )
    with pytest.raises(ImportFileError, match="column C is blank \\(merged or empty\\)"):
        await sync(office, merged)


def test_cli_prints_a_one_line_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "kit.csv", HEADER, ["1971010101900009,2026-01-05,KIT-1,"])
    code = main(["import", "recordings", str(path), "--db", str(tmp_path / "cli.sqlite3")])
    out = capsys.readouterr()
    assert code == 0
    assert (
        out.out.startswith("recorded 1 (status changed 0)") and "flagged for cleanup 1" in out.out
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("nama\nx\n", encoding="utf-8")
    assert main(["import", "recordings", str(bad), "--db", str(tmp_path / "cli.sqlite3")]) == 2
    assert "missing required columns: nik, tanggal_rekam, kit" in capsys.readouterr().err


async def test_an_import_killed_half_way_is_finished_by_running_it_again(
    tmp_path: Path, clock: FrozenClock
) -> None:
    app = await office_app(tmp_path, clock)
    try:
        niks = bulk_residents(app.db.path, 20_000, clock.today())
        path = write_csv(
            tmp_path / "kit.csv",
            HEADER,
            [f"{n},2026-11-{1 + i % 27:02d},K{i % 9}," for i, n in enumerate(niks)],
        )
        total = len(niks)
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "import", "recordings", str(path), "--batch", "250",
            "--db", str(app.db.path), cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        async with asyncio.timeout(60):
            while await scalar(app, "SELECT count(*) FROM recordings") < 2_000:
                await asyncio.sleep(0.005)
        child.send_signal(signal.SIGKILL)
        await child.wait()
        applied = await scalar(app, "SELECT count(*) FROM recordings")
        assert 0 < applied < total  # killed half-way
        # Nothing half-applied: every ledger row has its status change and history row.
        bulk = "SELECT count(*) FROM residents WHERE status = 'SUDAH_REKAM' AND rw = '001'"
        recorded = await scalar(app, bulk)
        history = await scalar(app, "SELECT count(*) FROM status_history WHERE source = 'kit'")
        assert recorded == history == applied

        s = await sync(app, path)
        assert s.resumed and s.recorded == total - applied and s.already == applied
        assert await scalar(app, bulk) == total
        assert (
            await scalar(app, "SELECT count(*) FROM status_history WHERE source = 'kit'") == total
        )
        assert (await sync(app, path)).recorded == 0  # and a third run changes nothing
    finally:
        await app.close()


# --- the same by sending the file to the bot (staff only) ----------------------------------


def kit_document(content: str, filename: str = "hasil-rekam.csv") -> Document:
    return Document(filename=filename, mime_type="text/csv", content=content.encode())


async def test_staff_upload_runs_the_kit_sync_and_returns_masked_notes(
    office: App, residents: dict[str, Resident]
) -> None:
    budi = residents["BELUM_REKAM"]
    staff = ChatDriver(office, STAFF_CHAT)
    doc = kit_document(f"{HEADER}\n{budi.nik},{DAY},KIT-1,\nxx,{DAY},KIT-1,\n")
    replies = await staff.send(text="/impor", document=doc, user_id=ADMIN, is_group=True)
    assert replies[0].text.startswith("✅ hasil-rekam.csv selesai diimpor: recorded 1")
    assert "/tmp" not in replies[0].text  # no server paths in chats
    notes = replies[1].document
    assert notes is not None and notes.filename == "hasil-rekam.notes.csv"
    assert (
        b"3,**,rejected: NIK is not 16 digits" in notes.content
        and budi.nik.encode() not in notes.content
    )
    assert await status_of(office, budi.nik) == "SUDAH_REKAM"
    actor = await scalar(office, "SELECT actor FROM audit_log WHERE action = 'import.recordings'")
    assert actor == f"telegram:{ADMIN}"


async def test_a_document_from_a_non_staff_user_is_politely_refused(
    office: App, residents: dict[str, Resident]
) -> None:
    budi = residents["BELUM_REKAM"]
    doc = kit_document(f"{HEADER}\n{budi.nik},{DAY},KIT-1,\n")
    for chat in (
        ChatDriver(office, "6001"),
        ChatDriver(office, STAFF_CHAT),
    ):  # also in the staff group
        replies = await chat.send(
            text="/impor", document=doc, user_id="6001", is_group=chat.chat_id.startswith("-")
        )
        assert "hanya petugas Dukcapil yang dapat mengunggah data" in replies[0].text
    assert await status_of(office, budi.nik) == "BELUM_REKAM"


async def test_a_document_without_caption_is_a_kit_sync_for_staff_only(
    office: App, residents: dict[str, Resident]
) -> None:
    budi = residents["BELUM_REKAM"]
    doc = kit_document(f"{HEADER}\n{budi.nik},{DAY},KIT-1,\n")
    other_group = ChatDriver(office, "-100999")
    assert await other_group.send(document=doc, user_id=ADMIN, is_group=True) == []
    stranger = await ChatDriver(office, "6001").send(document=doc, user_id="6001")
    assert "hanya petugas Dukcapil yang dapat mengunggah data" in stranger[0].text
    assert await status_of(office, budi.nik) == "BELUM_REKAM"
    staff = ChatDriver(office, STAFF_CHAT)
    replies = await staff.send(document=doc, user_id=ADMIN, is_group=True)
    assert replies[0].text.startswith("✅ hasil-rekam.csv selesai diimpor: recorded 1")
    assert await status_of(office, budi.nik) == "SUDAH_REKAM"


async def test_uploads_download_through_the_telegram_channel_with_a_size_limit(
    office: App, residents: dict[str, Resident]
) -> None:
    staff = ChatDriver(office, STAFF_CHAT)
    doc = Document(filename="hasil.csv", file_id="F1")
    replies = await staff.send(text="/impor", document=doc, user_id=ADMIN, is_group=True)
    assert replies[0].text == t("id", "upload_no_download")  # no channel can fetch it yet

    api = await FakeBotApi("123:TEST").start()
    try:
        settings = office.settings.model_copy(
            update={"telegram_bot_token": SecretStr(api.token), "telegram_api_url": api.url}
        )
        channel = TelegramChannel(settings, office.db, office.conversation, office.clock)
        office.conversation.files[channel.channel] = channel
        budi = residents["BELUM_REKAM"]
        api.files["F1"] = f"nik,tanggal_rekam,kit\n{budi.nik},27-11-2026,KIT-01\n".encode()
        replies = await staff.send(text="/impor", document=doc, user_id=ADMIN, is_group=True)
        assert replies[0].text.startswith("✅ hasil.csv selesai diimpor: recorded 1")
        assert await status_of(office, budi.nik) == "SUDAH_REKAM"
        api.files["F2"] = b"x" * (21 * 1024 * 1024)  # Telegram serves files up to 20 MB
        big = Document(filename="besar.csv", file_id="F2")
        replies = await staff.send(text="/impor", document=big, user_id=ADMIN, is_group=True)
        assert "Telegram could not give the file" in replies[0].text
        api.files["F3"] = b"x" * (2 * 1024 * 1024)  # over IMPORT_MAX_MB: never downloaded
        office.conversation.settings = settings.model_copy(update={"import_max_mb": 1.0})
        big = Document(filename="besar.csv", file_id="F3")
        replies = await staff.send(text="/impor", document=big, user_id=ADMIN, is_group=True)
        assert "2.0 MB; the limit is 1 MB (IMPORT_MAX_MB)" in replies[0].text
        await channel.close()
    finally:
        office.conversation.files.clear()
        office.conversation.settings = office.settings
        await api.stop()
    wrong = await staff.send(
        text="/impor",
        document=Document(filename="foto.jpg", content=b"x"),
        user_id=ADMIN,
        is_group=True,
    )
    assert "bukan CSV atau XLSX" in wrong[0].text
    usage = await staff.send(text="/impor", user_id=ADMIN, is_group=True)
    assert "/impor status" in usage[0].text


async def test_staff_upload_of_siak_statuses_enqueues_notices(
    office: App, residents: dict[str, Resident]
) -> None:
    siti = residents["SUDAH_REKAM"]
    await link_chat(office, "3001", siti.nik)
    doc = kit_document(f"nik,status,tanggal\n{siti.nik},PRR,2026-11-27\n", "siak.csv")
    replies = await ChatDriver(office, STAFF_CHAT).send(
        text="/impor status", document=doc, user_id=ADMIN, is_group=True
    )
    assert "changed 1" in replies[0].text and t("id", "cli_count_notices", n=1) in replies[0].text
    assert [r["dedupe_key"] for r in await rows(office.db)] == [f"status:PRR:{siti.nik}"]


async def test_the_summons_round_skips_an_area_awaiting_kit_results(
    office: App, residents: dict[str, Resident]
) -> None:
    budi, nur = residents["BELUM_REKAM"], residents["REKAM_ULANG"]  # Budi lives in the area
    await link_chat(office, "3001", budi.nik, nur.nik)
    await closed_visit(office, date(2026, 11, 26))
    await outreach_for(office, summons_interval_days=0).summons()
    planned = {r[0] for r in await office.db.fetchall("SELECT nik FROM summons")}
    assert planned == {nur.nik}  # Budi is held while the visit's results are awaited


async def test_a_kit_sync_never_moves_a_status_back(
    office: App, residents: dict[str, Resident], tmp_path: Path
) -> None:
    rizky, budi = residents["PRR"], residents["BELUM_REKAM"]
    path = write_csv(
        tmp_path / "kit.csv", HEADER, [f"{rizky.nik},{DAY},K1,", f"{budi.nik},{DAY},K1,"]
    )
    s = await sync(office, path)
    assert (s.recorded, s.status_changed) == (2, 1)
    assert await status_of(office, rizky.nik) == "PRR"  # further along: stays PRR
    assert await status_of(office, budi.nik) == "SUDAH_REKAM"
    history = await office.db.fetchall("SELECT nik, old_status, new_status FROM status_history")
    assert [tuple(r) for r in history] == [(budi.nik, "BELUM_REKAM", "SUDAH_REKAM")]
