"""/pesan and /pesananku: the requester's side, including every bad input the issue lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.app import App
from bot.core.capacity import Slot
from bot.core.nik import mask
from bot.i18n import t
from bot.outreach.order_text import short_day
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

pytestmark = pytest.mark.engines


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
    assert await chat.say("Balai Warga RT 001, Jl. Melati No. 5") == t("id", "ask_pin")
    cal = await chat.send(location={"latitude": -2.13, "longitude": 106.11})
    assert payloads(cal[0])[0] == "ord:d:20261201"  # first working day ≥ 3 days ahead
    assert all(len(p.encode()) <= 64 for p in payloads(cal[0]))
    await chat.press("ord:d:20261201")
    page = await chat.send(payload="ord:d:20261203")
    assert page[0].text == t("id", "ask_dates", max=3, count=2) and "ord:dd" in payloads(page[0])
    assert await chat.press("ord:dd") == t("id", "ask_slot")
    assert await chat.press("ord:s:PAGI") == t("id", "ask_participants", min=10)
    assert await chat.say("dua puluh") == t("id", "participants_not_number")
    assert await chat.say("7") == t("id", "participants_below_min", min=10)
    await chat.say("40")
    summary = await chat.say("0812-3456-7890")
    assert t("id", "sum_participants", count=40) in summary
    assert t("id", "sum_phone", phone="6281234567890") in summary
    assert t("id", "sum_pin", lat="-2.13000", lon="106.11000") in summary
    assert not await outbox_rows(team_office)  # nothing is sent before the order is saved
    await chat.say("/order")  # starting again drops the unconfirmed order
    assert await chat.press("ord:ok") == t("id", "stale_button")
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
    assert answer == t("id", "order_saved", code="JB-2026-0001")
    order = await orders.find_order(team_office.db, "JB-2026-0001")
    assert order is not None and order.status.value == "BARU" and order.slot is Slot.SIANG
    assert (order.kelurahan, order.rt, order.dates) == ("Bacang", "001", [TUE])
    [notice] = await outbox_rows(team_office, STAFF_CHAT)
    assert notice.dedupe_key == f"order-new:{order.id}" and "JB-2026-0001" in notice.reply.text
    assert payloads(notice.reply) == [f"sj:{order.id}", f"st:{order.id}", f"sd:{order.id}"]
    assert await chat.press("ord:ok") == t("id", "stale_button")  # pressed twice: one order
    assert len(await orders.orders_of_chat(team_office.db, "telegram", "2001")) == 1


@pytest.mark.parametrize(
    ("typed", "key", "day"),
    [
        ("27/11/2026", "date_past", date(2026, 11, 27)),
        ("28/11/2026", "date_today", date(2026, 11, 28)),
        ("30/11/2026", "date_too_soon", date(2026, 11, 30)),
        ("25/12/2026", "date_not_working", date(2026, 12, 25)),
        ("5/12/2026", "date_not_working", date(2026, 12, 5)),
        ("2027-01-28", "date_too_far", date(2027, 1, 28)),
        ("besok saja", "date_unreadable", None),
    ],
)
async def test_bad_dates_are_refused(
    team_office: App, typed: str, key: str, day: date | None
) -> None:
    await approved_official(team_office)
    chat = ChatDriver(team_office, "2001")
    await to_calendar(chat)
    [refused, *calendar] = await chat.send(text=typed)
    assert refused.text == t("id", key, date=short_day("id", day) if day else "")
    assert [r.text for r in calendar] == ([t("id", "ask_dates", max=3, count=0)] if day else [])
    ticked = await chat.say("1/12/2026")  # a good date is still taken
    assert ticked == t("id", "ask_dates", max=3, count=1)


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
    full, picker = await chat.send(payload="ord:s:PAGI")  # the only team is out that morning
    assert full.text == t("id", "slot_full", slot=t("id", "slot_PAGI"))
    assert picker.text == t("id", "ask_slot")  # asked again: the latest question
    assert await chat.press("ord:s:SIANG") == t("id", "ask_participants", min=10)
    await visits.schedule(
        team_office.db, second.id, team, TUE, Slot.SIANG, staff, "test", team_office.clock.now()
    )
    await to_calendar(chat)
    full_day = (await chat.send(text="1/12/2026"))[0].text  # both slots gone: the day is full
    assert full_day == t("id", "date_full", date=short_day("id", TUE))


async def test_unapproved_official_cannot_order_community_visits(team_office: App) -> None:
    chat = ChatDriver(team_office, "2020")
    await chat.say("/pesan")
    assert await chat.press("ord:k:KOLEKTIF") == t("id", "order_needs_official")
    assert await chat.press("ord:k:SEKOLAH") == t("id", "order_needs_official")
    assert await chat.press("ord:k:RUMAH") == t("id", "order_home_needs_link")  # nobody linked
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
    assert people[0].text == t("id", "ask_person_nik", count=0, max=10)
    assert len(payloads(people[0])) == 1 and budi.nik not in payloads(people[0])[0]  # a token
    unknown = "1971015505990009"
    assert t("id", "person_not_in_data", nik=mask(unknown)) in await chat.say(unknown)
    assert t("id", "person_already_recorded", nik=mask(siti.nik)) in await chat.say(siti.nik)
    await chat.say(f"/status {dewi.nik} {dewi.no_kk}")  # linking leaves the order flow
    await to_calendar(chat, "RUMAH")
    await chat.press("ord:d:20261202")
    await chat.press("ord:dd")
    await chat.press("ord:s:PAGI")
    assert await chat.say(budi.nik) == t("id", "ask_reason", nik=mask(budi.nik))
    listed = await chat.send(payload="ord:r:LANSIA")
    assert listed[0].text == t("id", "ask_person_nik", count=1, max=10)
    assert payloads(listed[0]) == ["ord:pd"]
    assert t("id", "person_already_listed", nik=mask(budi.nik)) in await chat.say(budi.nik)
    await chat.press("ord:pd")
    summary = await chat.say("081234567890")
    lansia = t("id", "reason_LANSIA")
    assert t("id", "sum_person", nik=mask(budi.nik), reason=lansia) in summary
    assert budi.nik not in summary
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
    assert t("id", "person_not_linked", nik=mask(nur.nik)) in await chat.say(nur.nik)


async def test_my_orders_cancel_until_the_day_before(team_office: App, clock: FrozenClock) -> None:
    order = await saved_order(team_office, chat_id="2001", days=(THU,))
    other = await saved_order(team_office, chat_id="2001", days=(WED,))
    chat = ChatDriver(team_office, "2001")
    listing = await chat.send(text="/pesananku")
    kind, status = t("id", "kind_KOLEKTIF"), t("id", "order_status_BARU")
    assert f"{order.code} · {kind} · {status}" in listing[0].text
    assert f"myo:c:{order.id}" in payloads(listing[0])
    code = order.code
    assert await chat.press(f"myo:c:{order.id}") == t("id", "cancel_confirm", code=code)
    assert await chat.press(f"myo:cy:{order.id}") == t("id", "cancel_done", code=code)
    assert await order_status(team_office, order.id) == "DIBATALKAN"
    assert await chat.press(f"myo:cy:{order.id}") == t("id", "cancel_not_open", code=code)
    told = [s.reply.text for s in await outbox_rows(team_office, STAFF_CHAT)]
    assert t("id", "staff_order_cancelled", code=code) in told
    stranger = ChatDriver(team_office, "2999")
    assert await stranger.press(f"myo:cy:{other.id}") == t("id", "stale_button")

    team_id = 1
    staff = ("9001", "Admin")
    await visits.schedule(
        team_office.db, other.id, team_id, WED, Slot.PAGI, staff, "test", team_office.clock.now()
    )
    clock.travel(timedelta(days=4))  # Wednesday 2 December: the visit day
    late = await chat.press(f"myo:cy:{other.id}")
    assert late == t("id", "cancel_too_late", code=other.code)
    assert await order_status(team_office, other.id) == "DITERIMA"
    sent = await chat.press(f"myo:r:{other.id}")
    assert sent == t("id", "reschedule_sent", code=other.code)
