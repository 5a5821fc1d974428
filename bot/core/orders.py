"""The order and visit state machine: statuses, kinds, roles, tallies and ONE transition table.

An order (a request for a mobile recording visit) and its visit move only as `ORDER_FLOW` and
`VISIT_FLOW` say; storage writes exactly these moves (its conditional `UPDATE … WHERE status IN
(sources)` is what makes two staff pressing at once end with one winner) and handlers offer a
button only when `can(status, event)` says the move is possible. A move that is not in the table
raises `IllegalTransition`.

    order:  BARU ──schedule──▶ DITERIMA ──close──▶ SELESAI
             │  ◀──replan────── │
             ├──reject──▶ DITOLAK
             └──cancel──▶ DIBATALKAN ◀──cancel── DITERIMA
    visit:  TERJADWAL ──close──▶ SELESAI
                      ──cancel─▶ BATAL           (the order was cancelled)
                      ──replan─▶ JADWAL_ULANG    (team removed, day closed, reschedule request)

Who may take an order for handling (the claim): while it is BARU, the staff member who already
holds it, or anyone when nobody holds it or the holder's claim is older than `CLAIM_TTL`.
The rule is written once, in SQL, in `storage.orders` (the database enforces the single winner);
`CLAIM_TTL` is its only parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, Field

from bot.errors import IllegalTransition

#: A staff member's claim on an order lapses after this long without scheduling or rejecting.
CLAIM_TTL = timedelta(minutes=15)


class OrderKind(StrEnum):
    """What kind of visit is ordered."""

    KOLEKTIF = "KOLEKTIF"  # community recording at a balai, posyandu, mosque
    RUMAH = "RUMAH"  # home visit for people who cannot come
    SEKOLAH = "SEKOLAH"
    INSTANSI = "INSTANSI"  # office or other institution


class OrderStatus(StrEnum):
    """Where an order stands (see the module docstring for the moves)."""

    BARU = "BARU"
    DITERIMA = "DITERIMA"
    SELESAI = "SELESAI"
    DITOLAK = "DITOLAK"
    DIBATALKAN = "DIBATALKAN"


class VisitStatus(StrEnum):
    """Where a visit stands; TERJADWAL and SELESAI occupy the team's slot (`LIVE_VISITS`)."""

    TERJADWAL = "TERJADWAL"
    SELESAI = "SELESAI"
    BATAL = "BATAL"
    JADWAL_ULANG = "JADWAL_ULANG"


#: Visits that hold their team's slot (the database's unique index says the same).
LIVE_VISITS = (VisitStatus.TERJADWAL, VisitStatus.SELESAI)


class OrderEvent(StrEnum):
    """What can happen to an order."""

    SCHEDULE = "schedule"  # staff put it on a team's slot
    REJECT = "reject"  # staff refuse it with a reason
    CANCEL = "cancel"  # the requester withdraws it (until the day before the visit)
    CLOSE = "close"  # staff record the visit's results
    REPLAN = "replan"  # its visit lost its team or day, or the requester asked for another


class VisitEvent(StrEnum):
    """What can happen to a visit after it was scheduled."""

    CLOSE = "close"
    CANCEL = "cancel"
    REPLAN = "replan"


class Attempt(StrEnum):
    """What came of a staff member's attempt to move an order (claim, schedule, reject)."""

    DONE = "done"  # the move happened: this staff member won
    TAKEN = "taken"  # another staff member holds a fresh claim on the order
    HANDLED = "handled"  # the order moved on already: its status no longer allows this
    FULL = "full"  # the team already has a visit in that slot
    NOT_FOUND = "not_found"  # no such order (or team)
    INVALID = "invalid"  # a day or team that is not on offer for this order


class Reason(StrEnum):
    """Why a resident needs a home visit."""

    LANSIA = "LANSIA"
    SAKIT = "SAKIT"
    ODGJ = "ODGJ"
    DISABILITAS = "DISABILITAS"


class Role(StrEnum):
    """What an official heads."""

    RT = "RT"
    RW = "RW"
    LURAH = "LURAH"
    CAMAT = "CAMAT"


class OfficialStatus(StrEnum):
    """Where an official's registration stands: MENUNGGU until staff decide."""

    MENUNGGU = "MENUNGGU"
    DISETUJUI = "DISETUJUI"
    DITOLAK = "DITOLAK"


#: The largest count staff may type or tap into a tally field (a visit records at most a few
#: hundred people); kit syncs may recount `terekam` beyond it.
MAX_TALLY = 9999
_Count = Annotated[int, Field(ge=0)]


class Tallies(BaseModel):
    """The results of a visit, as staff count them."""

    terekam: _Count = 0
    gagal: _Count = 0
    tidak_hadir: _Count = 0
    sudah_punya: _Count = 0
    belum_16: _Count = 0


#: The tally fields in the order staff type them (`/selesai KODE t g th sp b16`).
TALLY_FIELDS = tuple(Tallies.model_fields)

S = TypeVar("S", OrderStatus, VisitStatus)


@dataclass(frozen=True)
class Move(Generic[S]):
    """One row of a transition table: from any of `sources` to `target`."""

    sources: frozenset[S]
    target: S


_O, _V = OrderStatus, VisitStatus

#: THE order transition table.
ORDER_FLOW: dict[OrderEvent, Move[OrderStatus]] = {
    OrderEvent.SCHEDULE: Move(frozenset({_O.BARU}), _O.DITERIMA),
    OrderEvent.REJECT: Move(frozenset({_O.BARU}), _O.DITOLAK),
    OrderEvent.CANCEL: Move(frozenset({_O.BARU, _O.DITERIMA}), _O.DIBATALKAN),
    OrderEvent.CLOSE: Move(frozenset({_O.DITERIMA}), _O.SELESAI),
    OrderEvent.REPLAN: Move(frozenset({_O.DITERIMA}), _O.BARU),
}

#: THE visit transition table (a visit starts TERJADWAL when its order is scheduled).
VISIT_FLOW: dict[VisitEvent, Move[VisitStatus]] = {
    VisitEvent.CLOSE: Move(frozenset({_V.TERJADWAL}), _V.SELESAI),
    VisitEvent.CANCEL: Move(frozenset({_V.TERJADWAL}), _V.BATAL),
    VisitEvent.REPLAN: Move(frozenset({_V.TERJADWAL}), _V.JADWAL_ULANG),
}


def order_move(event: OrderEvent) -> Move[OrderStatus]:
    """The row of `ORDER_FLOW` for an event."""
    return ORDER_FLOW[event]


def visit_move(event: VisitEvent) -> Move[VisitStatus]:
    """The row of `VISIT_FLOW` for an event."""
    return VISIT_FLOW[event]


def can(status: OrderStatus, event: OrderEvent) -> bool:
    """True when `event` may happen to an order in `status`."""
    return status in ORDER_FLOW[event].sources


def next_status(status: OrderStatus, event: OrderEvent) -> OrderStatus:
    """The order's status after `event`; raises IllegalTransition when the table forbids it."""
    move = ORDER_FLOW[event]
    if status not in move.sources:
        raise IllegalTransition("order", status, event)
    return move.target


def next_visit_status(status: VisitStatus, event: VisitEvent) -> VisitStatus:
    """The visit's status after `event`; raises IllegalTransition when the table forbids it."""
    move = VISIT_FLOW[event]
    if status not in move.sources:
        raise IllegalTransition("visit", status, event)
    return move.target
