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
from bot.core.nik import mask
from bot.core.orders import Attempt, Tallies
from bot.i18n import t
from bot.outreach.order_text import long_day, short_day, slot_text, tallies_text, visit_line
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


def name_of(user_id: str) -> str:
    """How a presser is named: Sari was named with /staf, the admin by the chat's user name."""
    return "Sari" if user_id == STAFF2 else f"user{user_id}"


async def test_two_staff_press_schedule_at_once_one_wins(staffed_office: App) -> None:
    order = await saved_order(staffed_office)
    a, b = await asyncio.gather(
        press(staffed_office, f"sj:{order.id}", ADMIN),
        press(staffed_office, f"sj:{order.id}", STAFF2),
    )
    winners = [r for r in (a, b) if r.buttons]
    losers = [r for r in (a, b) if not r.buttons]
    assert len(winners) == 1 and len(losers) == 1
    winner_id = ADMIN if winners[0] is a else STAFF2
    loser_id = STAFF2 if winner_id == ADMIN else ADMIN
    taken = t("id", "order_taken_by", code=order.code, by=name_of(winner_id))
    assert losers[0].text == taken
    choices = winners[0]
    assert payloads(choices) == [f"sjd:{order.id}:20261201", f"sjd:{order.id}:20261202"]
    day_left = t("id", "btn_day_left", day=short_day("id", TUE), teams=1, left=50)
    assert choices.buttons[0].title == day_left
    teams_reply = await press(staffed_office, payloads(choices)[0], winner_id)
    [team_payload] = payloads(teams_reply)
    assert (await press(staffed_office, team_payload, loser_id)).text == taken
    done = await press(staffed_office, team_payload, winner_id)
    [visit] = await visits.visits_between(staffed_office.db, TUE, TUE)
    assert visit.order_id == order.id and visit.team_name == "Alpha"
    line = visit_line("id", visit)
    assert done.text == t("id", "staff_scheduled", code=order.code, line=line,
                          by=name_of(winner_id))  # fmt: skip
    assert await order_status(staffed_office, order.id) == "DITERIMA"
    again = await press(staffed_office, team_payload, winner_id)  # pressed twice
    status = t("id", "order_status_DITERIMA")
    assert again.text == t("id", "order_already_handled", code=order.code, status=status,
                           by=name_of(winner_id))  # fmt: skip
    [told] = await outbox_rows(staffed_office, "2001")
    assert told.reply.text == t("id", "requester_scheduled", code=order.code, team="Alpha",
                                date=long_day("id", TUE), slot=slot_text("id", "PAGI"))  # fmt: skip
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
        assert await resident.press(payload) == t("id", "staff_only")
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
    taken = t("id", "order_taken_by", code=order.code, by=name_of(ADMIN))
    assert (await press(staffed_office, f"str:{order.id}:PENUH", STAFF2)).text == taken
    penuh = t("id", "reject_PENUH")
    rejected = await press(staffed_office, f"str:{order.id}:PENUH")
    assert rejected.text == t("id", "staff_rejected", code=order.code, reason=penuh,
                              by=name_of(ADMIN))  # fmt: skip
    [told] = await outbox_rows(staffed_office, "2001")
    assert told.reply.text == t("id", "requester_rejected", code=order.code, reason=penuh)
    outsider = ChatDriver(staffed_office, "2002")
    assert await outsider.say(f"/tolak {other.code} iseng") == t("id", "staff_only")
    by_text = await command(staffed_office, f"/tolak {other.code} Lokasi belum jelas")
    assert by_text == t("id", "staff_rejected", code=other.code, reason="Lokasi belum jelas",
                        by=ADMIN)  # fmt: skip  # a typed command: no user name given
    assert await order_status(staffed_office, other.id) == "DITOLAK"
    handled = (await press(staffed_office, f"sj:{other.id}")).text
    status = t("id", "order_status_DITOLAK")
    assert handled == t("id", "order_already_handled", code=other.code, status=status,
                        by=ADMIN)  # fmt: skip
    assert len(await audit.latest(staffed_office.db, action="order.reject")) == 2


async def test_detail_masks_niks(staffed_office: App) -> None:
    nik = "1971015010960001"
    order = await saved_order(
        staffed_office, kind="RUMAH", people=[home_person(nik)], participants=1
    )
    detail = await press(staffed_office, f"sd:{order.id}")
    person = t("id", "sum_person", nik=mask(nik), reason=t("id", "reason_LANSIA"))
    assert person in detail.text and nik not in detail.text


