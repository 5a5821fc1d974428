"""Settings, migrations, status codes, texts and the console channel."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.console import ConsoleChannel
from bot.cli.demo import showcase_residents
from bot.core.clock import Clock
from bot.core.phone import normalize_phone, same_phone
from bot.core.status import Status, is_wajib_ktp, parse_status, seventeenth_birthday
from bot.errors import ConfigError, StorageError
from bot.i18n import MESSAGES, format_date, pick_language, status_text, t
from bot.settings import load_settings
from storage.db import Database
from storage.migrate import migration_files


def test_settings_parse_lists_and_reject_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", "111, 222,")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9999/")
    settings = load_settings(_env_file=None)
    assert settings.admin_user_ids == ["111", "222"]
    assert settings.telegram_api_url == "http://127.0.0.1:9999"
    assert settings.is_admin("222") and not settings.is_admin("333")
    monkeypatch.setenv("SEND_WINDOW_END", "25:00")
    with pytest.raises(ConfigError, match=r"^Invalid settings — SEND_WINDOW_END: Value error"):
        load_settings(_env_file=None)


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET")
    settings = load_settings(_env_file=None)
    assert "SECRET" not in repr(settings)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:SECRET"


async def test_every_migration_applies_to_an_empty_database(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "sub" / "new.sqlite3")
    try:
        rows = await db.fetchall("SELECT name FROM schema_migrations ORDER BY name")
        assert [r["name"] for r in rows] == [name for name, _ in migration_files()]
        mode = await db.fetchone("PRAGMA journal_mode")
        assert mode is not None and mode[0] == "wal"
        tables = {r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert {"residents", "chats", "chat_links", "inbox", "audit_log"} <= tables
    finally:
        await db.close()
    reopened = await Database.open(tmp_path / "sub" / "new.sqlite3")  # nothing left to apply
    await reopened.close()


def test_migration_is_applied_with_its_record(tmp_path: Path) -> None:
    from storage.migrate import apply_migrations

    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE audit_log (x)")  # clashes with 0001's last table
    with pytest.raises(StorageError, match=r"0001_init\.sql failed"):
        apply_migrations(conn)
    assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone() == (0,)
    created = conn.execute("SELECT count(*) FROM sqlite_master WHERE name='residents'")
    assert created.fetchone() == (0,)  # the statements before the clash were rolled back


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("", Status.BELUM_REKAM),
        ("unregistered", Status.BELUM_REKAM),
        ("bio_captured", Status.SUDAH_REKAM),
        ("SFE", Status.SUDAH_REKAM),
        ("Print_Ready_Record", Status.PRR),
        ("prr", Status.PRR),
        ("CARD_PRINTED", Status.DICETAK),
        ("delivered", Status.DIAMBIL),
        ("dup", Status.DUPLIKAT),
        ("EFAC", Status.REKAM_ULANG),
        ("search_failure_at_central", Status.REKAM_ULANG),
        ("rekam_ulang", Status.REKAM_ULANG),
    ],
)
def test_status_source_codes(code: str, status: Status) -> None:
    assert parse_status(code) is status


def test_unknown_status_code() -> None:
    with pytest.raises(ValueError, match="unknown status code 'LOST'"):
        parse_status("LOST")


def test_wajib_ktp_rules() -> None:
    today = date(2026, 11, 28)
    assert is_wajib_ktp(date(2009, 11, 28), married=False, today=today)
    assert not is_wajib_ktp(date(2009, 11, 29), married=False, today=today)
    assert is_wajib_ktp(date(2010, 1, 1), married=True, today=today)
    assert seventeenth_birthday(date(2008, 2, 29)) == date(2025, 3, 1)


def test_every_text_exists_in_both_languages() -> None:
    assert all(set(entry) == {"id", "en"} for entry in MESSAGES.values())
    for status in Status:
        for part in ("label", "meaning", "next"):
            assert status_text("id", status.value, part) != status_text("en", status.value, part)


def test_language_and_dates() -> None:
    assert pick_language("en-US", "id") == "en"
    assert pick_language("jv", "id") == "id"
    assert pick_language(None, "en") == "en"
    assert format_date("id", date(2027, 8, 17)) == "17 Agustus 2027"
    assert format_date("en", date(2027, 8, 17)) == "17 August 2027"


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("81234567890", "6281234567890"),
        ("12", ""),
        ("", ""),
    ],
)
def test_phone_normalisation(raw: str, normal: str) -> None:
    assert normalize_phone(raw) == normal


def test_same_phone_needs_real_numbers() -> None:
    assert same_phone("081234567890", "+6281234567890")
    assert not same_phone("", "")


async def test_console_channel_numbers_pick_buttons(app: App) -> None:
    out: list[str] = []
    console = ConsoleChannel(app.conversation, stdin=io.StringIO(), write=out.append)
    await console.say("/start")
    assert "[1] Cek status e-KTP" in out[0]
    await console.say("3")  # "Bahasa / Language"
    assert "Pilih bahasa" in out[-2]
    await console.say("2")  # English
    assert out[-2].startswith("Language switched to English.")


def test_cli_without_token_says_one_clear_line(tmp_path: Path) -> None:
    env = {"PATH": "", "HOME": str(tmp_path), "DATABASE_PATH": str(tmp_path / "x.sqlite3")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"jemput: {t('id', 'cli_nothing_to_run')}"]


def test_demo_runs_a_scripted_chat(tmp_path: Path) -> None:
    prr = next(r for r in showcase_residents(Clock().today()) if r.status is Status.PRR)
    script = f"/status\n{prr.nik}\n{prr.no_kk}\nkeluar\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--db", str(tmp_path / "demo.sqlite3")],
        cwd=tmp_path,
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert f"{prr.nik}  KK {prr.no_kk}  ({prr.nama}, PRR)" in done.stdout
    assert "Status: Siap cetak (PRR)" in done.stdout


def test_holidays_file(tmp_path: Path) -> None:
    from bot.core.calendar import is_working_day, load_holidays

    path = tmp_path / "libur.txt"
    path.write_text("# libur nasional\n2026-12-25  # Natal\n\n2026-12-31\n", encoding="utf-8")
    holidays = load_holidays(path)
    assert holidays == frozenset({date(2026, 12, 25), date(2026, 12, 31)})
    assert not is_working_day(date(2026, 12, 25), holidays)
    assert not is_working_day(date(2026, 11, 29), holidays)  # Sunday
    assert is_working_day(date(2026, 11, 30), holidays)
    path.write_text("25-12-2026\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1: not a date"):
        load_holidays(path)
