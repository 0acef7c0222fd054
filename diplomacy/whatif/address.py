"""A what-if's address: the factor settings read from a query string, and written back the one way.

The address holds `<factor-slug>=<setting>` for each factor not at 0, in the factors' order, so
one what-if has one address: shared, cached and compared as it is. Whatever else a query
string holds is ignored, each thing with a sentence saying so. Plain Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .model import SETTINGS

LABELS = {-2: "much weaker", -1: "weaker", 0: "as the editors see it", 1: "stronger", 2: "much stronger"}
SHOWN_AT_MOST = 40  # characters of an ignored name or value echoed back in a message
SAID_AT_MOST = 5  # messages about ignored things; the rest are counted


@dataclass(frozen=True)
class Reading:
    """The settings an address asks for (factors not at 0, in the factors' order), and what it
    asked for that was ignored."""

    settings: dict[str, int]
    ignored: list[str] = field(default_factory=list)

    @property
    def query(self) -> str:
        """The canonical query string, without "?"; empty when every factor is at 0."""
        return urlencode(list(self.settings.items()))


def read(query: Mapping[str, Sequence[str]], factors: Mapping[str, str], inert: Mapping[str, str]) -> Reading:
    """Read `query` ({name: [values]}) against `factors` ({slug: name}, in order), the factors this
    what-if moves; `inert` ({slug: sentence}) are known factors that move nothing here, each with
    the sentence that says so."""
    settings: dict[str, int] = {}
    ignored: list[str] = []
    for key, values in query.items():
        if key in inert:
            ignored.append(inert[key])
        elif key not in factors:
            ignored.append(f"“{_shown(key)}” is not one of the forces here, so it was ignored.")
        elif len(values) != 1:
            ignored.append(f"{factors[key]} was set more than once, so it is left as the editors see it.")
        elif (setting := _setting(values[0])) is None:
            ignored.append(
                f"{factors[key]} is set from −2 to 2, not “{_shown(values[0])}”, so it is left as the editors see it."
            )
        elif setting:
            settings[key] = setting
    if len(ignored) > SAID_AT_MOST:
        ignored[SAID_AT_MOST:] = [f"{len(ignored) - SAID_AT_MOST} more things in the address were ignored."]
    return Reading({slug: settings[slug] for slug in factors if slug in settings}, ignored)


def _setting(value: str) -> int | None:
    text = value.strip().replace("−", "-")  # a typographic minus, as a reader might type it
    if re.fullmatch(r"[+-]?[0-9]", text) and int(text) in SETTINGS:
        return int(text)
    return None


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_AT_MOST else text[: SHOWN_AT_MOST - 1] + "…"
