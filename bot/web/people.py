"""Pengurus (officials waiting for a decision; approved ones by area) and Warga (one resident
by NIK: status, history, linked chats masked, summons sent; every look-up is audited)."""

from __future__ import annotations

from starlette.responses import Response

from bot.core.nik import clean_number, looks_like_number16, mask
from bot.i18n import status_text
from bot.office import officials as office_officials
from bot.office.officials import Decision, area_text
from bot.web.auth import Visit, staff_page
from storage import audit, console, residents


@staff_page
async def officials_page(visit: Visit) -> Response:
    """GET /pengurus: registrations to decide, then the approved officials by area."""
    office = visit.office
    waiting = await office_officials.waiting(office)
    approved = await office_officials.approved(office)
    return visit.page(
        "officials.html", tab="pengurus", waiting=waiting, approved=approved,
        area=lambda o: area_text(visit.lang, o),
    )  # fmt: skip


@staff_page
async def decide(visit: Visit) -> Response:
    """POST /pengurus/{id} (keputusan=setuju|tolak): the official is told."""
    official_id = int(visit.request.path_params["official_id"])
    choice = visit.field("keputusan")
    if choice not in ("setuju", "tolak"):
        return visit.back("/pengurus", "invalid")
    decided = await office_officials.decide(
        visit.office, visit.staff, official_id, choice == "setuju"
    )
    notes = {Decision.DONE: "done", Decision.ALREADY_DECIDED: "handled"}
    return visit.back("/pengurus", notes.get(decided.outcome, "not_found"))


def masked_chat(chat_id: str) -> str:
    """'12****89': enough to tell chats apart, not to contact anyone."""
    return chat_id[:2] + "*" * max(len(chat_id) - 4, 2) + chat_id[-2:]


@staff_page
async def resident_page(visit: Visit) -> Response:
    """GET /warga: the look-up form (the NIK is posted, so it stays out of URLs and history)."""
    return visit.page("resident.html", tab="warga", resident=None)


@staff_page
async def lookup(visit: Visit) -> Response:
    """POST /warga (nik): one resident; the look-up is audited with the NIK masked."""
    office = visit.office
    nik = clean_number(visit.field("nik"))
    if not looks_like_number16(nik):
        return visit.page("resident.html", 400, tab="warga", resident=None, invalid=True)
    await audit.record(
        office.db, office.clock.now(), visit.staff.actor, "console.resident_lookup",
        {"nik": mask(nik)},
    )  # fmt: skip
    found = await residents.get_resident(office.db, nik)
    if found is None:
        return visit.page("resident.html", 404, tab="warga", resident=None, missing=mask(nik))
    return visit.page(
        "resident.html", tab="warga", resident=found, masked=mask(nik),
        label=status_text(visit.lang, found.status.value, "label"),
        history=await console.status_history(office.db, nik),
        chats=[(c, masked_chat(c.chat_id)) for c in await console.linked_chats(office.db, nik)],
        summons=await console.summons_of(office.db, nik),
    )  # fmt: skip
