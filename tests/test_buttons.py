"""Button verbs and conversation states: named once, one handler each, payloads ≤ 64 bytes;
ids in payloads and typed numbers parsed with bounds, after the check of who may press."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.app import App, build_router
from bot.core.messages import MAX_PAYLOAD_BYTES, Verb, payload
from bot.core.numbers import INT64_MAX, parse_code, parse_id, parse_number, parse_ymd
from bot.i18n import t
from handlers.states import State
from storage import orders
from tests.conftest import ChatDriver
from tests.order_support import ADMIN, STAFF_CHAT, order_status, saved_order

HUGE = "9" * 40


def test_every_verb_and_state_has_exactly_one_handler() -> None:
    router = build_router()
    assert set(router.buttons) == set(Verb)
    assert set(router.states) == set(State) - {State.IDLE}
    with pytest.raises(ValueError, match="registered twice"):
        router.button(Verb.SCHEDULE, router.buttons[Verb.SCHEDULE])


def test_payloads_fit_telegram() -> None:
    biggest = payload(Verb.SCHEDULE_TEAM, INT64_MAX, "20261201", INT64_MAX)
    assert len(biggest.encode()) <= MAX_PAYLOAD_BYTES
    with pytest.raises(ValueError):
        payload(Verb.ORDER, "x" * 61)


def test_numbers_are_ascii_digits_within_64_bits() -> None:
    assert parse_number(" 42 ") == 42 and parse_number("0") == 0
    assert parse_number(str(INT64_MAX)) == INT64_MAX
    for garbage in ("", " ", "-1", "+1", "1e3", "4 2", "²", "٣", "１", "0x10", HUGE,
                    str(INT64_MAX + 1), None):  # fmt: skip
        assert parse_number(garbage) is None
    assert parse_number("1000", high=999) is None and parse_number("5", low=6) is None
    assert parse_id("0") is None and parse_id("7") == 7
    assert parse_ymd("20261201") == date(2026, 12, 1)
    assert parse_ymd("20261301") is None and parse_ymd("2026120") is None
    assert parse_ymd("²0261201") is None
    assert parse_code("1971011006") == "1971011006" and parse_code("19710²") is None


async def test_forged_and_garbage_buttons_get_answers_not_tracebacks(
    office: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    order = await saved_order(office)
    staff = ChatDriver(office, STAFF_CHAT)
    resident = ChatDriver(office, "3001")
    stale, staff_only = t("id", "stale_button"), t("id", "staff_only")
    staff_verbs = {"sj", "sd", "sjd", "sjt", "st", "str", "srs", "offok", "offno"}
    for data in (f"sj:{HUGE}", f"sd:{HUGE}", f"sjd:{HUGE}:20261201", f"sjt:1:20261201:{HUGE}",
                 f"offok:{HUGE}", "offok:²", "offno:", "sj:", "sjd:1", "sjt:1:2:3:4", "str:1",
                 f"srs:{HUGE}", f"myo:c:{HUGE}", "myo:c:²", "myo:", "ord:cal:²",
                 f"ord:cal:{HUGE}", "ord:d:99999999", "off:kec:²", "lang:xx", "nonsense:1", ":",
                 "sj::", "xx:" + HUGE):  # fmt: skip
        [answer] = await staff.send(payload=data, user_id=ADMIN, is_group=True)
        assert answer.text == stale, data
        [refused] = await resident.send(payload=data)
        verb = data.partition(":")[0]
        assert refused.text == (staff_only if verb in staff_verbs else stale), data
    assert [r.getMessage() for r in caplog.records] == []
    assert await order_status(office, order.id) == "BARU"


async def test_a_requester_button_only_finds_the_requesters_order(office: App) -> None:
    order = await saved_order(office)
    stranger = ChatDriver(office, "3001")
    assert await stranger.press(f"myo:cy:{order.id}") == t("id", "stale_button")
    assert await order_status(office, order.id) == "BARU"
    owner = ChatDriver(office, "2001")
    done = await owner.press(f"myo:cy:{order.id}")
    assert done == t("id", "cancel_done", code=order.code)
    assert await orders.get_order(office.db, order.id) is not None


async def test_typed_numbers_out_of_range_are_refused(office: App) -> None:
    staff = ChatDriver(office, STAFF_CHAT)
    replies = await staff.send(text=f"/selesai JB-2026-0001 1 2 3 4 {HUGE}", user_id=ADMIN,
                               is_group=True)  # fmt: skip
    assert [r.text for r in replies] == [t("id", "close_usage")]
    replies = await staff.send(text="/tim tambah Alpha ² 25", user_id=ADMIN, is_group=True)
    assert [r.text for r in replies] == [t("id", "team_usage")]
    replies = await staff.send(text=f"/staf tambah {HUGE} Budi", user_id=ADMIN, is_group=True)
    assert [r.text for r in replies] == [t("id", "staff_usage")]
