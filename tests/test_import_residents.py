"""`jemput import residents`: counts, idempotence, rejects, warnings, formats, audit."""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.core.status import Status
from bot.errors import ImportFileError
from bot.imports.residents import ImportSummary, import_residents, stderr_progress
from storage.db import Database
from storage.resident_import import status_changes
from storage.residents import Resident, get_resident

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
AT = "2026-11-28T03:00:00.000000Z"
LATER = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
LATER_AT = "2026-12-01T02:30:00.000000Z"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

COLUMNS = [
    "nik",
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "rt",
    "rw",
    "kelurahan",
    "kecamatan",
    "no_hp",
    "status_ektp",
    "kawin",
    "sekolah",
]
SITI = {
    "nik": "1971014501850001",
    "no_kk": "1971010101200001",
    "nama": "Siti Aminah",
    "tanggal_lahir": "1985-01-05",
    "jenis_kelamin": "P",
    "alamat": "Jl. Merdeka No. 5",
    "rt": "3",
    "rw": "02",
    "kelurahan": "Bacang",
    "kecamatan": "Bukit Intan",
    "no_hp": "0812-3456-7890",
    "status_ektp": "PRR",
    "kawin": "Y",
    "sekolah": "",
}
BUDI = {
    **SITI,
    "nik": "1971010203900002",
    "nama": "Budi Santoso",
    "tanggal_lahir": "02-03-1990",
    "jenis_kelamin": "L",
    "no_hp": "",
    "status_ektp": "",
    "kawin": "N",
}
DEWI = {
    **SITI,
    "nik": "1971025512080003",
    "no_kk": "1971020202150002",
    "nama": "Dewi Lestari",
    "tanggal_lahir": "15/12/2008",
    "rt": "12",
    "rw": "1",
    "kelurahan": "Opas Indah",
    "kecamatan": "Taman Sari",
    "no_hp": "+62 813 1111 2222",
    "status_ektp": "sfe",
    "kawin": "",
    "sekolah": "SMAN 1 Pangkalpinang",
}


def person(nik: str, born: str, sex: str, **fields: str) -> dict[str, str]:
    """A valid row like Siti's with another NIK, birth date and sex."""
    return {**SITI, "nik": nik, "tanggal_lahir": born, "jenis_kelamin": sex, **fields}


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    columns: list[str] = COLUMNS,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        out = csv.writer(f, delimiter=delimiter)
        out.writerow(columns)
        for row in rows:
            out.writerow([row.get(c.strip().lower(), "") for c in columns])
    return path


def read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


@pytest.fixture
async def db(database: Path | str) -> AsyncIterator[Database]:
    opened = await Database.open(database)
    yield opened
    await opened.close()


async def run(db: Database, path: Path, **options: Any) -> ImportSummary:
    options.setdefault("now", NOW)
    return await import_residents(db, path, today=TODAY, actor="cli:tester", **options)


async def history(db: Database) -> list[tuple[Any, ...]]:
    rows = await db.fetchall(
        "SELECT nik, old_status, new_status, source, changed_at FROM status_history ORDER BY id"
    )
    return [tuple(r) for r in rows]


async def test_first_import_inserts_normalised_rows(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "warga.csv", [SITI, BUDI, DEWI])

    summary = await run(db, path)

    assert summary == ImportSummary(
        file="warga.csv",
        rows=3,
        inserted=3,
        updated=0,
        unchanged=0,
        rejected=0,
        warnings=0,
        status_changed=0,
        rejects_path=None,
        warnings_path=None,
        changed_at=AT,
    )
    assert await get_resident(db, SITI["nik"]) == Resident(
        nik="1971014501850001",
        no_kk="1971010101200001",
        nama="Siti Aminah",
        tanggal_lahir=date(1985, 1, 5),
        jenis_kelamin="P",
        alamat="Jl. Merdeka No. 5",
        rt="003",
        rw="002",
        kelurahan="Bacang",
        kecamatan="Bukit Intan",
        no_hp="6281234567890",
        status=Status.PRR,
        kawin=True,
        sekolah="",
        status_changed_at=None,
    )
    budi = await get_resident(db, BUDI["nik"])
    assert budi is not None
    assert (budi.tanggal_lahir, budi.status, budi.no_hp, budi.kawin) == (
        date(1990, 3, 2),
        Status.BELUM_REKAM,
        "",
        False,
    )
    dewi = await get_resident(db, DEWI["nik"])
    assert dewi is not None
    assert (dewi.tanggal_lahir, dewi.status, dewi.no_hp, dewi.rt, dewi.rw, dewi.sekolah) == (
        date(2008, 12, 15),
        Status.SUDAH_REKAM,
        "6281311112222",
        "012",
        "001",
        "SMAN 1 Pangkalpinang",
    )
    assert await history(db) == []  # a new resident gets no history row
    stamps = await db.fetchall("SELECT created_at, updated_at, length(row_hash) FROM residents")
    assert [tuple(r) for r in stamps] == [(AT, AT, 16)] * 3


