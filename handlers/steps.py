"""The second word of a flow's buttons: 'ord:d:20261201' is `Verb.ORDER`, `OrderStep.DAY`.

Named once here because several modules build them: /pesan is `handlers.orders` and
`handlers.order_details`, and a poster's deep link offers both /pengurus and a home visit.
"""

from __future__ import annotations

from enum import StrEnum


class OrderStep(StrEnum):
    """'ord:<step>[:<value>]'."""

    KIND = "k"  # ord:k:KOLEKTIF
    SKIP_PIN = "skip"  # no map pin
    PAGE = "cal"  # ord:cal:<page> of the calendar
    DAY = "d"  # ord:d:<yyyymmdd> toggles a day
    DATES_DONE = "dd"
    SLOT = "s"  # ord:s:PAGI
    PERSON = "p"  # ord:p:<token> a linked resident for a home visit
    REASON = "r"  # ord:r:LANSIA
    PEOPLE_DONE = "pd"
    CONFIRM = "ok"


class OfficialStep(StrEnum):
    """'off:<step>[:<value>]' (`Verb.OFFICIAL`)."""

    ROLE = "role"  # off:role:RT
    KECAMATAN = "kec"  # off:kec:197101
    KELURAHAN = "kel"  # off:kel:1971011006
    REDO = "redo"  # register again
    START = "start"  # off:start:<kelurahan code> (a poster's deep link)


class MyOrderStep(StrEnum):
    """'myo:<step>:<order id>' (`Verb.MY_ORDER`)."""

    ASK_CANCEL = "c"
    CANCEL = "cy"  # confirmed
    RESCHEDULE = "r"
