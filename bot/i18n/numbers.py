"""Numbers as each language writes them: Indonesian '1.234.567' and '69,5%', English
'1,234,567' and '69.5%'."""

from __future__ import annotations

_SWAP = str.maketrans(",.", ".,")


def number(lang: str, value: float, decimals: int = 0) -> str:
    """`value` with thousands separators and `decimals` places in `lang`'s style."""
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.translate(_SWAP)


def percent(lang: str, ratio: float) -> str:
    """`ratio` (0.695) as '69,5%' (id) or '69.5%' (en)."""
    return number(lang, ratio * 100, 1) + "%"