async def test_reimport_of_the_same_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "warga.csv", [SITI, BUDI, DEWI])
    await run(db, path)

    again = await run(db, path, now=LATER)

    assert (again.inserted, again.updated, again.unchanged, again.status_changed) == (0, 0, 3, 0)
    assert again.line() == "inserted 0, updated 0, unchanged 3, rejected 0, warnings 0"
    stamps = await db.fetchall("SELECT DISTINCT updated_at FROM residents")
    assert [r[0] for r in stamps] == [AT]
    assert await history(db) == []


async def test_changed_rows_are_updated_and_status_changes_recorded(
    db: Database, tmp_path: Path
) -> None:
    await run(db, write_csv(tmp_path / "warga.csv", [SITI, BUDI, DEWI]))
    siti = {**SITI, "status_ektp": "Card_Delivered"}
    budi = {**BUDI, "no_hp": "0813 9999 0000"}

    newcomer = person("1971014101900004", "1990-01-01", "P", nama="Nur")
    rows = [siti, budi, DEWI, newcomer]

    summary = await run(db, write_csv(tmp_path / "warga.csv", rows), now=LATER)

    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 2, 1)
    assert summary.status_changed == 1
    assert summary.changed_at == LATER_AT
    assert await history(db) == [
        ("1971014501850001", "PRR", "DIAMBIL", "import:residents", LATER_AT)
    ]
    assert await status_changes(db, summary.changed_at) == [("1971014501850001", "PRR", "DIAMBIL")]
    got_siti = await get_resident(db, SITI["nik"])
    got_budi = await get_resident(db, BUDI["nik"])
    assert got_siti is not None and got_budi is not None
    assert (got_siti.status, got_siti.status_changed_at) == (Status.DIAMBIL, LATER_AT)
    assert (got_budi.no_hp, got_budi.status_changed_at) == ("6281399990000", None)
    stamps = await db.fetchall("SELECT nik, created_at, updated_at FROM residents ORDER BY nik")
    assert [tuple(r) for r in stamps] == [
        ("1971010203900002", AT, LATER_AT),
        ("1971014101900004", LATER_AT, LATER_AT),
        ("1971014501850001", AT, LATER_AT),
        ("1971025512080003", AT, AT),
    ]


async def test_a_residents_file_never_moves_anyone_back_to_belum_rekam(
    db: Database, tmp_path: Path
) -> None:
    await run(db, write_csv(tmp_path / "warga.csv", [SITI, BUDI]))
    async with db.write() as conn:  # e.g. a kit sync recorded Budi since
        await conn.execute(
            "UPDATE residents SET status = 'SUDAH_REKAM' WHERE nik = ?", (BUDI["nik"],)
        )
    budi = {**BUDI, "no_hp": "0813 9999 0000"}  # stale file: empty status, new phone
    siti = {**SITI, "status_ektp": "UNREGISTERED"}
    summary = await run(db, write_csv(tmp_path / "warga.csv", [siti, budi]), now=LATER)
    assert (summary.updated, summary.status_changed) == (2, 0)
    assert await history(db) == []
    got = {nik: await get_resident(db, nik) for nik in (SITI["nik"], BUDI["nik"])}
    assert [r.status for r in got.values() if r] == [Status.PRR, Status.SUDAH_REKAM]
    got_budi = got[BUDI["nik"]]
    assert got_budi is not None and got_budi.no_hp == "6281399990000"
    again = await run(db, write_csv(tmp_path / "warga.csv", [siti, budi]), now=LATER)
    assert (again.updated, again.unchanged) == (0, 2)


async def test_status_codes_are_read_in_any_case(db: Database, tmp_path: Path) -> None:
    codes = ["prr", "Card_Delivered", "sent for enrollment", "", "efac", "Sudah_Rekam", " dup "]
    rows = [person(f"197101010190{n + 1:04d}", "1990-01-01", "L") for n in range(len(codes))]
    rows = [{**r, "status_ektp": code} for r, code in zip(rows, codes, strict=True)]

    summary = await run(db, write_csv(tmp_path / "warga.csv", rows))

    assert summary.inserted == 7
    found = await db.fetchall("SELECT status FROM residents ORDER BY nik")
    assert [r[0] for r in found] == [
        "PRR",
        "DIAMBIL",
        "SUDAH_REKAM",
        "BELUM_REKAM",
        "REKAM_ULANG",
        "SUDAH_REKAM",
        "DUPLIKAT",
    ]


