"""Import files are bounded before and while they are read (#14 item 2): zip bombs, huge CSV
lines, overlong cells, too many rows or columns are refused with one line (CLI exit 2, chats in
the user's language); listings carry clipped cells."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from bot.app import App
from bot.cli.main import main
from bot.core.messages import Document
from bot.errors import FileLimitError
from bot.i18n import t
from bot.imports.limits import Limits, clip
from bot.imports.recordings import import_recordings
from bot.imports.residents import import_residents
from bot.imports.tables import open_table
from tests.conftest import ChatDriver, FrozenClock
from tests.field_support import scalar, write_csv, write_xlsx
from tests.order_support import ADMIN, STAFF_CHAT

ROOT = Path(__file__).resolve().parents[1]
KIT_HEADER = ("nik", "tanggal_rekam", "kit")


def zip_bomb(path: Path, cell_mb: int = 300) -> Path:
    """A valid .xlsx (about 300 KB) whose sheet holds one `cell_mb` MB cell, written by
    streaming compressed chunks: the big cell never exists on disk or whole in memory."""
    plain = path.with_suffix(".plain.xlsx")
    write_xlsx(plain, [KIT_HEADER, ("1971010101900009", "2026-01-05", "KIT-1")])
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != sheet:
                out.writestr(item, src.read(item))
        with out.open(sheet, "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>nik</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>tanggal_rekam</t></is></c>'
                b'<c r="C1" t="inlineStr"><is><t>kit</t></is></c></row>'
                b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
            )
            block = b"A" * (1 << 20)
            for _ in range(cell_mb):
                f.write(block)
            f.write(b"</t></is></c></row></sheetData></worksheet>")
    plain.unlink()
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "rekam.xlsx")


#: Runs `python -m bot ARGS` and, at exit, writes its own peak RSS (VmHWM: this program's, not
#: the forking test process's) to the file named by JEMPUT_PEAK_FILE.
_WITH_PEAK = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as f:
        kb = next(line.split()[1] for line in f if line.startswith("VmHWM"))
    with open(os.environ["JEMPUT_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(_peak)
sys.argv = ["jemput", *sys.argv[1:]]
runpy.run_module("bot", run_name="__main__")
"""


def run_cli(*args: str, cwd: Path) -> tuple[int, str, str, float, int]:
    """A real `jemput` process: (exit code, stdout, stderr, seconds, its peak RSS in MB)."""
    peak_file = cwd / "peak.kb"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _WITH_PEAK, *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "JEMPUT_PEAK_FILE": str(peak_file)},
        timeout=120, check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
    peak_mb = int(peak_file.read_text()) // 1024
    return done.returncode, done.stdout, done.stderr, seconds, peak_mb


def test_the_bomb_is_small_and_valid(bomb: Path) -> None:
    assert bomb.stat().st_size < 1_000_000  # about 300 KB
    with zipfile.ZipFile(bomb) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 300 * 1024 * 1024
        assert z.testzip() is None


@pytest.mark.parametrize("kind", ["recordings", "residents"])
def test_a_zip_bomb_is_refused_fast_by_the_cli(bomb: Path, tmp_path: Path, kind: str) -> None:
    db = tmp_path / "jemput.sqlite3"
    code, out, err, seconds, peak = run_cli(
        "import", kind, str(bomb), "--db", str(db), cwd=tmp_path
    )
    assert code == 2 and out == ""
    assert peak < 200
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("jemput: rekam.xlsx: sebagian file .xlsx membesar")
    assert "Traceback" not in err
    assert seconds < 10
    assert not list(tmp_path.glob("*.rejects.csv"))


def test_the_refusal_speaks_english_when_asked(bomb: Path, tmp_path: Path) -> None:
    db = tmp_path / "jemput.sqlite3"
    code, _, err, _, _ = run_cli(
        "import", "recordings", str(bomb), "--db", str(db), "--lang", "en", cwd=tmp_path
    )
    assert code == 2
    assert err.startswith("jemput: rekam.xlsx: a part of the .xlsx unpacks")


