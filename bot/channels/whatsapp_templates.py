"""Approved message templates: what goes when a contact's 24-hour window is closed.

Outside the window WhatsApp only delivers templates approved by Meta. Rather than one template
per text of the outreach module (texts change; approval takes days), each kind of
business-initiated message has one UTILITY template with two parameters — the office name and a
one-line summary of the message — and a quick-reply button «Baca pesan». The full message is
held (`storage.whatsapp.hold`) and follows as soon as the resident answers, which opens the
window. `jemput whatsapp templates` prints what to submit to Meta.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.messages import Reply
from bot.settings import Settings

#: Quick-reply payload of every template's button: "send me the held message(s)".
OPEN_PAYLOAD = "wa:open"
BUTTON_TEXT = "Baca pesan"
SUMMARY_LIMIT = 250
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Template:
    """One template to submit: its settings name, category, body and parameter meanings."""

    kind: str
    setting: str
    body: str
    parameters: tuple[str, ...]
    example: tuple[str, ...]
    category: str = "UTILITY"


TEMPLATES: tuple[Template, ...] = (
    Template(
        kind="summons",
        setting="WHATSAPP_TEMPLATE_SUMMONS",
        body=(
            "Yth. Bapak/Ibu, {{1}} mengundang Bapak/Ibu untuk perekaman e-KTP. {{2}} "
            "Tekan «Baca pesan» untuk keterangan lengkap: jadwal, tempat dan syaratnya."
        ),
        parameters=("office name (OFFICE_NAME)", "one-line summary of the summons"),
        example=(
            "Dinas Kependudukan dan Pencatatan Sipil Kota Pangkalpinang",
            "Data kami menunjukkan Bapak/Ibu belum rekam e-KTP.",
        ),
    ),
    Template(
        kind="reminder",
        setting="WHATSAPP_TEMPLATE_REMINDER",
        body=(
            "Yth. Bapak/Ibu, pengingat dari {{1}}: {{2}} "
            "Tekan «Baca pesan» untuk keterangan lengkap."
        ),
        parameters=("office name (OFFICE_NAME)", "one-line summary of the reminder"),
        example=(
            "Dinas Kependudukan dan Pencatatan Sipil Kota Pangkalpinang",
            "Besok tim Dukcapil datang ke Balai Warga RW 002.",
        ),
    ),
    Template(
        kind="notice",
        setting="WHATSAPP_TEMPLATE_NOTICE",
        body=(
            "Yth. Bapak/Ibu, ada pemberitahuan dari {{1}}: {{2}} "
            "Tekan «Baca pesan» untuk membaca pesan lengkapnya."
        ),
        parameters=("office name (OFFICE_NAME)", "one-line summary of the notice"),
        example=(
            "Dinas Kependudukan dan Pencatatan Sipil Kota Pangkalpinang",
            "e-KTP Bapak/Ibu sudah siap dicetak.",
        ),
    ),
)


def template_name(settings: Settings, kind: str) -> str:
    """The configured template name for an outbox kind (notice for anything else)."""
    names = {
        "summons": settings.whatsapp_template_summons,
        "reminder": settings.whatsapp_template_reminder,
    }
    return names.get(kind, settings.whatsapp_template_notice)


def summary(text: str) -> str:
    """A template parameter from a message: its first paragraph on one line, shortened.

    Meta refuses parameters with newlines, tabs or more than four spaces in a row.
    """
    first = next((p for p in text.strip().split("\n\n") if p.strip()), "-")
    line = _SPACES.sub(" ", first).strip()
    if len(line) > SUMMARY_LIMIT:
        line = line[: SUMMARY_LIMIT - 1].rstrip() + "…"
    return line or "-"


def template_message(settings: Settings, kind: str, reply: Reply) -> dict[str, object]:
    """The template message (without `to`) standing in for `reply` outside the window."""
    params = [settings.office_name, summary(reply.text)]
    components = [
        {"type": "body", "parameters": [{"type": "text", "text": p} for p in params]},
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "0",
            "parameters": [{"type": "payload", "payload": OPEN_PAYLOAD}],
        },
    ]
    return {
        "type": "template",
        "template": {
            "name": template_name(settings, kind),
            "language": {"code": settings.whatsapp_template_language},
            "components": components,
        },
    }


def print_templates(settings: Settings, write: Callable[[str], None] = print) -> None:
    """What to submit to Meta (WhatsApp Manager → Message templates), one block per template."""
    write(f"Language: {settings.whatsapp_template_language}    Button: quick reply «{BUTTON_TEXT}»")
    for template in TEMPLATES:
        write("")
        write(f"{template_name(settings, template.kind)}  ({template.category}, {template.kind})")
        write(f"  setting: {template.setting}")
        write(f"  body:    {template.body}")
        for number, (meaning, example) in enumerate(
            zip(template.parameters, template.example, strict=True), start=1
        ):
            write(f"  {{{{{number}}}}} = {meaning}; example: {example}")
        write(f"  button:  QUICK_REPLY «{BUTTON_TEXT}»")