async def test_bad_rows_are_rejected_with_row_and_reason(db: Database, tmp_path: Path) -> None:
    bad = [
        person("197101450185001", "1985-01-05", "P"),
        person("1971013501850003", "1985-01-05", "L"),
        person("1971010101900004", "1990-01-01", "L", no_kk="19710101"),
        person("1971010502850005", "1985-02-30", "L"),
        person("1971010101270006", "2027-01-01", "L"),
        person("1971010101900007", "", "L"),
        person("1971010101900008", "1990-01-01", "X"),
        person("1971010101900009", "1990-01-01", "L", status_ektp="LOST"),
        person("1971010101900010", "1990-01-01", "L", rt="3A"),
        person("1971010101900011", "1990-01-01", "L", nama="  "),
        person("1971010101900012", "1990-01-01", "L", kawin="mungkin"),
        person("1.97101E+15", "1990-01-01", "L"),
    ]
    path = write_csv(tmp_path / "warga.csv", [SITI, *bad, BUDI])

    summary = await run(db, path)

    assert (summary.rows, summary.inserted, summary.rejected) == (14, 2, 12)
    assert summary.rejects_path == tmp_path / "warga.rejects.csv"
    listed = read_csv(tmp_path / "warga.rejects.csv")
    assert listed[0] == [*COLUMNS, "row", "reason"]
    assert [r[-2:] for r in listed[1:]] == [
        ["3", "NIK is not 16 digits"],
        ["4", "NIK date part is impossible"],
        ["5", "KK is not 16 digits"],
        ["6", "tanggal_lahir '1985-02-30' is not a real date"],
        ["7", "tanggal_lahir '2027-01-01' is in the future"],
        ["8", "tanggal_lahir must be YYYY-MM-DD or DD-MM-YYYY, not ''"],
        ["9", "jenis_kelamin must be L or P, not 'X'"],
        ["10", "unknown status_ektp 'LOST'"],
        ["11", "rt must be a number from 1 to 999, not '3A'"],
        ["12", "nama is empty"],
        ["13", "kawin must be Y or N, not 'mungkin'"],
        ["14", "NIK was saved as a number (1.97101E+15): format the column as Text"],
    ]
    assert listed[1][:-2] == [bad[0][c] for c in COLUMNS]  # the row as it was read
    assert summary.first_rejects[0] == "row 3 rejected: NIK is not 16 digits (NIK 1971*******5001)"
    assert len(summary.first_rejects) == 10
    assert await get_resident(db, BUDI["nik"]) is not None
    assert summary.line() == (
        "inserted 2, updated 0, unchanged 0, rejected 12, warnings 0"
        f" (rejects: {tmp_path / 'warga.rejects.csv'})"
    )


async def test_remembered_nik_parts_never_pass_a_bad_nik(db: Database, tmp_path: Path) -> None:
    rows = [
        person("1971010101900001", "1990-01-01", "L"),  # region 197101 and 010190 now known
        person("1971010101900000", "1990-01-01", "L"),
        person("1971000101900002", "1990-01-01", "L"),
        person("1971010101900003 ", "1990-01-01", "L"),
        person("1971.0101.0190.0004", "1990-01-01", "L"),
        person("1971010101900O05", "1990-01-01", "L"),
        person("1971013101900006", "1990-01-31", "L"),
        person("1971013102900007", "1990-02-31", "L"),
    ]

    summary = await run(db, write_csv(tmp_path / "warga.csv", rows))

    assert (summary.inserted, summary.rejected) == (4, 4)
    assert [r[-2:] for r in read_csv(tmp_path / "warga.rejects.csv")[1:]] == [
        ["3", "NIK serial is 0000"],
        ["4", "NIK region code has a zero part"],
        ["7", "NIK is not 16 digits"],
        ["9", "NIK date part is impossible"],
    ]
    found = await db.fetchall("SELECT nik FROM residents ORDER BY nik")
    assert [r[0] for r in found] == [
        "1971010101900001",
        "1971010101900003",
        "1971010101900004",
        "1971013101900006",
    ]


