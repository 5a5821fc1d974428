"""Printable posters (PNG and PDF, A4) with a QR code that opens the order flow for an area.

The QR code points at `https://t.me/<BOT_USERNAME>?start=order-<kelurahan code>`; Telegram
sends `/start order-1971011006`, which offers registration as an official or a home visit.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass

import qrcode  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

from bot.errors import ConfigError

A4 = (1240, 1754)  # pixels at 150 dpi
DPI = 150
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


@dataclass(frozen=True)
class Poster:
    """What a poster says."""

    kelurahan: str
    kecamatan: str
    office: str
    url: str


def start_payload(kelurahan_kode: str) -> str:
    """The deep-link payload for an area: 'order-1971011006' (≤ 64 chars of A-Za-z0-9_-)."""
    payload = f"order-{kelurahan_kode}"
    if not _PAYLOAD.match(payload):
        raise ValueError(f"bad deep-link payload {payload!r}")
    return payload


def deep_link(bot_username: str, payload: str) -> str:
    """'https://t.me/JemputBolaBot?start=order-1971011006'."""
    name = bot_username.lstrip("@")
    if not _USERNAME.match(name):
        raise ConfigError("Set BOT_USERNAME (the bot's Telegram username) to make posters.")
    return f"https://t.me/{name}?start={payload}"


def qr_image(data: str, box: int) -> Image.Image:
    """A black-on-white QR code, `box` pixels per module (quiet zone included)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    size = len(matrix) * box
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle((x * box, y * box, (x + 1) * box - 1, (y + 1) * box - 1), fill=0)
    return image


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, width: int) -> int:
    """Draw wrapped, centred lines from `y`; return the y below them."""
    font = _font(size)
    for line in textwrap.wrap(text, width=max(10, int(width / (size * 0.55)))):
        left, top, right, bottom = draw.textbbox((0, 0), line, font=font)
        draw.text(((A4[0] - (right - left)) // 2, y), line, fill=0, font=font)
        y += int((bottom - top) * 1.35) + 4
    return y


def render(poster: Poster) -> Image.Image:
    """The poster as an A4 greyscale image."""
    image = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(image)
    width = A4[0] - 160
    y = _centered(draw, 90, "REKAM e-KTP JEMPUT BOLA", 72, width)
    area = f"Kelurahan {poster.kelurahan}, Kecamatan {poster.kecamatan}"
    y = _centered(draw, y + 20, area, 40, width)
    code = qr_image(poster.url, 14)
    image.paste(code, ((A4[0] - code.width) // 2, y + 40))
    y += code.height + 80
    lines = (
        "Ketua RT/RW, lurah, camat: pindai kode QR ini untuk mendaftar dan memesan perekaman "
        "e-KTP di wilayah Bapak/Ibu.",
        "Warga: minta kunjungan rumah untuk keluarga yang lansia, sakit, ODGJ, atau disabilitas.",
        "Bawa KK asli saat perekaman.",
    )
    for text in lines:
        y = _centered(draw, y, text, 32, width) + 16
    y = _centered(draw, y + 10, poster.url, 26, width)
    _centered(draw, A4[1] - 130, poster.office, 28, width)
    return image


def to_png_and_pdf(image: Image.Image) -> tuple[bytes, bytes]:
    """The image as PNG bytes and as a one-page PDF."""
    png, pdf = io.BytesIO(), io.BytesIO()
    image.save(png, "PNG", dpi=(DPI, DPI))
    image.convert("RGB").save(pdf, "PDF", resolution=float(DPI))
    return png.getvalue(), pdf.getvalue()


def slug(name: str) -> str:
    """'Gabek Satu' → 'gabek-satu' for file names."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "poster"
