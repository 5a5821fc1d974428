"""The Telegram adapter end to end: real PTB over HTTP to a fake Bot API, real SQLite."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.app import App, build_app
from bot.channels.telegram import (
    MAX_CAPTION,
    MAX_TEXT,
    TelegramChannel,
    render,
    split_text,
)
from bot.cli.demo import showcase_residents
from bot.core.messages import Button, ButtonKind, Document, Reply
from bot.core.ports import Pacer
from bot.errors import ChannelError, ChatUnreachable, ConfigError, RateLimited
from bot.outreach.pacing import RatePacer
from bot.reports.progress import compute, summary_text
from storage import inbox
from storage.inbox import InboxItem
from storage.residents import Resident, add_residents, count_residents
from tests.conftest import FrozenClock, make_settings
from tests.fakes.bot_api import BLOCKED, FakeBotApi, retry_after_body, user

# PTB's RetryAfter warns about its own `retry_after` type change when it is constructed
pytestmark = pytest.mark.filterwarnings("ignore:.*`retry_after`:DeprecationWarning")

TOKEN = "123:TEST"
CHAT = 4242


class RecordingPacer:
    """Records what the adapter asked of its pacer."""

    def __init__(self) -> None:
        self.acquired: list[tuple[str, bool, bool]] = []
        self.penalties: list[float] = []

    async def acquire(self, chat_id: str, *, interactive: bool, is_group: bool = False) -> None:
        self.acquired.append((chat_id, interactive, is_group))

    def penalize(self, retry_after: float) -> None:
        self.penalties.append(retry_after)

    def departing(self, chat_id: str) -> None:
        """Nothing to count."""

    def answered(self, chat_id: str) -> None:
        """Nothing to count."""


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = await FakeBotApi(TOKEN).start()
    yield api
    await api.stop()


async def telegram_app(tmp_path: Path, clock: FrozenClock, fake: FakeBotApi, seed: bool) -> App:
    settings = make_settings(
        tmp_path,
        telegram_bot_token=TOKEN,
        telegram_api_url=fake.url,
        telegram_poll_timeout=1,
    )
    app = await build_app(settings, clock)
    if seed:
        await add_residents(app.db, showcase_residents(clock.today()), clock.now())
    return app


@pytest.fixture
async def tg_app(tmp_path: Path, clock: FrozenClock, fake: FakeBotApi) -> AsyncIterator[App]:
    app = await telegram_app(tmp_path, clock, fake, seed=True)
    yield app
    await app.close()


@asynccontextmanager
async def running(app: App, pacer: Pacer | None = None) -> AsyncIterator[TelegramChannel]:
    """A channel polling in a task; on exit it must stop promptly and without error."""
    stop = asyncio.Event()
    channel = TelegramChannel(app.settings, app.db, app.conversation, app.clock, pacer=pacer)
    task = asyncio.create_task(channel.run(stop))
    try:
        yield channel
    finally:
        stop.set()
        await asyncio.wait_for(task, 1.5)  # re-raises whatever the channel raised


@pytest.fixture
async def channel(tg_app: App) -> AsyncIterator[TelegramChannel]:
    async with running(tg_app) as ch:
        yield ch


class TgChat:
    """One Telegram user talking to the running bot: push an update, get the bot's messages."""

    def __init__(self, fake: FakeBotApi, app: App, chat_id: int = CHAT, **who: Any) -> None:
        self.fake, self.app, self.chat_id, self.who = fake, app, chat_id, who

    async def say(self, text: str | None, **extra: Any) -> list[dict[str, Any]]:
        return await self._exchange(
            lambda: self.fake.push_message(self.chat_id, text, **self.who, **extra)
        )

    async def press(self, data: str) -> list[dict[str, Any]]:
        return await self._exchange(lambda: self.fake.push_callback(self.chat_id, data))

    async def share(self, phone: str, contact_user_id: int | None) -> list[dict[str, Any]]:
        return await self._exchange(
            lambda: self.fake.push_contact(self.chat_id, phone, contact_user_id)
        )

    async def _exchange(self, push: Callable[[], int]) -> list[dict[str, Any]]:
        """Push an update, wait until it is processed; its replies are what was sent meanwhile."""
        before = len(self.fake.sent(self.chat_id))
        await processed(self.app, push())
        return self.fake.sent(self.chat_id)[before:]