async def test_repeated_nik_keeps_the_first_row(db: Database, tmp_path: Path) -> None:
    rows = [SITI, BUDI, DEWI, {**SITI, "nama": "Siti Kedua"}, SITI]
    path = write_csv(tmp_path / "warga.csv", rows)

    summary = await run(db, path, batch_rows=2)  # the repeats come in later batches
    again = await run(db, path, batch_rows=2, now=LATER)

    assert (summary.inserted, summary.rejected) == (3, 2)
    assert (again.unchanged, again.updated, again.rejected) == (3, 0, 2)
    listed = read_csv(tmp_path / "warga.rejects.csv")
    assert [r[2] for r in listed[1:]] == ["Siti Kedua", "Siti Aminah"]
    assert [r[-2:] for r in listed[1:]] == [["5", "NIK repeats row 2"], ["6", "NIK repeats row 2"]]
    siti = await get_resident(db, SITI["nik"])
    assert siti is not None and siti.nama == "Siti Aminah"
    assert await history(db) == []


async def test_nik_that_disagrees_with_the_columns_imports_with_a_warning(
    db: Database, tmp_path: Path
) -> None:
    rows = [
        person("1971014501850001", "1985-01-06", "P"),  # day differs
        person("1971010203900002", "1990-03-02", "P"),  # a man's NIK, column says P
        person("1971011512080003", "2008-11-15", "P"),  # no +40, and month differs
        person("1971010101260004", "1926-01-01", "L"),  # century is not compared
        DEWI,
    ]
    path = write_csv(tmp_path / "warga.csv", rows)

    summary = await run(db, path)

    assert (summary.inserted, summary.rejected, summary.warnings) == (5, 0, 3)
    assert summary.warnings_path == tmp_path / "warga.warnings.csv"
    assert read_csv(tmp_path / "warga.warnings.csv") == [
        ["row", "nik", "nama", "warning"],
        [
            "2",
            "1971014501850001",
            "Siti Aminah",
            "NIK birth date 05-01-85 differs from tanggal_lahir",
        ],
        ["3", "1971010203900002", "Siti Aminah", "NIK says jenis_kelamin L, the column says P"],
        [
            "4",
            "1971011512080003",
            "Siti Aminah",
            "NIK birth date 15-12-08 differs from tanggal_lahir;"
            " NIK says jenis_kelamin L, the column says P",
        ],
    ]
    assert summary.first_warnings[0] == (
        "row 2: NIK birth date 05-01-85 differs from tanggal_lahir (1971********0001)"
    )
    stored = await get_resident(db, "1971014501850001")
    assert stored is not None and stored.tanggal_lahir == date(1985, 1, 6)


async def test_semicolon_csv_with_bom_and_headers_in_any_case_and_order(
    db: Database, tmp_path: Path
) -> None:
    columns = [" NIK", "Nama", "No_KK", "Status_EKTP", "Tanggal_Lahir", "Jenis_Kelamin"]
    columns += ["RT", "Catatan", "Alamat", "Kelurahan", "Kecamatan"]
    rows = [
        {**SITI, "alamat": "Jl. Merdeka, No. 5", "catatan": "pindahan"},
        {**BUDI, "status_ektp": "PRINTED", "catatan": ""},
        {**DEWI, "tanggal_lahir": "31-02-2008", "catatan": "cek"},
    ]
    path = write_csv(tmp_path / "warga.csv", rows, columns, ";", "utf-8-sig")

    summary = await run(db, path)

    assert (summary.inserted, summary.rejected) == (2, 1)
    siti = await get_resident(db, SITI["nik"])
    budi = await get_resident(db, BUDI["nik"])
    assert siti is not None and budi is not None
    assert (siti.alamat, siti.rt, siti.rw, siti.no_hp, siti.kawin) == (
        "Jl. Merdeka, No. 5",
        "003",
        "",
        "",
        False,
    )
    assert budi.status == Status.DICETAK
    assert read_csv(tmp_path / "warga.rejects.csv", ";") == [
        [*columns, "row", "reason"],
        [
            "1971025512080003",
            "Dewi Lestari",
            "1971020202150002",
            "sfe",
            "31-02-2008",
            "P",
            "12",
            "cek",
            "Jl. Merdeka No. 5",
            "Opas Indah",
            "Taman Sari",
            "4",
            "tanggal_lahir '31-02-2008' is not a real date",
        ],
    ]


