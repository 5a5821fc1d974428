"""The message catalogue: every text exists in Bahasa Indonesia and English with the same
placeholders, so a value given in one language is never missing (KeyError) in the other."""

from __future__ import annotations

from collections.abc import Iterator
from string import Formatter

import pytest

from bot.i18n import LANGUAGES, MESSAGES, t
from bot.i18n.common import STATUS_TEXTS
from bot.i18n.whatsapp import TEXTS as WHATSAPP_TEXTS


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a format string."""
    return {field for _, field, _, _ in Formatter().parse(template) if field is not None}


def every_text() -> Iterator[tuple[str, dict[str, str]]]:
    yield from MESSAGES.items()
    yield from WHATSAPP_TEXTS.items()
    for status, parts in STATUS_TEXTS.items():
        for part, entry in parts.items():
            yield f"{status}.{part}", entry


def test_both_languages_with_the_same_placeholders() -> None:
    problems = []
    for key, entry in every_text():
        if set(entry) != set(LANGUAGES) or not all(entry[lang].strip() for lang in LANGUAGES):
            problems.append(f"{key}: languages {sorted(entry)}")
        elif placeholders(entry["id"]) != placeholders(entry["en"]):
            problems.append(f"{key}: {placeholders(entry['id'])} ≠ {placeholders(entry['en'])}")
    assert problems == []
    assert len(list(every_text())) > 300


def test_a_missing_key_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    assert t("en", "no_such_key") == "no_such_key"
    assert "Missing message key no_such_key" in caplog.text


def test_numbers_are_written_as_each_language_writes_them() -> None:
    from bot.i18n.numbers import number, percent

    assert number("id", 1234567) == "1.234.567"
    assert number("en", 1234567) == "1,234,567"
    assert number("id", 12345.25, 1) == "12.345,2"
    assert percent("id", 0.695) == "69,5%"
    assert percent("en", 0.695) == "69.5%"
