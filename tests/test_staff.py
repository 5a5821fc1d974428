"""The staff side: Jadwalkan/Tolak/Detail, one winner, teams, results, /jadwal, audit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.core.capacity import Slot
from bot.core.messages import Reply
from bot.core.orders import Attempt
from storage import audit, orders, teams, visits
from tests.conftest import ChatDriver, FrozenClock
from tests.order_support import (
    ADMIN,
    STAFF2,
    STAFF_CHAT,
    TUE,
    WED,
    add_team,
    home_person,
    order_status,
    outbox_rows,
    payloads,
    saved_order,
    team_app,
)


@pytest.fixture
async def staffed_office(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[App]:
    application = await team_app(tmp_path, clock, staff=True)
    yield application
    await application.close()


async def press(app: App, payload: str, user_id: str = ADMIN) -> Reply:
    """A button pressed in the staff group by `user_id`."""
    [reply] = await ChatDriver(app, STAFF_CHAT).send(
        payload=payload, user_id=user_id, is_group=True, user_name=f"user{user_id}"
    )
    return reply


async def command(app: App, text: str, user_id: str = ADMIN) -> str:
    replies = await ChatDriver(app, STAFF_CHAT).send(text=text, user_id=user_id, is_group=True)
    return "\n".join(r.text for r in replies)


async def test_two_staff_press_schedule_at_once_one_wins(staffed_office: App) -> None:
    order = await saved_order(staffed_office)
    a, b = await asyncio.gather(
        press(staffed_office, f"sj:{order.id}", ADMIN),
        press(staffed_office, f"sj:{order.id}", STAFF2),
    )
    winners = [r for r in (a, b) if r.buttons]
    losers = [r for r in (a, b) if not r.buttons]
    assert len(winners) == 1 and len(losers) == 1
    assert "sedang ditangani oleh" in losers[0].text
    winner_id = ADMIN if winners[0] is a else STAFF2
    choices = winners[0]
    assert payloads(choices) == [f"sjd:{order.id}:20261201", f"sjd:{order.id}:20261202"]
    assert "1 tim, sisa 50 rekaman" in choices.buttons[0].title
    teams_reply = await press(staffed_office, payloads(choices)[0], winner_id)
    [team_payload] = payloads(teams_reply)
    loser_id = STAFF2 if winner_id == ADMIN else ADMIN
    assert "sedang ditangani" in (await press(staffed_office, team_payload, loser_id)).text
    done = await press(staffed_office, team_payload, winner_id)
    assert "dijadwalkan oleh" in done.text and "Alpha" in done.text
    assert await order_status(staffed_office, order.id) == "DITERIMA"
    again = await press(staffed_office, team_payload, winner_id)  # pressed twice
    assert "sudah diproses (Diterima (terjadwal))" in again.text
    [visit] = await visits.visits_between(staffed_office.db, TUE, TUE)
    assert visit.order_id == order.id
    [told] = await outbox_rows(staffed_office, "2001")
    assert "dijadwalkan pada Sel, 1 Desember 2026, sesi Pagi" in told.reply.text
    [entry] = await audit.latest(staffed_office.db, action="order.schedule")
    assert entry.actor == f"telegram:{winner_id}"


async def test_the_database_refuses_double_booking(staffed_office: App) -> None:
    first, second = (
        await saved_order(staffed_office),
        await saved_order(staffed_office, chat_id="2002"),
    )
    now, staff = staffed_office.clock.now(), (ADMIN, "Admin")
    results = await asyncio.gather(
        visits.schedule(staffed_office.db, first.id, 1, TUE, Slot.PAGI, staff, "test", now),
        visits.schedule(staffed_office.db, second.id, 1, TUE, Slot.PAGI, staff, "test", now),
    )
    assert sorted(results) == [Attempt.DONE, Attempt.FULL]
    assert await order_status(staffed_office, second.id) == "BARU"
    [visit] = await visits.visits_between(staffed_office.db, TUE, TUE)
    assert visit.order_id == first.id


async def test_a_resident_pressing_a_forwarded_staff_button_changes_nothing(
    staffed_office: App,
) -> None:
    order = await saved_order(staffed_office)
    resident = ChatDriver(staffed_office, "3001")
    for payload in (f"sj:{order.id}", f"sjt:{order.id}:20261201:1", f"str:{order.id}:PENUH"):
        assert "khusus petugas" in await resident.press(payload)
    assert await order_status(staffed_office, order.id) == "BARU"
    fresh = await orders.get_order(staffed_office.db, order.id)
    assert fresh is not None and fresh.handler_id == ""


async def test_reject_with_a_common_reason_or_free_text(staffed_office: App) -> None:
    order, other = (
        await saved_order(staffed_office),
        await saved_order(staffed_office, chat_id="2002"),
    )
    reasons = await press(staffed_office, f"st:{order.id}")
    assert f"str:{order.id}:PENUH" in payloads(reasons)
    assert "sedang ditangani" in (await press(staffed_office, f"str:{order.id}:PENUH", STAFF2)).text
    assert "ditolak oleh" in (await press(staffed_office, f"str:{order.id}:PENUH")).text
    [told] = await outbox_rows(staffed_office, "2001")
    assert "Alasan: Jadwal tim sudah penuh" in told.reply.text
    assert "khusus petugas" in await ChatDriver(staffed_office, "2002").say(
        f"/tolak {other.code} iseng"
    )
    assert "ditolak oleh" in await command(
        staffed_office, f"/tolak {other.code} Lokasi belum jelas"
    )
    assert await order_status(staffed_office, other.id) == "DITOLAK"
    assert "sudah diproses" in (await press(staffed_office, f"sj:{other.id}")).text
    assert len(await audit.latest(staffed_office.db, action="order.reject")) == 2


async def test_detail_masks_niks(staffed_office: App) -> None:
    nik = "1971015010960001"
    order = await saved_order(
        staffed_office, kind="RUMAH", people=[home_person(nik)], participants=1
    )
    detail = await press(staffed_office, f"sd:{order.id}")
    assert "1971********0001 (Lansia)" in detail.text and nik not in detail.text


async def test_close_visit_with_tallies(staffed_office: App, clock: FrozenClock) -> None:
    order = await saved_order(staffed_office)
    await visits.schedule(
        staffed_office.db, order.id, 1, TUE, Slot.PAGI, (ADMIN, "Admin"), "test", clock.now()
    )
    assert "belum berlangsung" in await command(staffed_office, f"/selesai {order.code} 30 2 5 1 0")
    clock.travel(timedelta(days=3))  # Tuesday, the visit day
    assert "Format" in await command(staffed_office, f"/selesai {order.code} 30 dua 5 1 0")
    assert "tercatat" in await command(staffed_office, f"/selesai {order.code} 30 2 5 1 0", STAFF2)
    assert await order_status(staffed_office, order.id) == "SELESAI"
    thanks = (await outbox_rows(staffed_office, "2001"))[-1]
    assert "terekam 30, gagal 2, tidak hadir 5, sudah punya e-KTP 1" in thanks.reply.text
    assert "tidak punya kunjungan" in await command(
        staffed_office, f"/selesai {order.code} 1 1 1 1 1"
    )
    [entry] = await audit.latest(staffed_office.db, action="visit.close")
    assert json.loads(entry.detail)["terekam"] == 30


async def test_removing_a_team_flags_its_visits(staffed_office: App) -> None:
    order = await saved_order(staffed_office)
    await visits.schedule(
        staffed_office.db,
        order.id,
        1,
        WED,
        Slot.PAGI,
        (ADMIN, "A"),
        "test",
        staffed_office.clock.now(),
    )
    assert "Alpha: 2 kit × 25 = 50/sesi" in await command(staffed_office, "/tim")
    assert "khusus petugas" in await ChatDriver(staffed_office, "3001").say("/tim hapus Alpha")
    assert "1 kunjungan perlu dijadwalkan ulang" in await command(
        staffed_office, "/tim hapus Alpha"
    )
    assert await order_status(staffed_office, order.id) == "BARU"
    assert "diatur ulang" in (await outbox_rows(staffed_office, "2001"))[-1].reply.text
    again = (await outbox_rows(staffed_office, STAFF_CHAT))[-1]
    assert (
        "perlu dijadwalkan ulang" in again.reply.text
        and payloads(again.reply)[0] == f"sj:{order.id}"
    )
    assert "Beta ditambahkan (75/sesi)" in await command(
        staffed_office, "/tim tambah Beta 3 25 Hilux"
    )
    assert "Sudah ada" in await command(staffed_office, "/tim tambah beta 1")
    assert [e.action for e in await audit.latest(staffed_office.db)][:3] == [
        "team.add",
        "team.remove",
        "order.schedule",
    ]


async def test_plan_shows_visits_trip_hints_and_handling_times(staffed_office: App) -> None:
    await add_team(staffed_office, "Beta", kits=1)
    first = await saved_order(staffed_office, days=(TUE,))
    await visits.schedule(
        staffed_office.db,
        first.id,
        1,
        TUE,
        Slot.PAGI,
        (ADMIN, "A"),
        "test",
        staffed_office.clock.now(),
    )
    second = await saved_order(staffed_office, chat_id="2002", days=(TUE, WED), rt="004")
    choices = await press(staffed_office, f"sj:{second.id}")
    assert "Kunjungan lain di kelurahan/kecamatan yang sama" in choices.text
    assert first.code in choices.text
    plan = await command(staffed_office, "/jadwal 1/12/2026")
    assert f"Sel 01/12 pagi · Alpha · {first.code} · Kel. Bacang (30)" in plan
    assert "Menunggu dijadwalkan: 1" in plan and "Alpha: 1 kunjungan" in plan
    assert "Alpha" in await command(staffed_office, "/jadwal minggu")
    assert "Format" in await command(staffed_office, "/jadwal kemarin")


async def test_staff_management_is_for_admins(staffed_office: App) -> None:
    assert "khusus admin" in await command(staffed_office, "/staf tambah 555 Budi", STAFF2)
    assert "ditambahkan" in await command(staffed_office, "/staf tambah 555 Budi")
    assert await teams.is_staff(staffed_office.db, "555")
    assert "555 Budi" in await command(staffed_office, "/staf")
    assert "dihapus" in await command(staffed_office, "/staf hapus 555")
    assert not await teams.is_staff(staffed_office.db, "555")