async def test_xlsx_with_date_and_number_cells(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    siti = [SITI["nik"], SITI["no_kk"], "Siti Aminah", datetime(1985, 1, 5), "P", "Jl. Merdeka"]
    siti += [3, 2, "Bacang", "Bukit Intan", "081234567890", "prr", "Y", None]
    budi = [1971010203900002, 1971010101200001, "Budi", date(1990, 3, 2), "L", None]
    budi += [3.0, None, None, None, None, None, "N", None]
    sheet.append(siti)
    sheet.append(budi)
    sheet.append([])
    sheet.append([DEWI["nik"], DEWI["no_kk"], "Dewi", "2008-12-15", "perempuan", None, "x"])
    book.save(tmp_path / "warga.xlsx")

    summary = await run(db, tmp_path / "warga.xlsx")

    assert (summary.rows, summary.inserted, summary.rejected) == (3, 2, 1)
    got_siti = await get_resident(db, SITI["nik"])
    got_budi = await get_resident(db, "1971010203900002")
    assert got_siti is not None and got_budi is not None
    assert (got_siti.tanggal_lahir, got_siti.rt, got_siti.rw, got_siti.status) == (
        date(1985, 1, 5),
        "003",
        "002",
        Status.PRR,
    )
    assert (got_budi.tanggal_lahir, got_budi.no_kk, got_budi.rt, got_budi.status) == (
        date(1990, 3, 2),
        "1971010101200001",
        "003",
        Status.BELUM_REKAM,
    )
    listed = read_csv(tmp_path / "warga.rejects.csv")
    assert [r[-2:] for r in listed[1:]] == [["5", "rt must be a number from 1 to 999, not 'x'"]]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["nik", "no_kk", None, "nama"], "header cell in column C is blank (merged or empty)"),
        (["nik", "nik"], "column 'nik' appears twice (columns A and B)"),
    ],
)
async def test_xlsx_header_problems(
    db: Database, tmp_path: Path, header: list[str | None], message: str
) -> None:
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(["1"] * len(header))
    book.save(tmp_path / "warga.xlsx")

    with pytest.raises(ImportFileError) as caught:
        await run(db, tmp_path / "warga.xlsx")
    assert str(caught.value) == f"warga.xlsx: {message}"


async def test_xlsx_merged_header_cells_are_refused(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nik", "data keluarga", None, "nama"])
    sheet.merge_cells("B1:C1")
    book.save(tmp_path / "warga.xlsx")

    with pytest.raises(ImportFileError, match="column C is blank"):
        await run(db, tmp_path / "warga.xlsx")


async def test_missing_required_columns_are_named(db: Database, tmp_path: Path) -> None:
    columns = ["nik", "nama", "jenis_kelamin", "status_ektp", "alamat"]
    path = write_csv(tmp_path / "warga.csv", [SITI], columns)

    with pytest.raises(ImportFileError) as caught:
        await run(db, path)
    assert str(caught.value) == "warga.csv: missing required columns: no_kk, tanggal_lahir"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("warga.csv", b"", "warga.csv: the file is empty or its header row is blank"),
        (
            "warga.csv",
            b"\xef\xbb\xbf\r\n",
            "warga.csv: the file is empty or its header row is blank",
        ),
        (
            "warga.csv",
            ",".join(COLUMNS).encode() + b"\r\n\r\n",
            "warga.csv: the file has a header but no data rows",
        ),
        (
            "warga.csv",
            b"NIK\tNama\r\n1\tx\r\n",
            "warga.csv: missing required columns: no_kk, tanggal_lahir, jenis_kelamin, status_ektp",
        ),
        ("warga.xls", b"x", "warga.xls: unsupported file type '.xls'; use .csv or .xlsx"),
        (
            "warga.xlsx",
            b"not a zip",
            "warga.xlsx: not a readable .xlsx file (File is not a zip file)",
        ),
    ],
)
async def test_unusable_files(
    db: Database, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)

    with pytest.raises(ImportFileError) as caught:
        await run(db, tmp_path / name)
    assert str(caught.value) == message
    assert await db.fetchall("SELECT * FROM audit_log") == []


async def test_not_utf8_is_refused(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "warga.csv", [{**SITI, "nama": "José"}], encoding="cp1252")

    with pytest.raises(ImportFileError) as caught:
        await run(db, path)
    assert str(caught.value) == "warga.csv: not UTF-8; save it as 'CSV UTF-8'"
    assert await db.fetchall("SELECT nik FROM residents") == []


