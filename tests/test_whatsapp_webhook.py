"""The WhatsApp webhook: verification, signatures, the durable inbox, dedupe, real samples."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.webserver import WebDeps, build_web_app, signature_ok
from bot.errors import ConfigError
from storage import inbox
from tests.conftest import SHARED_DATA, FrozenClock, make_settings
from tests.fakes.whatsapp_webhooks import (
    PNID,
    VERIFY_TOKEN,
    WA_ID,
    WhatsAppHarness,
    body_text,
    sign,
    status_body,
    text_body,
)

SAMPLES = SHARED_DATA / "whatsapp-updates"


@pytest.fixture
async def wa(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[WhatsAppHarness]:
    async with WhatsAppHarness(tmp_path, clock) as harness:
        yield harness


async def inbox_rows(wa: WhatsAppHarness) -> list[dict[str, Any]]:
    rows = await wa.app.db.fetchall("SELECT * FROM inbox WHERE channel = 'whatsapp'")
    return [dict(r) for r in rows]


async def test_verification_echoes_the_challenge_only_for_the_right_token(
    wa: WhatsAppHarness,
) -> None:
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": ""}
    ok = await wa.http.get(
        "/webhooks/whatsapp", params={**params, "hub.verify_token": VERIFY_TOKEN}
    )
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = await wa.http.get("/webhooks/whatsapp", params={**params, "hub.verify_token": "nope"})
    assert wrong.status_code == 403
    missing = await wa.http.get("/webhooks/whatsapp")
    assert missing.status_code == 403


async def test_missing_signature_is_401_and_nothing_stored(wa: WhatsAppHarness) -> None:
    response = await wa.post(text_body("wamid.A", "halo"), signature=None)
    assert response.status_code == 401
    assert await inbox_rows(wa) == []


async def test_forged_signature_is_403_and_nothing_stored(wa: WhatsAppHarness) -> None:
    raw = json.dumps(text_body("wamid.A", "halo")).encode()
    forged = sign(raw, secret="not-the-app-secret")
    assert (await wa.post(raw, signature=forged)).status_code == 403
    tampered = raw.replace(b"halo", b"hola")
    assert (await wa.post(tampered, signature=sign(raw))).status_code == 403
    assert (await wa.post(raw, signature="sha256=")).status_code == 403
    assert await inbox_rows(wa) == []
    assert wa.graph.sent == []


def test_signature_is_over_the_raw_bytes() -> None:
    raw = b'{"a": 1,  "b":2}'  # not how json.dumps would write it
    assert signature_ok(b"s", raw, sign(raw, "s"))
    assert not signature_ok(b"s", json.dumps(json.loads(raw)).encode(), sign(raw, "s"))


async def test_signed_message_is_stored_before_the_200_and_handled_later(
    wa: WhatsAppHarness,
) -> None:
    response = await wa.post(text_body("wamid.A", "/start"))
    assert response.status_code == 200
    [row] = await inbox_rows(wa)
    assert (row["update_id"], row["processed_at"]) == ("wamid.A", None)
    assert wa.graph.sent == []  # answered before handling
    await wa.channel.drain()
    [row] = await inbox_rows(wa)
    assert row["processed_at"] is not None and row["error"] == ""
    assert wa.graph.sent_to(WA_ID)


async def test_not_json_is_400(wa: WhatsAppHarness) -> None:
    assert (await wa.post(b"not json")).status_code == 400


async def test_other_phone_number_ids_are_ignored(wa: WhatsAppHarness) -> None:
    body = text_body("wamid.A", "halo")
    body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert (await wa.post(body)).status_code == 200
    assert await inbox_rows(wa) == []


async def test_same_wamid_twice_is_handled_once(wa: WhatsAppHarness) -> None:
    body = text_body("wamid.DUP", "/start")
    assert (await wa.post(body)).status_code == 200
    assert (await wa.post(body)).status_code == 200
    await wa.channel.drain()
    first = len(wa.graph.sent)
    assert first >= 1
    assert (await wa.post(body)).status_code == 200  # Meta retries an hour later
    await wa.channel.drain()
    assert len(wa.graph.sent) == first
    assert len(await inbox_rows(wa)) == 1


async def test_same_wamid_after_a_restart_is_handled_once(wa: WhatsAppHarness) -> None:
    body = text_body("wamid.R", "/start")
    assert (await wa.post(body)).status_code == 200
    await wa.close()  # crash before handling: the row is pending in the inbox
    await wa.open()
    assert (await wa.post(body)).status_code == 200  # Meta retries: stored once
    await wa.channel.drain()
    sent = len(wa.graph.sent)
    assert sent >= 1
    await wa.close()
    await wa.open()
    assert (await wa.post(body)).status_code == 200
    await wa.channel.drain()
    assert len(wa.graph.sent) == sent


async def test_run_loop_handles_what_a_crash_left(wa: WhatsAppHarness) -> None:
    import asyncio

    assert (await wa.post(text_body("wamid.L", "/start"))).status_code == 200
    stop = asyncio.Event()
    runner = asyncio.create_task(wa.channel.run(stop))
    await wa.graph.wait_sent(1)
    assert (await wa.post(text_body("wamid.M", "/bantuan"))).status_code == 200
    await wa.graph.wait_sent(2)
    stop.set()
    await runner
    await wa.open()  # run() closed the channel's client; reopen for the fixture's teardown


async def test_statuses_are_stored_and_applied(wa: WhatsAppHarness) -> None:
    await wa.say("wamid.S", "/bantuan")
    rows = await wa.app.db.fetchall("SELECT wamid, status FROM wa_sent")
    wamid = rows[-1]["wamid"]
    for status in ("delivered", "read", "sent"):  # out of order: 'sent' must not downgrade
        assert (await wa.post(status_body(wamid, status))).status_code == 200
    await wa.channel.drain()
    row = await wa.app.db.fetchone("SELECT status FROM wa_sent WHERE wamid = ?", (wamid,))
    assert row is not None and row["status"] == "read"


def sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.json")) if SAMPLES.is_dir() else []


def retarget(data: Any) -> Any:
    """Point every change at our phone number id, as the samples' README says."""
    for entry in data.get("entry", []):
        for change in entry.get("changes", []):
            metadata = change.get("value", {}).get("metadata")
            if isinstance(metadata, dict):
                metadata["phone_number_id"] = PNID
    return data