async def processed(app: App, update_id: int, timeout: float = 3) -> InboxItem:
    """Wait until the channel marked the update processed."""
    async with asyncio.timeout(timeout):
        while True:
            item = await inbox.get_item(app.db, "telegram", str(update_id))
            if item is not None and item.processed_at is not None:
                return item
            await asyncio.sleep(0.01)


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("text", "") for m in messages]


def buttons(message: dict[str, Any]) -> list[list[tuple[str, str]]]:
    """Inline keyboard rows as (text, callback_data)."""
    rows = message["reply_markup"]["inline_keyboard"]
    return [[(k["text"], k.get("callback_data", "")) for k in row] for row in rows]


@pytest.fixture
def tg(fake: FakeBotApi, tg_app: App, channel: TelegramChannel) -> TgChat:
    return TgChat(fake, tg_app)


# -- conversations -----------------------------------------------------------------------------


async def test_start_shows_welcome_with_inline_menu(tg: TgChat, fake: FakeBotApi) -> None:
    [welcome] = await tg.say("/start")
    assert welcome["text"].startswith("Selamat datang di layanan Jemput Bola")
    assert buttons(welcome) == [
        [("Cek status e-KTP", "menu:status"), ("Bantuan", "menu:help")],
        [("Bahasa / Language", "menu:lang")],
    ]
    assert fake.calls_of("getMe") and fake.calls_of("deleteWebhook")
    assert fake.calls_of("getUpdates")[0].params["allowed_updates"] == [
        "message",
        "callback_query",
        "my_chat_member",
    ]


async def test_menu_button_answers_query_and_asks_nik(tg: TgChat, fake: FakeBotApi) -> None:
    [ask] = await tg.press("menu:status")
    assert ask["text"] == "Silakan kirim NIK (16 angka) yang tertera di Kartu Keluarga."
    assert buttons(ask) == [[("Batal", "cancel")]]
    [answer] = fake.calls_of("answerCallbackQuery")
    assert answer.params["callback_query_id"].startswith("cb")


async def test_stale_button_is_answered_too(tg: TgChat, fake: FakeBotApi) -> None:
    [reply] = await tg.press("nonsense:1")
    assert reply["text"].startswith("Tombol ini sudah tidak berlaku")
    assert len(fake.calls_of("answerCallbackQuery")) == 1


async def test_status_check_nik_then_kk(tg: TgChat, residents: dict[str, Resident]) -> None:
    prr = residents["PRR"]
    await tg.say("/status")
    ask_kk, contact_prompt = await tg.say(prr.nik)
    assert ask_kk["text"].startswith("Terima kasih. Untuk memastikan data ini milik Bapak/Ibu")
    assert buttons(ask_kk) == [[("Batal", "cancel")]]
    assert contact_prompt["reply_markup"] == {
        "keyboard": [[{"text": "Kirim nomor HP saya", "request_contact": True}]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }
    status, note = await tg.say(prr.no_kk)
    assert "Status: Siap cetak (PRR)" in status["text"]
    assert status["reply_markup"] == {"remove_keyboard": True}
    assert note["text"].startswith("Data ini sudah tersimpan di chat ini")
    assert buttons(note) == [[("Cek NIK lain", "status:add")]]


async def test_status_with_nik_in_the_command(tg: TgChat, residents: dict[str, Resident]) -> None:
    prr = residents["PRR"]
    assert len(await tg.say(f"/status {prr.nik}")) == 2
    status, _ = await tg.say(prr.no_kk)
    assert "Siap cetak (PRR)" in status["text"]


async def test_wrong_kk_does_not_match(tg: TgChat, residents: dict[str, Resident]) -> None:
    await tg.say(residents["PRR"].nik)
    [reply] = await tg.say(residents["DICETAK"].no_kk)
    assert "tidak cocok" in reply["text"]
    assert reply["text"].endswith("Sisa percobaan: 4.")
    assert reply["reply_markup"] == {"remove_keyboard": True}


async def test_five_failures_lock_the_chat(tg: TgChat, residents: dict[str, Resident]) -> None:
    nik, wrong_kk = residents["PRR"].nik, residents["DICETAK"].no_kk
    for left in (4, 3, 2, 1):
        [reply] = await tg.say(f"/status {nik} {wrong_kk}")
        assert reply["text"].endswith(f"Sisa percobaan: {left}.")
    [locked] = await tg.say(f"/status {nik} {wrong_kk}")
    assert locked["text"].startswith("Demi keamanan data, pengecekan dari chat ini dihentikan")
    [still] = await tg.say(f"/status {nik} {residents['PRR'].no_kk}")
    assert still["text"] == locked["text"]


async def test_shared_contact_own_and_someone_elses(
    tg: TgChat, residents: dict[str, Resident]
) -> None:
    prr = residents["PRR"]
    await tg.say(prr.nik)
    [refused] = await tg.share(prr.no_hp, contact_user_id=999)
    assert refused["text"].startswith("Mohon kirim nomor HP milik Bapak/Ibu sendiri")
    status, _ = await tg.share("+" + prr.no_hp, contact_user_id=CHAT)
    assert "Siap cetak (PRR)" in status["text"]


async def test_english_user_gets_english(
    fake: FakeBotApi, tg_app: App, channel: TelegramChannel
) -> None:
    tg = TgChat(fake, tg_app, language_code="en")
    [welcome] = await tg.say("/start")
    assert welcome["text"].startswith("Welcome to the Jemput Bola service")
    assert buttons(welcome)[0][0] == ("Check e-KTP status", "menu:status")


@pytest.mark.parametrize(
    "content",
    [
        {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]},
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u2",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
    ],
)
async def test_photo_and_sticker_are_unsupported(tg: TgChat, content: dict[str, Any]) -> None:
    [reply] = await tg.say(None, **content)
    assert reply["text"].startswith("Maaf, saya hanya bisa membaca pesan teks dan tombol.")


