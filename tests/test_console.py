"""The staff web console over HTTP (as `jemput run` serves it): login through the bot, sessions,
CSRF, access on every request, and the order pages calling the same office services as the chat."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import httpx
import pytest

from bot.app import App
from bot.core.messages import Verb, payload
from bot.core.orders import OrderStatus
from bot.core.tokens import token_hash
from bot.i18n import t
from bot.office.desk import Office
from bot.outreach.order_text import long_day, slot_text
from storage import audit, teams
from storage.residents import Resident
from tests.conftest import ChatDriver, FrozenClock
from tests.console_support import console_client, csrf_of, log_in, login_token
from tests.order_support import (
    ADMIN,
    STAFF2,
    STAFF_CHAT,
    TUE,
    order_status,
    outbox_rows,
    saved_order,
)

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

STRANGER = "5555"


async def test_konsol_gives_staff_a_single_use_link_stored_only_as_a_hash(team_office: App) -> None:
    text = await ChatDriver(team_office, ADMIN).say("/konsol")
    token = await login_token(team_office, ADMIN)
    assert len(token) >= 22 and "http://127.0.0.1:8080/konsol/masuk?t=" in text  # ≥ 128 bits
    rows = await team_office.db.fetchall("SELECT token_hash, user_id FROM console_links")
    assert len(rows) == 2 and all(r["user_id"] == ADMIN for r in rows)
    assert token_hash(token) in {r["token_hash"] for r in rows}
    assert all(token not in r["token_hash"] for r in rows)


async def test_konsol_refuses_non_staff_politely_and_in_groups(team_office: App) -> None:
    refused = await ChatDriver(team_office, STRANGER).say("/konsol")
    assert refused == t("id", "console_refused")
    group = ChatDriver(team_office, STAFF_CHAT)
    said = "\n".join(r.text for r in await group.send(text="/konsol", user_id=ADMIN, is_group=True))
    assert said == t("id", "console_private_only")
    assert await team_office.db.fetchall("SELECT * FROM console_links") == []


async def test_login_sets_a_strict_http_only_cookie_and_opens_ringkasan(team_office: App) -> None:
    async with console_client(team_office) as client:
        assert (await client.get("/konsol/")).status_code == 401
        done = await log_in(team_office, client, ADMIN)
        assert done.status_code == 303 and done.headers["location"] == "/konsol/"
        cookie = done.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/konsol" in cookie
        assert "secure" not in cookie  # plain http here; CONSOLE_URL https:// adds it
        assert "max-age" not in cookie and "expires" not in cookie  # ends with the browser
        page = await client.get("/konsol/")
        assert page.status_code == 200 and t("id", "k_tab_ringkasan") in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in page.headers["content-security-policy"]
        chart = await client.get("/konsol/grafik.png")
        assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
    [entry] = await audit.latest(team_office.db, action="console.login")
    assert entry.actor == f"console:{ADMIN}"


async def test_secure_cookie_behind_https(tmp_path, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    from tests.order_support import office_app

    app = await office_app(tmp_path, clock, console_url="https://jemput.example/konsol")
    try:
        async with console_client(app) as client:
            done = await log_in(app, client, ADMIN)
            assert "secure" in done.headers["set-cookie"].lower()
    finally:
        await app.close()


async def test_used_altered_and_expired_links_are_refused(
    team_office: App, clock: FrozenClock
) -> None:
    async with console_client(team_office) as client:
        token = await login_token(team_office, ADMIN)
        altered = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert (await client.post("/konsol/masuk", data={"t": altered})).status_code == 403
        assert (await client.post("/konsol/masuk", data={"t": token})).status_code == 303
        replay = await client.post("/konsol/masuk", data={"t": token})
        assert replay.status_code == 403 and t("id", "k_link_bad") in replay.text
        shown = await client.get(f"/konsol/masuk?t={token}")  # refused before any button
        assert shown.status_code == 403 and 'id="login"' not in shown.text
        assert (await client.get(f"/konsol/masuk?t={altered}")).status_code == 403
        late = await login_token(team_office, ADMIN)
        clock.travel(timedelta(minutes=10, seconds=1))
        assert (await client.post("/konsol/masuk", data={"t": late})).status_code == 403


async def test_removed_staff_lose_access_at_once_and_idle_sessions_end(
    team_office: App, clock: FrozenClock
) -> None:
    await teams.add_staff(team_office.db, STAFF2, "Sari", "test", clock.now())
    async with console_client(team_office) as client:
        await log_in(team_office, client, STAFF2)
        assert (await client.get("/konsol/pesanan")).status_code == 200
        await teams.remove_staff(team_office.db, STAFF2, "test", clock.now())
        refused = await client.get("/konsol/pesanan")
        assert refused.status_code == 403 and t("id", "k_not_staff") in refused.text
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        clock.travel(timedelta(hours=7, minutes=59))
        assert (await client.get("/konsol/")).status_code == 200  # seen: the idle time restarts
        clock.travel(timedelta(hours=8, seconds=1))
        assert (await client.get("/konsol/")).status_code == 401


async def test_logout_ends_the_session(team_office: App) -> None:
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        page = await client.get("/konsol/")
        assert (await client.post("/konsol/keluar", data={})).status_code == 403  # no CSRF
        out = await client.post("/konsol/keluar", data={"csrf": csrf_of(page)})
        assert out.status_code == 200 and t("id", "k_logged_out") in out.text
        assert (await client.get("/konsol/")).status_code == 401


async def test_schedule_from_the_console_tells_the_requester(team_office: App) -> None:
    order = await saved_order(team_office)
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        queue = await client.get("/konsol/pesanan")
        assert queue.status_code == 200 and order.code in queue.text
        detail = await client.get(f"/konsol/pesanan/{order.id}")
        assert detail.status_code == 200 and f'value="{TUE.isoformat()}|1"' in detail.text
        form = {"pilihan": f"{TUE.isoformat()}|1"}
        refused = await client.post(f"/konsol/pesanan/{order.id}/jadwal", data=form)
        assert refused.status_code == 403 and await order_status(team_office, order.id) == "BARU"
        form["csrf"] = csrf_of(detail)
        done = await client.post(f"/konsol/pesanan/{order.id}/jadwal", data=form)
        assert done.status_code == 303 and done.headers["location"].startswith("/konsol/pesanan")
        assert await order_status(team_office, order.id) == OrderStatus.DITERIMA.value
        again = await client.post(f"/konsol/pesanan/{order.id}/jadwal", data=form)
        assert "catatan=handled" in again.headers["location"]
    [entry] = await audit.latest(team_office.db, action="order.schedule")
    assert entry.actor == f"console:{ADMIN}"
    [told] = await outbox_rows(team_office, "2001")
    expected = t("id", "requester_scheduled", code=order.code, date=long_day("id", TUE),
                 slot=slot_text("id", order.slot), team="Alpha")  # fmt: skip
    assert told.reply.text == expected


async def test_reject_with_a_reason_tells_the_requester(team_office: App) -> None:
    order = await saved_order(team_office)
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        detail = await client.get(f"/konsol/pesanan/{order.id}")
        short = {"csrf": csrf_of(detail), "alasan": "lainnya", "teks": "x"}
        bad = await client.post(f"/konsol/pesanan/{order.id}/tolak", data=short)
        assert "catatan=invalid" in bad.headers["location"]
        form = {"csrf": csrf_of(detail), "alasan": "WILAYAH"}
        done = await client.post(f"/konsol/pesanan/{order.id}/tolak", data=form)
        assert done.status_code == 303
    assert await order_status(team_office, order.id) == OrderStatus.DITOLAK.value
    [told] = await outbox_rows(team_office, "2001")
    reason = t("id", "reject_WILAYAH")
    assert told.reply.text == t("id", "requester_rejected", code=order.code, reason=reason)


async def test_a_console_click_and_a_chat_press_at_once_have_one_winner(
    team_office: App, clock: FrozenClock
) -> None:
    await teams.add_staff(team_office.db, STAFF2, "Sari", "test", clock.now())
    order = await saved_order(team_office)
    group = ChatDriver(team_office, STAFF_CHAT)
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        detail = await client.get(f"/konsol/pesanan/{order.id}")
        form = {"csrf": csrf_of(detail), "pilihan": f"{TUE.isoformat()}|1"}
        press = payload(Verb.SCHEDULE_TEAM, order.id, f"{TUE:%Y%m%d}", 1)
        click, _ = await asyncio.gather(
            client.post(f"/konsol/pesanan/{order.id}/jadwal", data=form),
            group.send(payload=press, user_id=STAFF2, is_group=True),
        )
    entries = await audit.latest(team_office.db, action="order.schedule")
    visits = await team_office.db.fetchall("SELECT id FROM visits WHERE order_id = ?", [order.id])
    assert len(entries) == 1 and len(visits) == 1
    console_won = entries[0].actor == f"console:{ADMIN}"
    assert ("catatan=done" in click.headers["location"]) is console_won
    assert len(await outbox_rows(team_office, "2001")) == 1  # the requester is told once


async def test_login_form_without_a_token_is_refused(team_office: App) -> None:
    async with console_client(team_office) as client:
        assert (await client.get("/konsol/masuk")).status_code == 400
        assert (await client.post("/konsol/masuk", data={})).status_code == 403


async def test_pages_follow_the_staff_members_language(team_office: App) -> None:
    await ChatDriver(team_office, ADMIN).say("/bahasa en")
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        page = await client.get("/konsol/")
        assert t("en", "k_tab_ringkasan") in page.text and 'lang="en"' in page.text


async def test_ringkasan_shows_old_figures_once_while_counting_again(
    team_office: App, residents: dict[str, Resident]
) -> None:
    from bot.web.app import build_console

    office = Office(team_office.db, team_office.settings, team_office.clock)
    web = build_console(office, cache_s=0)  # every figure is stale at once
    console = web.state.console
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        token = await login_token(team_office, ADMIN)
        await client.post("/masuk", data={"t": token})
        first = _recorded(await client.get("/"))
        budi = residents["BELUM_REKAM"]
        async with team_office.db.write() as conn:
            await conn.execute(
                "UPDATE residents SET status = 'SUDAH_REKAM' WHERE nik = ?", [budi.nik]
            )
        stale = await client.get("/")  # answered at once from the cache; counting starts
        assert _recorded(stale) == first and console.counting is not None
        await console.counting
        assert _recorded(await client.get("/")) == first + 1
        png = await client.get("/grafik.png")
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def _recorded(page: httpx.Response) -> int:
    found = re.search(r'id="recorded">([\d.]+)<', page.text)
    assert found is not None
    return int(found.group(1).replace(".", ""))
