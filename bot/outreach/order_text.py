"""How orders and visits read: summaries for requesters and staff, dates, slots (no NIKs)."""

from __future__ import annotations

from datetime import date

from bot.core.capacity import Slot
from bot.core.nik import mask
from bot.core.orders import OrderKind, Tallies, VisitStatus
from bot.i18n import format_date, t
from storage.orders import Order, OrderDraft
from storage.visits import Visit

_DAYS = {
    "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def short_day(lang: str, day: date) -> str:
    """'Sen 07/12' for calendar buttons."""
    names = _DAYS.get(lang, _DAYS["id"])
    return f"{names[day.weekday()]} {day.day:02d}/{day.month:02d}"


def long_day(lang: str, day: date) -> str:
    """'Senin, 7 Desember 2026' style (day name short to stay compact)."""
    return f"{short_day(lang, day).split()[0]}, {format_date(lang, day)}"


def slot_text(lang: str, slot: Slot | str) -> str:
    """'pagi (08.00–12.00)'."""
    return t(lang, f"slot_{Slot(slot).value}")


def kind_text(lang: str, kind: OrderKind | str) -> str:
    """'Rekam kolektif' …"""
    return t(lang, f"kind_{OrderKind(kind).value}")


def area_line(order: OrderDraft) -> str:
    """'RT 003 / RW 002, Kel. Bacang, Kec. Bukit Intan'."""
    parts = []
    if order.rt:
        parts.append(f"RT {order.rt}")
    if order.rw:
        parts.append(f"RW {order.rw}")
    text = " / ".join(parts)
    if order.kelurahan:
        text += (", " if text else "") + f"Kel. {order.kelurahan}"
    if order.kecamatan:
        text += (", " if text else "") + f"Kec. {order.kecamatan}"
    return text or "-"


def summary(lang: str, order: OrderDraft, *, full_niks: bool = False) -> str:
    """The order as the requester confirms it and staff see it."""
    days = ", ".join(long_day(lang, d) for d in order.dates)
    lines = [
        t(lang, "sum_kind", kind=kind_text(lang, order.kind)),
        t(lang, "sum_area", area=area_line(order)),
        t(lang, "sum_address", address=order.address),
        t(lang, "sum_dates", dates=days),
        t(lang, "sum_slot", slot=slot_text(lang, order.slot)),
    ]
    if order.latitude is not None and order.longitude is not None:
        lines.append(t(lang, "sum_pin", lat=f"{order.latitude:.5f}", lon=f"{order.longitude:.5f}"))
    if order.kind is OrderKind.RUMAH:
        for p in order.people:
            nik = p.nik if full_niks else mask(p.nik)
            lines.append(t(lang, "sum_person", nik=nik, reason=t(lang, f"reason_{p.reason.value}")))
    else:
        lines.append(t(lang, "sum_participants", count=order.participants))
    lines.append(t(lang, "sum_phone", phone=order.phone))
    return "\n".join(lines)


def order_title(lang: str, order: Order) -> str:
    """'JB-2026-0042 · Rekam kolektif · Baru'."""
    status = t(lang, f"order_status_{order.status.value}")
    return f"{order.code} · {kind_text(lang, order.kind)} · {status}"


def visit_line(lang: str, visit: Visit) -> str:
    """'07/12 pagi · Tim A · JB-2026-0042 · Kel. Bacang (40 org)'."""
    where = f"Kel. {visit.kelurahan}" if visit.kelurahan else f"Kec. {visit.kecamatan}"
    slot = t(lang, f"slot_short_{visit.slot.value}")
    done = " ✅" if visit.status is VisitStatus.SELESAI else ""
    return (
        f"{short_day(lang, visit.day)} {slot} · {visit.team_name} · {visit.code} · {where}"
        f" ({visit.participants}){done}"
    )


def tallies_text(lang: str, tallies: Tallies) -> str:
    """'Terekam 30, gagal 2, tidak hadir 5, sudah punya 1, belum 16 tahun 0'."""
    return t(lang, "tallies", **tallies.model_dump())
