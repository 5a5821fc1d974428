"""Helpers for order tests: an app with staff configured, teams, officials, the outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.app import App, build_app
from bot.cli.demo import seed_demo
from bot.core.capacity import Slot
from bot.core.messages import Reply
from bot.core.orders import OfficialStatus, OrderKind, Reason, Role
from storage import officials, orders, teams
from storage.officials import Official
from storage.orders import Order, OrderDraft, OrderPerson
from tests.conftest import ChatDriver, FrozenClock, make_settings

STAFF_CHAT = "-1001"
ADMIN = "9001"
STAFF2 = "9002"
HEAD = "9100"
HOLIDAY = date(2026, 12, 25)
#: Working days within the booking window (now: Saturday 28 November 2026).
TUE, WED, THU = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)


async def office_app(tmp_path: Path, clock: FrozenClock, **overrides: Any) -> App:
    """An app with a staff group, an admin, a head-of-office chat and a holiday file."""
    holidays = tmp_path / "libur.txt"
    holidays.write_text(f"{HOLIDAY.isoformat()}  # Natal\n", encoding="utf-8")
    values: dict[str, Any] = {
        "staff_chat_id": STAFF_CHAT,
        "admin_user_ids": [ADMIN],
        "escalation_chat_id": HEAD,
        "holidays_file": holidays,
        "bot_username": "JemputBolaBot",
    }
    values.update(overrides)
    app = await build_app(make_settings(tmp_path, **values), clock)
    await seed_demo(app.db, clock.today(), clock.now(), everyone=False)
    return app


async def team_app(tmp_path: Path, clock: FrozenClock, *, staff: bool = False) -> App:
    """`office_app` with the team Alpha (member STAFF2); `staff`: STAFF2 (Sari) is staff too."""
    app = await office_app(tmp_path, clock)
    await add_team(app)
    if staff:
        await teams.add_staff(app.db, STAFF2, "Sari", "test", clock.now())
    return app


async def add_team(app: App, name: str = "Alpha", kits: int = 2, per_kit: int = 25) -> int:
    """A team; returns its id."""
    team = await teams.add_team(
        app.db, name=name, kits=kits, per_kit=per_kit, vehicle="Avanza",
        members=[STAFF2], actor="test", now=app.clock.now(),
    )  # fmt: skip
    return team.id


async def approved_official(app: App, chat_id: str = "2001", role: Role = Role.RT) -> Official:
    """An approved Ketua RT in Kel. Bacang (where the showcase resident Budi lives)."""
    draft = Official(
        channel="telegram", chat_id=chat_id, user_id=chat_id, role=role,
        kecamatan="Bukit Intan", kelurahan="Bacang", area_kode="1971011006",
        rw="002", rt="001", nama="Pak Rahman", phone="6281200000099",
    )  # fmt: skip
    saved = await officials.save_registration(app.db, draft, app.clock.now())
    assert await officials.decide(app.db, saved.id, True, "test", app.clock.now())
    return saved.model_copy(update={"status": OfficialStatus.DISETUJUI})


async def saved_order(
    app: App, chat_id: str = "2001", days: tuple[date, ...] = (TUE, WED), **fields: Any
) -> Order:
    """A BARU community order straight into storage (the chat row must exist for notices)."""
    await ChatDriver(app, chat_id).say("/bantuan")
    values: dict[str, Any] = {
        "kind": OrderKind.KOLEKTIF, "channel": "telegram", "chat_id": chat_id,
        "user_id": chat_id, "kecamatan": "Bukit Intan", "kelurahan": "Bacang", "rw": "002",
        "rt": "001", "address": "Balai Warga RT 001", "dates": list(days), "slot": Slot.PAGI,
        "participants": 30, "phone": "6281200000099",
    }  # fmt: skip
    values.update(fields)
    return await orders.create_order(app.db, OrderDraft(**values), app.clock.now(), 2026)


def home_person(nik: str) -> OrderPerson:
    """One person for a home visit."""
    return OrderPerson(nik=nik, reason=Reason.LANSIA)


@dataclass
class Sent:
    """An outbox row as tests read it."""

    chat_id: str
    kind: str
    dedupe_key: str
    reply: Reply


async def outbox_rows(app: App, chat_id: str | None = None) -> list[Sent]:
    """Every enqueued message (optionally for one chat), oldest first."""
    where, params = ("WHERE chat_id = ?", [chat_id]) if chat_id else ("", [])
    rows = await app.db.fetchall(
        f"SELECT chat_id, kind, dedupe_key, payload FROM outbox {where} ORDER BY id", params
    )
    return [
        Sent(
            r["chat_id"], r["kind"], r["dedupe_key"], Reply.model_validate(json.loads(r["payload"]))
        )
        for r in rows
    ]


def payloads(reply: Reply) -> list[str]:
    """The button payloads of a reply."""
    return [b.payload for b in reply.buttons]


async def order_status(app: App, order_id: int) -> str:
    """The stored status of an order."""
    order = await orders.get_order(app.db, order_id)
    assert order is not None
    return order.status.value