async def test_missing_file(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as caught:
        await run(db, tmp_path / "nope.csv")
    assert str(caught.value) == f"file not found: {tmp_path / 'nope.csv'}"


async def test_short_rows_are_padded_and_long_rows_rejected(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "warga.csv"
    siti = [SITI[c] for c in COLUMNS[:12]]  # no kawin, no sekolah cells at all
    budi = [BUDI[c] for c in COLUMNS] + ["", "geser"]
    path.write_text(
        "\r\n".join([",".join(COLUMNS), ",".join(siti), "", ",".join(budi)]) + "\r\n",
        encoding="utf-8",
    )

    summary = await run(db, path)

    assert (summary.rows, summary.inserted, summary.rejected) == (2, 1, 1)
    listed = read_csv(tmp_path / "warga.rejects.csv")
    assert listed[1][-3:] == ["4", "row has 16 cells but the header has 14", "geser"]


async def test_audit_log_row_without_niks(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "warga.csv", [SITI, BUDI, person("123", "1990-01-01", "L")])

    await run(db, path)

    rows = await db.fetchall("SELECT at, actor, action, detail FROM audit_log")
    assert [tuple(r[:3]) for r in rows] == [(AT, "cli:tester", "import.residents")]
    assert json.loads(rows[0][3]) == {
        "file": "warga.csv",
        "rows": 3,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "warnings": 0,
        "status_changed": 0,
        "status_kept": 0,
    }
    assert SITI["nik"] not in rows[0][3]


async def test_logs_mask_niks(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [
        person("1971010101900009", "1990-01-01", "X"),
        {**BUDI, "jenis_kelamin": "P"},
        person("1971010101900010", "1971010101900010", "L"),  # NIK typed into the date column
    ]
    caplog.set_level("DEBUG")

    await run(db, write_csv(tmp_path / "warga.csv", rows))

    assert "1971*******" in caplog.text
    for number in ("1971010101900009", "1971010101900010", BUDI["nik"], BUDI["no_kk"]):
        assert number not in caplog.text


async def test_stale_listings_are_removed(db: Database, tmp_path: Path) -> None:
    (tmp_path / "warga.rejects.csv").write_text("old", encoding="utf-8")
    (tmp_path / "warga.warnings.csv").write_text("old", encoding="utf-8")

    summary = await run(db, write_csv(tmp_path / "warga.csv", [SITI]))

    assert (summary.rejects_path, summary.warnings_path) == (None, None)
    assert not (tmp_path / "warga.rejects.csv").exists()
    assert not (tmp_path / "warga.warnings.csv").exists()


async def test_progress_gets_rows_read(db: Database, tmp_path: Path) -> None:
    seen: list[int] = []
    rows = [person(f"197101010190000{n}", "1990-01-01", "L") for n in range(1, 6)]

    await run(db, write_csv(tmp_path / "warga.csv", rows), progress=seen.append, batch_rows=2)

    assert seen == [2, 4, 5]


def test_stderr_progress_prints_every_50000_rows(capsys: pytest.CaptureFixture[str]) -> None:
    stderr_progress(10_000)
    stderr_progress(50_000)
    stderr_progress(1_000_000)

    assert capsys.readouterr().err == "50,000 rows\n1,000,000 rows\n"


def write_regions(path: Path, rows: list[str], header: str = "kode,nama,tingkat") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


async def test_regions_warn_on_unknown_or_retired_kecamatan(db: Database, tmp_path: Path) -> None:
    regions = write_regions(
        tmp_path / "wilayah.csv",
        [
            "19,Kepulauan Bangka Belitung,provinsi",
            "19.71,Kota Pangkal Pinang,kabupaten_kota",
            "19.71.01,Bukit Intan,kecamatan",
            '19.71.01.1006,"Bacang, Lama",desa_kelurahan',
        ],
    )
    write_regions(
        tmp_path / "wilayah_historic.csv",
        ["91.01,KAB. MERAUKE,kabupaten_kota,2022", "91.01.01,Merauke,kecamatan,2022"],
        "kode,nama,tingkat,terakhir_ada_tahun",
    )
    rows = [
        person("1971010101900001", "1990-01-01", "L"),
        person("1971090101900002", "1990-01-01", "L"),
        person("9101010101900003", "1990-01-01", "L"),
        person("9101010101240004", "2024-01-01", "L"),
    ]

    summary = await run(db, write_csv(tmp_path / "warga.csv", rows), regions=regions)

    assert (summary.inserted, summary.warnings) == (4, 2)
    assert [r[0::3] for r in read_csv(tmp_path / "warga.warnings.csv")[1:]] == [
        ["3", "NIK region 19.71.09 is not a known kecamatan"],
        ["5", "NIK region 91.01.01 was retired in 2022, before birth"],
    ]


@pytest.mark.skipif(not (SHARED_DATA / "wilayah.csv").exists(), reason="no shared region list")
async def test_regions_from_the_kepmendagri_list(db: Database, tmp_path: Path) -> None:
    rows = [
        person("1971070101900001", "1990-01-01", "L"),  # 19.71.07 Gabek
        person("9101010101900003", "1990-01-01", "L"),  # 91.01.01 Merauke until 2022
        person("1999990101900002", "1990-01-01", "L"),
    ]
    path = write_csv(tmp_path / "warga.csv", rows)

    summary = await run(db, path, regions=SHARED_DATA / "wilayah.csv")

    assert summary.warnings == 1
    assert summary.first_warnings == (
        "row 4: NIK region 19.99.99 is not a known kecamatan (1999********0002)",
    )


async def test_a_fixed_rejects_file_imports_as_it_is(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "warga.csv", [SITI, {**BUDI, "rt": "3A"}], delimiter=";")
    await run(db, path)
    rejects = tmp_path / "warga.rejects.csv"
    rejects.write_text(rejects.read_text(encoding="utf-8-sig").replace("3A", "3"), "utf-8-sig")

    summary = await run(db, rejects)

    assert (summary.inserted, summary.rejected) == (1, 0)
    budi = await get_resident(db, BUDI["nik"])
    assert budi is not None and budi.rt == "003"


async def test_a_status_change_cancels_pending_summons_at_once(
    db: Database, tmp_path: Path
) -> None:
    from bot.core.messages import Reply
    from storage import outbox

    siti = {**SITI, "status_ektp": ""}  # both still have to record
    await run(db, write_csv(tmp_path / "warga.csv", [siti, BUDI]))
    summons = [
        outbox.NewMessage(
            channel="telegram", chat_id=chat, kind="summons", dedupe_key=f"summons:{nik}:1",
            reply=Reply(text="Undangan rekam e-KTP"), nik=nik,
        )
        for chat, nik in (("1", BUDI["nik"]), ("2", SITI["nik"]))
    ]  # fmt: skip
    assert await outbox.enqueue(db, summons, NOW) == 2
    budi = {**BUDI, "status_ektp": "SFE"}  # Budi recorded
    await run(db, write_csv(tmp_path / "warga.csv", [siti, budi]), now=LATER)
    states = await db.fetchall("SELECT nik, state FROM outbox ORDER BY chat_id")
    assert [tuple(r) for r in states] == [(BUDI["nik"], "cancelled"), (SITI["nik"], "pending")]


async def test_a_residents_file_never_moves_a_status_back(db: Database, tmp_path: Path) -> None:
    # Siti PRR, Budi BELUM_REKAM, Dewi SUDAH_REKAM (SFE); then a file a month older in status
    # but with new phone numbers: Siti SUDAH_REKAM (back), Budi REKAM_ULANG (same stage),
    # Dewi DIAMBIL (forward), and Siti's status column empty in a third file (back).
    await run(db, write_csv(tmp_path / "warga.csv", [SITI, BUDI, DEWI]))
    older = [
        {**SITI, "status_ektp": "SUDAH_REKAM", "no_hp": "0812-0000-0001"},
        {**BUDI, "status_ektp": "REKAM_ULANG"},
        {**DEWI, "status_ektp": "DIAMBIL"},
    ]
    summary = await run(db, write_csv(tmp_path / "lama.csv", older), now=LATER)

    siti, budi, dewi = [await get_resident(db, p["nik"]) for p in (SITI, BUDI, DEWI)]
    assert siti is not None and budi is not None and dewi is not None
    assert (siti.status, siti.no_hp) == (Status.PRR, "6281200000001")  # the rest still applies
    assert (budi.status, dewi.status) == (Status.REKAM_ULANG, Status.DIAMBIL)
    assert (summary.updated, summary.status_changed, summary.status_kept) == (3, 2, 1)
    assert summary.line().endswith("warnings 1 (status not moved back: 1) (warnings: "
                                   f"{tmp_path / 'lama.warnings.csv'})")  # fmt: skip
    assert read_csv(tmp_path / "lama.warnings.csv")[1:] == [
        ["2", SITI["nik"], "Siti Aminah",
         "status_ektp SUDAH_REKAM would move the resident back from PRR: kept PRR"],
    ]  # fmt: skip
    assert [h[:3] for h in await history(db)] == [
        (BUDI["nik"], "BELUM_REKAM", "REKAM_ULANG"),
        (DEWI["nik"], "SUDAH_REKAM", "DIAMBIL"),
    ]
    empty = await run(db, write_csv(tmp_path / "kosong.csv", [{**SITI, "status_ektp": ""}]))
    assert empty.status_kept == 1 and empty.warnings == 1
    now = await get_resident(db, SITI["nik"])
    assert now is not None and (now.status, now.no_hp) == (Status.PRR, "6281234567890")
    again = await run(db, tmp_path / "kosong.csv")  # same file again: unchanged, no new warning
    assert (again.unchanged, again.status_kept, again.warnings) == (1, 0, 0)


async def test_reimport_passes_unchanged_lines_by_and_still_finds_repeats(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Row 2 Siti; row 3 Budi; row 4 Siti again, identical (a repeat); row 5 Dewi.
    path = write_csv(tmp_path / "warga.csv", [SITI, BUDI, SITI, DEWI])
    first = await run(db, path)
    assert (first.inserted, first.rejected) == (3, 1)
    first_rejects = read_csv(tmp_path / "warga.rejects.csv")

    caplog.set_level("DEBUG", logger="bot.imports.residents")
    again = await run(db, path, now=LATER)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 1)
    assert "(3 unchanged lines passed by)" in caplog.text  # not parsed, checked or staged
    assert read_csv(tmp_path / "warga.rejects.csv") == first_rejects  # row 4 repeats row 2

    # A new line for Siti after her unchanged one loses (the first row wins) ...
    later = write_csv(tmp_path / "b.csv", [SITI, BUDI, {**SITI, "nama": "Siti Baru"}, DEWI])
    s = await run(db, later, now=LATER)
    assert (s.updated, s.unchanged, s.rejected) == (0, 3, 1)
    assert read_csv(tmp_path / "b.rejects.csv")[1][-2:] == ["4", "NIK repeats row 2"]
    # ... and before it, wins: the unchanged line is now the repeat.
    earlier = write_csv(tmp_path / "c.csv", [{**SITI, "nama": "Siti Baru"}, BUDI, SITI, DEWI])
    s = await run(db, earlier, now=LATER)
    assert (s.updated, s.unchanged, s.rejected) == (1, 2, 1)
    assert read_csv(tmp_path / "c.rejects.csv")[1][-2:] == ["4", "NIK repeats row 2"]
    siti = await get_resident(db, SITI["nik"])
    assert siti is not None and siti.nama == "Siti Baru"


async def test_a_line_written_differently_is_unchanged_and_passed_by_next_time(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await run(db, write_csv(tmp_path / "a.csv", [SITI, BUDI]))
    spaced = {**SITI, "no_hp": "0812 3456 7890"}  # same number once normalised
    path = write_csv(tmp_path / "b.csv", [spaced, BUDI])
    s = await run(db, path, now=LATER)
    assert (s.updated, s.unchanged) == (0, 2)
    assert await history(db) == []
    caplog.set_level("DEBUG", logger="bot.imports.residents")
    s = await run(db, path, now=LATER)
    assert s.unchanged == 2 and "(2 unchanged lines passed by)" in caplog.text
    stamps = await db.fetchall("SELECT DISTINCT updated_at FROM residents")
    assert [r[0] for r in stamps] == [AT]  # nothing was rewritten


async def test_the_fast_path_ends_as_a_full_read_would(db: Database, tmp_path: Path) -> None:
    base = [SITI, BUDI, DEWI]
    await run(db, write_csv(tmp_path / "a.csv", base))
    changed = [
        {**SITI, "status_ektp": "DICETAK"},
        BUDI,
        {**DEWI, "alamat": "Jl. Baru"},
        person("1971010101900009", "1990-01-01", "L"),
    ]
    fast = await run(db, write_csv(tmp_path / "b.csv", changed), now=LATER)
    fast_rows = await db.fetchall("SELECT * FROM residents ORDER BY nik")

    other = await Database.open(tmp_path / "other.sqlite3")
    try:
        await run(other, write_csv(tmp_path / "a2.csv", base))
        await other.fetchall("SELECT 1")
        async with other.write() as conn:
            await conn.execute("UPDATE residents SET line_hash = NULL")  # force full reads
        full = await run(other, write_csv(tmp_path / "b2.csv", changed), now=LATER)
        full_rows = await other.fetchall("SELECT * FROM residents ORDER BY nik")
    finally:
        await other.close()
    assert (fast.inserted, fast.updated, fast.unchanged, fast.status_changed) == (1, 2, 1, 1)
    assert (full.inserted, full.updated, full.unchanged, full.status_changed) == (1, 2, 1, 1)
    assert [tuple(r) for r in fast_rows] == [tuple(r) for r in full_rows]


async def test_reimport_fast_path_with_the_nik_in_another_column(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    columns = ["nama", "no_kk", "NIK", *[c for c in COLUMNS if c not in ("nik", "no_kk", "nama")]]
    quoted = {**BUDI, "alamat": "Jl. Merdeka; No. 7"}  # quoted by the writer (';' separated)
    path = write_csv(tmp_path / "warga.csv", [SITI, quoted, SITI], columns, delimiter=";")
    assert (await run(db, path)).inserted == 2
    caplog.set_level("DEBUG", logger="bot.imports.residents")
    again = await run(db, path, now=LATER)
    assert (again.unchanged, again.rejected, again.updated) == (2, 1, 0)
    assert "(2 unchanged lines passed by)" in caplog.text
    assert read_csv(tmp_path / "warga.rejects.csv", ";")[1][-2:] == ["4", "NIK repeats row 2"]