async def test_a_zip_bomb_sent_by_staff_is_refused_in_one_line(office: App, bomb: Path) -> None:
    staff = ChatDriver(office, STAFF_CHAT)
    doc = Document(filename="rekam.xlsx", mime_type="application/vnd.ms-excel",
                   content=bomb.read_bytes())  # fmt: skip
    started = time.monotonic()
    replies = await staff.send(text="/impor", document=doc, user_id=ADMIN, is_group=True)
    assert time.monotonic() - started < 10
    assert len(replies) == 1
    text = replies[0].text
    assert text.startswith("File rekam.xlsx tidak dapat diimpor: sebagian file .xlsx membesar")
    assert "\n" not in text and await scalar(office, "SELECT count(*) FROM recordings") == 0
    refused = await scalar(
        office, "SELECT detail FROM audit_log WHERE action = 'import.recordings'"
    )
    assert "refused" in refused


def test_long_cells_under_the_ratio_are_refused_by_the_scan_or_the_rows(tmp_path: Path) -> None:
    # Incompressible enough to pass the ratio check, but one cell far over the limit: the scan
    # refuses it before openpyxl opens the file; a cell a little over it, the row check.
    import random

    rng = random.Random(1)
    letters = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(30_000))
    huge = write_xlsx(tmp_path / "huge.xlsx", [KIT_HEADER, ("1971010101900009", letters, "K")])
    with pytest.raises(FileLimitError) as caught, open_table(huge):
        pass
    assert caught.value.key == "import_limit_xlsx_cell"
    long = write_xlsx(tmp_path / "long.xlsx", [KIT_HEADER, ("1", letters[:1001], "K")])
    with pytest.raises(FileLimitError) as caught, open_table(long) as table:
        list(table.rows)
    assert caught.value.key == "import_limit_cell" and caught.value.values["row"] == 2
    # With a higher cell limit the same file opens, and the cell is read whole.
    with open_table(huge, limits=Limits(max_cell_chars=30_000)) as table:
        assert len(next(table.rows)[1]) == 30_000


def test_a_huge_csv_line_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "kit.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("nik,no_kk,nama,tanggal_lahir,jenis_kelamin,status_ektp\n1,2,A,2000-01-01,L,\n")
        f.write("1971010101900009,1971010101900009,")
        chunk = "x" * (1 << 20)
        for _ in range(30):  # 30 MB: over IMPORT_MAX_MB
            f.write(chunk)
        f.write("\n")
    code, out, err, seconds, peak = run_cli(
        "import", "residents", str(path), "--db", str(tmp_path / "j.sqlite3"), cwd=tmp_path
    )
    assert (code, out) == (2, "")
    assert err.strip() == ("jemput: kit.csv: baris 3 lebih dari 100100 karakter; periksa isi file.")
    assert seconds < 10 and peak < 200


