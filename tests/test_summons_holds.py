"""The planner's look-up form of the summons hold agrees with storage.field.NOT_AWAITING_RESULTS."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.app import App
from bot.core.clock import iso
from storage.import_runs import NOT_AWAITING_RESULTS, hold_since
from storage.outreach import _HOLD_TABLES, _NOT_HELD, _PLAN_HOLDS
from storage.residents import add_residents
from tests.conftest import FrozenClock
from tests.outreach_support import execute, unrecorded_adults

pytestmark = pytest.mark.engines

#: (kecamatan, kelurahan, rw, rt, sekolah) of each test resident, by a short name.
PEOPLE = {
    "rt_match": ("Bukit Intan", "Bacang", "002", "001", ""),
    "rt_other": ("Bukit Intan", "Bacang", "002", "009", ""),
    "rw_any_rt": ("Bukit Intan", "Sinar Bulan", "004", "007", ""),
    "rw_other": ("Bukit Intan", "Sinar Bulan", "005", "007", ""),
    "kec_wide": ("Gabek", "Selindung", "001", "001", ""),
    "capitals": ("BUKIT INTAN", "BACANG", "002", "001", ""),  # the hold compares exactly
    "listed": ("Rangkui", "Pintu Air", "001", "001", ""),
    "school_name": ("Rangkui", "Pintu Air", "001", "002", "smk negeri 2"),
    "school_list": ("Rangkui", "Pintu Air", "001", "003", ""),
    "recorded_visit": ("Taman Sari", "Opas Indah", "001", "001", ""),
    "old_visit": ("Girimaya", "Pasar Padi", "001", "001", ""),
    "future_visit": ("Girimaya", "Batin Tikal", "001", "001", ""),
    "cancelled_visit": ("Pangkal Balam", "Ketapang", "001", "001", ""),
}


async def visit(app: App, number: int, day: date, area: tuple[str, ...], **extra: str) -> int:
    """A team, an order in `area` (kecamatan, kelurahan, rw, rt) and its visit; the visit id."""
    stamp = iso(app.clock.now())
    kind, status = extra.get("kind", "KOLEKTIF"), extra.get("status", "TERJADWAL")
    await execute(
        app.db,
        "INSERT INTO teams (id, name, kits, per_kit, created_at) VALUES (?, ?, 1, 10, ?)",
        (number, f"T{number}", stamp),
    )
    await execute(
        app.db,
        "INSERT INTO orders (id, code, kind, channel, chat_id, kecamatan, kelurahan, rw, rt,"
        " address, slot, participants, phone, created_at, updated_at)"
        " VALUES (?, ?, ?, 'telegram', '1', ?, ?, ?, ?, 'Balai', 'PAGI', 10, '62', ?, ?)",
        (number, f"JB-{number}", kind, *area, stamp, stamp),
    )
    await execute(
        app.db,
        "INSERT INTO visits (id, order_id, team_id, day, slot, status, scheduled_by,"
        " scheduled_at) VALUES (?, ?, ?, ?, 'PAGI', ?, 'x', ?)",
        (number, number, number, day.isoformat(), status, stamp),
    )
    return number


async def test_lookup_hold_matches_the_visit_by_visit_condition(
    app: App, clock: FrozenClock
) -> None:
    today = clock.today()
    people = unrecorded_adults(len(PEOPLE), today)
    niks = {}
    for person, (name, (kec, kel, rw, rt, sekolah)) in zip(people, PEOPLE.items(), strict=True):
        person.kecamatan, person.kelurahan, person.rw, person.rt = kec, kel, rw, rt
        person.sekolah = sekolah
        niks[person.nik] = name
    await add_residents(app.db, people, clock.now())
    by_name = {name: nik for nik, name in niks.items()}
    yesterday = today - timedelta(days=1)
    await visit(app, 1, today, ("Bukit Intan", "Bacang", "002", "001"))
    await visit(app, 2, yesterday, ("Bukit Intan", "Sinar Bulan", "004", ""))
    await visit(app, 3, yesterday, ("Gabek", "", "", ""))
    home = await visit(app, 4, yesterday, ("", "", "", ""), kind="RUMAH")
    await execute(
        app.db,
        "INSERT INTO order_people (order_id, nik, reason) VALUES (?, ?, 'LANSIA')",
        (home, by_name["listed"]),
    )
    school = await visit(app, 5, yesterday, ("", "", "", ""), kind="SEKOLAH")
    await execute(app.db, "INSERT INTO school_orders VALUES (?, 'SMK Negeri 2')", (school,))
    await execute(
        app.db,
        "INSERT INTO students (nik, nama, tanggal_lahir, sekolah, updated_at)"
        " VALUES (?, 'X', '2009-01-01', 'smk NEGERI 2', '2026-11-01')",
        (by_name["school_list"],),
    )
    done = await visit(app, 6, yesterday, ("Taman Sari", "Opas Indah", "", ""))
    await execute(
        app.db,
        "INSERT INTO recordings (nik, tanggal_rekam, visit_id, created_at)"
        " VALUES ('1971000000000001', ?, ?, '2026-11-27')",
        (yesterday.isoformat(), done),
    )
    await visit(app, 7, today - timedelta(days=8), ("Girimaya", "Pasar Padi", "", ""))
    await visit(app, 8, today + timedelta(days=1), ("Girimaya", "Batin Tikal", "", ""))
    await visit(app, 9, yesterday, ("Pangkal Balam", "Ketapang", "", ""), status="BATAL")
    params = {"today": today.isoformat(), "hold_since": hold_since(today, 7)}

    async with app.db.write() as conn:
        async with conn.execute(
            f"SELECT r.nik FROM residents r WHERE NOT {NOT_AWAITING_RESULTS}", params
        ) as cur:
            reference = await cur.fetchall()
        for sql in _HOLD_TABLES:
            await conn.execute(sql)
        for sql in _PLAN_HOLDS:
            await conn.execute(sql, params)
        async with conn.execute(f"SELECT r.nik FROM residents r WHERE NOT ({_NOT_HELD})") as cur:
            lookup = await cur.fetchall()
        for table in ("areas", "niks", "schools"):
            await conn.execute(f"DELETE FROM temp.summons_held_{table}")

    held = {"rt_match", "rw_any_rt", "kec_wide", "listed", "school_name", "school_list"}
    assert {niks[r[0]] for r in reference if r[0] in niks} == held
    assert {r[0] for r in lookup} == {r[0] for r in reference}
