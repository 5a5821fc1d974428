"""The CLI as an operator meets it: one data directory, private files, clean failures, holidays,
one language, --version/info."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.calendar import SendWindow, holiday_list, holidays_for
from bot.i18n import t
from bot.reports.page import write_report
from storage.db import Database
from storage.migrate import migration_files
from tests.conftest import make_settings

REGIONS = (
    "kode,nama,tingkat\n19.71,Kota Pangkal Pinang,kabupaten_kota\n19.71.06,Gabek,kecamatan\n"
    "19.71.06.1003,Gabek Satu,desa_kelurahan\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`jemput ARGS` in this process: (exit code, stderr); usage errors exit via SystemExit."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err.strip()


def jemput(
    cwd: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in a clean environment (no .env, umask 022 like a shell)."""
    values = {"PATH": "", "HOME": str(cwd), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=values, capture_output=True,
        text=True, timeout=timeout, check=False, preexec_fn=lambda: os.umask(0o022),
    )  # fmt: skip


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    yield tmp_path


def test_reading_commands_refuse_to_create_a_database(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = t("id", "cli_db_missing", path=here / "data" / "jemput.sqlite3")
    for args in (["audit"], ["report", "--out", "r"], ["outbox"], ["jobs"], ["team", "list"]):
        assert run(capsys, *args) == (2, f"jemput: {missing}"), args
    done = jemput(here, "schools")  # the same in a process of its own
    assert (done.returncode, done.stderr.strip()) == (2, f"jemput: {missing}")
    assert not (here / "data").exists()
    monkeypatch.setenv("DATABASE_PATH", "elsewhere.sqlite3")
    elsewhere = t("en", "cli_db_missing", path=here / "elsewhere.sqlite3")
    assert run(capsys, "audit", "--lang", "en") == (2, f"jemput: {elsewhere}")


def test_import_creates_a_private_database_and_reports_are_private(here: Path) -> None:
    (here / "wilayah.csv").write_text(REGIONS, encoding="utf-8")
    done = jemput(here, "import", "regions", "wilayah.csv")
    assert done.returncode == 0, done.stderr
    db = here / "data" / "jemput.sqlite3"
    assert mode(db) == 0o600 and mode(db.parent) == 0o700
    for suffix in ("-wal", "-shm"):
        side = Path(f"{db}{suffix}")
        assert not side.exists() or mode(side) == 0o600
    done = jemput(here, "report", "--out", "laporan")
    assert done.returncode == 0, done.stderr
    assert mode(here / "laporan") == 0o700
    assert {p.name: mode(p) for p in (here / "laporan").iterdir()} == {
        name: 0o600
        for name in (
            "laporan.html",
            "cakupan-kelurahan.csv",
            "cakupan-rw.csv",
            "belum-rekam-per-rt.csv",
            "pesanan-kunjungan.csv",
        )
    }
    backup = jemput(here, "backup", "copy.sqlite3")
    assert backup.returncode == 0 and mode(here / "copy.sqlite3") == 0o600


async def test_writers_are_private_whatever_the_umask(tmp_path: Path) -> None:
    from bot.app import build_app
    from bot.imports.residents import import_residents
    from tests.conftest import FrozenClock

    old = os.umask(0o022)
    app = await build_app(make_settings(tmp_path / "fresh"), FrozenClock())
    try:
        written = await write_report(app.db, app.settings, app.clock, tmp_path / "r", actor="t")
        data = tmp_path / "in" / "wajib.csv"
        data.parent.mkdir()
        header = "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,status_ektp"
        data.write_text(f"{header}\n123,456,X,2000-01-01,L,\n", encoding="utf-8")
        summary = await import_residents(app.db, data, today=app.clock.today(), actor="t")
        files = [app.db.path, *(Path(f"{app.db.path}{x}") for x in ("-wal", "-shm"))]
        assert [mode(p) for p in files] == [0o600] * 3  # SQLite gives WAL/SHM the file's mode
        assert mode(app.db.path.parent) == 0o700
    finally:
        os.umask(old)
        await app.close()
    assert written and all(mode(p) == 0o600 for p in written)
    assert summary.rejects_path is not None and mode(summary.rejects_path) == 0o600


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (lambda p: p.mkdir(), "cli_db_is_dir"),
        (lambda p: p.write_text("hello, I am a text file"), "cli_db_not_sqlite"),
    ],
    ids=["directory", "not-a-database"],
)
def test_a_bad_database_path_is_one_line(
    here: Path, make: object, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = here / "bad.sqlite3"
    make(target)  # type: ignore[operator]
    (here / "x.csv").write_text(REGIONS, encoding="utf-8")
    line = f"jemput: {t('id', key, path=target)}"
    for args in (["audit"], ["import", "regions", "x.csv"], ["info"]):
        assert run(capsys, *args, "--db", str(target)) == (2, line), args


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_database_is_one_line(here: Path) -> None:
    db = here / "ro.sqlite3"
    asyncio.run(_create(db))
    db.chmod(0o400)
    done = jemput(here, "audit", DATABASE_PATH=str(db))
    assert done.stderr.strip() == f"jemput: {t('id', 'cli_db_read_only', path=db)}"


async def _create(path: Path) -> None:
    await (await Database.open(path)).close()


def test_a_wrong_regions_file_exits_within_2_seconds(here: Path) -> None:
    asyncio.run(_create(here / "data" / "jemput.sqlite3"))
    started = time.monotonic()
    done = jemput(here, "audit", REGIONS_FILE=str(here / "nope.csv"), timeout=20)
    took = time.monotonic() - started
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "nope.csv" in done.stderr and "Traceback" not in done.stderr
    assert took < 2 + _python_start(here), took  # the interpreter's own start is not ours


def _python_start(cwd: Path) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], cwd=cwd, check=True)
    return time.monotonic() - started