async def test_hostile_texts_get_sensible_answers(tg: TgChat, tg_app: App) -> None:
    not_understood = "Maaf, saya belum mengerti. Ketik /status untuk cek e-KTP atau /bantuan."
    for text in ("x" * 5000, "🙏😀🇮🇩", "ab\x00\x07\u202ecd\u200b", "'; DROP TABLE residents;--"):
        assert texts(await tg.say(text)) == [not_understood]
    [unsupported] = await tg.say("\x00\x01")
    assert unsupported["text"].startswith("Maaf, saya hanya bisa membaca pesan teks")
    assert await count_residents(tg_app.db) == 8
    assert len(await tg.say("/start")) == 1


async def test_group_status_is_private_only(
    fake: FakeBotApi, tg_app: App, channel: TelegramChannel
) -> None:
    group = TgChat(fake, tg_app, chat_id=-1001234, user_id=77, chat_type="supergroup")
    [reply] = await group.say("/status@jemput_bot")
    assert reply["text"].startswith("Demi keamanan data pribadi, pengecekan status hanya")
    assert await group.say("/status@other_bot") == []


async def test_ignored_updates_are_stored_and_marked(fake: FakeBotApi, tg_app: App) -> None:
    async with running(tg_app):
        edited = {"message_id": 5, "date": 1, "chat": {"id": CHAT, "type": "private"}, "text": "x"}
        first = fake.push_update({"edited_message": edited | {"edit_date": 2}})
        member = {
            "chat": {"id": CHAT, "type": "private"},
            "from": user(CHAT),
            "date": 1,
            "old_chat_member": {"status": "member", "user": fake.me},
            "new_chat_member": {"status": "kicked", "user": fake.me, "until_date": 0},
        }
        second = fake.push_update({"my_chat_member": member})
        assert (await processed(tg_app, first)).error == ""
        assert (await processed(tg_app, second)).error == ""
    assert fake.sent() == []


# -- durability --------------------------------------------------------------------------------


async def test_restart_keeps_the_conversation(
    tmp_path: Path, clock: FrozenClock, fake: FakeBotApi, residents: dict[str, Resident]
) -> None:
    prr = residents["PRR"]
    app = await telegram_app(tmp_path, clock, fake, seed=True)
    async with running(app):
        await TgChat(fake, app).say(prr.nik)
    await app.close()
    app = await telegram_app(tmp_path, clock, fake, seed=False)
    try:
        async with running(app):
            status, _ = await TgChat(fake, app).say(prr.no_kk)
    finally:
        await app.close()
    assert "Siap cetak (PRR)" in status["text"]


