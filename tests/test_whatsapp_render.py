"""WhatsApp rendering rules, templates and Graph API error mapping (pure functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.graph_api import (
    GraphError,
    PairRateLimited,
    WindowClosed,
    error_for,
)
from bot.channels.whatsapp_render import render, split_text
from bot.channels.whatsapp_templates import OPEN_PAYLOAD, print_templates, summary, template_message
from bot.core.messages import Button, ButtonKind, Reply
from bot.errors import ChatUnreachable, RateLimited, TransientError
from tests.conftest import make_settings


def buttons(n: int, title: str = "Pilihan {}") -> list[Button]:
    return [Button(title=title.format(i), payload=f"p:{i}") for i in range(1, n + 1)]


def test_up_to_three_short_unique_buttons_are_reply_buttons() -> None:
    [message] = render(Reply(text="Pilih", buttons=buttons(3))).messages
    interactive = message["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "Pilih"
    assert [b["reply"] for b in interactive["action"]["buttons"]] == [
        {"id": "p:1", "title": "Pilihan 1"},
        {"id": "p:2", "title": "Pilihan 2"},
        {"id": "p:3", "title": "Pilihan 3"},
    ]


@pytest.mark.parametrize(
    "choices",
    [
        buttons(4),
        buttons(2, "A title longer than twenty {}"),
        [Button(title="Sama", payload="a"), Button(title="Sama", payload="b")],
    ],
    ids=["four", "long-title", "duplicate-titles"],
)
def test_buttons_that_do_not_fit_become_a_list(choices: list[Button]) -> None:
    rendered = render(Reply(text="Pilih", buttons=choices), "en")
    [message] = rendered.messages
    assert message["interactive"]["type"] == "list"
    action = message["interactive"]["action"]
    assert action["button"] == "Choose"
    rows = action["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [b.payload for b in choices]
    assert all(len(r["title"]) <= 24 for r in rows)
    assert rendered.choices is None


def test_long_list_titles_are_shortened_with_the_full_title_as_description() -> None:
    long = "Kunjungan rumah (lansia, sakit, ODGJ, disabilitas)"
    reply = Reply(text="Jenis", buttons=[*buttons(3), Button(title=long, payload="x")])
    [message] = render(reply).messages
    row = message["interactive"]["action"]["sections"][0]["rows"][3]
    assert len(row["title"]) == 24 and row["title"].endswith("…")
    assert row["description"] == long


def test_more_than_ten_choices_become_numbered_text() -> None:
    rendered = render(Reply(text="Pilih tanggal", buttons=buttons(12)))
    [message] = rendered.messages
    body = message["text"]["body"]
    assert message["type"] == "text"
    assert "1. Pilihan 1" in body and "12. Pilihan 12" in body
    assert "Balas dengan angka" in body
    assert rendered.choices == [f"p:{i}" for i in range(1, 13)]


def test_share_contact_is_dropped_and_urls_become_text() -> None:
    reply = Reply(
        text="Kirim KK",
        buttons=[
            Button(title="Kirim nomor HP saya", kind=ButtonKind.SHARE_CONTACT),
            Button(title="Batal", payload="cancel"),
            Button(title="Peta", kind=ButtonKind.URL, url="https://maps.example/x"),
        ],
    )
    [message] = render(reply).messages
    assert [b["reply"]["id"] for b in message["interactive"]["action"]["buttons"]] == ["cancel"]
    assert message["interactive"]["body"]["text"].endswith("Peta: https://maps.example/x")
    only_share = Reply(text="x", buttons=[Button(title="HP", kind=ButtonKind.SHARE_CONTACT)])
    assert render(only_share).messages == [
        {"type": "text", "text": {"body": "x", "preview_url": False}}
    ]


def test_long_text_is_split_at_4096() -> None:
    text = "\n\n".join(f"Paragraf {i} " + "x" * 900 for i in range(10))
    messages = render(Reply(text=text)).messages
    bodies = [m["text"]["body"] for m in messages]
    assert len(bodies) == 3
    assert all(len(b) <= 4096 for b in bodies)
    assert "".join(bodies).replace("\n", "") == text.replace("\n", "")


def test_interactive_body_over_1024_sends_the_head_as_text_first() -> None:
    text = "Kepala. " * 200  # 1,600 characters
    messages = render(Reply(text=text, buttons=buttons(2))).messages
    assert [m["type"] for m in messages] == ["text", "interactive"]
    assert len(messages[1]["interactive"]["body"]["text"]) <= 1024


def test_split_text_cuts_words_not_mid_word() -> None:
    parts = split_text("kata " * 1000, 100)
    assert all(len(p) <= 100 and not p.endswith("ka") for p in parts)


def test_template_message_has_office_summary_and_open_button(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    reply = Reply(text="Yth. Bapak/Ibu Siti,\nsilakan   rekam.\n\nDetail kedua.")
    message = template_message(settings, "summons", reply)
    template = message["template"]
    assert isinstance(template, dict)
    assert template["name"] == "jb_panggilan_rekam"
    assert template["language"] == {"code": "id"}
    body, button = template["components"]
    assert [p["text"] for p in body["parameters"]] == [
        settings.office_name,
        "Yth. Bapak/Ibu Siti, silakan rekam.",
    ]
    assert button["parameters"] == [{"type": "payload", "payload": OPEN_PAYLOAD}]
    assert template_message(settings, "staff", reply)["template"]["name"] == "jb_pemberitahuan"  # type: ignore[index]


def test_summary_is_one_line_and_short() -> None:
    line = summary("a\tb" + " x" * 400)
    assert "\t" not in line and "\n" not in line and len(line) <= 250


def test_templates_are_printed_for_meta(tmp_path: Path) -> None:
    lines: list[str] = []
    print_templates(make_settings(tmp_path), lines.append)
    text = "\n".join(lines)
    for name in ("jb_panggilan_rekam", "jb_pengingat", "jb_pemberitahuan"):
        assert name in text
    assert "{{1}}" in text and "{{2}}" in text and "UTILITY" in text


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (131047, WindowClosed),
        (131056, PairRateLimited),
        (130429, RateLimited),
        (131026, ChatUnreachable),
        (131000, TransientError),
        (131009, GraphError),
    ],
)
def test_error_codes_map_to_project_errors(code: int, kind: type[Exception]) -> None:
    assert isinstance(error_for(code, "x"), kind)
    assert error_for(131056, "x", pair_wait=6.0).retry_after == 6.0  # type: ignore[attr-defined]
