"""Conversations through the channel-agnostic core (no platform involved)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.core.messages import ButtonKind
from storage import chats
from storage.residents import Resident
from tests.conftest import ChatDriver, FrozenClock

pytestmark = pytest.mark.engines


async def test_start_greets_in_indonesian_with_menu(chat: ChatDriver) -> None:
    replies = await chat.send(text="/start")
    assert len(replies) == 1
    assert replies[0].text.startswith("Selamat datang di layanan Jemput Bola")
    assert [b.payload for b in replies[0].buttons] == ["menu:status", "menu:help", "menu:lang"]


async def test_english_language_hint_picks_english(chat: ChatDriver) -> None:
    chat.language_hint = "en-GB"
    assert (await chat.say("/start")).startswith("Welcome to the Jemput Bola service")


async def test_status_flow_nik_then_kk_shows_label_and_next_step(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    r = residents["PRR"]
    assert "16 angka" in await chat.say("/status")
    ask_kk = await chat.send(text=r.nik)
    assert "nomor Kartu Keluarga" in ask_kk[0].text
    assert [b.kind for b in ask_kk[0].buttons] == [ButtonKind.SHARE_CONTACT, ButtonKind.PAYLOAD]
    answer = await chat.say(r.no_kk)
    assert "Siap cetak (PRR)" in answer
    assert "membawa KK asli untuk mencetak" in answer
    assert r.nik not in answer and r.nik[:4] + "********" + r.nik[-4:] in answer


async def test_status_in_one_message_and_with_separators(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    r = residents["DUPLIKAT"]
    spaced = " ".join(r.nik[i : i + 4] for i in range(0, 16, 4))
    assert "nomor Kartu Keluarga" in await chat.say(f"/status {spaced}")
    assert "Rekam ganda (DUP)" in await chat.say(r.no_kk)
    assert "Rekam ganda (DUP)" in await chat.say(f"/cek {r.nik} {r.no_kk}")


async def test_every_status_label_in_both_languages(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    labels = {
        "BELUM_REKAM": ("Belum rekam", "Not yet recorded"),
        "SUDAH_REKAM": ("Sudah rekam, sedang diproses", "Recorded, being processed"),
        "PRR": ("Siap cetak (PRR)", "Ready to print (PRR)"),
        "DICETAK": ("Sudah dicetak, siap diambil", "Printed, ready for collection"),
        "DIAMBIL": ("Sudah diambil", "Collected"),
        "DUPLIKAT": ("Rekam ganda (DUP)", "Duplicate record (DUP)"),
        "REKAM_ULANG": ("Perlu rekam ulang", "Needs re-recording"),
    }
    for code, (label_id, label_en) in labels.items():
        r = residents[code]
        assert f"Status: {label_id}" in await chat.say(f"/status {r.nik} {r.no_kk}")
        await chat.say("/bahasa en")
        assert f"Status: {label_en}" in await chat.say(f"/status {r.nik} {r.no_kk}")
        await chat.say("/language id")
        await chat.say("/lupakan")  # stay under the link cap


async def test_prr_under_17_is_told_the_printing_date(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    r = residents["PRR16"]
    answer = await chat.say(f"/status {r.nik} {r.no_kk}")
    assert "Siap cetak (PRR)" in answer
    assert "dapat dicetak mulai ulang tahun ke-17, yaitu 27 Januari 2027" in answer


async def test_linked_chat_sees_statuses_at_once_and_forget_unlinks(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    a, b = residents["PRR"], residents["BELUM_REKAM"]
    await chat.say(f"/status {a.nik} {a.no_kk}")
    await chat.say(f"/status {b.nik} {b.no_kk}")
    both = await chat.say("/status")
    assert "Siap cetak (PRR)" in both and "Belum rekam" in both
    choose = await chat.send(text="/lupakan")
    assert len(choose[0].buttons) == 3  # two residents + "forget all"
    button_a = next(b for b in choose[0].buttons if b.title.endswith(a.nik[-4:]))
    await chat.press(button_a.payload)
    assert await chats.linked_niks(chat.app.db, "telegram", chat.chat_id) == [b.nik]
    assert "1 data sudah dilepas" in await chat.say("/forget")
    assert "16 angka" in await chat.say("/status")


async def test_link_cap(chat: ChatDriver, residents: dict[str, Resident]) -> None:
    people = list(residents.values())
    for r in people[:5]:
        assert "tersimpan di chat ini" in await chat.say(f"/status {r.nik} {r.no_kk}")
    sixth = people[5]
    answer = await chat.say(f"/status {sixth.nik} {sixth.no_kk}")
    assert "batas maksimal" in answer
    assert len(await chats.linked_niks(chat.app.db, "telegram", chat.chat_id)) == 5


async def test_wrong_kk_says_no_match_without_revealing_existence(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    r = residents["PRR"]
    known = await chat.say(f"/status {r.nik} 1971010101010001")
    unknown = await chat.say("/status 1971011501990009 1971010101010001")
    assert known.replace("4", "3") == unknown.replace("4", "3")  # same text but attempts left
    assert "data tidak cocok atau tidak ditemukan" in known
    assert "Sisa percobaan: 4" in known and "Sisa percobaan: 3" in unknown


async def test_lockout_after_five_failures_then_retry_time(
    chat: ChatDriver, residents: dict[str, Resident], clock: FrozenClock
) -> None:
    r = residents["PRR"]
    for _ in range(4):
        await chat.say(f"/status {r.nik} 1971010101010001")
    locked = await chat.say(f"/status {r.nik} 1971010101010001")
    assert "dihentikan sementara" in locked and "11:00" in locked  # 10:00 WIB + 60 min
    # Even the right KK is refused while locked.
    assert "dihentikan sementara" in await chat.say(f"/status {r.nik} {r.no_kk}")
    clock.travel(timedelta(minutes=61))
    assert "Siap cetak (PRR)" in await chat.say(f"/status {r.nik} {r.no_kk}")


async def test_contact_share_only_counts_for_own_number(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    r = residents["DICETAK"]
    await chat.say(f"/status {r.nik}")
    assert "nomor HP milik Bapak/Ibu sendiri" in await chat.share_contact(r.no_hp, user_id="999999")
    local = "0" + r.no_hp[2:]  # 08xx form of the registered 628xx number
    assert "Sudah dicetak, siap diambil" in await chat.share_contact(local)


async def test_contact_with_unregistered_number_is_a_failure(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    r = residents["DICETAK"]
    await chat.say(f"/status {r.nik}")
    assert "tidak cocok" in await chat.share_contact("081299998888")


async def test_platform_vouched_phone_skips_kk(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    r = residents["SUDAH_REKAM"]
    replies = await chat.send(text=f"/status {r.nik}", phone="+" + r.no_hp)
    assert "Sudah rekam, sedang diproses" in replies[0].text


async def test_platform_phone_that_does_not_match_asks_for_kk_only(
    chat: ChatDriver, residents: dict[str, Resident]
) -> None:
    r = residents["SUDAH_REKAM"]
    replies = await chat.send(text=f"/status {r.nik}", phone="+6281299990000")
    assert replies[0].text.startswith("Terima kasih.") and "Kirim nomor HP" not in replies[0].text
    assert [b.kind for b in replies[0].buttons] == [ButtonKind.PAYLOAD]


async def test_bad_nik_inputs_keep_the_flow_usable(chat: ChatDriver) -> None:
    await chat.say("/status")
    assert "NIK harus 16 angka" in await chat.say("12345")
    assert "tanggal lahirnya tidak mungkin" in await chat.say("1971019913990001")
    assert "tanggal lahirnya tidak mungkin" in await chat.say("1971013202990001")  # day 32
    assert "NIK harus 16 angka" in await chat.say("'; DROP TABLE residents;--")
    assert "16 angka" in await chat.say("🙂" * 50)
    assert "Baik, dibatalkan" in await chat.say("batal")
    assert "Tidak ada proses" in await chat.say("/batal")


async def test_odd_messages_get_answers(chat: ChatDriver) -> None:
    assert "hanya bisa membaca pesan teks" in "\n".join(
        r.text for r in await chat.send(unsupported="sticker")
    )
    assert "belum mengerti" in await chat.say("x" * 5000)
    assert "belum mengerti" in await chat.say("halo\x00\x07 apa kabar")
    assert "hanya bisa membaca" in await chat.say("\u200b\x01")  # nothing left after cleaning
    assert "belum mengerti" in await chat.say("/perintahaneh")
    assert "tidak berlaku" in await chat.press("nosuchverb:1")


async def test_group_chat_refuses_status_checks(app: App, residents: dict[str, Resident]) -> None:
    group = ChatDriver(app, chat_id="-100123")
    replies = await group.send(text=f"/status {residents['PRR'].nik}", is_group=True)
    assert "chat pribadi" in replies[0].text


async def test_help_shows_office_details(chat: ChatDriver) -> None:
    text = await chat.say("/bantuan")
    assert "Jam pelayanan: Senin–Kamis" in text and "KK asli" in text
    await chat.press("lang:en")
    assert "Service hours: Mon–Thu" in await chat.say("/help")


async def test_help_lists_staff_commands_only_for_staff(
    chat: ChatDriver, clock: FrozenClock
) -> None:
    from storage.teams import add_staff

    help_text = await chat.say("/bantuan")
    assert "/pesan — minta kunjungan" in help_text and "Untuk petugas" not in help_text
    await add_staff(chat.app.db, chat.chat_id, "Petugas Uji", "cli:test", clock.now())
    assert "Untuk petugas: /tim" in await chat.say("/bantuan")


async def test_state_survives_a_new_app_on_the_same_database(
    chat: ChatDriver, residents: dict[str, Resident], clock: FrozenClock
) -> None:
    from bot.app import build_app

    r = residents["PRR"]
    await chat.say(r.nik)  # an idle chat sending 16 digits starts the check
    second = await build_app(chat.app.settings, clock)
    try:
        again = ChatDriver(second, chat_id=chat.chat_id)
        assert "Siap cetak (PRR)" in await again.say(r.no_kk)
    finally:
        await second.close()


async def test_group_chatter_gets_no_answer(app: App) -> None:
    group = ChatDriver(app, chat_id="-100777")
    assert await group.send(text="status rapat besok?", is_group=True) == []
    assert await group.send(text="/perintahlain", is_group=True) == []
    assert await group.send(unsupported="photo", is_group=True) == []
    replies = await group.send(text="/bantuan", is_group=True)
    assert "Bantuan Jemput Bola" in replies[0].text
