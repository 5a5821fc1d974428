"""NIK and KK numbers: parsing, century inference, impossible dates, masking."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.nik import (
    NikInfo,
    age_on,
    birthday_in_year,
    clean_number,
    infer_century,
    looks_like_number16,
    mask,
    parse_kk,
    parse_nik,
)
from bot.errors import InputError, NikError

TODAY = date(2026, 11, 28)


def test_man_nik_parts() -> None:
    assert parse_nik("1971010501850001", TODAY) == NikInfo(
        nik="1971010501850001",
        region="197101",
        birth_date=date(1985, 1, 5),
        sex="L",
        serial="0001",
    )


def test_woman_adds_40_to_the_day() -> None:
    info = parse_nik("1971014501850002", TODAY)
    assert (info.birth_date, info.sex) == (date(1985, 1, 5), "P")


@pytest.mark.parametrize(
    ("day_part", "born", "sex"),
    [
        ("01", date(1990, 6, 1), "L"),
        ("31", date(1990, 1, 31), "L"),
        ("41", date(1990, 6, 1), "P"),
        ("71", date(1990, 1, 31), "P"),
    ],
)
def test_day_bounds_for_men_and_women(day_part: str, born: date, sex: str) -> None:
    month = f"{born.month:02d}"
    info = parse_nik(f"197101{day_part}{month}900001", TODAY)
    assert (info.birth_date, info.sex) == (born, sex)


def test_kecamatan_code_in_kepmendagri_form() -> None:
    assert parse_nik("1971034501850001", TODAY).kecamatan_code == "19.71.03"


@pytest.mark.parametrize(
    ("yy", "year"),
    [("00", 2000), ("25", 2025), ("26", 2026), ("27", 1927), ("85", 1985), ("99", 1999)],
)
def test_century_is_the_most_recent_year_not_after_today(yy: str, year: int) -> None:
    assert parse_nik(f"1971010101{yy}0001", TODAY).birth_date == date(year, 1, 1)


def test_infer_century_follows_today() -> None:
    assert infer_century(30, date(2029, 1, 1)) == 1930
    assert infer_century(30, date(2030, 1, 1)) == 2030
    assert infer_century(0, date(1999, 12, 31)) == 1900


def test_date_later_this_year_is_last_century() -> None:
    assert parse_nik("1971013112260001", TODAY).birth_date == date(1926, 12, 31)


@pytest.mark.parametrize(
    ("nik", "key"),
    [
        ("1971013102990001", "nik_bad_date"),  # 31 February 1999
        ("1971013002010001", "nik_bad_date"),  # 30 February 2001
        ("1971012902010001", "nik_bad_date"),  # 29 February 2001 (not a leap year)
        ("1971017102990001", "nik_bad_date"),  # a woman's 31 February
        ("1971013201900001", "nik_bad_date"),  # day 32
        ("1971014001900001", "nik_bad_date"),  # day 40: neither a man's nor a woman's day
        ("1971017201900001", "nik_bad_date"),  # day 72 = a woman's day 32
        ("1971010001900001", "nik_bad_date"),  # day 00
        ("1971010113900001", "nik_bad_date"),  # month 13
        ("1971010100900001", "nik_bad_date"),  # month 00
        ("1971010101900000", "nik_bad_serial"),
        ("0071010101900001", "nik_bad_region"),
        ("1900010101900001", "nik_bad_region"),
        ("1971000101900001", "nik_bad_region"),
        ("197101010190001", "nik_not_16_digits"),
        ("19710101019000011", "nik_not_16_digits"),
        ("19710101019000O1", "nik_not_16_digits"),
        ("", "nik_not_16_digits"),
    ],
)
def test_impossible_niks_are_refused(nik: str, key: str) -> None:
    with pytest.raises(NikError) as caught:
        parse_nik(nik, TODAY)
    assert caught.value.key == key
    assert isinstance(caught.value, InputError)


def test_29_february_in_a_leap_year_is_fine() -> None:
    assert parse_nik("1971016902000001", TODAY).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    "typed",
    [
        "1971.0145.0185.0001",
        "1971 0145 0185 0001",
        "1971-0145-0185-0001",
        " 1971014501850001 ",
        "1971\t0145 0185\n0001",
    ],
)
def test_separators_people_type_are_ignored(typed: str) -> None:
    assert parse_nik(typed, TODAY).nik == "1971014501850001"
    assert looks_like_number16(typed)


def test_clean_number_and_looks_like_number16() -> None:
    assert clean_number(" 12.34-56 78 ") == "12345678"
    assert not looks_like_number16("1971/0145/0185/0001")
    assert not looks_like_number16("1.97101E+15")


def test_kk_is_16_digits_with_a_region() -> None:
    assert parse_kk("1971.0101.0120.0001") == "1971010101200001"


@pytest.mark.parametrize(
    ("kk", "key"),
    [
        ("197101010120001", "kk_not_16_digits"),
        ("1.97101E+15", "kk_not_16_digits"),
        ("0071010101200001", "kk_bad_region"),
    ],
)
def test_bad_kk_numbers(kk: str, key: str) -> None:
    with pytest.raises(NikError) as caught:
        parse_kk(kk)
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("1971014501850001", "1971********0001"),
        (" 1971014501850001 ", "1971********0001"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_hides_the_middle(number: str, masked: str) -> None:
    assert mask(number) == masked


def test_age_and_birthday() -> None:
    born = date(2008, 2, 29)
    assert age_on(born, date(2025, 2, 28)) == 16
    assert age_on(born, date(2025, 3, 1)) == 17
    assert birthday_in_year(born, 2025) == date(2025, 3, 1)
    assert birthday_in_year(born, 2028) == date(2028, 2, 29)


def test_non_ascii_digits_are_not_a_nik() -> None:
    with pytest.raises(NikError):
        parse_nik("١٩٧١٠١١١٠٢٩٦٠٠٠١", TODAY)  # Arabic-Indic digits
