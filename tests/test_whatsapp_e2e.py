"""WhatsApp end to end: signed webhooks → inbox → conversation → the fake Graph API over HTTP."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import build_outreach
from bot.channels.whatsapp_templates import OPEN_PAYLOAD
from bot.core.calendar import SendWindow
from bot.core.orders import Role
from bot.core.ports import NoPacer
from bot.outreach.dispatcher import Dispatcher
from storage import chats, officials, orders
from storage.officials import Official
from storage.residents import Resident
from tests.conftest import FrozenClock
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.server import free_port
from tests.fakes.whatsapp_webhooks import (
    APP_SECRET,
    PNID,
    TOKEN,
    USER_ID,
    WA_ID,
    WhatsAppHarness,
    body_text,
    button_reply_body,
    list_reply_body,
    message_body,
    quick_reply_body,
    sign,
    status_body,
    text_body,
)
from tests.order_support import add_team

pytestmark = pytest.mark.engines

SIG = "x-hub-signature-256"


@pytest.fixture
async def wa(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[WhatsAppHarness]:
    async with WhatsAppHarness(
        tmp_path, clock, staff_chat_id="-1001", whatsapp_user_interval_s=0.05
    ) as harness:
        yield harness


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(body_text(m) for m in messages)


async def press(wa: WhatsAppHarness, wamid: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    before = len(wa.graph.sent)
    assert (await wa.post(body)).status_code == 200
    await wa.channel.drain()
    return wa.graph.sent[before:]


async def test_resident_checks_status_with_nik_and_kk(
    wa: WhatsAppHarness, residents: dict[str, Resident]
) -> None:
    prr = residents["PRR"]
    [ask] = await wa.say("wamid.1", "/status")
    assert ask["to"] == WA_ID and ask["type"] == "interactive"
    assert "NIK" in body_text(ask)
    [ask_kk] = await wa.say("wamid.2", prr.nik)  # the sender's number is not the resident's
    assert "Kartu Keluarga" in body_text(ask_kk)
    buttons = ask_kk["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["cancel"]  # no share-contact on WhatsApp
    answer = texts(await wa.say("wamid.3", prr.no_kk))
    assert "Siap cetak (PRR)" in answer
    assert prr.nik not in answer  # masked
    chat = await chats.get_chat(wa.app.db, "whatsapp", USER_ID)
    assert chat is not None and chat.phone == WA_ID


async def test_own_number_skips_the_kk(wa: WhatsAppHarness, residents: dict[str, Resident]) -> None:
    resident = residents["DUPLIKAT"]
    await wa.say("wamid.1", "/status", wa_id=resident.no_hp)
    answer = texts(await wa.say("wamid.2", resident.nik, wa_id=resident.no_hp))
    assert "Rekam ganda (DUP)" in answer
    assert "Kartu Keluarga" not in answer


async def test_username_user_without_phone_is_answered_by_user_id(wa: WhatsAppHarness) -> None:
    [reply] = await wa.say("wamid.1", "/bantuan", wa_id=None)
    assert reply["recipient"] == USER_ID and "to" not in reply
    # the phone shows up later: same chat, now addressed by number
    [reply] = await wa.say("wamid.2", "/status")
    assert reply["to"] == WA_ID
    rows = await wa.app.db.fetchall("SELECT chat_id FROM chats WHERE channel = 'whatsapp'")
    assert [r["chat_id"] for r in rows] == [USER_ID]


async def test_button_reply_reaches_the_handlers(
    wa: WhatsAppHarness, residents: dict[str, Resident]
) -> None:
    await wa.say("wamid.1", "/status")
    cancelled = await press(wa, "wamid.2", button_reply_body("wamid.2", "cancel", "Batal"))
    assert cancelled and "NIK" not in texts(cancelled)
    chat = await chats.get_chat(wa.app.db, "whatsapp", USER_ID)
    assert chat is not None and chat.state == ""


async def official(wa: WhatsAppHarness) -> None:
    draft = Official(
        channel="whatsapp", chat_id=USER_ID, user_id=USER_ID, role=Role.RT,
        kecamatan="Bukit Intan", kelurahan="Bacang", area_kode="1971011006",
        rw="002", rt="001", nama="Pak Rahman", phone=WA_ID,
    )  # fmt: skip
    saved = await officials.save_registration(wa.app.db, draft, wa.clock.now())
    assert await officials.decide(wa.app.db, saved.id, True, "test", wa.clock.now())


async def test_official_orders_with_list_button_and_numbered_replies(wa: WhatsAppHarness) -> None:
    await add_team(wa.app)
    await wa.say("wamid.0", "halo")  # the chat exists before the official is approved
    await official(wa)
    [kinds] = await wa.say("wamid.1", "/pesan")
    assert kinds["interactive"]["type"] == "list"  # 5 choices: a list
    await press(wa, "wamid.2", list_reply_body("wamid.2", "ord:k:KOLEKTIF", "Rekam kolektif"))
    [pin] = await wa.say("wamid.3", "Balai Warga RT 001, Jl. Melati No. 5")
    assert pin["interactive"]["type"] == "button"
    location = {"type": "location", "location": {"latitude": -2.13, "longitude": 106.11}}
    [calendar] = await press(wa, "wamid.4", message_body("wamid.4", location))
    assert calendar["type"] == "text" and "1. Sel 01/12" in body_text(calendar)  # > 10: numbers
    assert "Terpilih: 1" in texts(await wa.say("wamid.5", "1"))
    [page] = await wa.say("wamid.6", "3")
    assert "Terpilih: 2" in body_text(page) and "12. Lanjut" in body_text(page)
    [slot] = await wa.say("wamid.7", "12")
    assert slot["type"] == "interactive"
    pagi = slot["interactive"]["action"]
    ids = [b["reply"]["id"] for b in pagi["buttons"]] if "buttons" in pagi else []
    assert "ord:s:PAGI" in ids
    await press(wa, "wamid.8", button_reply_body("wamid.8", "ord:s:PAGI", "Pagi"))
    await wa.say("wamid.9", "40")
    [summary] = await wa.say("wamid.10", "0812-3456-7890")
    assert "Perkiraan peserta: 40 orang" in body_text(summary)
    confirm = next(b["reply"]["id"] for b in summary["interactive"]["action"]["buttons"])
    done = texts(await press(wa, "wamid.11", button_reply_body("wamid.11", confirm)))
    assert "JB-2026-" in done
    [saved] = await orders.orders_of_chat(wa.app.db, "whatsapp", USER_ID)
    assert saved.participants == 40
    staff = await wa.app.db.fetchall("SELECT channel, chat_id FROM outbox WHERE kind = 'staff'")
    assert [(r["channel"], r["chat_id"]) for r in staff] == [("telegram", "-1001")]


async def run_dispatcher(wa: WhatsAppHarness, until_sent: int) -> None:
    window = SendWindow.from_settings(wa.app.settings)
    dispatcher = Dispatcher(wa.app.db, wa.channel, NoPacer(), wa.clock, window, poll_s=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop))
    try:
        await wa.graph.wait_sent(until_sent)
    finally:
        stop.set()
        await task


async def test_summons_outside_the_window_goes_as_template_then_in_full(
    wa: WhatsAppHarness, residents: dict[str, Resident]
) -> None:
    person = residents["BELUM_REKAM"]
    await wa.say("wamid.1", f"/status {person.nik} {person.no_kk}")  # linked
    wa.clock.travel(timedelta(days=2))  # Monday 10:00 WIB: the 24-hour window has closed
    assert (await build_outreach(wa.app).summons()).counts["summons"] == 1
    before = len(wa.graph.sent)
    await run_dispatcher(wa, before + 1)
    [template] = wa.graph.sent[before:]
    assert template["type"] == "template"
    assert template["template"]["name"] == "jb_panggilan_rekam"
    assert template["template"]["language"] == {"code": "id"}
    row = await wa.app.db.fetchone("SELECT state, message_id FROM outbox WHERE kind = 'summons'")
    assert row is not None and row["state"] == "sent" and row["message_id"].startswith("wamid.")
    full = await press(wa, "wamid.2", quick_reply_body("wamid.2", OPEN_PAYLOAD))
    assert [m["type"] for m in full] in (["text"], ["interactive"])  # the summons itself
    assert "e-KTP" in body_text(full[0]) and "Baca pesan" not in body_text(full[0])


async def test_summons_inside_the_window_goes_as_a_normal_message(
    wa: WhatsAppHarness, residents: dict[str, Resident]
) -> None:
    person = residents["BELUM_REKAM"]
    await wa.say("wamid.1", f"/status {person.nik} {person.no_kk}")
    assert (await build_outreach(wa.app).summons()).counts["summons"] == 1
    before = len(wa.graph.sent)
    await run_dispatcher(wa, before + 1)
    [summons] = wa.graph.sent[before:]
    assert summons["type"] in ("text", "interactive") and "e-KTP" in body_text(summons)


async def test_re_engagement_error_on_send_falls_back_to_template(wa: WhatsAppHarness) -> None:
    await wa.say("wamid.1", "halo")
    wa.graph.fail_next(131047)
    [template] = await wa.say("wamid.2", "/bantuan")
    assert template["type"] == "template"
    held = await press(wa, "wamid.3", quick_reply_body("wamid.3", OPEN_PAYLOAD))
    assert wa.app.settings.office_address in texts(held)  # the /bantuan answer, in full
    assert await press(wa, "wamid.4", quick_reply_body("wamid.4", OPEN_PAYLOAD)) == []


async def test_failed_status_131047_resends_as_template(wa: WhatsAppHarness) -> None:
    await wa.say("wamid.1", "/bantuan")
    row = await wa.app.db.fetchone("SELECT wamid FROM wa_sent ORDER BY sent_at DESC LIMIT 1")
    assert row is not None
    before = len(wa.graph.sent)
    await press(wa, "wamid.s", status_body(row["wamid"], "failed", 131047))
    [template] = wa.graph.sent[before:]
    assert template["type"] == "template" and template["template"]["name"] == "jb_pemberitahuan"


async def test_undeliverable_status_marks_the_chat_unreachable(wa: WhatsAppHarness) -> None:
    await wa.say("wamid.1", "/bantuan")
    row = await wa.app.db.fetchone("SELECT wamid FROM wa_sent LIMIT 1")
    assert row is not None
    await press(wa, "wamid.s", status_body(row["wamid"], "failed", 131026))
    chat = await chats.get_chat(wa.app.db, "whatsapp", USER_ID)
    assert chat is not None and chat.unreachable


@pytest.mark.parametrize("code", [131056, 130429, 131000])
async def test_rate_limits_and_trouble_are_retried(wa: WhatsAppHarness, code: int) -> None:
    wa.graph.fail_next(code)
    [reply] = await wa.say("wamid.1", "/bantuan")
    assert reply["type"] in ("text", "interactive")
    assert [c for c, _ in wa.graph.rejected] == [code]


async def test_numbered_choice_answers_only_the_next_message(wa: WhatsAppHarness) -> None:
    from storage import whatsapp as store

    await wa.say("wamid.0", "halo")
    await store.set_choices(wa.app.db, USER_ID, ["status"], wa.clock.now())
    [ask] = await wa.say("wamid.1", "1")  # '1' → the 'status' button
    assert "NIK" in body_text(ask)
    assert await wa.app.db.fetchall("SELECT * FROM wa_choices") == []


@pytest.mark.parametrize("with_telegram", [False, True], ids=["whatsapp-only", "both"])
async def test_jemput_run_serves_webhooks_and_stops_cleanly(
    tmp_path: Path, with_telegram: bool
) -> None:
    """`jemput run` in a subprocess: uvicorn on loopback, signed posts, replies, SIGTERM → 0."""
    graph = await FakeGraphApi(token=TOKEN, phone_number_id=PNID).start()
    bot_api = await FakeBotApi("123:TEST").start()
    port = free_port()
    env = {
        "PATH": "", "HOME": str(tmp_path), "DATABASE_PATH": str(tmp_path / "run.sqlite3"),
        "WHATSAPP_ACCESS_TOKEN": TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PNID,
        "WHATSAPP_APP_SECRET": APP_SECRET, "WHATSAPP_API_URL": graph.url,
        "HOST": "127.0.0.1", "PORT": str(port),
    }  # fmt: skip
    if with_telegram:
        env |= {"TELEGRAM_BOT_TOKEN": "123:TEST", "TELEGRAM_API_URL": bot_api.url}
        env |= {"TELEGRAM_POLL_TIMEOUT": "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            health = await _wait_healthy(http)
            expected = {"worker": True, "whatsapp": True, "outreach": True}
            assert health["tasks"] == ({"telegram": True} | expected if with_telegram else expected)
            raw = json.dumps(text_body("wamid.run1", "/bantuan")).encode()
            forged = await http.post("/webhooks/whatsapp", content=raw, headers={SIG: "sha256=0"})
            assert forged.status_code == 403
            response = await http.post("/webhooks/whatsapp", content=raw, headers={SIG: sign(raw)})
            assert response.status_code == 200
            [reply] = await graph.wait_sent(1, timeout=10)
            assert reply["to"] == WA_ID
            if with_telegram:
                bot_api.push_message(77, "/bantuan")
                await bot_api.wait_sent(1, chat_id=77, timeout=10)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
        await graph.stop()
        await bot_api.stop()
    assert proc.returncode == 0, stderr.decode()[-2000:]
    assert "Traceback" not in stderr.decode()


async def _wait_healthy(http: httpx.AsyncClient) -> dict[str, Any]:
    for _ in range(200):
        try:
            response = await http.get("/healthz")
        except httpx.TransportError:
            await asyncio.sleep(0.05)
            continue
        if response.status_code == 200:
            return dict(response.json())
        await asyncio.sleep(0.05)
    raise AssertionError("jemput run never became healthy")


async def test_rate_limited_failed_status_is_sent_again_later(wa: WhatsAppHarness) -> None:
    await wa.say("wamid.1", "/bantuan")
    row = await wa.app.db.fetchone("SELECT wamid FROM wa_sent LIMIT 1")
    assert row is not None
    await press(wa, "wamid.s", status_body(row["wamid"], "failed", 131056))
    [retry] = await wa.app.db.fetchall(
        "SELECT chat_id, kind, dedupe_key, state, outreach FROM outbox WHERE channel = 'whatsapp'"
    )
    assert dict(retry) == {
        "chat_id": USER_ID,
        "kind": "notice",
        "dedupe_key": f"retry:{row['wamid']}",
        "state": "pending",
        "outreach": 0,
    }


async def test_undeliverable_reply_marks_the_chat_unreachable(wa: WhatsAppHarness) -> None:
    await wa.say("wamid.1", "halo")
    wa.graph.fail_next(131026)
    assert await wa.say("wamid.2", "/bantuan") == []
    chat = await chats.get_chat(wa.app.db, "whatsapp", USER_ID)
    assert chat is not None and chat.unreachable
    await wa.say("wamid.3", "/bantuan")  # writing again makes it reachable
    chat = await chats.get_chat(wa.app.db, "whatsapp", USER_ID)
    assert chat is not None and not chat.unreachable


async def test_document_is_uploaded_then_sent_with_its_caption(wa: WhatsAppHarness) -> None:
    from bot.core.messages import Document, Reply

    await wa.say("wamid.1", "halo")
    csv = Document(filename="belum_rekam.csv", mime_type="text/csv", content=b"nama,rt\nBudi,001\n")
    wamid = await wa.channel.send(USER_ID, Reply(text="Daftar warga belum rekam", document=csv))
    assert wamid is not None and wamid.startswith("wamid.")
    [upload] = wa.graph.uploads
    assert b"belum_rekam.csv" in upload and b"Budi,001" in upload
    sent = wa.graph.sent[-1]
    assert sent["type"] == "document"
    assert sent["document"]["filename"] == "belum_rekam.csv"
    assert sent["document"]["caption"] == "Daftar warga belum rekam"
    assert sent["document"]["id"].startswith("media.")


async def test_a_chart_is_one_image_with_the_figures_as_its_caption(wa: WhatsAppHarness) -> None:
    from bot.core.messages import Document, Reply

    await wa.say("wamid.1", "halo")
    before = len(wa.graph.sent)
    chart = Document(filename="laporan.png", mime_type="image/png", content=b"\x89PNG")
    await wa.channel.send(USER_ID, Reply(text="Terekam 7 dari 10", document=chart))
    [sent] = wa.graph.sent[before:]
    assert sent["type"] == "image" and sent["image"]["caption"] == "Terekam 7 dari 10"


def test_telegram_webhook_secret_must_be_what_telegram_accepts(tmp_path: Path) -> None:
    from bot.errors import ConfigError
    from bot.settings import load_settings

    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        load_settings(_env_file=None, telegram_webhook_secret="has spaces")


async def test_a_flooding_contact_gets_one_notice_and_the_others_their_answers(
    wa: WhatsAppHarness,
) -> None:
    from bot.channels.inbox_loop import SKIPPED
    from bot.i18n import t
    from tests.fakes.whatsapp_webhooks import body_text, text_body

    other = {"wa_id": "6281299990002", "user_id": "ID.2"}
    for n in range(13):
        assert (await wa.post(text_body(f"wamid.f{n}", "/bantuan"))).status_code == 200
    assert (await wa.post(text_body("wamid.o1", "/bantuan", **other))).status_code == 200
    await wa.channel.drain()
    mine = [body_text(m) for m in wa.graph.sent_to(WA_ID)]
    notice = t("id", "chat_slow_down", limit=10)
    assert mine.count(notice) == 1 and len(mine) == 11  # the notice and 10 answers
    assert len(wa.graph.sent_to(other["wa_id"])) == 1
    rows = await wa.app.db.fetchall("SELECT error FROM inbox WHERE channel = 'whatsapp'")
    assert [r["error"] for r in rows].count(SKIPPED) == 3
