"""Ids and numbers from button payloads and typed text, parsed once, with bounds.

Only ASCII digits count ('²', '٣' and '１' are digits to `str.isdigit` but not numbers a user
or our own buttons write), and a number must fit a signed 64-bit integer, the range both
SQLite and PostgreSQL store: a 40-digit id from a forged button is "not valid" (None) like any
other garbage, never an `OverflowError` from the driver. Callers check who may press before
they look anything up with what these return.
"""

from __future__ import annotations

from datetime import date

#: The largest integer SQLite and PostgreSQL (BIGINT) store.
INT64_MAX = 2**63 - 1
_MAX_DIGITS = len(str(INT64_MAX))


def parse_number(text: str | None, *, low: int = 0, high: int = INT64_MAX) -> int | None:
    """The whole number `text` spells in ASCII digits (surrounding spaces allowed) when it lies
    in [low, high]; None otherwise ('', '-1', '1e3', '²', 40 digits)."""
    digits = (text or "").strip()
    if not digits or len(digits) > _MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return value if low <= value <= min(high, INT64_MAX) else None


def parse_id(text: str | None) -> int | None:
    """A database id (1 … 2⁶³−1) from a payload argument; None when it cannot be one."""
    return parse_number(text, low=1)


def parse_ymd(text: str | None) -> date | None:
    """'20261201' (a day in button payloads) → date; None when it is not a real day."""
    digits = (text or "").strip()
    if len(digits) != 8 or parse_number(digits) is None:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def parse_code(text: str | None, max_digits: int = 20) -> str | None:
    """A code kept as text (a Kepmendagri area code such as '1971011006'): 1–`max_digits`
    ASCII digits; None otherwise."""
    digits = (text or "").strip()
    ok = 0 < len(digits) <= max_digits and digits.isascii() and digits.isdigit()
    return digits if ok else None


def payload_args(arg: str, count: int) -> list[str] | None:
    """Exactly `count` ':'-separated arguments of a payload ('42:20261201' → ['42',
    '20261201']); None when there are more or fewer."""
    parts = arg.split(":") if arg else []
    return parts if len(parts) == count else None
