"""Summons 1 mentions the nearest scheduled community visit in the resident's kelurahan."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from bot.app import App
from bot.core.capacity import Slot
from bot.core.nik import mask
from bot.core.orders import Attempt, OrderKind
from bot.outreach.jobs import Outreach
from storage import orders, visits
from storage.orders import OrderDraft
from storage.outreach import NextVisit, next_visits
from storage.residents import Resident
from tests.conftest import FrozenClock
from tests.order_support import ADMIN, add_team, home_person
from tests.outreach_support import execute, link_chat, outreach_for, rows

pytestmark = pytest.mark.engines

TUE, WED, THU = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
VISIT_LINE = (
    "\n\nTim jemput bola juga akan melayani perekaman di Kel. Bacang pada 3 Desember 2026, "
    "pagi (08.00–12.00), di Balai Warga RW 002."
)


async def visit(app: App, team: int, day: date, slot: Slot, place: str, **fields: object) -> int:
    """A scheduled visit of a new order in Kel. Bacang (Kec. Bukit Intan); returns the order id."""
    values: dict[str, object] = {
        "kind": OrderKind.KOLEKTIF, "channel": "telegram", "chat_id": "7100",
        "kecamatan": "Bukit Intan", "kelurahan": "Bacang", "rw": "002", "address": place,
        "dates": [day], "slot": slot, "participants": 30, "phone": "6281200000099",
    }  # fmt: skip
    draft = OrderDraft.model_validate({**values, **fields})
    order = await orders.create_order(app.db, draft, app.clock.now(), 2026)
    staff = (ADMIN, "Admin")
    outcome = await visits.schedule(
        app.db, order.id, team, day, slot, staff, "test", app.clock.now()
    )
    assert outcome is Attempt.DONE
    return order.id


def expected(
    jobs: Outreach, n: int, person: Resident, visit_line: str = "", lang: str = "id"
) -> str:
    text = jobs.summons_text(lang, n).replace("{nik}", mask(person.nik))
    return text.replace("{name}", person.nama).replace("{visit}", visit_line)


async def texts_by_nik(app: App) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in await rows(app.db, "kind = 'summons'"):
        out.setdefault(str(row["nik"]), []).append(json.loads(str(row["payload"]))["text"])
    return out


async def test_summons_1_names_the_kelurahan_s_next_community_visit(
    app: App, clock: FrozenClock, residents: dict[str, Resident]
) -> None:
    budi, nur = residents["BELUM_REKAM"], residents["REKAM_ULANG"]
    team = await add_team(app)
    await visit(app, team, THU, Slot.PAGI, "Balai Warga RW 002")
    await visit(app, team, THU + timedelta(days=7), Slot.PAGI, "Masjid Al-Ikhlas")  # later
    await visit(app, team, TUE, Slot.PAGI, "Rumah Bu Sari",
                kind=OrderKind.RUMAH, people=[home_person(budi.nik)])  # fmt: skip
    moved = await visit(app, team, WED, Slot.SIANG, "Posyandu Melati")
    assert await visits.unschedule_order(app.db, moved, "test", clock.now())  # JADWAL_ULANG
    # the registry spells the area in capitals; Nur lives in a Bacang of another kecamatan
    await execute(
        app.db,
        "UPDATE residents SET kecamatan = 'BUKIT INTAN', kelurahan = ' BACANG' WHERE nik = ?",
        (budi.nik,),
    )
    await execute(app.db, "UPDATE residents SET kecamatan = 'Gerunggang' WHERE nik = ?", (nur.nik,))
    await link_chat(app, "5101", budi.nik)
    await link_chat(app, "5102", nur.nik)
    jobs = outreach_for(app)

    await jobs.summons()
    clock.travel(timedelta(days=14))
    await execute(app.db, "UPDATE outbox SET state = 'sent' WHERE state = 'pending'")
    await jobs.summons()

    found = await texts_by_nik(app)
    assert found == {
        budi.nik: [expected(jobs, 1, budi, VISIT_LINE), expected(jobs, 2, budi)],
        nur.nik: [expected(jobs, 1, nur), expected(jobs, 2, nur)],
    }
    assert found[budi.nik][0].endswith(
        "Perekaman tidak dipungut biaya." + VISIT_LINE
        + "\n\nBila tidak ingin menerima pesan ini lagi, balas BERHENTI."
    )  # fmt: skip
    assert "{" not in "".join(found[budi.nik] + found[nur.nik])


async def test_only_visits_from_the_sending_day_on_are_mentioned(
    app: App, clock: FrozenClock, residents: dict[str, Resident]
) -> None:
    budi = residents["BELUM_REKAM"]
    team = await add_team(app)
    await visit(app, team, date(2026, 11, 18), Slot.PAGI, "Balai Lama")  # never closed
    await visit(app, team, date(2026, 11, 29), Slot.PAGI, "Lapangan Merdeka")  # Sunday
    await visit(app, team, date(2026, 11, 30), Slot.SIANG, "Balai Warga RW 002")  # Monday
    await link_chat(app, "5101", budi.nik, language="en")
    clock.travel(timedelta(hours=11))  # Saturday 21:00: the summons goes on Monday from 08:00
    jobs = outreach_for(app)
    await jobs.summons()
    line = (
        "\n\nThe mobile recording team will also be in Kel. Bacang on 30 November 2026, "
        "afternoon (13:00–15:00), at Balai Warga RW 002."
    )
    [text] = (await texts_by_nik(app))[budi.nik]
    assert text == expected(jobs, 1, budi, line, lang="en")
    assert [v.place for v in await next_visits(app.db, date(2026, 11, 18))] == ["Balai Lama"]
    assert await next_visits(app.db, date(2026, 12, 1)) == []


def test_visit_line_in_english() -> None:
    nearest = NextVisit(
        kecamatan="Bukit Intan", kelurahan="Bacang", day=THU, slot="PAGI", place="Balai RW 002"
    )
    assert Outreach.visit_line("en", nearest) == (
        "\n\nThe mobile recording team will also be in Kel. Bacang on 3 December 2026, "
        "morning (08:00–12:00), at Balai RW 002."
    )