def test_a_huge_header_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("nik," + "y" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(FileLimitError) as caught, open_table(path):
        pass
    assert caught.value.key == "import_limit_line" and caught.value.values["line"] == 1


def test_rows_columns_and_cells_are_capped(tmp_path: Path) -> None:
    limits = Limits(max_rows=3, max_columns=4, max_cell_chars=20)
    rows = write_csv(tmp_path / "rows.csv", "a,b", [f"{i},x" for i in range(4)])
    with pytest.raises(FileLimitError) as caught, open_table(rows, limits=limits) as table:
        list(table.rows)
    assert caught.value.key == "import_limit_rows"
    cols = write_csv(tmp_path / "cols.csv", "a,b", ["1,2", "1,2,,,x"])
    with pytest.raises(FileLimitError) as caught, open_table(cols, limits=limits) as table:
        list(table.rows)
    assert caught.value.key == "import_limit_columns" and caught.value.values["row"] == 3
    wide_but_empty = write_csv(tmp_path / "empty.csv", "a,b", ["1,2,,,,,"])
    with open_table(wide_but_empty, limits=limits) as table:
        assert list(table.rows) == [["1", "2", "", "", "", "", ""]]
    cell = write_csv(tmp_path / "cell.csv", "a,b", ["1,2", "1," + "z" * 21])
    with pytest.raises(FileLimitError) as caught, open_table(cell, limits=limits) as table:
        list(table.rows)
    assert caught.value.key == "import_limit_cell" and caught.value.values["row"] == 3
    # A quoted cell over many short lines is one cell: still capped.
    multi = tmp_path / "multi.csv"
    multi.write_text('a,b\n1,"' + "z\n" * 30 + '"\n', encoding="utf-8")
    with pytest.raises(FileLimitError), open_table(multi, limits=limits) as table:
        list(table.rows)


def test_quoted_cells_and_crlf_lines_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(b'a;b\r\n1;"two\r\nlines"\r\n3;4')
    with open_table(path) as table:
        assert table.header == ["a", "b"]
        assert list(table.rows) == [["1", "two\r\nlines"], ["3", "4"]]


async def test_listings_and_logs_carry_clipped_cells(
    app: App, tmp_path: Path, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    header = "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,status_ektp"
    name = "N" * 900  # under the cell limit, over what a listing keeps
    path = write_csv(tmp_path / "warga.csv", header, [f"123,456,{name},2000-01-01,L,"])
    summary = await import_residents(app.db, path, today=clock.today(), actor="test")
    assert summary.rejected == 1 and summary.rejects_path is not None
    listed = summary.rejects_path.read_text(encoding="utf-8-sig")
    assert name not in listed and clip(name) in listed
    assert all(len(m) < 400 for m in caplog.messages)


def test_cli_settings_raise_or_lower_the_bounds(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "kit.csv", ",".join(KIT_HEADER), ["1971010101900009,2026-01-05,K"])
    os.environ["IMPORT_MAX_CELL_CHARS"] = "16"
    try:
        code = main(["import", "recordings", str(path), "--db", str(tmp_path / "j.sqlite3")])
    finally:
        del os.environ["IMPORT_MAX_CELL_CHARS"]
    assert code == 0  # 16 characters is exactly a NIK: accepted
    os.environ["IMPORT_MAX_ROWS"] = "1"
    two = write_csv(tmp_path / "two.csv", ",".join(KIT_HEADER), ["a,b,c", "d,e,f"])
    try:
        code = main(["import", "recordings", str(two), "--db", str(tmp_path / "j.sqlite3")])
    finally:
        del os.environ["IMPORT_MAX_ROWS"]
    assert code == 2


async def test_the_same_bounds_hold_for_the_api(app: App, tmp_path: Path, bomb: Path) -> None:
    with pytest.raises(FileLimitError) as caught:
        await import_recordings(
            app.db, bomb, today=app.clock.today(), now=app.clock.now(), actor="t", max_mb=20
        )
    assert caught.value.key == "import_limit_ratio"
    assert t("en", caught.value.key, **caught.value.values).startswith("a part of the .xlsx")


def test_the_residents_splitter_reads_rows_as_csv_does(tmp_path: Path) -> None:
    from bot.imports.unchanged import KnownLines

    path = tmp_path / "warga.csv"
    path.write_bytes(
        b"nik;nama;alamat\r\n"
        b"1;Ani;Jl. Merdeka\r\n"
        b'2;"Budi; S.";"Gg. Melati\r\nNo. 5"\r\n'
        b"\r\n"
        b'3;"Citra ""C""";\r\n'
        b"4;Dedi;Jl. Mentok"
    )
    with open_table(path) as table:
        expected = list(table.rows)
    with open_table(path, known=KnownLines([])) as table:
        assert table.lines is not None
        got, numbers = [], []
        for cells in table.rows:
            got.append(cells)
            numbers.append(2 + table.lines.index)
    assert got == expected
    assert expected[1] == ["2", "Budi; S.", "Gg. Melati\r\nNo. 5"] and expected[2] == []
    assert numbers == [2, 3, 4, 5, 6]
    limits = Limits(max_rows=3)
    with (
        pytest.raises(FileLimitError) as caught,
        open_table(path, limits=limits, known=KnownLines([])) as table,
    ):
        list(table.rows)
    assert caught.value.key == "import_limit_rows"
