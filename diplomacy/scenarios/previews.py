"""Link-preview images (1200×630 PNG) for topics and scenarios, drawn with Pillow."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

SIZE = WIDTH, HEIGHT = 1200, 630
BACKGROUND = "#14181d"
TEXT = "#e6e8eb"
MUTED = "#a3acb8"
ACCENT = "#7cb8e4"
TRACK = "#2c333d"
HIGHLIGHT = "#f2c35b"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    highlighted: bool = False


# Pillow's built-in font has no typographic punctuation; these stand in for it.
_PLAIN = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "×": "x", "\u2009": " "}
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _plain(text: str) -> str:
    return text.translate(_PLAIN)


def render(*, kicker: str, title: str, bars: list[Bar], site: str) -> bytes:
    """A PNG: the kicker (topic or site), the title, and one likelihood bar per outcome."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 16, HEIGHT], fill=ACCENT)
    draw.text((70, 50), _plain(kicker).upper(), font=_font(30), fill=ACCENT)
    lines = textwrap.wrap(_plain(title), width=34)[:3]
    y = 100
    for line in lines:
        draw.text((70, y), line, font=_font(60), fill=TEXT)
        y += 72
    y = max(y + 30, 340)
    row = min(62, (HEIGHT - 60 - y) // max(len(bars), 1))
    label_font, value_font = _font(28), _font(28)
    for bar in bars[:4]:
        colour = HIGHLIGHT if bar.highlighted else ACCENT
        draw.text((70, y + 8), _plain(bar.label), font=label_font, fill=TEXT if bar.highlighted else MUTED)
        left, right = 420, 1010
        draw.rounded_rectangle([left, y + 10, right, y + 38], radius=6, fill=TRACK)
        if bar.value is None:
            draw.text((right + 20, y + 8), "n/a", font=value_font, fill=MUTED)
        else:
            if bar.value > 0:
                end = left + (right - left) * bar.value // 100
                draw.rounded_rectangle([left, y + 10, max(end, left + 12), y + 38], radius=6, fill=colour)
            draw.text((right + 20, y + 8), f"{bar.value} %", font=value_font, fill=TEXT)
        y += row
    footer = f"{site} - editors' illustrative estimates" if bars else site
    draw.text((70, HEIGHT - 50), _plain(footer), font=_font(24), fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
