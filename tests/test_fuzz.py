"""Fuzzing the conversation router (Hypothesis), for every conversation state.

Each example puts one chat of one kind of user (resident, linked resident, approved and waiting
official, staff in private and in the staff group, a stranger in the staff group, a WhatsApp
resident) into a state with the data that state carries, then sends 1–4 random messages: text,
commands with odd arguments, button payloads (every verb, forged verbs, 40-digit and '²' ids),
shared contacts (own and someone else's), locations, documents, unsupported content. Properties:

- nothing escapes and the router's catch-all apology is never what answered (a logged
  "Handler failed" fails the example);
- every message in a private chat gets an answer with text;
- a refused action (staff only, admin only, stale button, private only, …) writes nothing to
  the office's tables.

Profiles: the default runs a short profile inside `make test` (a few seconds); a bench run
takes the long one: `JEMPUT_FUZZ=long .venv/bin/pytest -q tests/test_fuzz.py` (minutes).
"""

from __future__ import annotations

import asyncio
import logging
import os
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App, build_app
from bot.cli.demo import seed_demo, showcase_residents
from bot.core.capacity import Slot
from bot.core.messages import Channel, Document, Inbound, Location, Reply, SharedContact, Verb
from bot.i18n import LANGUAGES, t
from bot.office.desk import Office, Staff
from bot.office.orders import ScheduleRequest, schedule
from handlers.states import State
from storage import chats, officials
from tests.conftest import FrozenClock, make_settings
from tests.order_support import (
    ADMIN,
    STAFF_CHAT,
    TUE,
    WED,
    add_team,
    approved_official,
    saved_order,
)