async def test_redelivered_updates_are_handled_once(
    fake: FakeBotApi, tg_app: App, residents: dict[str, Resident]
) -> None:
    prr = residents["PRR"]
    async with running(tg_app):
        first = fake.push_message(CHAT, prr.nik)
        await processed(tg_app, first)
    fake.push_update(dict(fake.history[first]))  # the server delivers it again after a restart
    polls = len(fake.calls_of("getUpdates"))
    async with running(tg_app):
        status, _ = await TgChat(fake, tg_app).say(prr.no_kk)
    assert fake.calls_of("getUpdates")[polls].params["offset"] == str(first + 1)
    sent = texts(fake.sent(CHAT))
    assert len(sent) == 4
    assert sent[0].startswith("Terima kasih.") and sent[1] == "👇 Kirim nomor HP saya"
    assert "Siap cetak (PRR)" in status["text"]


async def test_webhook_redelivery_is_handled_once(fake: FakeBotApi, tg_app: App) -> None:
    channel = TelegramChannel(tg_app.settings, tg_app.db, tg_app.conversation, tg_app.clock)
    await channel.set_webhook("https://jemput.example/tg", "s3cret")
    try:
        update_id = fake.push_message(CHAT, "/start")
        for _ in range(2):
            await channel.process_update_json(dict(fake.history[update_id]))
        await channel.drain()  # answered 200 at once; the chat's lane answers
    finally:
        await channel.close()
    [webhook] = fake.calls_of("setWebhook")
    assert webhook.params["secret_token"] == "s3cret"
    assert len(fake.sent(CHAT)) == 1


async def test_update_stored_before_a_crash_is_handled_on_start(
    fake: FakeBotApi, tg_app: App
) -> None:
    update_id = 500
    raw = fake.message_update(CHAT, "/start") | {"update_id": update_id}
    item = InboxItem(update_id=str(update_id), chat_id=str(CHAT), payload=json.dumps(raw))
    await inbox.store(tg_app.db, "telegram", [item], tg_app.clock.now())
    async with running(tg_app):
        done = await processed(tg_app, update_id)
        await fake.wait_sent(1, CHAT)
        async with asyncio.timeout(3):  # the first poll follows the drain of stored rows
            while not fake.calls_of("getUpdates"):
                await asyncio.sleep(0.01)
        polls = fake.calls_of("getUpdates")
    assert done.error == ""
    assert texts(fake.sent(CHAT))[0].startswith("Selamat datang")
    assert polls[0].params["offset"] == str(update_id + 1)


# -- errors ------------------------------------------------------------------------------------


async def test_rate_limited_reply_is_retried(fake: FakeBotApi, tg_app: App) -> None:
    pacer = RecordingPacer()
    fake.fail_next("sendMessage", 429, retry_after_body(1))
    async with running(tg_app, pacer=pacer):
        [welcome] = await TgChat(fake, tg_app).say("/start")
    assert welcome["text"].startswith("Selamat datang")
    sends = fake.calls_of("sendMessage")
    assert [c.status for c in sends] == [429, 200]
    assert sends[1].at - sends[0].at >= 0.95
    assert pacer.penalties == [1.0]
    assert pacer.acquired == [(str(CHAT), True, False)] * 2


async def test_blocked_user_does_not_stop_the_bot(
    fake: FakeBotApi, tg_app: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.channels.telegram")
    fake.fail_next("sendMessage", 403, BLOCKED)
    async with running(tg_app):
        tg = TgChat(fake, tg_app)
        assert await tg.say("/start") == []
        assert len(await tg.say("/start")) == 1
    assert f"Chat {CHAT} is unreachable: Forbidden: bot was blocked by the user" in caplog.text


async def test_polling_survives_server_errors(fake: FakeBotApi, tg_app: App) -> None:
    fake.fail_next("getUpdates", 502)
    async with running(tg_app):
        assert len(await TgChat(fake, tg_app).say("/start")) == 1
    assert [c.status for c in fake.calls_of("getUpdates")][:2] == [502, 200]


async def test_stop_during_a_long_poll_is_prompt(
    tmp_path: Path, clock: FrozenClock, fake: FakeBotApi
) -> None:
    settings = make_settings(
        tmp_path, telegram_bot_token=TOKEN, telegram_api_url=fake.url, telegram_poll_timeout=30
    )
    app = await build_app(settings, clock)
    try:
        stop = asyncio.Event()
        task = asyncio.create_task(
            TelegramChannel(settings, app.db, app.conversation, clock).run(stop)
        )
        async with asyncio.timeout(2):
            while not fake.calls_of("getUpdates"):
                await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, 0.5)
    finally:
        await app.close()


