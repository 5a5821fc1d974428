"""The office services every face shares (chat, console, CLI): typed inputs, typed outcomes,
audit with the actor, notices through the outbox."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from bot.app import App
from bot.core.capacity import Slot
from bot.core.orders import Attempt, OfficialStatus, OrderStatus, Tallies, VisitStatus
from bot.i18n import t
from bot.office import officials as office_officials
from bot.office import orders as office_orders
from bot.office import teams as office_teams
from bot.office import visits as office_visits
from bot.office.desk import Office, Staff, staff_member
from bot.office.orders import ScheduleRequest
from bot.office.teams import NewTeam, TeamOutcome
from bot.office.visits import CloseOutcome
from bot.outreach.order_text import long_day, slot_text
from storage import audit, officials, teams
from tests.conftest import FrozenClock
from tests.order_support import (
    ADMIN,
    STAFF2,
    STAFF_CHAT,
    THU,
    TUE,
    WED,
    add_team,
    approved_official,
    outbox_rows,
    payloads,
    saved_order,
)

pytestmark = pytest.mark.engines

ANI = Staff(user_id=ADMIN, name="Ani", channel="console")
SARI = Staff(user_id=STAFF2, name="Sari")


def office_of(app: App) -> Office:
    return Office(app.db, app.settings, app.clock)


async def test_who_is_staff(team_office: App) -> None:
    office = office_of(team_office)
    admin = await staff_member(office, "telegram", ADMIN, "Ani T.")
    assert admin == Staff(user_id=ADMIN, name="Ani T.", channel="telegram")
    assert admin.actor == f"telegram:{ADMIN}"
    assert await staff_member(office, "telegram", STAFF2) is None
    await teams.add_staff(team_office.db, STAFF2, "Sari", "test", team_office.clock.now())
    assert await staff_member(office, "console", STAFF2, "x") == Staff(STAFF2, "Sari", "console")
    assert await staff_member(office, "telegram", None) is None
    assert Staff.operator("root").actor == "cli:root"


async def test_schedule_outcomes_one_winner_and_the_requester_notice(team_office: App) -> None:
    office, order = office_of(team_office), await saved_order(team_office)
    request = ScheduleRequest(order_id=order.id, team_id=1, day=TUE)
    claimed = await office_orders.claim(office, ANI, order.id)
    assert claimed.outcome is Attempt.DONE and claimed.holder == "Ani"
    taken = await office_orders.schedule(office, SARI, request)
    assert (taken.outcome, taken.holder, taken.visit) == (Attempt.TAKEN, "Ani", None)
    bad_day = ScheduleRequest(order_id=order.id, team_id=1, day=THU)  # not a requested day
    assert (await office_orders.schedule(office, ANI, bad_day)).outcome is Attempt.INVALID
    no_team = ScheduleRequest(order_id=order.id, team_id=99, day=TUE)
    assert (await office_orders.schedule(office, ANI, no_team)).outcome is Attempt.INVALID
    missing = ScheduleRequest(order_id=999, team_id=1, day=TUE)
    assert (await office_orders.schedule(office, ANI, missing)).outcome is Attempt.NOT_FOUND

    done = await office_orders.schedule(office, ANI, request)
    assert done.outcome is Attempt.DONE and done.visit is not None and done.order is not None
    assert (done.order.status, done.visit.status) == (OrderStatus.DITERIMA, VisitStatus.TERJADWAL)
    again = await office_orders.schedule(office, ANI, request)
    assert (again.outcome, again.holder) == (Attempt.HANDLED, "Ani")
    [entry] = await audit.latest(team_office.db, action="order.schedule")
    assert entry.actor == f"console:{ADMIN}"
    [told] = await outbox_rows(team_office, "2001")
    expected = t("id", "requester_scheduled", code=order.code, date=long_day("id", TUE),
                 slot=slot_text("id", Slot.PAGI), team="Alpha")  # fmt: skip
    assert told.reply.text == expected


async def test_two_staff_scheduling_the_same_slot_at_once(team_office: App) -> None:
    office = office_of(team_office)
    first, second = await saved_order(team_office), await saved_order(team_office, "2002")
    results = await asyncio.gather(
        office_orders.schedule(office, ANI, ScheduleRequest(first.id, 1, TUE)),
        office_orders.schedule(office, SARI, ScheduleRequest(second.id, 1, TUE)),
    )
    assert sorted(r.outcome for r in results) == [Attempt.DONE, Attempt.FULL]


async def test_day_and_team_choices_with_nearby_visits(team_office: App) -> None:
    office = office_of(team_office)
    await add_team(team_office, "Beta", kits=1)
    first = await saved_order(team_office, days=(TUE,))
    await office_orders.schedule(office, ANI, ScheduleRequest(first.id, 1, TUE))
    second = await saved_order(team_office, "2002", days=(TUE, WED))
    choices = await office_orders.day_choices(office, ANI, second.id)
    assert choices.claim.outcome is Attempt.DONE
    assert [(d.day, d.free_teams, d.recordings_left) for d in choices.days] == [
        (TUE, 1, 25),
        (WED, 2, 75),
    ]
    assert [v.order_id for v in choices.nearby] == [first.id]
    lost = await office_orders.day_choices(office, SARI, second.id)
    assert (lost.claim.outcome, lost.claim.holder, lost.days) == (Attempt.TAKEN, "Ani", [])
    teams_on_tue = await office_orders.team_choices(office, ANI, second.id, TUE)
    assert [(o.team.name, o.fits) for o in teams_on_tue.teams] == [("Beta", False)]
    thu = await office_orders.team_choices(office, ANI, second.id, THU)
    assert thu.claim.outcome is Attempt.INVALID


async def test_a_day_not_asked_for_is_refused_without_claiming_the_order(
    team_office: App,
) -> None:
    office = office_of(team_office)
    order = await saved_order(team_office, days=(TUE,))
    thu = await office_orders.team_choices(office, ANI, order.id, THU)
    assert thu.claim.outcome is Attempt.INVALID and thu.teams == []
    fresh = await office_orders.day_choices(office, SARI, order.id)  # nobody holds it
    assert (fresh.claim.outcome, fresh.claim.holder) == (Attempt.DONE, "Sari")


async def test_reject_needs_a_reason_and_tells_the_requester(team_office: App) -> None:
    office, order = office_of(team_office), await saved_order(team_office)
    assert (await office_orders.reject(office, ANI, order.id, " x ")).outcome is Attempt.INVALID
    done = await office_orders.reject(office, ANI, order.id, "Lokasi  belum jelas")
    assert (done.outcome, done.reason) == (Attempt.DONE, "Lokasi belum jelas")
    assert done.order is not None and done.order.status is OrderStatus.DITOLAK
    late = await office_orders.reject(office, SARI, order.id, "Penuh sekali")
    assert (late.outcome, late.holder) == (Attempt.HANDLED, "Ani")
    [told] = await outbox_rows(team_office, "2001")
    assert told.reply.text == t("id", "requester_rejected", code=order.code,
                                reason="Lokasi belum jelas")  # fmt: skip


async def test_queue_ages_against_the_sla(team_office: App, clock: FrozenClock) -> None:
    office = office_of(team_office)
    old = await saved_order(team_office)
    clock.travel(timedelta(days=3))  # Tuesday: Monday and Tuesday are working days
    new = await saved_order(team_office, "2002")
    clock.travel(timedelta(days=1))
    waiting = await office_orders.queue(office)
    assert [(q.order.id, q.age, q.overdue) for q in waiting] == [
        (old.id, 3, True),
        (new.id, 1, False),
    ]


async def test_close_visit_outcomes(team_office: App, clock: FrozenClock) -> None:
    office, order = office_of(team_office), await saved_order(team_office)
    tallies = Tallies(terekam=30, gagal=2)
    closed = await office_visits.close_visit(office, ANI, order.id, tallies)
    assert closed.outcome is CloseOutcome.NOT_SCHEDULED
    await office_orders.schedule(office, ANI, ScheduleRequest(order.id, 1, TUE))
    early = await office_visits.close_by_code(office, ANI, order.code.lower(), tallies)
    assert early.outcome is CloseOutcome.TOO_EARLY
    clock.travel(timedelta(days=3))
    done = await office_visits.close_by_code(office, SARI, order.code, tallies)
    assert done.outcome is CloseOutcome.DONE and done.visit is not None
    assert done.visit.tallies == tallies and done.visit.status is VisitStatus.SELESAI
    twice = await office_visits.close_visit(office, ANI, order.id, tallies)
    assert twice.outcome is CloseOutcome.NOT_SCHEDULED
    unknown = await office_visits.close_by_code(office, ANI, "JB-1999-0001", tallies)
    assert unknown.outcome is CloseOutcome.NOT_FOUND
    [entry] = await audit.latest(team_office.db, action="visit.close")
    assert entry.actor == f"telegram:{STAFF2}" and json.loads(entry.detail)["terekam"] == 30


async def test_teams_capacity_and_replanning(team_office: App) -> None:
    office = office_of(team_office)
    added = await office_teams.add_team(office, ANI, NewTeam(name=" Beta ", kits=3))
    assert added.outcome is TeamOutcome.ADDED and added.team is not None
    assert added.team.per_slot == 3 * team_office.settings.team_default_per_kit
    taken = await office_teams.add_team(office, ANI, NewTeam(name="beta", kits=1))
    assert taken.outcome is TeamOutcome.NAME_TAKEN
    assert (
        await office_teams.add_team(office, ANI, NewTeam("X", 0))
    ).outcome is TeamOutcome.INVALID

    order = await saved_order(team_office)
    await office_orders.schedule(office, ANI, ScheduleRequest(order.id, 1, TUE))
    slots = await office_teams.capacity(office, TUE, WED)
    assert len(slots) == 2 * 2 * 2  # days × slots × teams
    alpha_tue = [s for s in slots if s.day == TUE and s.team.name == "Alpha"]
    assert [(s.slot, s.left) for s in alpha_tue] == [(Slot.PAGI, 0), (Slot.SIANG, 50)]

    closed = await office_teams.close_day(office, ANI, TUE, "rapat")
    assert closed.orders == [order.id]
    assert [s.day for s in await office_teams.capacity(office, TUE, WED)] == [WED] * 4
    found = await office_orders.detail(office, order.id)
    assert found is not None and found.order.status is OrderStatus.BARU
    again = (await outbox_rows(team_office, STAFF_CHAT))[-1]
    assert payloads(again.reply)[0] == f"sj:{order.id}"
    await office_orders.schedule(office, ANI, ScheduleRequest(order.id, 1, WED))
    removed = await office_teams.remove_team(office, ANI, "alpha")
    assert removed is not None and removed.orders == [order.id]
    assert await office_teams.remove_team(office, ANI, "alpha") is None
    assert [tm.name for tm in await office_teams.list_teams(office)] == ["Beta"]
    actions = [e.action for e in await audit.latest(team_office.db, limit=4)]
    assert actions == ["team.remove", "order.schedule", "day.close", "order.schedule"]


async def test_replan_a_scheduled_order(team_office: App) -> None:
    office, order = office_of(team_office), await saved_order(team_office)
    assert (await office_orders.replan(office, ANI, order.id)).outcome is Attempt.HANDLED
    await office_orders.schedule(office, ANI, ScheduleRequest(order.id, 1, TUE))
    done = await office_orders.replan(office, ANI, order.id)
    assert done.outcome is Attempt.DONE and done.order is not None
    assert done.order.status is OrderStatus.BARU


async def test_officials_waiting_and_decided_once(office: App) -> None:
    desk = office_of(office)
    official = await approved_official(office)
    draft = official.model_copy(update={"chat_id": "2002", "user_id": "2002", "nama": "Bu Tini"})
    waiting = await officials.save_registration(office.db, draft, office.clock.now())
    assert [o.nama for o in await office_officials.waiting(desk)] == ["Bu Tini"]
    decided = await office_officials.decide(desk, ANI, waiting.id, approve=False)
    assert decided.outcome is office_officials.Decision.DONE
    assert decided.official is not None and decided.official.status is OfficialStatus.DITOLAK
    twice = await office_officials.decide(desk, SARI, waiting.id, approve=True)
    assert twice.outcome is office_officials.Decision.ALREADY_DECIDED
    assert (await office_officials.decide(desk, ANI, 999, True)).official is None
    assert await office_officials.waiting(desk) == []
    [told] = await outbox_rows(office, "2002")
    area = office_officials.area_text("id", waiting)
    assert told.reply.text == t("id", "official_rejected", area=area)
