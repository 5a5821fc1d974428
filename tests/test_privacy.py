"""/hapus: a resident erases the chat's links and history after confirming; registry stays."""

from __future__ import annotations

import json

from bot.app import App
from bot.core.messages import Reply
from storage import inbox
from storage.inbox import InboxItem
from storage.outbox import NewMessage, enqueue
from storage.residents import Resident
from tests.conftest import ChatDriver
from tests.field_support import scalar, status_of
from tests.outreach_support import execute

CHAT = "4242"


async def linked_chat(app: App, resident: Resident) -> ChatDriver:
    chat = ChatDriver(app, CHAT)
    await chat.say(f"/status {resident.nik}")
    reply = await chat.say(resident.no_kk)
    assert "Belum rekam" in reply or resident.nama in reply
    return chat


async def test_hapus_asks_first_then_erases_links_and_history(
    office: App, residents: dict[str, Resident]
) -> None:
    budi = residents["BELUM_REKAM"]
    chat = await linked_chat(office, budi)
    now = office.clock.now()
    await inbox.store(
        office.db,
        "telegram",
        [InboxItem(update_id="77", chat_id=CHAT, payload='{"text": "NIK 1971..."}')],
        now,
    )
    messages = [
        NewMessage(
            channel="telegram", chat_id=CHAT, kind=kind, dedupe_key=key, reply=Reply(text=key)
        )
        for kind, key in (("summons", "x:1"), ("notice", "x:2"))
    ]
    await enqueue(office.db, messages, now)
    await execute(office.db, "UPDATE outbox SET state = 'sent' WHERE dedupe_key = 'x:2'")
    await execute(office.db, "UPDATE chats SET phone = '6281299' WHERE chat_id = ?", (CHAT,))

    replies = await chat.send(text="/hapus")
    assert "Hapus data chat ini?" in replies[0].text and "(1)" in replies[0].text
    assert [b.payload for b in replies[0].buttons] == ["hapus:ya", "hapus:batal"]
    assert await scalar(office, "SELECT count(*) FROM chat_links") == 1  # nothing yet

    assert "tidak ada yang dihapus" in await chat.press("hapus:batal")
    assert await scalar(office, "SELECT count(*) FROM chat_links") == 1

    assert "sudah dihapus" in await chat.press("hapus:ya")
    assert await scalar(office, "SELECT count(*) FROM chat_links") == 0
    assert await scalar(office, "SELECT payload FROM inbox WHERE update_id = '77'") == "{}"
    assert await scalar(office, "SELECT count(*) FROM outbox WHERE state = 'pending'") == 0
    sent = await scalar(office, "SELECT payload FROM outbox WHERE dedupe_key = 'x:2'")
    assert json.loads(sent) == {"text": ""}
    chat_row = await office.db.fetchone(
        "SELECT state, state_data, phone FROM chats WHERE chat_id = ?", (CHAT,)
    )
    assert chat_row is not None and tuple(chat_row) == ("", "{}", "")
    # the registry data stays, and the erasure is audited without NIKs
    assert await status_of(office, budi.nik) == "BELUM_REKAM"
    audit = await office.db.fetchone(
        "SELECT actor, detail FROM audit_log WHERE action = 'privacy.erase'"
    )
    assert (
        audit is not None
        and audit["actor"] == f"telegram:{CHAT}"
        and budi.nik not in audit["detail"]
    )
    # afterwards /status asks for a NIK again
    assert "NIK" in await chat.say("/status")


async def test_hapus_in_a_group_is_refused(office: App) -> None:
    group = ChatDriver(office, "-100777")
    replies = await group.send(text="/hapus", is_group=True)
    assert "chat pribadi" in replies[0].text and not replies[0].buttons


async def test_hapus_in_english(office: App) -> None:
    chat = ChatDriver(office, "4343")
    chat.language_hint = "en"
    replies = await chat.send(text="/hapus")
    assert "Delete this chat's data?" in replies[0].text
    assert "has been deleted" in await chat.press("hapus:ya")