settings.register_profile(
    "short", max_examples=6, deadline=None, database=None, derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.register_profile(
    "long", max_examples=400, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.load_profile(os.environ.get("JEMPUT_FUZZ", "short"))

RESIDENTS = showcase_residents(FrozenClock().today())
BUDI = RESIDENTS[0]
REFUSALS = ("staff_only", "admin_only", "field_staff_only", "upload_refused", "stale_button",
            "private_only", "private_only_order", "privacy_group", "not_understood")  # fmt: skip
REFUSED = {t(lang, key) for lang in LANGUAGES for key in REFUSALS}
#: The office's tables: a refused action must leave them as they were.
WATCHED = ("orders", "order_dates", "order_people", "visits", "officials", "teams",
           "team_members", "staff", "closed_days", "audit_log", "outbox", "chat_links",
           "residents", "recordings", "status_history", "school_orders")  # fmt: skip


@dataclass(frozen=True)
class Who:
    """A kind of user: where they type and as whom."""

    channel: Channel
    chat_id: str
    user_id: str
    is_group: bool = False
    phone: str | None = None


PEOPLE = (
    Who(Channel.TELEGRAM, "3001", "3001"),  # a resident, not linked
    Who(Channel.TELEGRAM, "3002", "3002"),  # a resident linked to Budi
    Who(Channel.TELEGRAM, "2001", "2001"),  # an approved Ketua RT (Bacang)
    Who(Channel.TELEGRAM, "2002", "2002"),  # an official waiting for approval
    Who(Channel.TELEGRAM, ADMIN, ADMIN),  # staff in a private chat
    Who(Channel.TELEGRAM, STAFF_CHAT, ADMIN, is_group=True),  # staff in the staff group
    Who(Channel.TELEGRAM, STAFF_CHAT, "3003", is_group=True),  # a stranger in the group
    Who(Channel.WHATSAPP, "wa-1", "wa-1", phone=BUDI.no_hp),  # WhatsApp, Budi's own number
)

#: What each state carries (as the flows write it).
_OFFICIAL = {"official_id": 1, "kecamatan": "Bukit Intan", "kelurahan": "Bacang", "rw": "002",
             "rt": "001"}  # fmt: skip
_ORDER = {"kind": "KOLEKTIF", "dates": [], **_OFFICIAL}
_DATED = {**_ORDER, "address": "Balai Warga RT 001", "dates": [TUE.isoformat()], "page": 0}
_HOME = {"kind": "RUMAH", "address": "Jl. Merdeka No. 1", "dates": [WED.isoformat()],
         "slot": "PAGI", "page": 0}  # fmt: skip
STATE_DATA: dict[State, dict[str, Any]] = {
    State.IDLE: {},
    State.STATUS_NIK: {},
    State.STATUS_KK: {"nik": BUDI.nik},
    State.OFFICIAL_ROLE: {"area": ""},
    State.OFFICIAL_AREA: {"area": "", "role": "RT", "kec": "197101", "kel": ""},
    State.OFFICIAL_RW: {"area": "", "role": "RT", "kec": "197101", "kel": "1971011006"},
    State.OFFICIAL_RT: {"role": "RT", "kec": "197101", "kel": "1971011006", "rw": "002"},
    State.OFFICIAL_NAME: {"role": "RW", "kec": "197101", "kel": "1971011006", "rw": "002"},
    State.OFFICIAL_PHONE: {
        "role": "RT",
        "kec": "197101",
        "kel": "1971011006",
        "rw": "002",
        "rt": "001",
        "name": "Rahman Hakim",
    },
    State.ORDER_KIND: {},
    State.ORDER_ADDRESS: _ORDER,
    State.ORDER_PIN: {**_ORDER, "address": "Balai Warga RT 001"},
    State.ORDER_DATES: _DATED,
    State.ORDER_SLOT: _DATED,
    State.ORDER_COUNT: {**_DATED, "slot": "PAGI"},
    State.ORDER_PEOPLE: {**_HOME, "people": []},
    State.ORDER_REASON: {**_HOME, "people": [], "pending": BUDI.nik},
    State.ORDER_PHONE: {**_DATED, "slot": "PAGI", "participants": 30},
    State.ORDER_CONFIRM: {**_DATED, "slot": "PAGI", "participants": 30, "phone": "6281234567890"},
}

ODD = ["", "0", "1", "2", "3", "²", "٣", "１", "9" * 40, "-1", "+1", "1e3", "20261201",
       "20261302", "99999999", "RUMAH", "KOLEKTIF", "PAGI", "SIANG", "s", "c", "cy", "r", "k",
       "d", "dd", "cal", "skip", "ok", "p", "pd", "role", "RT", "kec", "kel", "197101",
       "1971011006", "redo", "start", "all", "ya", "batal", "status", "help", "lang", "id",
       "en", "0.0.0.0.0", "1.2.3.4.5", "9999.1.0.0.0", "10000.1.1.1.1", "1.2.3", "PENUH", "XX",
       "JB-2026-0001", "JB-2026-0002", "tambah", "hapus", "minggu", "7/12/2026", "31/2",
       "Alpha", "LANSIA", BUDI.nik, BUDI.no_kk, "siswa", "ulang"]  # fmt: skip
COMMANDS = ["start", "status", "cek", "lupakan", "pesan", "pesananku", "pengurus", "bantuan",
            "bahasa", "batal", "berhenti", "mulai", "hapus", "outbox", "staf", "tim", "jadwal",
            "tolak", "selesai", "laporan", "sekolah", "impor", "menu"]  # fmt: skip
piece = st.one_of(st.sampled_from(ODD), st.sampled_from(ODD), st.text(max_size=12))
IDS = ["1", "2", "3", "0", "²", "٣", "１", "9" * 40, str(2**63), str(2**63 - 1), "-1", "", "1.5"]
DAYS = ["20261201", "20261202", "20261203", "20261225", "20261302", "99999999", "²0261201", ""]
TALLIES = ["0.0.0.0.0", "1.2.3.4.5", "9999.1.0.0.0", "10000.1.1.1.1", "1.2.3", "².1.1.1.1",
           "-1.0.0.0.0", "9" * 40 + ".0.0.0.0"]  # fmt: skip
#: The shape of every verb's payload; the slots are filled with valid and hostile values.
TEMPLATES = {
    Verb.MENU: "{w}", Verb.LANGUAGE: "{w}", Verb.CANCEL: "", Verb.STATUS: "{w}",
    Verb.FORGET: "{w}", Verb.ERASE: "{w}", Verb.OFFICIAL: "{w}:{w}", Verb.APPROVE_OFFICIAL: "{id}",
    Verb.REJECT_OFFICIAL: "{id}", Verb.ORDER: "{w}:{w}", Verb.MY_ORDER: "{w}:{id}",
    Verb.SCHEDULE: "{id}", Verb.SCHEDULE_DAY: "{id}:{day}", Verb.SCHEDULE_TEAM: "{id}:{day}:{id}",
    Verb.REJECT: "{id}", Verb.REJECT_REASON: "{id}:{w}", Verb.DETAIL: "{id}", Verb.REPLAN: "{id}",
    Verb.SCHOOL: "{w}", Verb.SCHOOL_PLAN: "{w}", Verb.TALLY: "{id}:{w}:{tally}",
}  # fmt: skip
SLOTS = {"{w}": st.sampled_from(ODD) | st.text(max_size=8), "{id}": st.sampled_from(IDS),
         "{day}": st.sampled_from(DAYS), "{tally}": st.sampled_from(TALLIES)}  # fmt: skip


@st.composite
def shaped(draw: st.DrawFn) -> str:
    """A payload shaped like a real one of some verb, its slots valid or hostile."""
    verb = draw(st.sampled_from(list(TEMPLATES)))
    parts = [draw(SLOTS[slot]) if slot in SLOTS else slot for slot in TEMPLATES[verb].split(":")]
    return ":".join([verb.value, *parts]) if TEMPLATES[verb] else verb.value


forged = st.builds(
    lambda verb, args: ":".join([verb, *args]),
    st.sampled_from([v.value for v in Verb]) | st.text(string.ascii_lowercase, max_size=5),
    st.lists(piece, max_size=3),
)
payloads = shaped() | shaped() | forged
commands = st.builds(
    lambda name, args, at: f"/{name}{at} {' '.join(args)}".rstrip(),
    st.sampled_from(COMMANDS) | st.text(string.ascii_letters + "_", min_size=1, max_size=10),
    st.lists(piece, max_size=6),
    st.sampled_from(["", "@jemput_bot", "@other_bot"]),
)
texts = (
    st.text(max_size=300)
    | st.sampled_from(ODD)
    | st.sampled_from(
        ["STOP", "berhenti", "status", "40", "0812-3456-7890", "Balai Warga RT 001, Jl. Melati 5"]
    )
)
floats = st.floats(allow_nan=True, allow_infinity=True)


messages = st.one_of(
    texts.map(lambda x: {"text": x}),
    commands.map(lambda x: {"text": x}),
    payloads.map(lambda x: {"payload": x}),
    payloads.map(lambda x: {"payload": x}),
    st.builds(
        lambda own, phone: {"contact": ("own" if own else "other", phone)},
        st.booleans(),
        st.sampled_from([BUDI.no_hp, "081234567890", "", "abc", "+" + "9" * 30]),
    ),
    st.builds(lambda lat, lon: {"location": Location(latitude=lat, longitude=lon)}, floats, floats),
    st.builds(
        lambda name, content, caption: {
            "document": Document(filename=name, content=content, mime_type="text/csv"),
            "text": caption,
        },
        st.sampled_from(["hasil.csv", "x.xlsx", "../../etc/passwd", "a.exe", ""]),
        st.binary(max_size=200)
        | st.just(f"nik,tanggal_rekam,kit\n{BUDI.nik},2026-11-27,K1\n".encode()),
        st.sampled_from([None, "/impor", "/impor status", "/impor siswa", "/impor zz"]),
    ),
    st.just({"unsupported": "photo"}),
    st.just({}),
)


class Harness:
    """One app for the whole module, driven on its own event loop."""

    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.failures: list[str] = []
        self.app: App = self.loop.run_until_complete(self._open(tmp))
        handler = logging.Handler(logging.ERROR)
        handler.emit = lambda record: self.failures.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger("handlers.router").addHandler(handler)
        self._handler = handler

    async def _open(self, tmp: Path) -> App:
        holidays = tmp / "libur.txt"
        holidays.write_text("2026-12-25\n", encoding="utf-8")
        config = make_settings(tmp, staff_chat_id=STAFF_CHAT, admin_user_ids=[ADMIN],
                               holidays_file=holidays, bot_username="jemput_bot")  # fmt: skip
        app = await build_app(config, FrozenClock())
        await seed_demo(app.db, app.clock.today(), app.clock.now(), everyone=False)
        await add_team(app)
        await approved_official(app, "2001")
        waiting = await approved_official(app, "2002")
        await officials.save_registration(app.db, waiting, app.clock.now())  # MENUNGGU again
        await saved_order(app)  # BARU, id 1
        scheduled = await saved_order(app, "2003")
        office = Office(app.db, app.settings, app.clock)
        await schedule(office, Staff(ADMIN, "Admin"), ScheduleRequest(scheduled.id, 1, TUE))
        for who in PEOPLE:
            await chats.touch_chat(
                app.db, who.channel, who.chat_id, user_id=who.user_id, language="id",
                is_group=who.is_group, now=app.clock.now(),
            )  # fmt: skip
        await chats.link_resident(app.db, "telegram", "3002", BUDI.nik, app.clock.now(), 5)
        return app

    def close(self) -> None:
        logging.getLogger("handlers.router").removeHandler(self._handler)
        self.loop.run_until_complete(self.app.close())
        self.loop.close()

    def run(self, who: Who, state: State, lang: str, inputs: list[dict[str, Any]]) -> None:
        self.loop.run_until_complete(self._run(who, state, lang, inputs))

    async def _run(self, who: Who, state: State, lang: str, inputs: list[dict[str, Any]]) -> None:
        db, now = self.app.db, self.app.clock.now()
        await chats.set_state(db, who.channel, who.chat_id, state.value, STATE_DATA[state], now)
        await chats.set_language(db, who.channel, who.chat_id, lang, now)
        for fields in inputs:
            inbound = self._inbound(who, fields)
            before = await self._snapshot()
            self.failures.clear()
            replies = await self.app.conversation.handle(inbound)
            assert self.failures == [], (inbound, self.failures)
            assert t(lang, "error") not in [r.text for r in replies], inbound
            if not who.is_group:
                assert any(r.text.strip() for r in replies), inbound
            if _refused(replies):
                assert await self._snapshot() == before, (inbound, replies)

    def _inbound(self, who: Who, fields: dict[str, Any]) -> Inbound:
        data = dict(fields)
        contact = data.pop("contact", None)
        if contact is not None:
            owner = who.user_id if contact[0] == "own" else "someone-else"
            data["contact"] = SharedContact(phone=contact[1], user_id=owner)
        return Inbound(
            channel=who.channel, chat_id=who.chat_id, user_id=who.user_id,
            is_group=who.is_group, phone=who.phone, user_name="Fuzz", **data,
        )  # fmt: skip

    async def _snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        return {
            table: [tuple(r) for r in await self.app.db.fetchall(f"SELECT * FROM {table}")]
            for table in WATCHED
        }


def _refused(replies: list[Reply]) -> bool:
    """One reply, and it is a refusal."""
    return len(replies) == 1 and replies[0].text in REFUSED


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    running = Harness(tmp_path_factory.mktemp("fuzz"))
    yield running
    running.close()


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value or "idle")
@given(
    who=st.sampled_from(PEOPLE),
    lang=st.sampled_from(LANGUAGES),
    inputs=st.lists(messages, min_size=1, max_size=4),
)
def test_no_input_in_any_state_breaks_the_router(
    harness: Harness, state: State, who: Who, lang: str, inputs: list[dict[str, Any]]
) -> None:
    harness.run(who, state, lang, inputs)


def test_every_state_is_fuzzed() -> None:
    assert set(STATE_DATA) == set(State)
    assert set(TEMPLATES) == set(Verb)
    assert {Slot(s["slot"]) for s in STATE_DATA.values() if "slot" in s} == {Slot.PAGI}