async def test_close_visit_with_tallies(staffed_office: App, clock: FrozenClock) -> None:
    order = await saved_order(staffed_office)
    await visits.schedule(
        staffed_office.db, order.id, 1, TUE, Slot.PAGI, (ADMIN, "Admin"), "test", clock.now()
    )
    typed = f"/selesai {order.code} 30 2 5 1 0"
    assert await command(staffed_office, typed) == t("id", "close_too_early", code=order.code)
    clock.travel(timedelta(days=3))  # Tuesday, the visit day
    bad = f"/selesai {order.code} 30 dua 5 1 0"
    assert await command(staffed_office, bad) == t("id", "close_usage")
    tallies = Tallies(terekam=30, gagal=2, tidak_hadir=5, sudah_punya=1)
    done = t("id", "close_done_tallies", code=order.code, tallies=tallies_text("id", tallies))
    assert await command(staffed_office, typed, STAFF2) == done
    assert await order_status(staffed_office, order.id) == "SELESAI"
    thanks = (await outbox_rows(staffed_office, "2001"))[-1]
    expected = t("id", "requester_closed", code=order.code, tallies=tallies_text("id", tallies))
    assert thanks.reply.text == expected
    again = await command(staffed_office, f"/selesai {order.code} 1 1 1 1 1")
    assert again == t("id", "close_not_scheduled", code=order.code)
    [entry] = await audit.latest(staffed_office.db, action="visit.close")
    assert json.loads(entry.detail)["terekam"] == 30


async def test_removing_a_team_flags_its_visits(staffed_office: App) -> None:
    order = await saved_order(staffed_office)
    await visits.schedule(
        staffed_office.db, order.id, 1, WED, Slot.PAGI, (ADMIN, "A"), "test",
        staffed_office.clock.now(),
    )  # fmt: skip
    alpha = t("id", "team_line", name="Alpha", kits=2, per_kit=25, per_slot=50, vehicle="Avanza")
    assert alpha in await command(staffed_office, "/tim")
    outsider = ChatDriver(staffed_office, "3001")
    assert await outsider.say("/tim hapus Alpha") == t("id", "staff_only")
    removed = await command(staffed_office, "/tim hapus Alpha")
    assert removed == t("id", "team_removed", name="Alpha", count=1)
    assert await order_status(staffed_office, order.id) == "BARU"
    told = (await outbox_rows(staffed_office, "2001"))[-1]
    assert told.reply.text == t("id", "requester_rescheduling", code=order.code)
    again = (await outbox_rows(staffed_office, STAFF_CHAT))[-1]
    assert again.reply.text.startswith(t("id", "staff_order_again", code=order.code))
    assert payloads(again.reply)[0] == f"sj:{order.id}"
    added = await command(staffed_office, "/tim tambah Beta 3 25 Hilux")
    assert added == t("id", "team_added", name="Beta", per_slot=75)
    assert await command(staffed_office, "/tim tambah beta 1") == t(
        "id", "team_exists", name="beta"
    )
    assert [e.action for e in await audit.latest(staffed_office.db)][:3] == [
        "team.add",
        "team.remove",
        "order.schedule",
    ]


async def test_plan_shows_visits_trip_hints_and_handling_times(staffed_office: App) -> None:
    await add_team(staffed_office, "Beta", kits=1)
    first = await saved_order(staffed_office, days=(TUE,))
    await visits.schedule(
        staffed_office.db, first.id, 1, TUE, Slot.PAGI, (ADMIN, "A"), "test",
        staffed_office.clock.now(),
    )  # fmt: skip
    second = await saved_order(staffed_office, chat_id="2002", days=(TUE, WED), rt="004")
    choices = await press(staffed_office, f"sj:{second.id}")
    [visit] = await visits.visits_between(staffed_office.db, TUE, TUE)
    assert t("id", "trip_hints") + "\n" + visit_line("id", visit) in choices.text
    plan = await command(staffed_office, "/jadwal 1/12/2026")
    assert visit_line("id", visit) in plan
    assert t("id", "plan_waiting", count=1) in plan
    assert t("id", "plan_handling_line", team="Alpha", count=1, hours="0.0") in plan
    assert visit_line("id", visit) in await command(staffed_office, "/jadwal minggu")
    assert await command(staffed_office, "/jadwal kemarin") == t("id", "plan_usage")


async def test_staff_management_is_for_admins(staffed_office: App) -> None:
    added = "/staf tambah 555 Budi"
    assert await command(staffed_office, added, STAFF2) == t("id", "admin_only")
    assert await command(staffed_office, added) == t("id", "staff_added", user_id="555")
    assert await teams.is_staff(staffed_office.db, "555")
    assert "555 Budi" in await command(staffed_office, "/staf")
    gone = await command(staffed_office, "/staf hapus 555")
    assert gone == t("id", "staff_removed", user_id="555")
    assert not await teams.is_staff(staffed_office.db, "555")
