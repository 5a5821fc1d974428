"""Edit in place: on Telegram the calendar, the slot and team pickers and the tally pad update
the message they belong to (over HTTP to the fake Bot API); WhatsApp, which cannot edit, gets
new messages (the fake Graph API)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.core.capacity import Slot
from bot.core.messages import Button, Reply
from bot.core.orders import TALLY_FIELDS, Role, Tallies
from bot.i18n import t
from bot.office import orders as office_orders
from bot.office.desk import Office, Staff
from bot.office.orders import ScheduleRequest
from bot.outreach.order_text import short_day, slot_text, tallies_text, visit_line
from storage import inbox, officials, teams, visits
from storage import whatsapp as wa_store
from storage.officials import Official
from tests.conftest import FrozenClock
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.whatsapp_webhooks import (
    USER_ID,
    WhatsAppHarness,
    body_text,
    button_reply_body,
    list_reply_body,
)
from tests.order_support import (
    ADMIN,
    STAFF2,
    TUE,
    add_team,
    approved_official,
    office_app,
    saved_order,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*`retry_after`:DeprecationWarning")

TOKEN = "123:TEST"
GROUP, OFFICIAL = -1001, 2001
Messages = list[dict[str, Any]]


class Telegram:
    """The running bot and one chat in the fake Telegram: what each update sent and edited."""

    def __init__(self, app: App, fake: FakeBotApi, chat: int = OFFICIAL) -> None:
        self.app, self.fake, self.chat = app, fake, chat

    async def exchange(self, push: Callable[[], int]) -> tuple[Messages, Messages]:
        """(messages sent, edits made) in the chat while one update was handled."""
        sent, edited = len(self.fake.sent(self.chat)), len(self.fake.edited(self.chat))
        update_id = push()
        async with asyncio.timeout(5):
            while True:
                item = await inbox.get_item(self.app.db, "telegram", str(update_id))
                if item is not None and item.processed_at is not None:
                    break
                await asyncio.sleep(0.01)
        return self.fake.sent(self.chat)[sent:], self.fake.edited(self.chat)[edited:]

    async def say(self, text: str, user: int | None = None) -> list[dict[str, Any]]:
        kind = "private" if self.chat > 0 else "supergroup"
        sent, _ = await self.exchange(
            lambda: self.fake.push_message(self.chat, text, user, chat_type=kind)
        )
        return sent

    async def press(
        self, data: str, message_id: int, user: int | None = None
    ) -> tuple[Messages, Messages]:
        return await self.exchange(
            lambda: self.fake.push_callback(self.chat, data, message_id=message_id, user_id=user)
        )

    def last_id(self) -> int:
        return self.fake.message_ids(self.chat)[-1]

    def shown(self, message_id: int) -> dict[str, Any]:
        return self.fake.shown[(str(self.chat), message_id)]

    def button(self, message_id: int, title_start: str) -> str:
        """The callback data of the button whose title starts with `title_start`."""
        rows = self.shown(message_id)["reply_markup"]["inline_keyboard"]
        return next(
            k["callback_data"] for r in rows for k in r if k["text"].startswith(title_start)
        )


@pytest.fixture
async def bot(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[tuple[App, FakeBotApi]]:
    fake = await FakeBotApi(TOKEN).start()
    app = await office_app(
        tmp_path, clock, staff_chat_id=str(GROUP), telegram_bot_token=TOKEN,
        telegram_api_url=fake.url, telegram_poll_timeout=1,
    )  # fmt: skip
    await add_team(app)
    await teams.add_staff(app.db, STAFF2, "Sari", "test", clock.now())
    channel = TelegramChannel(app.settings, app.db, app.conversation, clock)
    stop = asyncio.Event()
    task = asyncio.create_task(channel.run(stop))
    try:
        yield app, fake
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        await app.close()
        await fake.stop()


async def test_the_calendar_and_slot_picker_update_their_message(
    bot: tuple[App, FakeBotApi],
) -> None:
    app, fake = bot
    await approved_official(app, str(OFFICIAL))
    tg = Telegram(app, fake)
    await tg.say("/pesan")
    await tg.press("ord:k:KOLEKTIF", tg.last_id())
    await tg.say("Balai Warga RT 001, Jl. Melati No. 5")
    pin = tg.last_id()
    sent, [calendar] = await tg.press("ord:skip", pin)  # the pin question becomes the calendar
    assert sent == [] and calendar["message_id"] == str(pin)
    assert calendar["text"] == t("id", "ask_dates", max=3, count=0)

    sent, [ticked] = await tg.press(tg.button(pin, short_day("id", TUE)), pin)
    assert sent == [] and ticked["text"] == t("id", "ask_dates", max=3, count=1)
    assert tg.button(pin, "✅ " + short_day("id", TUE)) == "ord:d:20261201"

    failed_before = len([c for c in fake.calls_of("editMessageText") if c.status == 400])
    sent, edits = await tg.press("ord:cal:0", pin)  # same page, same ticks: nothing changes
    assert sent == [] and edits == []
    not_modified = [c for c in fake.calls_of("editMessageText") if c.status == 400]
    assert len(not_modified) == failed_before + 1  # Telegram said "not modified": that is done
    answers = fake.calls_of("answerCallbackQuery")
    assert len(answers) == len([u for u in fake.history.values() if "callback_query" in u])

    sent, [slot_picker] = await tg.press("ord:dd", pin)
    assert sent == [] and slot_picker["text"] == t("id", "ask_slot")
    sent, [spent] = await tg.press("ord:s:PAGI", pin)  # the picker keeps its question only
    assert "text" not in spent and "reply_markup" not in spent
    assert tg.shown(pin) == {"text": t("id", "ask_slot"), "reply_markup": None}
    assert [m["text"] for m in sent] == [t("id", "ask_participants", min=10)]
    assert [c.method for c in fake.calls_of("editMessageReplyMarkup")] == ["editMessageReplyMarkup"]


async def test_a_message_telegram_will_not_edit_is_sent_anew(bot: tuple[App, FakeBotApi]) -> None:
    app, fake = bot
    await approved_official(app, str(OFFICIAL))
    tg = Telegram(app, fake)
    await tg.say("/pesan")
    await tg.press("ord:k:KOLEKTIF", tg.last_id())
    await tg.say("Balai Warga RT 001, Jl. Melati No. 5")
    sent, edits = await tg.press("ord:skip", 999_999)  # e.g. deleted, or an old message
    assert edits == [] and [m["text"] for m in sent] == [t("id", "ask_dates", max=3, count=0)]


async def test_the_staff_pickers_update_in_place_for_the_winner_only(
    bot: tuple[App, FakeBotApi],
) -> None:
    app, fake = bot
    order = await saved_order(app)
    group = Telegram(app, fake, GROUP)
    notice = 1  # the order notice's id does not matter: the day picker is a new message
    [days], edits = await group.press(f"sj:{order.id}", notice, int(ADMIN))
    slot = slot_text("id", Slot.PAGI)
    assert edits == [] and days["text"].startswith(
        t("id", "choose_day", code=order.code, slot=slot)
    )
    picker = group.last_id()
    [taken], edits = await group.press(f"sjd:{order.id}:20261201", picker, int(STAFF2))
    by = "Warga"  # the fake's users are all called Warga (ADMIN has no /staf name)
    assert edits == [] and taken["text"] == t("id", "order_taken_by", code=order.code, by=by)
    sent, [team_picker] = await group.press(f"sjd:{order.id}:20261201", picker, int(ADMIN))
    assert sent == [] and team_picker["text"] == t(
        "id", "choose_team", code=order.code, day=short_day("id", TUE)
    )
    sent, [record] = await group.press(group.button(picker, "Alpha"), picker, int(ADMIN))
    [visit] = await visits.visits_between(app.db, TUE, TUE)
    expected = t("id", "staff_scheduled", code=order.code, line=visit_line("id", visit), by=by)
    assert sent == [] and record["text"] == expected and "reply_markup" not in record


async def test_tallies_with_the_number_pad(bot: tuple[App, FakeBotApi], clock: FrozenClock) -> None:
    app, fake = bot
    order = await saved_order(app)
    office = Office(app.db, app.settings, app.clock)
    staff = Staff(ADMIN, "Ani")
    await office_orders.schedule(office, staff, ScheduleRequest(order.id, 1, TUE))
    group = Telegram(app, fake, GROUP)
    [early] = await group.say(f"/selesai {order.code}", int(ADMIN))
    assert early["text"] == t("id", "close_too_early", code=order.code)
    clock.travel(timedelta(days=3))
    [opened] = await group.say(f"/selesai {order.code}", int(ADMIN))
    pad = group.last_id()
    assert f"▶ {t('id', 'tally_terekam')}: 0" in opened["text"]
    for title in ("3", "5", "⌫", "2", t("id", "btn_tally_next"), "1"):
        sent, [edit] = await group.press(group.button(pad, title), pad, int(ADMIN))
        assert sent == [] and edit["message_id"] == str(pad)
    shown = group.shown(pad)["text"]
    assert (
        f"  {t('id', 'tally_terekam')}: 32" in shown and f"▶ {t('id', 'tally_gagal')}: 1" in shown
    )
    sent, [saved] = await group.press(group.button(pad, t("id", "btn_tally_save")), pad, int(ADMIN))
    tallies = Tallies(terekam=32, gagal=1)
    assert saved["text"] == t(
        "id", "close_done_tallies", code=order.code, tallies=tallies_text("id", tallies)
    )
    [done] = await visits.visits_between(app.db, TUE, TUE)
    assert done.tallies == tallies
    again = f"tl:{order.id}:s:" + ".".join("1" * len(TALLY_FIELDS))  # an old pad pressed again
    [refused], _ = await group.press(again, pad, int(ADMIN))
    assert refused["text"] == t("id", "close_not_scheduled", code=order.code)
    resident = Telegram(app, fake, 3001)
    [staff_only], _ = await resident.press(again, 1)
    assert staff_only["text"] == t("id", "staff_only")


@pytest.fixture
async def wa(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[WhatsAppHarness]:
    async with WhatsAppHarness(tmp_path, clock, whatsapp_user_interval_s=0.05) as harness:
        yield harness


async def test_whatsapp_cannot_edit_so_pickers_come_again(wa: WhatsAppHarness) -> None:
    await add_team(wa.app)
    await wa.say("wamid.0", "halo")
    official = Official(
        channel="whatsapp", chat_id=USER_ID, user_id=USER_ID, role=Role.RT,
        kecamatan="Bukit Intan", kelurahan="Bacang", area_kode="1971011006",
        rw="002", rt="001", nama="Pak Rahman", phone="6281299990001",
    )  # fmt: skip
    saved = await officials.save_registration(wa.app.db, official, wa.clock.now())
    assert await officials.decide(wa.app.db, saved.id, True, "test", wa.clock.now())
    await wa.say("wamid.1", "/pesan")
    await press(wa, list_reply_body("wamid.2", "ord:k:KOLEKTIF", "Rekam kolektif"))
    await wa.say("wamid.3", "Balai Warga RT 001, Jl. Melati No. 5")
    [calendar] = await press(wa, button_reply_body("wamid.4", "ord:skip", t("id", "btn_skip")))
    assert body_text(calendar).startswith(t("id", "ask_dates", max=3, count=0))
    [ticked] = await wa.say("wamid.5", "1")  # numbered choice 1: the first day, a new message
    assert body_text(ticked).startswith(t("id", "ask_dates", max=3, count=1))
    [slots] = await press(wa, button_reply_body("wamid.6", "ord:dd", t("id", "btn_dates_done")))
    assert body_text(slots) == t("id", "ask_slot")
    # on Telegram the slot picker loses its buttons (an edit): here nothing is sent for that
    [count] = await press(wa, button_reply_body("wamid.7", "ord:s:PAGI", "Pagi"))
    assert body_text(count) == t("id", "ask_participants", min=10)
    assert wa.graph.rejected == []


async def press(wa: WhatsAppHarness, body: dict[str, Any]) -> list[dict[str, Any]]:
    before = len(wa.graph.sent)
    assert (await wa.post(body)).status_code == 200
    await wa.channel.drain()
    return wa.graph.sent[before:]


async def test_whatsapp_numbers_answer_only_the_latest_question(wa: WhatsAppHarness) -> None:
    await wa.say("wamid.1", "halo")  # the contact exists and its window is open
    contact = await wa_store.get_contact(wa.app.db, USER_ID)
    assert contact is not None
    titles = [f"Pilihan nomor {n}" for n in range(1, 13)]  # > 10: numbered text
    many = Reply(text="Pilih", buttons=[Button(title=x, payload=f"menu:{x}") for x in titles])
    await wa.channel.sender.send_reply(contact, many)
    await wa.channel.sender.send_reply(contact, Reply(text="Nomor RW berapa?"))
    [answer] = await wa.say("wamid.2", "3")  # text, not "Pilihan nomor 3"
    assert body_text(answer) == t("id", "not_understood")