@pytest.mark.skipif(not sample_files(), reason="shared WhatsApp samples not present")
async def test_all_sample_bodies_are_answered_200_and_handled_without_error(
    wa: WhatsAppHarness,
) -> None:
    files = sample_files()
    assert len(files) == 74
    for path in files:
        raw = json.dumps(retarget(json.loads(path.read_bytes()))).encode()
        response = await wa.post(raw)
        assert response.status_code == 200, (path.name, response.text)
    await wa.channel.drain()
    rows = await inbox_rows(wa)
    assert rows, "the message samples were stored"
    assert [r for r in rows if r["error"] or r["processed_at"] is None] == []
    assert await inbox.pending(wa.app.db, "whatsapp") == []
    kinds = {r["update_id"].split(":")[0] for r in rows}
    assert "status" in kinds
    assert wa.graph.sent, "the text samples were answered"


@pytest.mark.skipif(not sample_files(), reason="shared WhatsApp samples not present")
async def test_every_sample_handled_on_its_own_wamid(tmp_path: Path, clock: FrozenClock) -> None:
    """The samples share ids ('wamid.xyzxyz'); with one id each, every type is handled (all
    from one sender at once: a backlog large enough for all of them)."""
    async with WhatsAppHarness(tmp_path, clock, chat_backlog=100) as wa:
        await post_every_sample(wa)


