"""NIK and KK numbers: parsing, the birth date and sex a NIK carries, and masking for logs.

A NIK is 16 digits: PPKKCC (province, kabupaten/kota, kecamatan of first registration),
DDMMYY (birth date; women add 40 to the day) and a 4-digit serial. A KK number is 16 digits
with the same region prefix; its middle is an issue date, not checked here beyond the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.errors import NikError

_DIGITS16 = re.compile(r"^[0-9]{16}$")
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True, slots=True)
class NikInfo:
    """What a NIK says about its holder."""

    nik: str
    region: str  # 6 digits: province(2) kab/kota(2) kecamatan(2)
    birth_date: date
    sex: str  # "L" or "P"
    serial: str

    @property
    def kecamatan_code(self) -> str:
        """Region code in Kepmendagri form, e.g. ``19.71.01``."""
        r = self.region
        return f"{r[0:2]}.{r[2:4]}.{r[4:6]}"


def clean_number(text: str) -> str:
    """Drop spaces, dots and dashes people type inside long numbers."""
    return _SEPARATORS.sub("", text.strip())


def looks_like_number16(text: str) -> bool:
    """True when the text is 16 digits once separators are removed."""
    return bool(_DIGITS16.match(clean_number(text)))


def infer_century(yy: int, today: date, month: int = 1, day: int = 1) -> int:
    """Full year for a two-digit year: the most recent birth date not after today."""
    year = 2000 + yy
    return year if (year, month, day) <= (today.year, today.month, today.day) else 1900 + yy


def parse_nik(text: str, today: date) -> NikInfo:
    """Parse a NIK; raise NikError with a message key when it cannot be right."""
    nik = clean_number(text)
    if not _DIGITS16.match(nik):
        raise NikError("nik_not_16_digits", "NIK is not 16 digits")
    if nik[0:2] == "00" or nik[2:4] == "00" or nik[4:6] == "00":
        raise NikError("nik_bad_region", "NIK region code has a zero part")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        raise NikError("nik_bad_date", "NIK date part is impossible")
    try:
        born = date(infer_century(yy, today, month, day), month, day)
    except ValueError:
        raise NikError("nik_bad_date", "NIK date part is impossible") from None
    if nik[12:16] == "0000":
        raise NikError("nik_bad_serial", "NIK serial is 0000")
    return NikInfo(nik=nik, region=nik[0:6], birth_date=born, sex=sex, serial=nik[12:16])


def parse_kk(text: str) -> str:
    """Parse a KK number (16 digits, non-zero region); raise NikError when malformed."""
    kk = clean_number(text)
    if not _DIGITS16.match(kk):
        raise NikError("kk_not_16_digits", "KK is not 16 digits")
    if kk[0:2] == "00":
        raise NikError("kk_bad_region", "KK region code is zero")
    return kk


def mask(number: str) -> str:
    """Mask the middle of a NIK/KK for logs and lists: ``1971********0001``."""
    n = number.strip()
    if len(n) <= 8:
        return "*" * len(n)
    return n[:4] + "*" * (len(n) - 8) + n[-4:]


def age_on(born: date, day: date) -> int:
    """Whole years between a birth date and a day."""
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def birthday_in_year(born: date, year: int) -> date:
    """The birthday in a given year (29 February falls on 1 March in common years)."""
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 3, 1)
