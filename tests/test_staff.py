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
async def oapp(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[App]:
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


async def test_two_staff_press_schedule_at_once_one_wins(oapp: App) -> None:
    order = await saved_order(oapp)
    a, b = await asyncio.gather(
        press(oapp, f"sj:{order.id}", ADMIN), press(oapp, f"sj:{order.id}", STAFF2)
    )
    winners = [r for r in (a, b) if r.buttons]
    losers = [r for r in (a, b) if not r.buttons]
    assert len(winners) == 1 and len(losers) == 1
    assert "sedang ditangani oleh" in losers[0].text
    winner_id = ADMIN if winners[0] is a else STAFF2
    choices = winners[0]
    assert payloads(choices) == [f"sjd:{order.id}:20261201", f"sjd:{order.id}:20261202"]
    assert "1 tim, sisa 50 rekaman" in choices.buttons[0].title
    teams_reply = await press(oapp, payloads(choices)[0], winner_id)
    [team_payload] = payloads(teams_reply)
    loser_id = STAFF2 if winner_id == ADMIN else ADMIN
    assert "sedang ditangani" in (await press(oapp, team_payload, loser_id)).text
    done = await press(oapp, team_payload, winner_id)
    assert "dijadwalkan oleh" in done.text and "Alpha" in done.text
    assert await order_status(oapp, order.id) == "DITERIMA"
    again = await press(oapp, team_payload, winner_id)  # pressed twice
    assert "sudah diproses (Diterima (terjadwal))" in again.text
    [visit] = await visits.visits_between(oapp.db, TUE, TUE)
    assert visit.order_id == order.id
    [told] = await outbox_rows(oapp, "2001")
    assert "dijadwalkan pada Sel, 1 Desember 2026, sesi Pagi" in told.reply.text
    [entry] = await audit.latest(oapp.db, action="order.schedule")
    assert entry.actor == f"telegram:{winner_id}"


async def test_the_database_refuses_double_booking(oapp: App) -> None:
    first, second = await saved_order(oapp), await saved_order(oapp, chat_id="2002")
    now, staff = oapp.clock.now(), (ADMIN, "Admin")
    results = await asyncio.gather(
        visits.schedule(oapp.db, first.id, 1, TUE, Slot.PAGI, staff, now),
        visits.schedule(oapp.db, second.id, 1, TUE, Slot.PAGI, staff, now),
    )
    assert sorted(r.value for r in results) == ["SCHEDULED", "SLOT_TAKEN"]
    assert await order_status(oapp, second.id) == "BARU"
    [visit] = await visits.visits_between(oapp.db, TUE, TUE)
    assert visit.order_id == first.id


async def test_a_resident_pressing_a_forwarded_staff_button_changes_nothing(oapp: App) -> None:
    order = await saved_order(oapp)
    resident = ChatDriver(oapp, "3001")
    for payload in (f"sj:{order.id}", f"sjt:{order.id}:20261201:1", f"str:{order.id}:PENUH"):
        assert "khusus petugas" in await resident.press(payload)
    assert await order_status(oapp, order.id) == "BARU"
    fresh = await orders.get_order(oapp.db, order.id)
    assert fresh is not None and fresh.handler_id == ""


async def test_reject_with_a_common_reason_or_free_text(oapp: App) -> None:
    order, other = await saved_order(oapp), await saved_order(oapp, chat_id="2002")
    reasons = await press(oapp, f"st:{order.id}")
    assert f"str:{order.id}:PENUH" in payloads(reasons)
    assert "sedang ditangani" in (await press(oapp, f"str:{order.id}:PENUH", STAFF2)).text
    assert "ditolak oleh" in (await press(oapp, f"str:{order.id}:PENUH")).text
    [told] = await outbox_rows(oapp, "2001")
    assert "Alasan: Jadwal tim sudah penuh" in told.reply.text
    assert "khusus petugas" in await ChatDriver(oapp, "2002").say(f"/tolak {other.code} iseng")
    assert "ditolak oleh" in await command(oapp, f"/tolak {other.code} Lokasi belum jelas")
    assert await order_status(oapp, other.id) == "DITOLAK"
    assert "sudah diproses" in (await press(oapp, f"sj:{other.id}")).text
    assert len(await audit.latest(oapp.db, action="order.reject")) == 2


async def test_detail_masks_niks(oapp: App) -> None:
    nik = "1971015010960001"
    order = await saved_order(oapp, kind="RUMAH", people=[home_person(nik)], participants=1)
    detail = await press(oapp, f"sd:{order.id}")
    assert "1971********0001 (Lansia)" in detail.text and nik not in detail.text


async def test_close_visit_with_tallies(oapp: App, clock: FrozenClock) -> None:
    order = await saved_order(oapp)
    await visits.schedule(oapp.db, order.id, 1, TUE, Slot.PAGI, (ADMIN, "Admin"), clock.now())
    assert "belum berlangsung" in await command(oapp, f"/selesai {order.code} 30 2 5 1 0")
    clock.travel(timedelta(days=3))  # Tuesday, the visit day
    assert "Format" in await command(oapp, f"/selesai {order.code} 30 dua 5 1 0")
    assert "tercatat" in await command(oapp, f"/selesai {order.code} 30 2 5 1 0", STAFF2)
    assert await order_status(oapp, order.id) == "SELESAI"
    thanks = (await outbox_rows(oapp, "2001"))[-1]
    assert "terekam 30, gagal 2, tidak hadir 5, sudah punya e-KTP 1" in thanks.reply.text
    assert "tidak punya kunjungan" in await command(oapp, f"/selesai {order.code} 1 1 1 1 1")
    [entry] = await audit.latest(oapp.db, action="visit.close")
    assert json.loads(entry.detail)["terekam"] == 30


async def test_removing_a_team_flags_its_visits(oapp: App) -> None:
    order = await saved_order(oapp)
    await visits.schedule(oapp.db, order.id, 1, WED, Slot.PAGI, (ADMIN, "A"), oapp.clock.now())
    assert "Alpha: 2 kit × 25 = 50/sesi" in await command(oapp, "/tim")
    assert "khusus petugas" in await ChatDriver(oapp, "3001").say("/tim hapus Alpha")
    assert "1 kunjungan perlu dijadwalkan ulang" in await command(oapp, "/tim hapus Alpha")
    assert await order_status(oapp, order.id) == "BARU"
    assert "diatur ulang" in (await outbox_rows(oapp, "2001"))[-1].reply.text
    again = (await outbox_rows(oapp, STAFF_CHAT))[-1]
    assert (
        "perlu dijadwalkan ulang" in again.reply.text
        and payloads(again.reply)[0] == f"sj:{order.id}"
    )
    assert "Beta ditambahkan (75/sesi)" in await command(oapp, "/tim tambah Beta 3 25 Hilux")
    assert "Sudah ada" in await command(oapp, "/tim tambah beta 1")
    assert [e.action for e in await audit.latest(oapp.db)][:3] == [
        "team.add",
        "team.remove",
        "order.schedule",
    ]


async def test_plan_shows_visits_trip_hints_and_handling_times(oapp: App) -> None:
    await add_team(oapp, "Beta", kits=1)
    first = await saved_order(oapp, days=(TUE,))
    await visits.schedule(oapp.db, first.id, 1, TUE, Slot.PAGI, (ADMIN, "A"), oapp.clock.now())
    second = await saved_order(oapp, chat_id="2002", days=(TUE, WED), rt="004")
    choices = await press(oapp, f"sj:{second.id}")
    assert "Kunjungan lain di kelurahan/kecamatan yang sama" in choices.text
    assert first.code in choices.text
    plan = await command(oapp, "/jadwal 1/12/2026")
    assert f"Sel 01/12 pagi · Alpha · {first.code} · Kel. Bacang (30)" in plan
    assert "Menunggu dijadwalkan: 1" in plan and "Alpha: 1 kunjungan" in plan
    assert "Alpha" in await command(oapp, "/jadwal minggu")
    assert "Format" in await command(oapp, "/jadwal kemarin")


async def test_staff_management_is_for_admins(oapp: App) -> None:
    assert "khusus admin" in await command(oapp, "/staf tambah 555 Budi", STAFF2)
    assert "ditambahkan" in await command(oapp, "/staf tambah 555 Budi")
    assert await teams.is_staff(oapp.db, "555")
    assert "555 Budi" in await command(oapp, "/staf")
    assert "dihapus" in await command(oapp, "/staf hapus 555")
    assert not await teams.is_staff(oapp.db, "555")