async def post_every_sample(wa: WhatsAppHarness) -> None:
    for path in sample_files():
        data = retarget(json.loads(path.read_bytes()))
        for entry in data.get("entry", []):
            for change in entry.get("changes", []):
                for message in change.get("value", {}).get("messages", []):
                    message["id"] = f"wamid.{path.stem}"
        assert (await wa.post(data)).status_code == 200, path.name
    await wa.channel.drain()
    rows = {r["update_id"]: r for r in await inbox_rows(wa)}
    assert [r for r in rows.values() if r["error"] or r["processed_at"] is None] == []
    message_samples = [p for p in sample_files() if f"wamid.{p.stem}" in rows]
    assert len(message_samples) >= 30
    texts = [body_text(m) for m in wa.graph.sent]
    assert any("hanya bisa membaca pesan teks" in t for t in texts)  # image, sticker, ...
    assert any("belum mengerti" in t for t in texts)  # 'Body Text'
    # reactions, edits, revokes and system events get no answer
    assert len(wa.graph.sent) < len(message_samples)


async def test_web_app_refuses_to_start_without_app_secret(
    tmp_path: Path, wa: WhatsAppHarness
) -> None:
    settings = make_settings(tmp_path, whatsapp_access_token="T", whatsapp_phone_number_id="P")
    deps = WebDeps(settings=settings, db=wa.app.db, clock=wa.clock, whatsapp=wa.channel)
    with pytest.raises(ConfigError):
        build_web_app(deps)


async def test_healthz_reports_db_tasks_and_queues(wa: WhatsAppHarness) -> None:
    assert (await wa.post(text_body("wamid.H", "halo"))).status_code == 200
    response = await wa.http.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["db"] is True and report["status"] == "ok"
    assert report["inbox"]["whatsapp"]["pending"] == 1
    assert report["outbox"]["pending"] == 0
    assert report["channels"]["whatsapp"]["mode"] == "webhook"


async def test_telegram_webhook_mode_checks_the_secret_and_handles_updates(
    tmp_path: Path, clock: FrozenClock
) -> None:
    from bot.app import build_app
    from bot.channels.telegram import TelegramChannel
    from bot.channels.webserver import telegram_webhook_setup
    from tests.fakes.bot_api import FakeBotApi, user

    fake = await FakeBotApi("123:TEST").start()
    settings = make_settings(
        tmp_path,
        telegram_bot_token="123:TEST",
        telegram_api_url=fake.url,
        telegram_webhook_url="https://jemput.example/webhooks/telegram",
        telegram_webhook_secret="s3cret_token-1",
    )
    app = await build_app(settings, clock)
    telegram = TelegramChannel(settings, app.db, app.conversation, clock)
    web = build_web_app(WebDeps(settings=settings, db=app.db, clock=clock, telegram=telegram))
    try:
        await telegram_webhook_setup(telegram, settings)()
        [call] = fake.calls_of("setwebhook")
        assert call.params["url"] == settings.telegram_webhook_url
        assert call.params["secret_token"] == "s3cret_token-1"
        update = {
            "update_id": 7,
            "message": {
                "message_id": 1, "date": 1764298800, "text": "/start",
                "chat": {"id": 42, "type": "private"}, "from": user(42),
            },
        }  # fmt: skip
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            url, raw = "/webhooks/telegram", json.dumps(update)
            assert (await http.post(url, content=raw)).status_code == 401
            bad = {"x-telegram-bot-api-secret-token": "wrong"}
            assert (await http.post(url, content=raw, headers=bad)).status_code == 403
            assert await inbox.get_item(app.db, "telegram", "7") is None
            good = {"x-telegram-bot-api-secret-token": "s3cret_token-1"}
            assert (await http.post(url, content=raw, headers=good)).status_code == 200
            assert (await http.post(url, content=raw, headers=good)).status_code == 200
        await telegram.drain()  # answered 200 at once; the chat's lane answers
        assert len(fake.sent(42)) == 1  # posted twice, answered once
        item = await inbox.get_item(app.db, "telegram", "7")
        assert item is not None and item.processed_at is not None
    finally:
        await telegram.bot.shutdown()
        await app.close()
        await fake.stop()
