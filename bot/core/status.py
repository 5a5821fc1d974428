"""e-KTP status codes, the SIAK source codes they accept on import, and who must have a KTP."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.core.nik import age_on, birthday_in_year


class Status(StrEnum):
    """Where a resident's e-KTP stands."""

    BELUM_REKAM = "BELUM_REKAM"
    SUDAH_REKAM = "SUDAH_REKAM"
    PRR = "PRR"
    DICETAK = "DICETAK"
    DIAMBIL = "DIAMBIL"
    DUPLIKAT = "DUPLIKAT"
    REKAM_ULANG = "REKAM_ULANG"


_SOURCE_CODES: dict[Status, tuple[str, ...]] = {
    Status.BELUM_REKAM: ("UNREGISTERED",),
    Status.SUDAH_REKAM: (
        "BIO_CAPTURED",
        "PROCESSING",
        "SFE",
        "SENT_FOR_ENROLLMENT",
        "RECEIVED_AT_CENTRAL",
    ),
    Status.PRR: ("PRR", "PRINT_READY_RECORD"),
    Status.DICETAK: ("PRINTED", "CARD_PRINTED"),
    Status.DIAMBIL: ("DELIVERED", "CARD_DELIVERED"),
    Status.DUPLIKAT: ("DUP", "DUPLICATE"),
    Status.REKAM_ULANG: (
        "EFAC",
        "ENROLL_FAILURE_AT_CENTRAL",
        "SEARCH_FAILURE_AT_CENTRAL",
        "ENROLL_FAILURE_AT_REGIONAL",
    ),
}

_LOOKUP: dict[str, Status] = {s.value: s for s in Status}
for _status, _codes in _SOURCE_CODES.items():
    for _code in _codes:
        _LOOKUP[_code] = _status

#: Statuses that mean the biometrics are on record (summons must stop).
RECORDED: frozenset[Status] = frozenset(
    {Status.SUDAH_REKAM, Status.PRR, Status.DICETAK, Status.DIAMBIL, Status.DUPLIKAT}
)
#: Statuses that mean the resident still has to come and record.
NEEDS_RECORDING: frozenset[Status] = frozenset({Status.BELUM_REKAM, Status.REKAM_ULANG})

#: The one order a card moves through: BELUM_REKAM → SUDAH_REKAM → PRR → DICETAK → DIAMBIL.
#: REKAM_ULANG (must record again) stands with BELUM_REKAM, DUPLIKAT (biometrics on record
#: under another NIK) with SUDAH_REKAM. A residents file or a kit sync never moves a resident to
#: an earlier stage (`moves_back`); only SIAK may, with a report newer than the status on file
#: (DUPLIKAT, REKAM_ULANG, corrections). Storage applies this set-based (`storage.staging`).
STAGE: dict[Status, int] = {
    Status.BELUM_REKAM: 0,
    Status.REKAM_ULANG: 0,
    Status.SUDAH_REKAM: 1,
    Status.DUPLIKAT: 1,
    Status.PRR: 2,
    Status.DICETAK: 3,
    Status.DIAMBIL: 4,
}

WAJIB_KTP_AGE = 17
RECORDING_MIN_AGE = 16


def parse_status(code: str | None) -> Status:
    """Map a status code or SIAK source code (any case) to a Status; empty is BELUM_REKAM."""
    text = (code or "").strip().upper().replace(" ", "_").replace("-", "_")
    if not text:
        return Status.BELUM_REKAM
    try:
        return _LOOKUP[text]
    except KeyError:
        raise ValueError(f"unknown status code {code!r}") from None


def moves_back(old: Status, new: Status) -> bool:
    """True when `new` is an earlier stage than `old` (see `STAGE`)."""
    return STAGE[new] < STAGE[old]


def is_wajib_ktp(born: date, married: bool, today: date) -> bool:
    """A resident must have an e-KTP from 17, or earlier when married."""
    return married or age_on(born, today) >= WAJIB_KTP_AGE


def seventeenth_birthday(born: date) -> date:
    """The day from which the card may be printed."""
    return birthday_in_year(born, born.year + WAJIB_KTP_AGE)


def born_by(today: date, age: int = WAJIB_KTP_AGE) -> date:
    """The latest birth date of someone who is `age` or older today."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return date(today.year - age, 2, 28)
