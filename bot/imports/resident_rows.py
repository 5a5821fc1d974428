"""Checking one row of a residents file (`bot.importer`): text cells → a `storage.imports.Record`.

Required columns: nik, no_kk, nama, tanggal_lahir, jenis_kelamin, status_ektp (an empty status
cell means BELUM_REKAM); optional: alamat, rt, rw, kelurahan, kecamatan, no_hp, kawin, sekolah.
A bad row raises `RowError` with the reason for the rejects file; a NIK whose birth date, sex or
region disagrees is kept and noted in `RowChecker.warnings`.
"""

from __future__ import annotations

import hashlib
from datetime import date
from operator import itemgetter

from bot.core.nik import parse_kk, parse_nik
from bot.core.phone import normalize_phone
from bot.core.status import parse_status
from bot.errors import NikError
from bot.imports.tables import RowError, parse_day
from storage import resident_import as imports
from storage.resident_import import Record

REQUIRED = ("nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "status_ektp")
#: Column order the row checker reads: the record's fields but row_hash, which it computes
#: (the file's status_ektp fills the record's status field).
FIELDS = tuple(
    "status_ektp" if c == "status" else c
    for c in imports.RECORD_COLUMNS
    if c not in ("row_hash", "line_hash")
)
OPTIONAL = tuple(f for f in FIELDS if f not in REQUIRED)
EARLIEST_BIRTH = date(1900, 1, 1)

_SEXES = {
    **dict.fromkeys(("L", "LK", "LAKI", "LAKI-LAKI", "LAKI LAKI", "PRIA"), "L"),
    **dict.fromkeys(("P", "PR", "PEREMPUAN", "WANITA"), "P"),
}
_KAWIN = {
    **dict.fromkeys(("", "N", "T", "TIDAK", "0", "FALSE", "BELUM KAWIN"), "0"),
    **dict.fromkeys(("Y", "YA", "1", "TRUE", "KAWIN", "CERAI HIDUP", "CERAI MATI"), "1"),
}
_HASH_SEP = "\x1f"
_blake2b = hashlib.blake2b


class RowChecker:
    """Turns text cells into a `Record` or raises RowError.

    This is the hot path of a million-row import (one call per row), so values from small
    domains (dates, sexes, statuses, kawin, RT/RW) are checked once and then looked up, and
    NIKs are checked by `parse_nik` once per region and once per date part: a NIK of 16 ASCII
    digits whose region and DDMMYY part `parse_nik` has already accepted today, and whose
    serial is not 0000, is accepted without calling it again (parse_nik's rules are exactly
    these three; if it gains one, check it here too). Anything else goes to `parse_nik`.
    """

    def __init__(
        self, columns: dict[str, int], width: int, today: date, regions: dict[str, int | None]
    ):
        """`columns`: FIELDS → index (see `bot.tables.map_columns`); `width`: named columns."""
        self._pad = width  # each row gets a '' cell here for absent columns
        self._get = itemgetter(*(columns.get(f, self._pad) for f in FIELDS))
        self._today = today
        self._regions = regions
        self._nik_regions: set[str] = set()
        self._nik_dates: set[str] = set()
        self._dates: dict[str, tuple[str, str, str]] = {}  # text → ISO, DDMMYY for L, for P
        self._sexes: dict[str, str] = {}
        self._statuses: dict[str, str] = {}
        self._kawin: dict[str, str] = {}
        self._areas: dict[str, str] = {}
        self._last_kk = ("", "")
        self.warnings: list[imports.WarningRow] = []

    def check(self, cells: list[str], row: int, line: int = 0) -> Record:
        """The normalised record for a row (the cell list is padded in place); `line` is the
        hash of the raw line it came from (`bot.imports.unchanged`, 0: none)."""
        if len(cells) != self._pad:
            self._fit(cells)
        cells.append("")
        nik, kk, nama, born, sex, alamat, rt, rw, kel, kec, hp, st, kawin, sekolah = self._get(
            cells
        )
        if not (
            len(nik) == 16
            and nik.isdigit()
            and nik.isascii()
            and nik[6:12] in self._nik_dates
            and nik[:6] in self._nik_regions
            and nik[12:] != "0000"
        ):
            nik = self._nik(nik)
        kk = self._last_kk[1] if kk == self._last_kk[0] else self._kk(kk)
        nama = nama.strip()
        if not nama:
            raise RowError("nama is empty")
        iso_born, as_man, as_woman = self._dates.get(born) or self._date(born)
        sex = self._sexes.get(sex) or self._sex(sex)
        alamat, kel, kec, sekolah = alamat.strip(), kel.strip(), kec.strip(), sekolah.strip()
        rt = self._areas.get(rt) or self._area(rt, "rt")
        rw = self._areas.get(rw) or self._area(rw, "rw")
        hp = normalize_phone(hp) if hp else ""
        st = self._statuses.get(st) or self._status(st)
        kawin = self._kawin.get(kawin) or self._married(kawin)
        if nik[6:12] != (as_man if sex == "L" else as_woman):
            self._mismatch(row, nik, nama, iso_born, sex)
        if self._regions:
            self._check_region(row, nik, nama, iso_born)
        fields = (nik, kk, nama, iso_born, sex, alamat, rt, rw, kel, kec, hp, st, kawin, sekolah)
        digest = _blake2b(_HASH_SEP.join(fields).encode(), digest_size=8).hexdigest()
        return (row, *fields[:12], kawin == "1", sekolah, digest, line)

    def _nik(self, text: str) -> str:
        """Check a NIK with `parse_nik`; remember its region and date part as good."""
        try:
            info = parse_nik(text, self._today)
        except NikError as exc:
            raise RowError(_nik_reason(exc, text)) from None
        self._nik_regions.add(info.region)
        self._nik_dates.add(info.nik[6:12])
        return info.nik

    def _kk(self, text: str) -> str:
        """Parse a KK; family members usually follow each other, so remember the last one."""
        try:
            kk = parse_kk(text)
        except NikError as exc:
            raise RowError(_nik_reason(exc, text)) from None
        self._last_kk = (text, kk)
        return kk

    def _fit(self, cells: list[str]) -> None:
        """Pad a short row; refuse a row with extra non-empty cells (shifted columns)."""
        extra = cells[self._pad :]
        if any(c.strip() for c in extra):
            raise RowError(f"row has {len(cells)} cells but the header has {self._pad}")
        del cells[self._pad :]
        cells.extend([""] * (self._pad - len(cells)))

    def _date(self, text: str) -> tuple[str, str, str]:
        born = parse_day(
            text,
            "tanggal_lahir",
            self._today,
            EARLIEST_BIRTH,
            time_after_t=False,
            earliest_text="1900",
        )
        month_year = f"{born.month:02d}{born.year % 100:02d}"
        found = (born.isoformat(), f"{born.day:02d}{month_year}", f"{born.day + 40}{month_year}")
        self._dates[text] = found
        return found

    def _sex(self, text: str) -> str:
        sex = _SEXES.get(text.strip().upper())
        if sex is None:
            raise RowError(f"jenis_kelamin must be L or P, not {text.strip()!r}")
        self._sexes[text] = sex
        return sex

    def _status(self, text: str) -> str:
        try:
            status = parse_status(text).value
        except ValueError:
            raise RowError(f"unknown status_ektp {text.strip()!r}") from None
        self._statuses[text] = status
        return status

    def _married(self, text: str) -> str:
        married = _KAWIN.get(" ".join(text.upper().split()))
        if married is None:
            raise RowError(f"kawin must be Y or N, not {text.strip()!r}")
        self._kawin[text] = married
        return married

    def _area(self, text: str, name: str) -> str:
        t = text.strip()
        if t == "":
            return ""
        if not (t.isascii() and t.isdigit() and len(t) <= 3 and int(t) > 0):
            raise RowError(f"{name} must be a number from 1 to 999, not {t!r}")
        self._areas[text] = t.zfill(3)
        return self._areas[text]

    def _mismatch(self, row: int, nik: str, nama: str, born: str, sex: str) -> None:
        """Warn that the NIK's date part or sex disagrees with the columns (century aside)."""
        info = parse_nik(nik, self._today)
        column = date.fromisoformat(born)
        if (info.birth_date.day, info.birth_date.month) != (column.day, column.month) or (
            info.birth_date.year % 100 != column.year % 100
        ):
            text = f"NIK birth date {info.birth_date:%d-%m-%y} differs from tanggal_lahir"
            self._warn(row, nik, nama, text)
        if info.sex != sex:
            self._warn(row, nik, nama, f"NIK says jenis_kelamin {info.sex}, the column says {sex}")

    def _warn(self, row: int, nik: str, nama: str, text: str) -> None:
        """Note a warning; two on the same row are joined into one."""
        if self.warnings and self.warnings[-1][0] == row:
            text = f"{self.warnings[-1][3]}; {text}"
            self.warnings.pop()
        self.warnings.append((row, nik, nama, text))

    def _check_region(self, row: int, nik: str, nama: str, born: str) -> None:
        """Warn when the NIK's region is unknown, or was retired before the birth year."""
        region = nik[:6]
        last = self._regions.get(region, 0)
        if last is None or (last and int(born[:4]) <= last):
            return
        code = f"{region[0:2]}.{region[2:4]}.{region[4:6]}"
        if last:
            self._warn(row, nik, nama, f"NIK region {code} was retired in {last}, before birth")
        else:
            self._warn(row, nik, nama, f"NIK region {code} is not a known kecamatan")


def _nik_reason(exc: NikError, text: str) -> str:
    """The NikError text, with a hint when Excel turned the number into 1.97E+15."""
    if "E+" in text.upper():
        which = "NIK" if exc.key.startswith("nik") else "KK"
        return f"{which} was saved as a number ({text.strip()}): format the column as Text"
    return exc.detail
