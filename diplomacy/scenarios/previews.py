"""Link-preview images (1200×630 PNG) for topics and scenarios, drawn with Pillow."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
    was: int | None = None  # what it moved from (a what-if): marked on the bar, and "was → is" beside it
    note: str = ""  # a second, smaller line under the label (which outcome of a topic)


# DejaVu Sans, shipped with the code (fonts/LICENSE): real dashes, quotes and accents, the
# same on every machine.
FONTS = Path(__file__).resolve().parent / "fonts"
LEFT, RIGHT = 70, WIDTH - 70
MOST_BARS = 6


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines no wider than `width` pixels, the last cut with an ellipsis."""
    out: list[str] = []
    for word in text.split():
        if out and draw.textlength(f"{out[-1]} {word}", font=font) <= width:
            out[-1] += f" {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        while draw.textlength(out[-1] + "…", font=font) > width and " " in out[-1]:
            out[-1] = out[-1].rsplit(" ", 1)[0]
        out[-1] += "…"
    return out


def render(*, kicker: str, title: str, bars: list[Bar], site: str) -> bytes:
    """A PNG: the kicker (topic or site), the title, and one likelihood bar per outcome (or topic,
    with a note saying which outcome) under it, at most MOST_BARS."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 16, HEIGHT], fill=ACCENT)
    draw.text((LEFT, 48), kicker.upper(), font=_font(28, bold=True), fill=ACCENT)
    y = 96
    for line in _wrap(draw, title, _font(56, bold=True), RIGHT - LEFT, 3 if len(bars) < 4 else 2):
        draw.text((LEFT, y), line, font=_font(56, bold=True), fill=TEXT)
        y += 68
    y += 28
    bars = bars[:MOST_BARS]
    row = min(64, (HEIGHT - 70 - y) // max(len(bars), 1))
    noted = any(bar.note for bar in bars)
    label_font, value_font = (_font(24), _font(28)) if noted else (_font(28), _font(28))
    left = 560 if noted else 420
    right = 910 if any(bar.was is not None for bar in bars) else 1010
    for bar in bars:
        colour = HIGHLIGHT if bar.highlighted else ACCENT
        label = _wrap(draw, bar.label, label_font, left - LEFT - 20, 1)[0]
        draw.text(
            (LEFT, y + (0 if noted else 6)), label, font=label_font, fill=TEXT if bar.highlighted or noted else MUTED
        )
        if bar.note:
            note = _wrap(draw, bar.note, _font(20), left - LEFT - 20, 1)[0]
            draw.text((LEFT, y + 27), note, font=_font(20), fill=MUTED)
        draw.rounded_rectangle([left, y + 10, right, y + 38], radius=6, fill=TRACK)
        if bar.value is None:
            draw.text((right + 20, y + 6), "n/a", font=value_font, fill=MUTED)
        else:
            if bar.value > 0:
                end = left + (right - left) * bar.value // 100
                draw.rounded_rectangle([left, y + 10, max(end, left + 12), y + 38], radius=6, fill=colour)
            shown = f"{bar.value}\u2009%" if bar.was is None else f"{bar.was} → {bar.value}\u2009%"
            draw.text((right + 20, y + 6), shown, font=value_font, fill=TEXT)
            if bar.was is not None:
                mark = left + (right - left) * bar.was // 100
                draw.rectangle([mark - 2, y + 2, mark + 2, y + 46], fill=TEXT)
        y += row
    if any(bar.was is not None for bar in bars):
        footer = f"{site} – a what-if on the editors’ estimates (the white marks)"
    else:
        footer = f"{site} – editors’ illustrative estimates" if bars else site
    draw.text((LEFT, HEIGHT - 52), footer, font=_font(24), fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
