"""User-facing texts in Bahasa Indonesia (first) and English, looked up by key."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from bot.i18n import cli, common, console, field, orders, outreach
from bot.i18n.common import STATUS_TEXTS

logger = logging.getLogger(__name__)

LANGUAGES = ("id", "en")

#: Every catalogue of texts; feature modules add theirs here (keys must not collide).
MESSAGES: dict[str, dict[str, str]] = {}
for _catalogue in (
    common.MESSAGES,
    outreach.MESSAGES,
    orders.MESSAGES,
    field.MESSAGES,
    cli.MESSAGES,
    console.MESSAGES,
):
    _clash = MESSAGES.keys() & _catalogue.keys()
    if _clash:
        raise RuntimeError(f"duplicate message keys: {sorted(_clash)}")
    MESSAGES.update(_catalogue)


def t(lang: str, key: str, **values: Any) -> str:
    """The text for `key` in `lang` (falls back to Indonesian), formatted with `values`."""
    entry = MESSAGES.get(key)
    if entry is None:
        logger.error("Missing message key %s", key)
        return key
    template = entry.get(lang) or entry["id"]
    return template.format(**values) if values else template


def status_text(lang: str, status: str, part: str) -> str:
    """'label', 'meaning' or 'next' for an e-KTP status code."""
    entry = STATUS_TEXTS[status]
    return entry[part].get(lang) or entry[part]["id"]


def pick_language(hint: str | None, default: str) -> str:
    """First language for a new chat from the platform's language code ('en-GB' → 'en')."""
    if hint:
        code = hint.split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return default


_MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def format_date(lang: str, day: date) -> str:
    """'17 Agustus 2027' / '17 August 2027'."""
    months = _MONTHS.get(lang, _MONTHS["id"])
    return f"{day.day} {months[day.month - 1]} {day.year}"