async def test_rejected_token_is_a_config_error(fake: FakeBotApi, tg_app: App) -> None:
    settings = tg_app.settings.model_copy(update={"telegram_bot_token": SecretStr("9:WRONG")})
    channel = TelegramChannel(settings, tg_app.db, tg_app.conversation, tg_app.clock)
    with pytest.raises(ConfigError, match=r"^Telegram rejected TELEGRAM_BOT_TOKEN$"):
        await channel.run(asyncio.Event())


# -- rendering ---------------------------------------------------------------------------------


def test_long_callback_data_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    reply = Reply(
        text="Pilih",
        buttons=[
            Button(title="Terlalu panjang", payload="x" * 65),
            Button(title="OK", payload="ok"),
        ],
    )
    [message] = render(reply)
    assert isinstance(message.markup, InlineKeyboardMarkup)
    assert [[k.text for k in row] for row in message.markup.inline_keyboard] == [["OK"]]
    assert "Dropping button 'Terlalu panjang': callback data of 65 bytes" in caplog.text
    multibyte = Button(title="é", payload="é" * 32)  # 64 bytes: allowed
    assert render(Reply(text="x", buttons=[multibyte]))[0].markup is not None


def test_long_titles_go_one_per_row_and_urls_are_links() -> None:
    reply = Reply(
        text="x",
        buttons=[
            Button(title="Jadwal perekaman di kelurahan", payload="a"),
            Button(title="Peta", kind=ButtonKind.URL, url="https://example.org/peta"),
        ],
    )
    [message] = render(reply)
    assert isinstance(message.markup, InlineKeyboardMarkup)
    rows = message.markup.inline_keyboard
    assert [len(r) for r in rows] == [1, 1]
    assert rows[1][0].url == "https://example.org/peta"


def test_long_text_is_split_on_paragraphs() -> None:
    paragraph = "Kalimat panjang tentang e-KTP. " * 50  # ~1550 chars
    text = "\n\n".join([paragraph.strip()] * 5)
    pieces = split_text(text)
    assert len(pieces) == 3
    assert all(len(p) <= MAX_TEXT for p in pieces)
    assert "\n\n".join(pieces) == text
    emoji = split_text("🙏" * 3000)  # 2 UTF-16 units each
    assert [len(p) for p in emoji] == [2048, 952]
    messages = render(Reply(text=text, buttons=[Button(title="OK", payload="ok")]))
    assert [m.markup is not None for m in messages] == [False, False, True]


def test_remove_keyboard_with_inline_buttons_takes_two_messages() -> None:
    reply = Reply(
        text="Status\n\nCatatan", buttons=[Button(title="OK", payload="ok")], remove_keyboard=True
    )
    first, second = render(reply)
    assert (first.text, second.text) == ("Status", "Catatan")
    assert isinstance(first.markup, ReplyKeyboardRemove)
    assert isinstance(second.markup, InlineKeyboardMarkup)


def test_share_contact_only_in_private_chats() -> None:
    share = Button(title="Kirim nomor HP saya", kind=ButtonKind.SHARE_CONTACT)
    [private] = render(Reply(text="KK?", buttons=[share]))
    assert isinstance(private.markup, ReplyKeyboardMarkup)
    assert private.markup.keyboard[0][0].request_contact is True
    [group] = render(Reply(text="KK?", buttons=[share]), private=False)
    assert group.markup is None


def test_blank_text_and_documents() -> None:
    assert render(Reply(text="  ")) == []
    [only_buttons] = render(Reply(text="", buttons=[Button(title="OK", payload="ok")]))
    assert only_buttons.text == "👇"
    doc = Document(filename="surat.pdf", mime_type="application/pdf", content=b"%PDF")
    [captioned] = render(Reply(text="Surat panggilan", document=doc))
    assert (captioned.text, captioned.document) == ("Surat panggilan", doc)


