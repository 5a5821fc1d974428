"""The staff console in a real browser, through a real `jemput run` and the fake Bot API: log in
with the link the bot sent, schedule an order and see the requester's notice arrive, upload a
kit file and see the coverage change, a replayed link and a non-staff member refused. Takes the
screenshot of Ringkasan the README shows: with JEMPUT_SCREENSHOTS=1 it replaces
docs/konsol-ringkasan.png (commit it), otherwise it goes to the test's temporary folder so a
test run never changes a tracked file."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.app import build_app
from bot.cli.demo import seed_demo
from bot.core.capacity import Slot
from bot.core.clock import Clock
from bot.i18n import t
from bot.office.desk import Office
from bot.outreach.order_text import long_day, slot_text
from storage import teams
from storage.orders import Order
from tests.conftest import make_settings
from tests.console_support import LINK
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.server import free_port
from tests.order_support import ADMIN, STAFF_CHAT, add_team, saved_order

ROOT = Path(__file__).resolve().parents[2]
README_SCREENSHOT = ROOT / "docs" / "konsol-ringkasan.png"
TOKEN = "123:TEST"
STRANGER = 5555
REQUESTER = "2001"


@dataclass
class Running:
    """`jemput run` with its fake Bot API, and what the test set up."""

    api: FakeBotApi
    url: str
    order: Order
    day: date
    team_id: int
    budi_nik: str
    log: Path


async def _prepare(tmp_path: Path, port: int) -> tuple[Order, date, int, str]:
    """A demo city, the team Alpha, one order waiting, on the database `jemput run` opens."""
    settings = make_settings(tmp_path, admin_user_ids=[ADMIN], staff_chat_id=STAFF_CHAT)
    app = await build_app(settings, Clock())
    try:
        await seed_demo(app.db, app.clock.today(), app.clock.now())
        team_id = await add_team(app)
        await teams.add_staff(app.db, ADMIN, "Ani", "test", app.clock.now())
        cal = await Office(app.db, settings, app.clock).calendar()
        today = app.clock.today()
        days = [d for n in range(2, 20) if cal.has_slots(d := today + timedelta(days=n))][:2]
        order = await saved_order(app, REQUESTER, days=tuple(days))
        budi = await app.db.fetchone(
            "SELECT nik FROM residents WHERE nama = 'Budi Santoso' AND status = 'BELUM_REKAM'"
        )
        assert budi is not None
        return order, days[0], team_id, str(budi[0])
    finally:
        await app.close()


@pytest.fixture
async def running(tmp_path: Path, chromium: Path) -> AsyncIterator[Running]:
    api = await FakeBotApi(TOKEN).start()
    port = free_port()
    order, day, team_id, nik = await _prepare(tmp_path, port)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "CONSOLE_"))}
    env.update(
        DATABASE_PATH=str(tmp_path / "jemput.sqlite3"), TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api.url, TELEGRAM_POLL_TIMEOUT="1", PORT=str(port), HOST="127.0.0.1",
        ADMIN_USER_IDS=ADMIN, STAFF_CHAT_ID=STAFF_CHAT, PYTHONPATH=str(ROOT),
        CONSOLE_URL=f"http://127.0.0.1:{port}/konsol",
        CAMPAIGN_DEADLINE=(date.today() + timedelta(days=120)).isoformat(),
    )  # fmt: skip
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdout=out, stderr=out
        )
    try:
        await _wait_listening(port, proc, log)
        yield Running(api, f"http://127.0.0.1:{port}", order, day, team_id, nik, log)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 30)
        await api.stop()


async def _wait_listening(port: int, proc: asyncio.subprocess.Process, log: Path) -> None:
    for _ in range(300):
        if proc.returncode is not None:
            raise AssertionError(log.read_text()[-3000:])
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError("jemput run never listened: " + log.read_text()[-3000:])


async def _link_from_bot(api: FakeBotApi, user_id: int) -> str:
    """Send /konsol as `user_id` in a private chat; the link the bot answers with."""
    before = len(api.sent(user_id))
    api.push_message(user_id, "/konsol", user_id=user_id)
    sent = await api.wait_sent(before + 1, chat_id=user_id, timeout=30)
    found = LINK.search(sent[-1]["text"])
    assert found is not None, sent[-1]["text"]
    return found.group(0)


async def test_a_staff_member_works_the_console_in_a_browser(
    running: Running, chromium: Path, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    from tests.browser.conftest import ARGS

    api, order = running.api, running.order
    link = await _link_from_bot(api, int(ADMIN))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 1400})
            page = await context.new_page()
            await page.goto(link)
            async with page.expect_response(lambda r: r.url.endswith("/grafik.png")) as chart:
                await page.click("#login")
            assert (await chart.value).status == 200
            await page.wait_for_load_state("load")  # the chart is drawn
            assert await page.title() == f"{t('id', 'k_tab_ringkasan')} · Jemput Bola"
            shot = await page.screenshot(path=str(_screenshot_path(tmp_path)))
            assert shot.startswith(b"\x89PNG")
            recorded = _number(await page.inner_text("#recorded"))

            # Readable on a phone: no page wider than the screen (wide tables scroll inside).
            phone = await context.new_page()
            await phone.set_viewport_size({"width": 390, "height": 844})
            pages = ("/", "/pesanan", f"/pesanan/{order.id}", "/jadwal", "/tim", "/pengurus",
                     "/warga", "/impor", "/outbox", "/audit")  # fmt: skip
            for path in pages:
                await phone.goto(running.url + "/konsol" + path)
                width = await phone.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, (path, width)
            await phone.close()

            # Schedule the waiting order; the requester hears it from the bot.
            await page.click("a[href$='/pesanan']")
            await page.click(f"text={order.code}")
            await page.check(f"input[value='{running.day.isoformat()}|{running.team_id}']")
            await page.click("#schedule")
            assert await page.inner_text("#note") == t("id", "k_note_done")
            [notice] = await api.wait_sent(1, chat_id=REQUESTER, timeout=30)
            expected = t("id", "requester_scheduled", code=order.code,
                         date=long_day("id", running.day), slot=slot_text("id", Slot.PAGI),
                         team="Alpha")  # fmt: skip
            assert notice["text"] == expected

            # Upload the kit results: Budi is recorded, the coverage moves.
            kit = tmp_path / "kit.csv"
            yesterday = date.today() - timedelta(days=1)
            kit.write_text(
                f"nik,tanggal_rekam,kit,kode_kunjungan\n{running.budi_nik},{yesterday},KIT-01,\n"
            )
            await page.click("a[href$='/impor']")
            await page.set_input_files("input[name=berkas]", str(kit))
            await page.click("#upload-button")
            await page.wait_for_selector("#import-result")
            await page.click("a.active, header nav a >> nth=0")
            await page.wait_for_selector("#recorded")
            assert _number(await page.inner_text("#recorded")) == recorded + 1

            # The same link again, in a fresh browser: refused.
            other = await browser.new_page()
            replayed = await other.goto(link)
            assert replayed is not None and replayed.status == 403
            assert await other.inner_text("#message") == t("id", "k_link_bad")
            assert "/konsol/masuk" in other.url
            opened = await other.goto(running.url + "/konsol/pesanan")
            assert opened is not None and opened.status == 401
        finally:
            await browser.close()


async def test_a_non_staff_member_gets_no_link_and_no_console(
    running: Running, chromium: Path
) -> None:
    from playwright.async_api import async_playwright

    from tests.browser.conftest import ARGS

    api = running.api
    api.push_message(STRANGER, "/konsol", user_id=STRANGER)
    [answer] = await api.wait_sent(1, chat_id=STRANGER, timeout=30)
    assert answer["text"] == t("id", "console_refused") and "/konsol/masuk" not in answer["text"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            page = await browser.new_page()
            response = await page.goto(running.url + "/konsol/")
            assert response is not None and response.status == 401
            assert await page.inner_text("#message") == t("id", "k_login_needed")
            forged = await page.goto(running.url + "/konsol/masuk?t=" + "A" * 43)
            assert forged is not None and forged.status == 403
            assert await page.inner_text("#message") == t("id", "k_link_bad")
        finally:
            await browser.close()


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _screenshot_path(tmp_path: Path) -> Path:
    """Where the Ringkasan screenshot goes: the README's with JEMPUT_SCREENSHOTS=1."""
    if os.environ.get("JEMPUT_SCREENSHOTS") == "1":
        return README_SCREENSHOT
    return tmp_path / README_SCREENSHOT.name
