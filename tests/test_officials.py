"""/pengurus: officials register with buttons and a shared contact; staff approve in the group."""

from __future__ import annotations

from bot.app import App
from bot.core.messages import ButtonKind
from storage import audit, officials
from tests.conftest import ChatDriver
from tests.order_support import ADMIN, STAFF_CHAT, outbox_rows, payloads


async def register_rt(chat: ChatDriver) -> None:
    """Walk a Ketua RT of Kel. Bacang through registration up to the phone step."""
    replies = await chat.send(text="/pengurus")
    assert payloads(replies[0])[:4] == [
        "off:role:RT",
        "off:role:RW",
        "off:role:LURAH",
        "off:role:CAMAT",
    ]
    kec = await chat.send(payload="off:role:RT")
    assert "off:kec:197101" in payloads(kec[0])
    kel = await chat.send(payload="off:kec:197101")
    assert "Bukit Intan" in kel[0].text and "off:kel:1971011006" in payloads(kel[0])
    assert "RW" in await chat.press("off:kel:1971011006")
    assert "angka" in await chat.say("dua")  # not a number: asked again
    assert "RT" in await chat.say("2")
    assert "nama lengkap" in await chat.say("3")
    phone = await chat.send(text="Rahman Hakim")
    assert phone[0].buttons[0].kind is ButtonKind.SHARE_CONTACT


async def test_registration_then_staff_approval(office: App) -> None:
    chat = ChatDriver(office, "2001")
    await register_rt(chat)
    assert "tombol" in await chat.say("081234567890")  # typed numbers are not accepted
    assert "milik Bapak/Ibu sendiri" in await chat.share_contact("081234567890", user_id="777")
    done = await chat.share_contact("081234567890")
    assert "menunggu persetujuan" in done and "Ketua RT 003 / RW 002, Kel. Bacang" in done
    official = await officials.official_for_chat(office.db, "telegram", "2001")
    assert official is not None and official.status.value == "MENUNGGU"
    assert (official.rt, official.rw, official.phone) == ("003", "002", "6281234567890")

    [notice] = await outbox_rows(office, STAFF_CHAT)
    assert notice.kind == "staff" and "Rahman Hakim" in notice.reply.text
    assert payloads(notice.reply) == [f"offok:{official.id}", f"offno:{official.id}"]

    resident = ChatDriver(office, "3001")  # a forwarded button pressed by a resident
    assert "khusus petugas" in await resident.press(f"offok:{official.id}")
    still = await officials.get_official(office.db, official.id)
    assert still is not None and still.status.value == "MENUNGGU"

    staff = ChatDriver(office, STAFF_CHAT)
    answer = await staff.send(payload=f"offok:{official.id}", user_id=ADMIN, is_group=True)
    assert "disetujui" in answer[0].text
    again = await staff.send(payload=f"offno:{official.id}", user_id=ADMIN, is_group=True)
    assert "sudah diproses sebelumnya (disetujui)" in again[0].text
    approved = await officials.get_official(office.db, official.id)
    assert approved is not None and approved.approved

    [told] = await outbox_rows(office, "2001")
    assert "sudah disetujui" in told.reply.text
    [entry] = await audit.latest(office.db, action="official.approve")
    assert entry.actor == f"telegram:{ADMIN}"
    assert "sudah terdaftar" in await chat.say("/pengurus")


async def test_rejected_official_is_told_and_may_register_again(office: App) -> None:
    chat = ChatDriver(office, "2002")
    await register_rt(chat)
    await chat.share_contact("081234567891")
    official = await officials.official_for_chat(office.db, "telegram", "2002")
    assert official is not None
    staff = ChatDriver(office, STAFF_CHAT)
    await staff.send(payload=f"offno:{official.id}", user_id=ADMIN, is_group=True)
    [told] = await outbox_rows(office, "2002")
    assert "belum dapat disetujui" in told.reply.text
    replies = await chat.send(text="/pengurus")
    assert "tidak disetujui" in replies[0].text and payloads(replies[0]) == ["off:redo"]


async def test_camat_skips_kelurahan_and_numbers(office: App) -> None:
    chat = ChatDriver(office, "2003")
    await chat.say("/pengurus")
    await chat.press("off:role:CAMAT")
    assert "nama lengkap" in await chat.press("off:kec:197102")
    await chat.say("Ibu Camat Sari")
    assert "Camat, Kec. Taman Sari" in await chat.share_contact("081234567892")


async def test_registration_only_in_private_chat_and_stale_buttons(office: App) -> None:
    group = ChatDriver(office, STAFF_CHAT)
    replies = await group.send(text="/pengurus", user_id=ADMIN, is_group=True)
    assert "chat pribadi" in replies[0].text
    chat = ChatDriver(office, "2004")
    assert "tidak berlaku" in await chat.press("off:kec:197101")  # not in the flow
    await chat.say("/pengurus")
    await chat.press("off:role:RW")
    await chat.press("off:kec:197101")
    assert "tidak berlaku" in await chat.press("off:kel:1971021001")  # another kecamatan's


async def test_deep_link_preselects_the_area(office: App) -> None:
    chat = ChatDriver(office, "2005")
    replies = await chat.send(text="/start order-1971011006")
    assert payloads(replies[0]) == ["off:start:1971011006", "ord:k:RUMAH"]
    await chat.press("off:start:1971011006")
    assert "Nomor RW" in await chat.press("off:role:RW")
    assert "nama lengkap" in await chat.say("002")
    await chat.say("Bapak Ketua RW")
    assert "Ketua RW 002, Kel. Bacang" in await chat.share_contact("081234567893")
