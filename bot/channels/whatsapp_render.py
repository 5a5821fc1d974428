"""How a core `Reply` looks on WhatsApp: reply buttons, a list, or numbered text.

Rules (Cloud API limits):

* 1–3 choices whose titles fit 20 characters and are unique → interactive reply buttons;
* up to 10 choices (row titles ≤ 24, longer ones shortened with the full title as the row
  description ≤ 72) → an interactive list;
* more → numbered text ("1. …") the user answers with a number; the payloads come back as
  `Rendered.choices` so the channel can map '2' back to the second payload.

Texts are split at 4,096 characters, interactive bodies at 1,024 (the head goes as text
first). `SHARE_CONTACT` buttons are dropped — on WhatsApp the sender's own number is already
verified — and URL buttons become a line of text. Documents are added by the channel after
uploading them (`document_message`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import Button, ButtonKind, Reply
from bot.i18n.whatsapp import wa_text

TEXT_LIMIT = 4096
BODY_LIMIT = 1024
CAPTION_LIMIT = 1024
BUTTON_TITLE = 20
MAX_BUTTONS = 3
ROW_TITLE = 24
ROW_DESCRIPTION = 72
MAX_ROWS = 10
ID_LIMIT = 200

Message = dict[str, Any]


@dataclass
class Rendered:
    """Message objects to send (without `to`), and the numbered choices when there are any."""

    messages: list[Message] = field(default_factory=list)
    choices: list[str] | None = None  # payloads by number; None = not numbered text


IMAGE_TYPES = ("image/png", "image/jpeg")


def render(reply: Reply, lang: str = "id") -> Rendered:
    """The WhatsApp messages for one reply (document excluded: see `document_message`)."""
    choices = [b for b in reply.buttons if b.kind is ButtonKind.PAYLOAD and b.payload]
    text = _with_links(reply.text, reply.buttons)
    if not choices:
        return Rendered([text_message(part) for part in split_text(text, TEXT_LIMIT)])
    head, body = _split_head(text)
    messages = [text_message(part) for part in head]
    if _fits_buttons(choices):
        messages.append(_buttons(body, choices))
        return Rendered(messages)
    if _fits_list(choices):
        messages.append(_list(body, choices, lang))
        return Rendered(messages)
    return _numbered(text, choices, lang)


def text_message(body: str) -> Message:
    """A plain text message."""
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def document_message(
    media_id: str, filename: str, caption: str = "", mime_type: str = ""
) -> Message:
    """A document by uploaded media id, with an optional caption (≤ 1,024); a PNG or JPEG is
    sent as an image (shown in the chat, no file name)."""
    if mime_type in IMAGE_TYPES:
        image: dict[str, str] = {"id": media_id}
        if caption:
            image["caption"] = caption[:CAPTION_LIMIT]
        return {"type": "image", "image": image}
    document: dict[str, str] = {"id": media_id, "filename": filename}
    if caption:
        document["caption"] = caption[:CAPTION_LIMIT]
    return {"type": "document", "document": document}


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line or word when possible."""
    text = text.strip() or "-"
    parts: list[str] = []
    while len(text) > limit:
        cut = _cut_point(text, limit)
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return [p for p in parts if p]


def _cut_point(text: str, limit: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, limit // 2, limit)
        if at > 0:
            return at
    return limit


def _split_head(text: str) -> tuple[list[str], str]:
    """Text too long for an interactive body: all but the last ≤ 1,024 piece go as text."""
    if len(text) <= BODY_LIMIT:
        return [], text.strip() or "-"
    pieces = split_text(text, BODY_LIMIT)
    head = "\n\n".join(pieces[:-1])
    return split_text(head, TEXT_LIMIT), pieces[-1]


def _with_links(text: str, buttons: list[Button]) -> str:
    links = [f"{b.title}: {b.url}" for b in buttons if b.kind is ButtonKind.URL and b.url]
    return "\n\n".join([text, *links]) if links else text


def _fits_buttons(choices: list[Button]) -> bool:
    titles = [b.title.strip() for b in choices]
    return (
        len(choices) <= MAX_BUTTONS
        and all(0 < len(t) <= BUTTON_TITLE for t in titles)
        and len(set(titles)) == len(titles)
        and _ids_ok(choices)
    )


def _fits_list(choices: list[Button]) -> bool:
    return len(choices) <= MAX_ROWS and _ids_ok(choices)


def _ids_ok(choices: list[Button]) -> bool:
    ids = [b.payload for b in choices]
    return len(set(ids)) == len(ids) and all(len(i) <= ID_LIMIT for i in ids)


def _buttons(body: str, choices: list[Button]) -> Message:
    buttons = [
        {"type": "reply", "reply": {"id": b.payload, "title": b.title.strip()}} for b in choices
    ]
    return {
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}},
    }


def _list(body: str, choices: list[Button], lang: str) -> Message:
    rows = [_row(b) for b in choices]
    action = {"button": wa_text(lang, "list_button"), "sections": [{"rows": rows}]}
    return {
        "type": "interactive",
        "interactive": {"type": "list", "body": {"text": body}, "action": action},
    }


def _row(button: Button) -> dict[str, str]:
    title = button.title.strip() or "-"
    row = {"id": button.payload, "title": title}
    if len(title) > ROW_TITLE:
        row["title"] = title[: ROW_TITLE - 1].rstrip() + "…"
        row["description"] = _shorten(title, ROW_DESCRIPTION)
    return row


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _numbered(text: str, choices: list[Button], lang: str) -> Rendered:
    lines = [f"{n}. {b.title.strip()}" for n, b in enumerate(choices, start=1)]
    full = "\n\n".join([text.strip(), "\n".join(lines), wa_text(lang, "numbered_hint")])
    messages = [text_message(part) for part in split_text(full, TEXT_LIMIT)]
    return Rendered(messages, [b.payload for b in choices])
