"""A residents file read by two processes (`bot.imports.resident_split`, PostgreSQL) ends
exactly as one pass would: rows, history, rejects, warnings, summary; SQLite reads it once."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ImportFileError
from bot.imports.limits import Limits
from bot.imports.resident_split import helper_entry, plan_split
from bot.imports.residents import ImportSummary, import_residents
from storage.db import Database, PgDatabase

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
HEADER = (
    "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,alamat,rt,rw,kelurahan,kecamatan,no_hp,"
    "status_ektp,kawin,sekolah"
)
STATUSES = ("", "BELUM_REKAM", "SUDAH_REKAM", "PRR", "DICETAK", "Card_Delivered")


@pytest.fixture
async def db(database: Path | str) -> AsyncIterator[Database]:
    opened = await Database.open(database)
    yield opened
    await opened.close()


def person(rng: random.Random, serial: int) -> list[str]:
    """One resident line's cells (a NIK that agrees with the columns)."""
    sex = rng.choice("LP")
    born = date(1950, 1, 1).toordinal() + rng.randrange(20000)
    day = date.fromordinal(born)
    nik = f"197101{day.day + (40 if sex == 'P' else 0):02d}{day:%m%y}{serial:04d}"
    return [
        nik, f"1971010101{serial % 90 + 10:02d}{serial:04d}", f"Warga {serial}", day.isoformat(),
        sex, f"Jl. Merdeka No. {serial % 50}", str(serial % 9 + 1), "02", "Bacang", "Bukit Intan",
        rng.choice(("", "0812-3456-7890")), rng.choice(STATUSES), rng.choice("YN"), "",
    ]  # fmt: skip


