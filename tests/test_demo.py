"""`jemput demo` walks the whole product through stdin of a real subprocess: a resident checks
a status with their own number, an official registers and orders, staff approve and schedule
in the staff group, and the D-1 reminders arrive — every message where it would arrive."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from bot.cli.demo import showcase_residents
from bot.core.calendar import is_working_day
from bot.core.capacity import Slot
from bot.core.clock import Clock
from bot.core.orders import Role
from bot.i18n import status_text, t
from bot.office.officials import area_text
from bot.outreach.order_text import long_day, slot_text
from storage.officials import Official

ADDRESS = "Balai Warga RT 001, Jl. Melati No. 5"


def first_bookable(today: date) -> date:
    """The first day the calendar offers (ORDER_LEAD_DAYS 3; no holidays file in the demo)."""
    day = today + timedelta(days=3)
    while not is_working_day(day, frozenset()):
        day += timedelta(days=1)
    return day


def run(tmp_path: Path, lines: list[str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--db", str(tmp_path / "demo.sqlite3")],
        cwd=tmp_path, input="\n".join(lines) + "\n", capture_output=True, text=True,
        timeout=120, check=False, env={"PATH": "", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def after(out: str, tag: str, text: str) -> bool:
    """`text` arrived as a message tagged with the chat it reached."""
    return f"📨 [{tag}]\n{text}" in out


def test_the_demo_walks_from_resident_to_reminder(tmp_path: Path) -> None:
    today = Clock().today()  # the demo's day, in Asia/Jakarta (after 17:00 UTC, tomorrow)
    budi = showcase_residents(today)[0]  # Bacang, RT 001 / RW 002; the warga's phone is his
    out = run(tmp_path, [
        "/status", budi.nik, "/kontak",
        "/sebagai pengurus", "/pengurus", "1", "1", "3",  # Ketua RT, Bukit Intan, Bacang
        "2", "1",  # RW 2, RT 1: plain numbers, not the kelurahan buttons 2 and 1
        "Rahman Hakim", "/kontak",
        "/sebagai staf", "1",  # Setujui, under the registration in the staff group
        "/sebagai pengurus", "/pesan", "1", ADDRESS, "1", "1", "12", "1", "40", "/kontak", "1",
        "/sebagai staf", "1", "1", "1",  # Jadwalkan, the first day, the team
        "/pengingat", "keluar",
    ])  # fmt: skip
    assert f"Status: {status_text('id', 'BELUM_REKAM', 'label')}" in out

    official = Official(channel="console", chat_id="pengurus", role=Role.RT,
                        kecamatan="Bukit Intan", kelurahan="Bacang", area_kode="1971011006",
                        rw="002", rt="001", nama="Rahman Hakim", phone="6281234567890")  # fmt: skip
    area = area_text("id", official)
    assert t("id", "official_registered", area=area) in out
    new_official = t("id", "staff_new_official", name="Rahman Hakim", area=area,
                     phone="6281234567890")  # fmt: skip
    assert after(out, "Grup staf", new_official)
    assert after(out, "Pengurus", t("id", "official_approved", area=area))

    code = f"JB-{today.year}-0001"
    assert t("id", "order_saved", code=code) in out
    assert after(out, "Grup staf", t("id", "staff_new_order", code=code))
    day = first_bookable(today)
    when = {"date": long_day("id", day), "slot": slot_text("id", Slot.PAGI)}
    scheduled = t("id", "requester_scheduled", code=code, team="Tim Melati", **when)
    assert after(out, "Pengurus", scheduled)

    tomorrow = t("id", "when_tomorrow")
    reminder = t("id", "reminder_requester", when=tomorrow, code=code, address=ADDRESS, **when)
    assert after(out, "Pengurus", reminder)
    resident = t("id", "reminder_resident", when=tomorrow, address=ADDRESS, name="Budi", **when)
    assert after(out, "Warga", resident)
    assert "Traceback" not in out


def test_numbers_press_only_the_latest_question_of_each_chat(tmp_path: Path) -> None:
    out = run(tmp_path, [
        "/sebagai pengurus", "/pengurus", "1", "1",  # the kelurahan list: the latest question
        "/sebagai warga", "1",  # the warga's latest question is the /start menu: Cek status
        "/sebagai pengurus", "3",  # the pengurus' list is still theirs: Bacang
        "3",  # "Nomor RW berapa?" has no buttons: 3 is RW 003, not Bacang again
        "keluar",
    ])  # fmt: skip
    warga, pengurus = out.split("— Warga —")[1].split("— Pengurus —")
    assert t("id", "ask_nik") in warga
    assert pengurus.count(t("id", "ask_rw")) == 1 and t("id", "ask_rt") in pengurus