def test_input_errors_are_one_line_in_the_cli_language(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_create(here / "data" / "jemput.sqlite3"))
    cases = [
        (["visit", "close", "JB-2026-0001", "--terekam", "-5"],
         t("id", "cli_negative", name="--terekam", value=-5)),
        (["team", "add", "Tim D", "--kits", "0"],
         t("id", "cli_at_least_one", name="--kits", value=0)),
        (["day", "close", "2020-01-02"], t("id", "cli_day_past", date="2020-01-02")),
        (["day", "close", "2-1-2030"], t("id", "cli_bad_date", value="2-1-2030")),
        (["visit", "close", "JB-2026-0404"], t("id", "cli_unknown_order", code="JB-2026-0404")),
        (["import", "residents", "missing.csv"],
         t("id", "cli_file_missing", path=here / "missing.csv")),
        (["schools", "--targets", "SMA X", "--out", "/proc/nope"],
         t("id", "cli_unknown_school", name="SMA X")),
    ]  # fmt: skip
    for args, line in cases:
        assert run(capsys, *args) == (2, f"jemput: {line}"), args
    zero = t("en", "cli_at_least_one", name="--kits", value=0)
    assert run(capsys, "--lang", "en", "team", "add", "Tim D", "--kits", "0") == (
        2,
        f"jemput: {zero}",
    )
    code, err = run(capsys, "jobs", "run", "nope")
    assert code == 2 and err.startswith("jemput: ") and len(err.splitlines()) == 1


def test_a_bug_logs_its_traceback_to_the_error_log_not_to_the_user(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_create(here / "data" / "jemput.sqlite3"))

    async def broken(*args: object) -> int:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("bot.cli.orders.cmd_audit", broken)
    assert main(["audit"]) == 1
    log = here / "data" / "errors.log"
    err = capsys.readouterr().err.strip()
    assert err == f"jemput: {t('id', 'cli_unexpected', error='RuntimeError', log=log)}"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: kaboom" in text and mode(log) == 0o600


def test_version_and_info_show_the_absolute_database(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--version", "--db", "x/../y.sqlite3"]) == 0
    assert f"database sqlite:{here / 'y.sqlite3'}" in capsys.readouterr().out
    assert main(["info", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"sqlite:{here / 'data' / 'jemput.sqlite3'}" in out
    assert t("en", "cli_info_absent") in out and not (here / "data").exists()
    asyncio.run(_create(here / "data" / "jemput.sqlite3"))
    assert main(["info"]) == 0
    assert migration_files()[-1][0] in capsys.readouterr().out  # the latest migration


def test_holidays_are_built_in_and_the_file_adds_and_removes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    christmas, cuti, eid = date(2026, 12, 25), date(2026, 12, 24), date(2026, 3, 21)
    plain = make_settings(tmp_path)
    assert christmas in holidays_for(plain) and date(2026, 1, 1) in holidays_for(plain)
    window = SendWindow.from_settings(plain)
    assert not window.is_sending_day(christmas)
    extra = tmp_path / "libur.txt"
    extra.write_text(
        "# cuti bersama\n2026-12-24 Cuti bersama Natal\n-2026-03-21  # moved\n", encoding="utf-8"
    )
    office = make_settings(tmp_path, holidays_file=extra)
    found = holidays_for(office)
    assert cuti in found and christmas in found and eid not in found
    listed = {h.day: h for h in holiday_list(office, 2026)}
    assert listed[cuti].source == "file" and listed[christmas].source == "nasional"
    assert make_settings(tmp_path, holidays_country="") and christmas not in holidays_for(
        make_settings(tmp_path, holidays_country="")
    )
    monkeypatch.setenv("HOLIDAYS_FILE", str(extra))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "none.sqlite3"))
    assert main(["holidays", "2026", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(t("en", "cli_holidays_title", year=2026, count=len(listed)))
    assert "2026-12-24  Thursday  Cuti bersama Natal  [HOLIDAYS_FILE]" in out


def test_a_database_that_cannot_be_created_is_one_line(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.access("/proc/1", os.W_OK):
        pytest.skip("/proc/1 is writable here")
    (here / "x.csv").write_text(REGIONS, encoding="utf-8")
    target = Path("/proc/1/jemput.sqlite3")
    line = t("id", "cli_db_folder_read_only", path=target, folder=Path("/proc/1"))
    assert run(capsys, "import", "regions", "x.csv", "--db", str(target)) == (2, f"jemput: {line}")
