"""Outreach jobs on a real SQLite file: summons rounds, windows, triggers, digests, opt-out."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.cli.demo import make_kk, make_nik
from bot.core.calendar import SendWindow
from bot.core.messages import Reply
from bot.core.nik import mask
from bot.core.status import Status, born_by
from bot.errors import ConfigError
from bot.i18n import t
from storage import chats, outbox
from storage.db import Database
from storage.outbox import NewMessage
from storage.residents import Resident, add_residents
from tests.conftest import ChatDriver, FrozenClock, make_settings
from tests.outreach_support import (
    execute,
    link_chat,
    link_many,
    outreach_for,
    rows,
    unrecorded_adults,
)

pytestmark = pytest.mark.engines

NOT_WANTED = ("SUDAH_REKAM", "PRR", "DICETAK", "DIAMBIL", "DUPLIKAT")


@pytest.fixture
async def linked(app: App, residents: dict[str, Resident]) -> dict[str, str]:
    """Every showcase resident linked to its own chat: status → chat id."""
    out = {}
    for number, (key, resident) in enumerate(sorted(residents.items()), start=2001):
        await link_chat(app, str(number), resident.nik)
        out[key] = str(number)
    return out


async def summons_rows(app: App) -> list[dict[str, object]]:
    return await rows(app.db, "kind = 'summons'")


async def test_round_summons_only_reachable_residents_who_must_record(
    app: App, residents: dict[str, Resident], linked: dict[str, str]
) -> None:
    result = await outreach_for(app).summons()
    found = await summons_rows(app)
    assert {r["chat_id"] for r in found} == {linked["BELUM_REKAM"], linked["REKAM_ULANG"]}
    assert result.counts["summons"] == 2
    budi = residents["BELUM_REKAM"]
    row = next(r for r in found if r["nik"] == budi.nik)
    assert row["dedupe_key"] == f"summons:{budi.nik}:1" and row["state"] == "pending"
    text = json.loads(str(row["payload"]))["text"]
    assert "Budi Santoso" in text and mask(budi.nik) in text and budi.nik not in text
    assert app.settings.office_hours in text and "BERHENTI" in text


async def test_married_under_17_is_summoned_unmarried_16_is_not(
    app: App, clock: FrozenClock
) -> None:
    born = clock.today() - timedelta(days=16 * 365 + 30)
    people = [
        Resident(
            nik=make_nik("01", born, "P", 901),
            no_kk=make_kk("01", born, 901),
            nama="Nikah Muda",
            tanggal_lahir=born,
            jenis_kelamin="P",
            kawin=True,
        ),
        Resident(
            nik=make_nik("01", born, "L", 902),
            no_kk=make_kk("01", born, 902),
            nama="Belum Tujuhbelas",
            tanggal_lahir=born,
            jenis_kelamin="L",
        ),
    ]
    await add_residents(app.db, people, clock.now())
    await link_chat(app, "3001", people[0].nik)
    await link_chat(app, "3002", people[1].nik)
    await outreach_for(app).summons()
    assert [r["chat_id"] for r in await summons_rows(app)] == ["3001"]


async def test_opted_out_unreachable_group_and_unlinked_chats_get_nothing(
    app: App, residents: dict[str, Resident]
) -> None:
    budi, nur = residents["BELUM_REKAM"], residents["REKAM_ULANG"]
    await link_chat(app, "4001", budi.nik)
    await link_chat(app, "-4002", nur.nik, is_group=True)
    await link_chat(app, "4003", nur.nik)
    await chats.unlink_residents(app.db, "telegram", "4003", [nur.nik])
    await execute(app.db, "UPDATE chats SET opted_out = 1 WHERE chat_id = '4001'")
    await outreach_for(app).summons()
    assert await summons_rows(app) == []
    await execute(app.db, "UPDATE chats SET opted_out = 0, unreachable = 1 WHERE chat_id = '4001'")
    await outreach_for(app).summons()
    assert await summons_rows(app) == []


async def test_round_run_twice_in_a_row_and_concurrently_enqueues_once(
    app: App, linked: dict[str, str]
) -> None:
    jobs = outreach_for(app)
    await jobs.summons()
    await jobs.summons()
    await asyncio.gather(jobs.summons(), jobs.summons(), jobs.summons())
    assert len(await summons_rows(app)) == 2


async def test_two_processes_planning_at_once_enqueue_once(
    app: App, linked: dict[str, str], tmp_path: Path
) -> None:
    other = await Database.open(app.settings.database)
    try:
        twin = outreach_for(app)
        twin.db = other
        await asyncio.gather(outreach_for(app).summons(), twin.summons())
    finally:
        await other.close()
    assert len(await summons_rows(app)) == 2


async def test_a_round_stays_quick_with_thousands_of_summons_pending(
    app: App, clock: FrozenClock
) -> None:
    people = unrecorded_adults(3000, clock.today())
    await add_residents(app.db, people, clock.now())
    await link_many(app, people, first_chat=10_000)
    jobs = outreach_for(app)
    await jobs.summons()
    started = time.perf_counter()
    await jobs.summons()  # each has a pending summons: the check must use its index
    assert time.perf_counter() - started < 1.0
    assert len(await summons_rows(app)) == 3000


async def settle_all(app: App) -> None:
    await execute(app.db, "UPDATE outbox SET state = 'sent' WHERE state = 'pending'")


async def test_next_summons_after_the_interval_up_to_the_maximum(
    app: App, clock: FrozenClock, residents: dict[str, Resident]
) -> None:
    budi = residents["BELUM_REKAM"]
    await link_chat(app, "5001", budi.nik)
    jobs = outreach_for(app)
    numbers = []
    for _ in range(8):
        await jobs.summons()
        await settle_all(app)
        clock.travel(timedelta(days=13))
        await jobs.summons()  # 13 days: too early
        clock.travel(timedelta(days=1))
        numbers = [str(r["dedupe_key"]).rsplit(":", 1)[1] for r in await summons_rows(app)]
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    texts = [json.loads(str(r["payload"]))["text"] for r in await summons_rows(app)]
    assert "BPJS" in texts[1] and "Ketua RT/RW" in texts[-1]
    assert all("Ketua RT/RW" not in text for text in texts[:-1])


async def test_interval_zero_sends_the_next_summons_each_run_but_never_stacks(
    app: App, residents: dict[str, Resident]
) -> None:
    await link_chat(app, "5002", residents["BELUM_REKAM"].nik)
    jobs = outreach_for(app, summons_interval_days=0)
    await jobs.summons()
    await jobs.summons()  # summons 1 is still pending: no summons 2 yet
    assert len(await summons_rows(app)) == 1
    await settle_all(app)
    await jobs.summons()
    assert len(await summons_rows(app)) == 2


async def test_deadline_and_english_texts(app: App, residents: dict[str, Resident]) -> None:
    await link_chat(app, "5003", residents["BELUM_REKAM"].nik, language="en")
    jobs = outreach_for(app, summons_interval_days=0, campaign_deadline=date(2027, 3, 31))
    for _ in range(2):
        await jobs.summons()
        await settle_all(app)
    texts = [json.loads(str(r["payload"]))["text"] for r in await summons_rows(app)]
    assert texts[0].startswith("Dear Sir/Madam") and "deadline" not in texts[0]
    assert "The recording deadline is 31 March 2027." in texts[1]


async def test_recorded_resident_pending_summons_cancelled_by_next_round(
    app: App, linked: dict[str, str], residents: dict[str, Resident]
) -> None:
    jobs = outreach_for(app)
    await jobs.summons()
    nik = residents["BELUM_REKAM"].nik
    await execute(app.db, "UPDATE residents SET status = 'SUDAH_REKAM' WHERE nik = ?", (nik,))
    assert await outbox.cancel_pending_for_residents(app.db, [nik], app.clock.now()) == 1
    [row] = await rows(app.db, "nik = ?", (nik,))
    assert (row["state"], row["last_error"]) == ("cancelled", "recorded")


# --- sending windows ---------------------------------------------------------------------


def local(day: date, hour: int, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_window_defaults_weekdays_saturday_and_skips_sunday(tmp_path: Path) -> None:
    window = SendWindow(make_settings(tmp_path))
    saturday = date(2026, 11, 28)
    assert window.is_open(local(saturday, 10))
    assert window.next_open(local(saturday, 21)) == local(saturday + timedelta(days=2), 8)
    assert window.next_open(local(saturday, 7, 30)) == local(saturday, 8)
    assert not window.is_open(local(saturday, 19))
    sunday = make_settings(tmp_path, send_on_sunday=True)
    assert SendWindow(sunday).next_open(local(saturday, 21)) == local(saturday.replace(day=29), 8)


def test_window_always_and_holidays_file(tmp_path: Path) -> None:
    holidays = tmp_path / "libur.txt"
    holidays.write_text("# libur nasional\n2026-11-30  # cuti bersama\n\n2026-12-01\n")
    settings = make_settings(
        tmp_path, holidays_file=holidays, send_window_start="00:00", send_window_end="24:00"
    )
    window = SendWindow.from_settings(settings)
    assert window.is_open(local(date(2026, 11, 28), 23, 59))
    assert window.next_open(local(date(2026, 11, 29), 12)) == local(date(2026, 12, 2), 0)
    holidays.write_text("2026-13-01\n")
    with pytest.raises(ConfigError, match="line 1"):
        SendWindow.from_settings(settings).is_open(local(date(2026, 11, 28), 12))


async def test_round_at_21_local_waits_for_the_next_window(
    app: App, clock: FrozenClock, linked: dict[str, str]
) -> None:
    clock.travel(timedelta(hours=11))  # Saturday 21:00 WIB
    await outreach_for(app).summons()
    not_before = {r["not_before"] for r in await summons_rows(app)}
    assert not_before == {"2026-11-30T01:00:00.000000Z"}  # Monday 08:00 WIB


def test_born_by_handles_29_february() -> None:
    assert born_by(date(2028, 2, 29)) == date(2011, 2, 28)
    assert born_by(date(2026, 11, 28)) == date(2009, 11, 28)


# --- date triggers -----------------------------------------------------------------------


async def test_17th_birthday_of_a_prr_teen_fires_once(
    app: App, clock: FrozenClock, residents: dict[str, Resident], linked: dict[str, str]
) -> None:
    jobs = outreach_for(app)
    await jobs.triggers()
    assert await rows(app.db, "kind = 'notice'") == []
    teen = residents["PRR16"]
    birthday = teen.tanggal_lahir.replace(year=teen.tanggal_lahir.year + 17)
    clock.travel(timedelta(days=(birthday - clock.today()).days))
    await jobs.triggers()
    await jobs.triggers()
    [row] = await rows(app.db, "kind = 'notice'")
    assert row["chat_id"] == linked["PRR16"] and row["dedupe_key"] == f"age17_prr:{teen.nik}"
    assert "ulang tahun ke-17" in json.loads(str(row["payload"]))["text"]


async def test_status_change_to_prr_and_dicetak_notice_once_each(
    app: App, residents: dict[str, Resident], linked: dict[str, str]
) -> None:
    nur = residents["REKAM_ULANG"]
    stamp = "2026-11-27T03:00:00.000000Z"
    for old, new in (("REKAM_ULANG", "PRR"), ("PRR", "DICETAK")):
        await execute(app.db, "UPDATE residents SET status = ? WHERE nik = ?", (new, nur.nik))
        await execute(
            app.db,
            "INSERT INTO status_history (nik, old_status, new_status, source, changed_at)"
            " VALUES (?, ?, ?, 'import:residents', ?)",
            (nur.nik, old, new, stamp),
        )
        await outreach_for(app).triggers()
        await outreach_for(app).triggers()
    found = await rows(app.db, "kind = 'notice'")
    assert [r["dedupe_key"] for r in found] == [
        f"status:PRR:{nur.nik}",
        f"status:DICETAK:{nur.nik}",
    ]
    assert "siap cetak" in json.loads(str(found[0]["payload"]))["text"]
    assert "dapat diambil" in json.loads(str(found[1]["payload"]))["text"]
    ledger = await app.db.fetchall("SELECT event FROM trigger_ledger ORDER BY event")
    assert [r[0] for r in ledger] == ["age17_prr", "status:DICETAK", "status:PRR"]


async def test_16th_birthday_only_with_the_setting(app: App, clock: FrozenClock) -> None:
    born = clock.today().replace(year=clock.today().year - 16)
    teen = Resident(
        nik=make_nik("02", born, "L", 903),
        no_kk=make_kk("02", born, 903),
        nama="Enam Belas",
        tanggal_lahir=born,
        jenis_kelamin="L",
    )
    await add_residents(app.db, [teen], clock.now())
    await link_chat(app, "6001", teen.nik)
    await outreach_for(app).triggers()
    assert await rows(app.db) == []
    await outreach_for(app, notify_16th_birthday=True).triggers()
    [row] = await rows(app.db)
    assert row["kind"] == "reminder" and row["dedupe_key"] == f"age16:{teen.nik}"


# --- opt-out and the staff view ----------------------------------------------------------


async def test_stop_cancels_pending_and_mulai_resumes(
    app: App, chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    await link_chat(app, chat.chat_id, residents["BELUM_REKAM"].nik)
    await outreach_for(app).summons()
    assert "tidak akan menerima panggilan" in await chat.say("STOP")
    assert "sudah berhenti" in await chat.say("/berhenti")
    [row] = await rows(app.db)
    assert (row["state"], row["last_error"]) == ("cancelled", "opted out")
    await outreach_for(app).summons()
    assert len(await rows(app.db)) == 1
    assert "Belum rekam" in await chat.say("/status")  # direct answers still work
    assert "kembali menerima" in await chat.say("/mulai")
    assert "sudah aktif" in await chat.say("/mulai")
    chat_row = await chats.get_chat(app.db, "telegram", chat.chat_id)
    assert chat_row is not None and not chat_row.opted_out


async def test_bare_berhenti_and_english_stop(app: App, chat: ChatDriver) -> None:
    chat.language_hint = "en"
    assert "no longer receive" in await chat.say("berhenti")


async def test_outbox_command_is_staff_only(
    app: App, chat: ChatDriver, tmp_path: Path, clock: FrozenClock
) -> None:
    assert await chat.say("/outbox") == t("id", "not_understood")
    group = ChatDriver(app, chat_id="-100123")  # someone in the staff group is not staff
    app.conversation.settings = make_settings(tmp_path, staff_chat_id="-100123")
    assert await group.send(text="/outbox", is_group=True, user_id="555") == [
        Reply(text=t("id", "not_understood"))
    ]
    app.conversation.settings = make_settings(tmp_path, admin_user_ids="1001")
    message = NewMessage(
        channel="telegram",
        chat_id="77",
        kind="staff",
        dedupe_key="x",
        reply=Reply(text="hi"),
        outreach=False,
    )
    await outbox.enqueue(app.db, [message], clock.now())
    await execute(app.db, "UPDATE outbox SET state = 'dead', last_error = 'gave up: boom'")
    report = await chat.say("/outbox")
    assert "dead: 1 (staff 1)" in report and "gave up: boom" in report
    assert "1 pesan gagal" in await chat.say("/outbox ulang")
    assert [r["state"] for r in await rows(app.db)] == ["pending"]


async def test_staff_digest_once_a_day_to_the_staff_chat(
    app: App, tmp_path: Path, linked: dict[str, str]
) -> None:
    assert (await outreach_for(app).staff_digest()).outcome == "skipped"
    jobs = outreach_for(app, staff_chat_id="-100123")
    await jobs.summons()
    await jobs.staff_digest()
    await jobs.staff_digest()
    [row] = await rows(app.db, "kind = 'staff'")
    assert (row["chat_id"], row["is_group"], row["outreach"]) == ("-100123", 1, 0)
    text = json.loads(str(row["payload"]))["text"]
    assert "Wajib KTP belum rekam: 2 (dapat dihubungi lewat chat: 2)" in text
    assert "Panggilan ke-n (jumlah warga): 1: 2" in text


async def test_officials_digest_lists_unrecorded_residents_of_the_rt(
    app: App, residents: dict[str, Resident], clock: FrozenClock
) -> None:
    budi = residents["BELUM_REKAM"]
    stamp = "2026-11-01T00:00:00.000000Z"
    await execute(
        app.db,
        "INSERT OR IGNORE INTO areas (kode, nama, level) VALUES ('197101', ?, 'kecamatan')",
        (budi.kecamatan,),
    )
    await execute(
        app.db,
        "INSERT INTO officials (channel, chat_id, role, kecamatan, kelurahan, area_kode, rw, rt,"
        " nama, phone, status, created_at, updated_at) VALUES ('telegram', '7001', 'RT', ?, ?,"
        " '197101', ?, ?, 'Pak RT', '62811', 'DISETUJUI', ?, ?)",
        (budi.kecamatan, budi.kelurahan, budi.rw, budi.rt, stamp, stamp),
    )
    jobs = outreach_for(app)
    await jobs.officials_digest()
    await jobs.officials_digest()
    [row] = await rows(app.db)
    text = json.loads(str(row["payload"]))["text"]
    assert f"RT {budi.rt} / RW {budi.rw}" in text and "1 warga" in text
    assert f"Budi Santoso (RT {budi.rt}) {mask(budi.nik)}" in text


@pytest.mark.parametrize("status", NOT_WANTED)
async def test_no_summons_for_recorded_statuses(
    app: App, residents: dict[str, Resident], status: str
) -> None:
    await link_chat(app, "8001", residents[status].nik)
    await outreach_for(app).summons()
    assert await rows(app.db) == []
    assert Status(status)


async def test_officials_long_list_comes_with_a_csv(app: App, clock: FrozenClock) -> None:
    people = unrecorded_adults(35, clock.today())
    for person in people:
        person.kecamatan, person.kelurahan, person.rw, person.rt = (
            "Gabek",
            "Selindung",
            "002",
            "003",
        )
    people[0].nama = "=HYPERLINK(1)"
    await add_residents(app.db, people, clock.now())
    stamp = "2026-11-01T00:00:00.000000Z"
    await execute(
        app.db,
        "INSERT OR IGNORE INTO areas (kode, nama, level) VALUES ('197106', 'Gabek', 'kecamatan')",
    )
    await execute(
        app.db,
        "INSERT INTO officials (channel, chat_id, role, kecamatan, kelurahan, area_kode, rw, rt,"
        " nama, phone, status, created_at, updated_at) VALUES ('telegram', '7002', 'RW', 'Gabek',"
        " 'Selindung', '197106', '002', '', 'Pak RW', '62812', 'DISETUJUI', ?, ?)",
        (stamp, stamp),
    )
    await outreach_for(app).officials_digest()
    [row] = await rows(app.db)
    reply = Reply.model_validate_json(str(row["payload"]))
    assert "35 warga" in reply.text and "5 lainnya" in reply.text
    assert reply.document is not None and reply.document.filename == "belum-rekam-RW002.csv"
    csv_lines = reply.document.content.decode().splitlines()
    assert csv_lines[0] == "nama,rt,rw,nik" and len(csv_lines) == 36
    assert "'=HYPERLINK(1)" in reply.document.content.decode()
    assert people[1].nik not in reply.document.content.decode()
