"""`bot.regions`: Kepmendagri region lists (kecamatan codes, one city's areas)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.errors import ConfigError, ImportFileError
from bot.imports.regions import AreaRow, load_regions, read_city_areas, region_files

WILAYAH = Path(__file__).resolve().parents[2] / "shared" / "data" / "wilayah.csv"
ROWS = [
    "19,Kepulauan Bangka Belitung,provinsi",
    "19.71,Kota Pangkal Pinang,kabupaten_kota",
    "19.71.01,Bukit Intan,kecamatan",
    '19.71.01.1006,"Bacang, Lama",desa_kelurahan',
    "19.71.01.1007, Air Itam ,desa_kelurahan",
    "19.71.02,Taman Sari,kecamatan",
    "19.71.02.1001,Opas Indah,desa_kelurahan",
    "19.72,Kota Lain,kabupaten_kota",
    "19.72.01,Bukan Kota Ini,kecamatan",
    "19.72.01.1001,Bukan Juga,desa_kelurahan",
    "11.19.71,Mirip Kode,kecamatan",
]


def write(path: Path, rows: list[str], header: str = "kode,nama,tingkat") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")
    return path


def test_city_areas_are_its_kecamatan_and_kelurahan(tmp_path: Path) -> None:
    path = write(tmp_path / "wilayah.csv", ROWS)

    assert read_city_areas(path, "19.71") == [
        AreaRow("197101", "Bukit Intan", "kecamatan", None),
        AreaRow("1971011006", "Bacang, Lama", "kelurahan", "197101"),
        AreaRow("1971011007", "Air Itam", "kelurahan", "197101"),
        AreaRow("197102", "Taman Sari", "kecamatan", None),
        AreaRow("1971021001", "Opas Indah", "kelurahan", "197102"),
    ]
    assert read_city_areas(path, "1971") == read_city_areas(path, " 19.71 ")


def test_retired_areas_are_left_out(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wilayah.csv",
        ["19.71.01,Bukit Intan,kecamatan,", "19.71.09,Dulu,kecamatan,2020"],
        "kode,nama,tingkat,terakhir_ada_tahun",
    )

    assert [a.kode for a in read_city_areas(path, "19.71")] == ["197101"]


@pytest.mark.parametrize("city", ["19", "19.71.01", "19.7x", ""])
def test_a_malformed_city_code_is_a_config_error(tmp_path: Path, city: str) -> None:
    path = write(tmp_path / "wilayah.csv", ROWS)

    with pytest.raises(ConfigError, match=r"must look like 19\.71"):
        read_city_areas(path, city)


def test_missing_file_columns_or_city_are_import_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_city_areas(tmp_path / "nope.csv", "19.71")
    assert str(caught.value) == f"region list not found: {tmp_path / 'nope.csv'}"

    no_level = write(tmp_path / "kode.csv", ["19.71.01,Bukit Intan"], "kode,nama")
    with pytest.raises(ImportFileError) as caught:
        read_city_areas(no_level, "19.71")
    assert str(caught.value) == (
        "kode.csv: the region list lacks columns tingkat (it needs kode, nama, tingkat)"
    )

    with pytest.raises(ImportFileError, match=r"no kecamatan under kab/kota 19\.99"):
        read_city_areas(write(tmp_path / "wilayah.csv", ROWS), "19.99")


def test_an_unreadable_file_is_an_import_file_error(tmp_path: Path) -> None:
    path = tmp_path / "wilayah.csv"
    path.write_bytes("kode,nama,tingkat\n19.71.01,Bukit Intän,kecamatan\n".encode("cp1252"))

    with pytest.raises(ImportFileError, match="cannot read region list"):
        read_city_areas(path, "19.71")


def test_region_files_and_load_regions_read_the_historic_sibling(tmp_path: Path) -> None:
    current = write(tmp_path / "wilayah.csv", ROWS)
    historic = write(
        tmp_path / "wilayah_historic.csv",
        ["91.01.01,Merauke,kecamatan,2022", "19.71.01,Bukit Intan,kecamatan,2001"],
        "kode,nama,tingkat,terakhir_ada_tahun",
    )

    assert region_files(current) == [current, historic]
    assert region_files([current, historic]) == [current, historic]
    assert load_regions(region_files(current)) == {
        "197101": None,  # still current: a retired year in the historic list does not win
        "197102": None,
        "197201": None,
        "111971": None,
        "910101": 2022,
    }


@pytest.mark.skipif(not WILAYAH.exists(), reason="no shared region list")
def test_pangkal_pinang_from_the_kepmendagri_list() -> None:
    with WILAYAH.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["kode"].startswith("19.71.")]
    expected = {
        level: sum(1 for r in rows if r["tingkat"] == tingkat)
        for level, tingkat in (("kecamatan", "kecamatan"), ("kelurahan", "desa_kelurahan"))
    }

    areas = read_city_areas(WILAYAH, "19.71")

    found = {level: sum(1 for a in areas if a.level == level) for level in expected}
    assert found == expected == {"kecamatan": 7, "kelurahan": 42}
    kecamatan = {a.kode for a in areas if a.level == "kecamatan"}
    assert all(a.parent in kecamatan for a in areas if a.level == "kelurahan")
    assert AreaRow("197101", "Bukit Intan", "kecamatan", None) in areas
    assert AreaRow("1971011006", "Bacang", "kelurahan", "197101") in areas
