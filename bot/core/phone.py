"""Indonesian phone numbers in one form (digits, country code 62) so 08xx and +628xx match."""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"\D")


def normalize_phone(text: str | None) -> str:
    """'0812-3456-789', '+62 812 3456 789', '62812…' and '812…' → '628123456789'; junk → ''."""
    digits = _NON_DIGITS.sub("", text or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("62") or not 10 <= len(digits) <= 15:
        return ""
    return digits


def same_phone(a: str | None, b: str | None) -> bool:
    """True when both are usable numbers and equal once normalised."""
    na, nb = normalize_phone(a), normalize_phone(b)
    return bool(na) and na == nb
