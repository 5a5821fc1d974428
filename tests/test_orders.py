"""/pesan and /pesananku: the requester's side, including every bad input the issue lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.core.capacity import Slot
from storage import orders, visits
from storage.residents import Resident
from tests.conftest import ChatDriver, FrozenClock
from tests.order_support import (
    STAFF_CHAT,
    THU,
    TUE,
    WED,
    approved_official,
    order_status,
    outbox_rows,
    payloads,
    saved_order,
)


async def to_calendar(chat: ChatDriver, kind: str = "KOLEKTIF") -> None:
    await chat.say("/pesan")
    await chat.press(f"ord:k:{kind}")
    await chat.say("Balai Warga RT 001, Jl. Melati No. 5")
    await chat.press("ord:skip")


async def test_official_orders_a_community_visit(team_office: App) -> None:
    await approved_official(team_office)
    chat = ChatDriver(team_office, "2001")
    kinds = await chat.send(text="/order")
    assert payloads(kinds[0])[:4] == [
        "ord:k:KOLEKTIF",
        "ord:k:RUMAH",
        "ord:k:SEKOLAH",
        "ord:k:INSTANSI",
    ]
    await chat.press("ord:k:KOLEKTIF")
    assert "titik lokasi" in await chat.say("Balai Warga RT 001, Jl. Melati No. 5")
    cal = await chat.send(location={"latitude": -2.13, "longitude": 106.11})
    assert payloads(cal[0])[0] == "ord:d:20261201"  # first working day ≥ 3 days ahead
    assert all(len(p.encode()) <= 64 for p in payloads(cal[0]))
    await chat.press("ord:d:20261201")
    page = await chat.send(payload="ord:d:20261203")
    assert "Terpilih: 2" in page[0].text and "ord:dd" in payloads(page[0])
    assert "Pagi atau siang" in await chat.press("ord:dd")
    assert "minimal 10" in await chat.press("ord:s:PAGI")
    assert "angka" in await chat.say("dua puluh")
    assert "minimal 10 orang" in await chat.say("7")
    await chat.say("40")
    summary = await chat.say("0812-3456-7890")
    assert "Perkiraan peserta: 40 orang" in summary and "Kontak: 6281234567890" in summary
    assert "Titik lokasi: -2.13000, 106.11000" in summary
    assert not await outbox_rows(team_office)  # nothing is sent before the order is saved
    await chat.say("/order")  # starting again drops the unconfirmed order
    assert "tidak berlaku" in await chat.press("ord:ok")
    assert not await orders.orders_of_chat(team_office.db, "telegram", "2001")


async def test_confirm_saves_then_tells_staff(team_office: App) -> None:
    await approved_official(team_office)
    chat = ChatDriver(team_office, "2001")
    await to_calendar(chat)
    await chat.press("ord:d:20261201")
    await chat.press("ord:dd")
    await chat.press("ord:s:SIANG")
    await chat.say("25")
    await chat.say("081234567890")
    answer = await chat.press("ord:ok")
    assert "Pesanan JB-2026-0001 sudah kami terima" in answer
    order = await orders.find_order(team_office.db, "JB-2026-0001")
    assert order is not None and order.status.value == "BARU" and order.slot is Slot.SIANG
    assert (order.kelurahan, order.rt, order.dates) == ("Bacang", "001", [TUE])
    [notice] = await outbox_rows(team_office, STAFF_CHAT)
    assert notice.dedupe_key == f"order-new:{order.id}" and "JB-2026-0001" in notice.reply.text
    assert payloads(notice.reply) == [f"sj:{order.id}", f"st:{order.id}", f"sd:{order.id}"]
    assert "tidak berlaku" in await chat.press("ord:ok")  # pressed twice: one order only
    assert len(await orders.orders_of_chat(team_office.db, "telegram", "2001")) == 1


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("27/11/2026", "sudah lewat"),
        ("28/11/2026", "hari ini"),
        ("30/11/2026", "terlalu dekat"),
        ("25/12/2026", "bukan hari kerja"),
        ("5/12/2026", "bukan hari kerja"),
        ("2027-01-28", "terlalu jauh"),
        ("besok saja", "tidak terbaca"),
    ],
)
async def test_bad_dates_are_refused(team_office: App, typed: str, answer: str) -> None:
    await approved_official(team_office)
    chat = ChatDriver(team_office, "2001")
    await to_calendar(chat)
    assert answer in await chat.say(typed)
    assert "Terpilih: 1" in await chat.say("1/12/2026")  # a good date is still taken


async def test_full_slot_and_full_day(team_office: App) -> None:
    await approved_official(team_office)
    team = 1
    first = await saved_order(team_office, chat_id="2009", days=(TUE,))
    second = await saved_order(team_office, chat_id="2010", days=(TUE,), slot=Slot.SIANG)
    staff = ("9001", "Admin")
    assert await visits.schedule(
        team_office.db, first.id, team, TUE, Slot.PAGI, staff, "test", team_office.clock.now()
    )
    chat = ChatDriver(team_office, "2001")
    await to_calendar(chat)
    await chat.press("ord:d:20261201")
    await chat.press("ord:dd")
    assert "sudah penuh" in await chat.press("ord:s:PAGI")  # the only team is out that morning
    assert "minimal" in await chat.press("ord:s:SIANG")
    await visits.schedule(
        team_office.db, second.id, team, TUE, Slot.SIANG, staff, "test", team_office.clock.now()
    )
    await to_calendar(chat)
    assert "sudah penuh" in await chat.say("1/12/2026")  # both slots gone: the day is full


async def test_unapproved_official_cannot_order_community_visits(team_office: App) -> None:
    chat = ChatDriver(team_office, "2020")
    await chat.say("/pesan")
    assert "terdaftar dan disetujui" in await chat.press("ord:k:KOLEKTIF")
    assert "terdaftar dan disetujui" in await chat.press("ord:k:SEKOLAH")
    assert "/status" in await chat.press("ord:k:RUMAH")  # no linked family member either
    assert not await orders.orders_of_chat(team_office.db, "telegram", "2020")


async def test_home_visit_for_a_linked_family_member(
    team_office: App, residents: dict[str, Resident]
) -> None:
    budi, siti, dewi = residents["BELUM_REKAM"], residents["SUDAH_REKAM"], residents["DIAMBIL"]
    chat = ChatDriver(team_office, "3001")
    await chat.say(f"/status {budi.nik} {budi.no_kk}")
    await to_calendar(chat, "RUMAH")
    await chat.press("ord:d:20261202")
    await chat.press("ord:dd")
    people = await chat.send(payload="ord:s:PAGI")
    assert "Kirim NIK" in people[0].text and len(payloads(people[0])) == 1  # Budi's token
    assert budi.nik not in payloads(people[0])[0]
    assert "tidak ada dalam data" in await chat.say("1971015505990009")
    assert "sudah melakukan perekaman" in await chat.say(siti.nik)
    await chat.say(f"/status {dewi.nik} {dewi.no_kk}")  # linking leaves the order flow
    await to_calendar(chat, "RUMAH")
    await chat.press("ord:d:20261202")
    await chat.press("ord:dd")
    await chat.press("ord:s:PAGI")
    assert "Mengapa NIK 1971********0001" in await chat.say(budi.nik)
    listed = await chat.send(payload="ord:r:LANSIA")
    assert "Tercatat: 1" in listed[0].text and payloads(listed[0]) == ["ord:pd"]
    assert "sudah ada di daftar" in await chat.say(budi.nik)
    await chat.press("ord:pd")
    summary = await chat.say("081234567890")
    assert "NIK 1971********0001 (Lansia)" in summary and budi.nik not in summary
    await chat.press("ord:ok")
    [order] = await orders.orders_of_chat(team_office.db, "telegram", "3001")
    assert order.kind.value == "RUMAH" and order.participants == 1
    assert order.kelurahan == "Bacang" and [p.nik for p in order.people] == [budi.nik]


async def test_home_visit_nik_must_be_linked(
    team_office: App, residents: dict[str, Resident]
) -> None:
    budi, nur = residents["BELUM_REKAM"], residents["REKAM_ULANG"]
    chat = ChatDriver(team_office, "3002")
    await chat.say(f"/status {budi.nik} {budi.no_kk}")
    await to_calendar(chat, "RUMAH")
    await chat.press("ord:d:20261202")
    await chat.press("ord:dd")
    await chat.press("ord:s:PAGI")
    assert "belum terhubung" in await chat.say(nur.nik)


async def test_my_orders_cancel_until_the_day_before(team_office: App, clock: FrozenClock) -> None:
    order = await saved_order(team_office, chat_id="2001", days=(THU,))
    other = await saved_order(team_office, chat_id="2001", days=(WED,))
    chat = ChatDriver(team_office, "2001")
    listing = await chat.send(text="/pesananku")
    assert "JB-2026-0001 · Rekam kolektif · Baru" in listing[0].text
    assert f"myo:c:{order.id}" in payloads(listing[0])
    assert "Yakin" in await chat.press(f"myo:c:{order.id}")
    assert "sudah dibatalkan" in await chat.press(f"myo:cy:{order.id}")
    assert await order_status(team_office, order.id) == "DIBATALKAN"
    assert "tidak dapat dibatalkan" in await chat.press(f"myo:cy:{order.id}")
    assert any(
        "dibatalkan oleh pemohon" in s.reply.text
        for s in await outbox_rows(team_office, STAFF_CHAT)
    )
    assert "tidak berlaku" in await ChatDriver(team_office, "2999").press(f"myo:cy:{other.id}")

    team_id = 1
    staff = ("9001", "Admin")
    await visits.schedule(
        team_office.db, other.id, team_id, WED, Slot.PAGI, staff, "test", team_office.clock.now()
    )
    clock.travel(timedelta(days=4))  # Wednesday 2 December: the visit day
    assert "sehari sebelum" in await chat.press(f"myo:cy:{other.id}")
    assert await order_status(team_office, other.id) == "DITERIMA"
    assert "diteruskan ke petugas" in await chat.press(f"myo:r:{other.id}")