def lines_of(count: int, seed: int, first: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    return [person(rng, n) for n in range(first, first + count)]


def write(path: Path, rows: list[list[str]], tail: list[str] = ()) -> Path:  # type: ignore[assignment]
    """The header, the rows (plain, no quotes), then `tail` lines as they are."""
    text = [HEADER] + [",".join(r) for r in rows] + list(tail)
    path.write_text("\r\n".join(text) + "\r\n", encoding="utf-8")
    return path


def troubles(rows: list[list[str]]) -> list[list[str]]:
    """Bad rows, warnings, blank lines and repeats in both halves of `rows`."""
    rows = [list(r) for r in rows]
    half = len(rows) // 2
    for at in (10, half + 10):
        rows[at][0] = rows[at][0][:15]  # a short NIK: rejected
        rows[at + 1][3] = "2030-01-01"  # born in the future: rejected
        rows[at + 2][4] = "P" if rows[at + 2][4] == "L" else "L"  # NIK disagrees: warning
        rows[at + 3] = [""] * len(rows[at + 3])  # a blank row
    for at in (30, half + 30):
        rows[at][0] = "197109" + rows[at][0][6:]  # a kecamatan not on the list: warning
    rows[half + 20] = list(rows[5])  # a repeat across the cut
    rows[half + 21] = list(rows[half + 30])  # a repeat below the cut (the later one loses)
    rows[half + 21][2] = "Nama Lain"
    return rows


async def reset(db: Database) -> None:
    async with db.write() as conn:
        for table in ("status_history", "audit_log", "residents"):
            await conn.execute(f"DELETE FROM {table}")


async def outcome(db: Database, path: Path, **options: Any) -> tuple[Any, ...]:
    """Import; everything it left: summary, rows, history, listings."""
    options.setdefault("now", NOW)
    summary: ImportSummary = await import_residents(
        db, path, today=TODAY, actor="cli:tester", **options
    )
    residents = await db.fetchall("SELECT * FROM residents ORDER BY nik")
    history = await db.fetchall(
        "SELECT nik, old_status, new_status, changed_at FROM status_history ORDER BY id"
    )
    listings = [
        p.read_bytes() if p.exists() else None
        for p in (path.with_suffix(".rejects.csv"), path.with_suffix(".warnings.csv"))
    ]
    counts = (summary.rows, summary.inserted, summary.updated, summary.unchanged)
    counts += (summary.rejected, summary.warnings, summary.status_changed, summary.status_kept)
    notes = (summary.first_rejects, summary.first_warnings)
    return (counts, notes, [tuple(r) for r in residents], [tuple(r) for r in history], listings)


async def test_a_split_read_ends_as_one_pass(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = troubles(lines_of(600, seed=1))
    quoted = person(random.Random(2), 900)
    quoted[5] = '"Jl. Merdeka, No. 9"'  # quoted cells below the cut are fine
    path = write(tmp_path / "warga.csv", rows, [",".join(quoted)])
    assert plan_split(path, 1) is not None
    regions = tmp_path / "wilayah.csv"
    regions.write_text("kode,nama,tingkat\n19.71.01,Bukit Intan,kecamatan\n", encoding="utf-8")
    caplog.set_level("DEBUG", logger="bot.imports.residents")
    split = await outcome(db, path, split_bytes=1, regions=regions)
    assert ("read by a second process" in caplog.text) == isinstance(db, PgDatabase)
    await reset(db)
    single = await outcome(db, path, split_bytes=0, regions=regions)
    assert split == single
    counts = split[0]
    assert counts[4] == 6 and counts[5] == 4  # 4 bad rows and 2 repeats; 4 warnings
    assert b"NIK repeats row 7" in (split[4][0] or b"")


async def test_a_split_reimport_finds_a_line_on_file_in_both_parts(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = lines_of(40, seed=3)
    await outcome(db, write(tmp_path / "old.csv", old))
    new = lines_of(600, seed=4, first=1000)  # serials apart from the old ones
    rows = old[:20] + new + old[20:] + [old[3]]  # old[3]: the same line on file, twice
    changed = [list(r) for r in rows]
    changed[5][2] = "Nama Baru"  # a changed row, above the cut
    changed[-5][2] = "Nama Baru"  # and below it
    path = write(tmp_path / "warga.csv", changed)
    caplog.set_level("DEBUG", logger="bot.imports.residents")
    split = await outcome(db, path, split_bytes=1, now=LATER)
    assert ("read by a second process" in caplog.text) == isinstance(db, PgDatabase)
    await reset(db)
    await outcome(db, write(tmp_path / "old.csv", old))
    single = await outcome(db, path, split_bytes=0, now=LATER)
    assert split == single
    assert split[0][:5] == (641, 600, 2, 38, 1)  # rows, inserted, updated, unchanged, rejected
    assert f"NIK repeats row {3 + 2}".encode() in (split[4][0] or b"")


async def test_no_cut_above_a_quote(tmp_path: Path) -> None:
    rows = lines_of(50, seed=5)
    rows[3][2] = "Nama"
    path = write(tmp_path / "a.csv", rows)
    plan = plan_split(path, 1)
    assert plan is not None
    data = path.read_bytes()
    assert data[plan.offset - 1 : plan.offset] == b"\n"
    assert data[: plan.offset].count(b"\n") == plan.lines
    quoted = [list(r) for r in rows]
    quoted[3][2] = '"Nama, Lain"'
    assert plan_split(write(tmp_path / "b.csv", quoted), 1) is None
    lone_cr = tmp_path / "c.csv"
    lone_cr.write_bytes(data.replace(b"Warga 2,", b"Warga\r2,", 1))
    assert plan_split(lone_cr, 1) is None
    assert plan_split(path, len(data) + 1) is None  # small files are read once


async def test_a_bad_part_below_the_cut_fails_the_import_and_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "warga.csv", lines_of(300, seed=6))
    with path.open("ab") as f:
        f.write(b"\xff\xfe not utf-8\r\n")
    with pytest.raises(ImportFileError, match="not UTF-8"):
        await outcome(db, path, split_bytes=1)
    assert await db.fetchall("SELECT nik FROM residents") == []


async def test_a_killed_import_leaves_no_files_of_its_second_reader(
    database: Path | str, tmp_path: Path
) -> None:
    if not isinstance(database, str):
        pytest.skip("two readers on PostgreSQL only")
    path = write(tmp_path / "warga.csv", lines_of(9000, seed=7) * 6)  # 54,000 rows
    temp = tmp_path / "tmp"
    temp.mkdir()
    script = (
        "import asyncio, sys; from datetime import date; from pathlib import Path;"
        "from storage.db import Database; from bot.imports.residents import import_residents\n"
        "async def main():\n"
        "    db = await Database.open(sys.argv[1])\n"
        "    await import_residents(db, Path(sys.argv[2]), today=date(2026, 11, 28),"
        " actor='t', split_bytes=1)\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", script, database, str(path)], env=env)
    try:
        for _ in range(400):
            if list(temp.glob("jemput-split-*")) or child.poll() is not None:
                break
            time.sleep(0.02)
        assert list(temp.glob("jemput-split-*")), "the import did not start a second reader"
        child.kill()
    finally:
        child.wait()
    for _ in range(1500):  # the second reader sees its import gone and removes its files
        # (at its next batch: up to 30 s on a loaded machine, where it may still be starting)
        if not list(temp.glob("jemput-split-*")):
            break
        time.sleep(0.02)
    assert list(temp.glob("jemput-split-*")) == []


async def test_a_long_line_below_the_cut_is_named_by_its_number(
    db: Database, tmp_path: Path
) -> None:
    rows = lines_of(400, seed=8)
    plan = plan_split(write(tmp_path / "a.csv", rows), 1)
    assert plan is not None
    at = plan.lines  # the first line of the second part (0-based in rows: the header is line 1)
    rows[at - 1][2] = "x" * 2000  # over the line limit (100 × 15)
    path = write(tmp_path / "warga.csv", rows)
    limits = Limits(max_cell_chars=100, max_columns=15)
    with pytest.raises(ImportFileError) as single:
        await outcome(db, path, split_bytes=0, limits=limits)
    with pytest.raises(ImportFileError) as split:
        await outcome(db, path, split_bytes=1, limits=limits)
    assert str(split.value) == str(single.value)
    assert f"line {plan.lines + 1} " in str(split.value)


@pytest.mark.parametrize("sent", [b"", b"\x80\x05partial"])  # nothing, or half a task
def test_a_second_reader_whose_import_died_while_sending_removes_the_folder(
    tmp_path: Path, sent: bytes
) -> None:
    folder = tmp_path / "jemput-split-1-x"
    folder.mkdir()
    with pytest.raises(SystemExit) as stopped:
        helper_entry(io.BytesIO(f"{folder}\n".encode() + sent))
    assert stopped.value.code == 1
    assert not folder.exists()