def test_a_document_and_its_text_are_one_message_when_the_text_fits_a_caption() -> None:
    doc = Document(filename="grafik.png", mime_type="image/png", content=b"\x89PNG")
    ok = Button(title="OK", payload="ok")
    [one] = render(Reply(text="x" * MAX_CAPTION, document=doc, buttons=[ok]))
    assert one.document == doc and isinstance(one.markup, InlineKeyboardMarkup)
    [text, document] = render(Reply(text="x" * (MAX_CAPTION + 1), document=doc))
    assert (text.text, text.document, document.text, document.document) == (
        "x" * (MAX_CAPTION + 1), None, "", doc,
    )  # fmt: skip
    share = Button(title="Kirim nomor HP saya", kind=ButtonKind.SHARE_CONTACT)
    assert len(render(Reply(text="Angka", document=doc, buttons=[share]))) == 2


async def test_send_document_and_errors_through_sender(fake: FakeBotApi, tg_app: App) -> None:
    channel = TelegramChannel(tg_app.settings, tg_app.db, tg_app.conversation, tg_app.clock)
    await channel.bot.initialize()
    try:
        doc = Document(filename="surat.pdf", mime_type="application/pdf", content=b"%PDF-1.4")
        message_id = await channel.send(str(CHAT), Reply(text="", document=doc))
        fake.fail_next("sendMessage", 403, BLOCKED)
        with pytest.raises(ChatUnreachable):
            await channel.send(str(CHAT), Reply(text="Halo"))
        fake.fail_next("sendMessage", 429, retry_after_body(3))
        with pytest.raises(RateLimited) as limited:
            await channel.send(str(CHAT), Reply(text="Halo"))
        fake.fail_next(
            "sendMessage",
            400,
            {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
        )
        with pytest.raises(ChatUnreachable):
            await channel.send("777", Reply(text="Halo"))
        fake.fail_next(
            "sendMessage",
            400,
            {"ok": False, "error_code": 400, "description": "Bad Request: can't parse entities"},
        )
        with pytest.raises(ChannelError):
            await channel.send("777", Reply(text="Halo"))
    finally:
        await channel.bot.shutdown()
    [sent] = fake.sent(CHAT)
    assert sent["document"] == {"filename": "surat.pdf", "content": b"%PDF-1.4"}
    assert message_id is not None
    assert limited.value.retry_after == 3.0


async def test_fake_enforces_flood_limits(tg_app: App) -> None:
    api = await FakeBotApi(TOKEN, overall_per_s=30, per_chat_per_s=1).start()
    settings = tg_app.settings.model_copy(update={"telegram_api_url": api.url})
    channel = TelegramChannel(settings, tg_app.db, tg_app.conversation, tg_app.clock)
    await channel.bot.initialize()
    try:
        await channel.send("1", Reply(text="satu"))
        with pytest.raises(RateLimited) as limited:
            await channel.send("1", Reply(text="dua"))
        await channel.send("2", Reply(text="tiga"))
    finally:
        await channel.bot.shutdown()
        await api.stop()
    assert (api.accepted, api.limited, limited.value.retry_after) == (2, 1, 1.0)


async def test_laporan_is_one_photo_with_the_figures_as_its_caption(
    tmp_path: Path, clock: FrozenClock
) -> None:
    fake = await FakeBotApi.like_telegram(TOKEN).start()
    settings = make_settings(
        tmp_path, telegram_bot_token=TOKEN, telegram_api_url=fake.url, telegram_poll_timeout=1,
        admin_user_ids="9001",
    )  # fmt: skip
    app = await build_app(settings, clock)
    await add_residents(app.db, showcase_residents(clock.today()), clock.now())
    pacer = RatePacer.for_telegram(settings)
    try:
        async with running(app, pacer) as channel:
            asked = time.monotonic()
            fake.push_message(-1001, "/laporan", user_id=9001, chat_type="supergroup")
            [photo] = await fake.wait_sent(1, chat_id=-1001)
            seen = time.monotonic() - asked
            await channel.drain()
        figures = summary_text(await compute(app.db, settings, clock), "id")
    finally:
        await app.close()
        await fake.stop()
    assert [c.method for c in fake.calls if c.method.startswith("send")] == ["sendPhoto"]
    assert photo["photo"]["filename"].startswith("laporan-ektp-")
    assert photo["caption"] == figures
    assert seen < 3.0 and fake.limited == 0
