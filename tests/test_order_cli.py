"""`jemput team|day|visit|audit|poster`: the order commands on the real clock and a temp DB."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image

from bot.cli.main import main
from bot.core.capacity import Slot
from bot.core.orders import OrderKind
from bot.errors import ConfigError
from bot.i18n import t
from bot.reports.poster import deep_link, qr_image, start_payload
from bot.settings import load_settings
from storage import orders, visits
from storage.db import Database
from storage.orders import OrderDraft


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.setenv("BOT_USERNAME", "JemputBolaBot")
    asyncio.run(_create(tmp_path / "cli.sqlite3"))  # only run, demo and import create one
    return tmp_path


async def _create(path: Path) -> None:
    await (await Database.open(path)).close()


def test_team_commands_and_audit(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team", "add", "Tim Satu", "--kits", "2", "--vehicle", "Avanza"]) == 0
    added = t("id", "cli_team_added", name="Tim Satu", id=1, kits=2, per_kit=25, per_slot=50)
    assert capsys.readouterr().out.strip() == added
    assert main(["team", "add", "tim satu", "--kits", "1"]) == 2
    assert (
        capsys.readouterr().err.strip() == f"jemput: {t('id', 'cli_team_taken', name='tim satu')}"
    )
    assert main(["team", "list"]) == 0
    assert "Tim Satu\t2×25=50\tAvanza" in capsys.readouterr().out
    assert main(["team", "remove", "Tim Satu"]) == 0
    assert main(["day", "close", "2030-01-02", "--reason", "kit rusak"]) == 0
    capsys.readouterr()
    assert main(["audit", "--limit", "5"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[2] for line in out[:3]] == ["day.close", "team.remove", "team.add"]
    assert out[0].split("\t")[1].startswith("cli:")


def test_visit_close_from_the_cli(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team", "add", "Alpha", "--kits", "1"]) == 0
    today = date.today()

    async def prepare() -> None:
        db = await Database.open(env / "cli.sqlite3")
        draft = OrderDraft(
            kind=OrderKind.KOLEKTIF, channel="telegram", chat_id="1", address="Balai RT 1",
            dates=[today], slot=Slot.PAGI, participants=20, phone="6281200000001",
        )  # fmt: skip
        order = await orders.create_order(db, draft, datetime.now(UTC), today.year)
        await visits.schedule(
            db, order.id, 1, today, Slot.PAGI, ("1", "A"), "test", datetime.now(UTC)
        )
        await db.close()

    asyncio.run(prepare())
    code = f"JB-{today.year}-0001"
    assert main(["visit", "close", code, "--terekam", "18", "--tidak-hadir", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == t("id", "close_done", code=code)
    assert main(["visit", "close", code, "--terekam", "1"]) == 1


REGIONS = (
    "kode,nama,tingkat\n19,Kepulauan Bangka Belitung,provinsi\n"
    "19.71,Kota Pangkal Pinang,kabupaten_kota\n19.71.06,Gabek,kecamatan\n"
    "19.71.06.1003,Gabek Satu,desa_kelurahan\n19.72,Kota Lain,kabupaten_kota\n"
    "19.72.01,Lain,kecamatan\n19.72.01.1001,Desa Lain,desa_kelurahan\n"
)


def test_import_regions_loads_the_city_areas(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (env / "wilayah.csv").write_text(REGIONS, encoding="utf-8")
    assert main(["import", "regions", str(env / "wilayah.csv")]) == 0
    loaded = t("id", "cli_regions_loaded", count=2, city="19.71")
    assert capsys.readouterr().out.strip() == loaded
    assert main(["import", "regions", str(env / "missing.csv")]) == 2


def test_areas_load_from_regions_file_on_start(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "wilayah.csv").write_text(REGIONS, encoding="utf-8")
    monkeypatch.setenv("REGIONS_FILE", str(env / "wilayah.csv"))
    assert main(["poster", "--kelurahan", "Desa Lain"]) == 2  # another city: not loaded
    assert main(["poster", "--kelurahan", "gabek satu", "--out", str(env / "out")]) == 0
    assert "start=order-1971061003" in capsys.readouterr().out


def test_poster_png_and_pdf(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (env / "wilayah.csv").write_text(REGIONS, encoding="utf-8")
    assert main(["import", "regions", str(env / "wilayah.csv")]) == 0
    assert main(["poster", "--kelurahan", "gabek satu", "--out", str(env / "out")]) == 0
    assert "https://t.me/JemputBolaBot?start=order-1971061003" in capsys.readouterr().out
    png, pdf = env / "out" / "poster-gabek-satu.png", env / "out" / "poster-gabek-satu.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    with Image.open(png) as image:
        assert image.size == (1240, 1754)
    assert main(["poster", "--kelurahan", "Atlantis"]) == 2


def test_deep_link_rules() -> None:
    assert start_payload("1971011006") == "order-1971011006"
    with pytest.raises(ValueError):
        start_payload("19 71")
    assert deep_link("@JemputBolaBot", "order-1") == "https://t.me/JemputBolaBot?start=order-1"
    settings = load_settings(_env_file=None)
    with pytest.raises(ConfigError):
        deep_link(settings.bot_username, "order-1")
    image = qr_image("https://t.me/JemputBolaBot?start=order-1971011006", 4)
    assert image.width == image.height and image.getpixel((0, 0)) == 255
    assert image.getpixel((4 * 4, 4 * 4)) == 0  # the finder pattern's corner after the quiet zone
