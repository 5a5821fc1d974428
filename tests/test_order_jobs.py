"""D-1 visit reminders and the escalation of unanswered orders (time travel on the clock)."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.core.capacity import Slot
from bot.i18n import t
from bot.outreach.order_jobs import run_order_escalation, run_visit_reminders
from bot.outreach.order_text import long_day, slot_text
from bot.outreach.results import JobResult
from storage import visits
from storage.residents import Resident
from tests.conftest import ChatDriver, FrozenClock
from tests.order_support import (
    ADMIN,
    HEAD,
    STAFF2,
    STAFF_CHAT,
    TUE,
    outbox_rows,
    saved_order,
)


async def test_d_minus_1_reminders_reach_requester_team_and_residents(
    team_office: App, clock: FrozenClock, residents: dict[str, Resident]
) -> None:
    budi, siti = residents["BELUM_REKAM"], residents["SUDAH_REKAM"]
    await ChatDriver(team_office, "3001").say(f"/status {budi.nik} {budi.no_kk}")
    await ChatDriver(team_office, "3002").say(
        f"/status {siti.nik} {siti.no_kk}"
    )  # recorded, elsewhere
    order = await saved_order(team_office, days=(TUE,), rt="001", rw="002")
    await visits.schedule(
        team_office.db, order.id, 1, TUE, Slot.PAGI, (ADMIN, "A"), "test", clock.now()
    )
    assert await run_visit_reminders(
        team_office.db, team_office.settings, team_office.clock
    ) == JobResult.done(reminders=0)
    clock.travel(timedelta(days=2))  # Monday 30 November: the day before
    assert await run_visit_reminders(
        team_office.db, team_office.settings, team_office.clock
    ) == JobResult.done(reminders=3)
    assert await run_visit_reminders(
        team_office.db, team_office.settings, team_office.clock
    ) == JobResult.done(reminders=0)
    when = {"date": long_day("id", TUE), "slot": slot_text("id", Slot.PAGI)}
    [requester] = [s for s in await outbox_rows(team_office, "2001") if s.kind == "reminder"]
    assert requester.reply.text == t("id", "reminder_requester", when=t("id", "when_tomorrow"),
                                     code=order.code, address=order.address, **when)  # fmt: skip
    [team] = await outbox_rows(team_office, STAFF2)
    assert team.reply.text == t("id", "reminder_team", team="Alpha", code=order.code,
                                address=order.address, count=30, phone="6281200000099",
                                **when)  # fmt: skip
    [resident] = await outbox_rows(team_office, "3001")
    assert resident.reply.text == t("id", "reminder_resident", when=t("id", "when_tomorrow"),
                                    address=order.address, name="Budi", **when)  # fmt: skip
    assert not await outbox_rows(team_office, "3002")


async def test_friday_reminds_monday_visits(team_office: App, clock: FrozenClock) -> None:
    monday = TUE + timedelta(days=6)  # 7 December
    order = await saved_order(team_office, days=(monday,))
    await visits.schedule(
        team_office.db, order.id, 1, monday, Slot.SIANG, (ADMIN, "A"), "test", clock.now()
    )
    clock.travel(timedelta(days=6))  # Friday 4 December
    assert await run_visit_reminders(
        team_office.db, team_office.settings, team_office.clock
    ) == JobResult.done(reminders=2)
    [requester] = [s for s in await outbox_rows(team_office, "2001") if s.kind == "reminder"]
    assert requester.reply.text.startswith(t("id", "reminder_requester", when=t("id", "when_on"),
                                             code=order.code, address=order.address,
                                             date=long_day("id", monday),
                                             slot=slot_text("id", Slot.SIANG)))  # fmt: skip


async def test_unanswered_orders_are_escalated_each_working_morning(
    team_office: App, clock: FrozenClock
) -> None:
    order = await saved_order(team_office)  # Saturday 28 November
    assert await run_order_escalation(
        team_office.db, team_office.settings, team_office.clock
    ) == JobResult.skipped("not_working_day")
    clock.travel(timedelta(days=3))  # Tuesday: two working days (Mon, Tue) have passed
    assert await run_order_escalation(
        team_office.db, team_office.settings, team_office.clock
    ) == JobResult.done(escalated=0)
    clock.travel(timedelta(days=1))  # Wednesday
    assert await run_order_escalation(
        team_office.db, team_office.settings, team_office.clock
    ) == JobResult.done(escalated=1)
    await run_order_escalation(
        team_office.db, team_office.settings, team_office.clock
    )  # run twice: sent once
    staff = [
        s for s in await outbox_rows(team_office, STAFF_CHAT) if s.dedupe_key.startswith("escal")
    ]
    [head] = await outbox_rows(team_office, HEAD)
    line = t("id", "escalation_line", code=order.code, kelurahan="Bacang", age=3, handler="-")
    assert len(staff) == 1
    assert staff[0].reply.text == t("id", "escalation_staff", count=1, days=2, lines=line)
    assert head.reply.text == t("id", "escalation_head", count=1, lines=line)
