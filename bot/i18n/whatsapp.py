"""The few texts only the WhatsApp channel shows (list button, numbered-choice hint, templates).

Kept out of the shared catalogue: they belong to the renderer, not to conversations.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "list_button": {"id": "Pilih", "en": "Choose"},
    "numbered_hint": {
        "id": "Balas dengan angka pilihan Bapak/Ibu (misalnya 1).",
        "en": "Reply with the number of your choice (for example 1).",
    },
}


def wa_text(lang: str, key: str) -> str:
    """A WhatsApp-only text in `lang` (Indonesian when missing)."""
    entry = TEXTS[key]
    return entry.get(lang) or entry["id"]
