"""Templates: Jinja2 with autoescaping, texts from `bot.i18n` in the staff member's language."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from bot.core.clock import from_iso
from bot.i18n import format_date, t

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def number(value: int | float) -> str:
    """'1.234.567' (Indonesian thousands separator)."""
    return f"{value:,.0f}".replace(",", ".")


def percent(ratio: float) -> str:
    """'42,5%'."""
    return f"{ratio * 100:.1f}%".replace(".", ",")


_env.filters["number"] = number
_env.filters["percent"] = percent


def html_page(name: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render `name` with `t` bound to `lang`."""

    def text(key: str, **values: Any) -> str:
        return t(lang, key, **values)

    def day(value: date | str | None) -> str:
        if value is None or value == "":
            return "-"
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return format_date(lang, value)

    def moment(value: str | None, tz: Any = None) -> str:
        if not value:
            return "-"
        at: datetime = from_iso(value)
        return (at.astimezone(tz) if tz else at).strftime("%d-%m-%Y %H:%M")

    body = _env.get_template(name).render(lang=lang, t=text, day=day, moment=moment, **context)
    return HTMLResponse(body, status_code=status)
