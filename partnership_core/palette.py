"""One colour per partner, the same in every chart, the app and the report.

Okabe-Ito colours: distinguishable with the common forms of colour blindness. Charts also
use a marker symbol per partner, so colour is never the only carrier of meaning.
"""

from __future__ import annotations

__all__ = ["PARTNER_COLOURS", "PARTNER_SYMBOLS", "partner_colour", "partner_symbol", "BAND_COLOURS"]

PARTNER_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
)
PARTNER_SYMBOLS: tuple[str, ...] = ("circle", "diamond", "square", "triangle-up", "x", "star")

# Band colours run light-to-dark as well as hue, so they read in greyscale print too.
BAND_COLOURS: dict[str, str] = {
    "strong": "#1A9850",
    "workable": "#A6D96A",
    "pause": "#FDAE61",
    "serious": "#D73027",
    "insufficient": "#BDBDBD",
}


def partner_colour(index: int) -> str:
    """Colour of the partner at `index` in the assessment's partner order."""
    return PARTNER_COLOURS[index % len(PARTNER_COLOURS)]


def partner_symbol(index: int) -> str:
    return PARTNER_SYMBOLS[index % len(PARTNER_SYMBOLS)]
