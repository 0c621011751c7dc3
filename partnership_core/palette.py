"""One colour per partner, the same in every chart, the app and the report.

Okabe-Ito colours: distinguishable with the common forms of colour blindness. Charts also
use a marker symbol per partner, so colour is never the only carrier of meaning.
"""

from __future__ import annotations

from .bank import BandId
from .results import BAND_LABELS, CharacteristicResult, Severity, Verdict

__all__ = [
    "PARTNER_COLOURS",
    "PARTNER_SYMBOLS",
    "PARTNER_GLYPHS",
    "partner_colour",
    "partner_symbol",
    "partner_glyph",
    "BAND_COLOURS",
    "VERDICT_COLOURS",
    "SEVERITY_COLOURS",
    "text_on",
    "NOT_ASSESSED_LABEL",
    "band_label",
]

PARTNER_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
)
PARTNER_SYMBOLS: tuple[str, ...] = ("circle", "diamond", "square", "triangle-up", "x", "star")
# The same marker as text, for names written next to a chart (legends, tables, metrics).
PARTNER_GLYPHS: tuple[str, ...] = ("●", "◆", "■", "▲", "✕", "★")

# Band colours run light-to-dark as well as hue, so they read in greyscale print too.
BAND_COLOURS: dict[str, str] = {
    "strong": "#1A9850",
    "workable": "#A6D96A",
    "pause": "#FDAE61",
    "serious": "#D73027",
    "insufficient": "#BDBDBD",
}
# A verdict reads in the colour of the matching band, so the two agree wherever they are shown
# (the app's figures and the report).
VERDICT_COLOURS: dict[Verdict, str] = {
    Verdict.CLEAR: BAND_COLOURS[BandId.STRONG],
    Verdict.CONDITIONS: BAND_COLOURS[BandId.WORKABLE],
    Verdict.PAUSE: BAND_COLOURS[BandId.PAUSE],
    Verdict.STOP: BAND_COLOURS[BandId.SERIOUS],
    Verdict.INCOMPLETE: BAND_COLOURS[BandId.INSUFFICIENT],
}

# A finding reads in the colour of the band it stands for; "discuss" (agenda only) in a blue
# that no band uses, so it never looks like a verdict.
SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.SERIOUS: BAND_COLOURS[BandId.SERIOUS],
    Severity.CONCERN: BAND_COLOURS[BandId.PAUSE],
    Severity.NOT_JUDGED: BAND_COLOURS[BandId.INSUFFICIENT],
    Severity.WORK: BAND_COLOURS[BandId.WORKABLE],
    Severity.DISCUSS: "#92C5DE",
}

# A characteristic no chosen bank asks about has the "insufficient" band and colour, but its
# remedy is another bank, not more answers: it reads differently wherever a band is shown.
NOT_ASSESSED_LABEL = "Not assessed"


def band_label(characteristic: CharacteristicResult) -> str:
    """The characteristic's band in words, "Not assessed" where no chosen bank asks about it."""
    if not characteristic.assessed:
        return NOT_ASSESSED_LABEL
    return characteristic.band_label or BAND_LABELS[characteristic.band]


def partner_colour(index: int) -> str:
    """Colour of the partner at `index` in the assessment's partner order."""
    return PARTNER_COLOURS[index % len(PARTNER_COLOURS)]


def partner_symbol(index: int) -> str:
    return PARTNER_SYMBOLS[index % len(PARTNER_SYMBOLS)]


def partner_glyph(index: int) -> str:
    """The chart marker of the partner at `index`, as a text character."""
    return PARTNER_GLYPHS[index % len(PARTNER_GLYPHS)]


def text_on(fill: str) -> str:
    """Black or white text, whichever reads better on the given `#RRGGBB` fill."""
    h = fill.lstrip("#")
    r, g, b = int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    # Perceived brightness (ITU-R BT.601 weights) against the middle of the 0-255 range.
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#FFFFFF"
