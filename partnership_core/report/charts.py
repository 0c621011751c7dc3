"""Report charts as drawing primitives in millimetres, drawn by both renderers.

Each chart is laid out once here from `ReportData` (values, colours, partner order) as a list
of rectangles, lines, markers and texts; the PDF renderer draws them with fpdf2, the HTML
renderer as inline SVG. So the two outputs show the very same chart.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

from .model import GapRow, LevelSection, LevelSummary, PartnerInfo

__all__ = [
    "Rect",
    "Line",
    "Marker",
    "Text",
    "Chart",
    "PT",
    "level_chart",
    "level_summary_chart",
    "perception_chart",
    "marker_points",
]

PT = 0.3528  # mm per typographic point
GRID = "#D0D0D0"
INK = "#222222"
MUTED = "#666666"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = GRID
    width: float = 0.2


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    symbol: str
    colour: str
    size: float = 1.5  # radius, mm


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = 7.5  # points
    colour: str = INK
    anchor: str = "start"  # start | middle | end
    bold: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: float
    height: float
    items: tuple[Rect | Line | Marker | Text, ...] = field(default_factory=tuple)


def marker_points(symbol: str, x: float, y: float, r: float) -> list[tuple[float, float]]:
    """Polygon of a partner marker (palette symbol names); a circle is a 16-gon."""
    if symbol == "diamond":
        return [(x, y - r * 1.2), (x + r, y), (x, y + r * 1.2), (x - r, y)]
    if symbol == "square":
        s = r * 0.9
        return [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)]
    if symbol == "triangle-up":
        return [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]
    if symbol == "x":
        a, b = r * 1.0, r * 0.35
        pts = []
        for k in range(4):  # a plus sign of width 2b, turned by 45 degrees
            ang = math.pi / 4 + k * math.pi / 2
            for dx, dy in ((a, -b), (a, b)):
                pts.append(
                    (
                        dx * math.cos(ang) - dy * math.sin(ang),
                        dx * math.sin(ang) + dy * math.cos(ang),
                    )
                )
            ang2 = ang + math.pi / 4
            pts.append((b * math.sqrt(2) * math.cos(ang2), b * math.sqrt(2) * math.sin(ang2)))
        return [(x + px, y + py) for px, py in pts]
    if symbol == "star":
        pts = []
        for k in range(10):
            rad = r * 1.3 if k % 2 == 0 else r * 0.55
            ang = -math.pi / 2 + k * math.pi / 5
            pts.append((x + rad * math.cos(ang), y + rad * math.sin(ang)))
        return pts
    return [
        (x + r * math.cos(k * math.pi / 8), y + r * math.sin(k * math.pi / 8)) for k in range(16)
    ]


def _wrap(text: str, width_mm: float, size_pt: float, max_lines: int = 2) -> list[str]:
    # Average DejaVu Sans glyph ~0.56 em; conservative so labels never run into the plot.
    chars = max(8, int(width_mm / (size_pt * PT * 0.58)))
    lines = textwrap.wrap(" ".join(text.split()), chars) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.0f}"


def _legend(partners: tuple[PartnerInfo, ...], width: float, y: float) -> tuple[list, float]:
    """Partner markers with names in rows; returns items and the height used."""
    items: list = []
    x, row_y, size = 0.0, y + 3.0, 7.5
    for p in partners:
        label = p.name if len(p.name) <= 40 else p.name[:39] + "…"
        w = 5 + len(label) * size * PT * 0.58 + 6
        if x > 0 and x + w > width:
            x, row_y = 0.0, row_y + 5.0
        items.append(Marker(x + 1.8, row_y - 1.0, p.symbol, p.colour, 1.4))
        items.append(Text(x + 4.5, row_y, label, size))
        x += w
    return items, row_y - y + 3.0


def _axis(x0: float, x1: float, top: float, bottom: float) -> list:
    items: list = []
    for v in (0, 25, 50, 75, 100):
        x = x0 + (x1 - x0) * v / 100
        items.append(Line(x, top, x, bottom, GRID, 0.2))
        items.append(Text(x, bottom + 3.2, str(v), 6.5, MUTED, "middle"))
    return items


def level_chart(level: LevelSection, partners: tuple[PartnerInfo, ...], width: float) -> Chart:
    """Readiness of every partner per characteristic (dots joined by a line: the wider the
    line, the further apart the partners) and each characteristic's alignment bar."""
    items, legend_h = _legend(partners, width, 0.0)
    label_w = width * 0.30
    x0, x1 = label_w + 2, width * 0.74  # readiness track
    b0, b1 = width * 0.80, width - 4  # alignment bar; room for the "100" tick label
    top = legend_h + 6.0
    items.append(Text(x0, top - 2.0, "Readiness of each partner (0–100)", 7, MUTED, bold=True))
    items.append(Text(b0, top - 2.0, "Alignment", 7, MUTED, bold=True))
    row_h = 4.0 + 2.0 * min(len(partners), 6)
    n = len(level.rows)
    bottom = top + row_h * n
    items += _axis(x0, x1, top, bottom)
    items += _axis(b0, b1, top, bottom)
    offsets = [(i - (len(partners) - 1) / 2) * 1.6 for i in range(len(partners))]
    for r, row in enumerate(level.rows):
        cy = top + row_h * (r + 0.5)
        if r % 2 == 0:
            items.insert(0, Rect(0, top + row_h * r, width, row_h, fill="#F5F5F5"))
        lines = _wrap(row.name, label_w - 2, 7.5)
        for k, line in enumerate(lines):
            ly = cy + 1.0 + (k - (len(lines) - 1) / 2) * 3.2
            items.append(Text(0.5, ly, line, 7.5))
        present = [(i, v) for i, v in enumerate(row.readiness) if v is not None]
        if len(present) >= 2:
            lo = min(v for _, v in present)
            hi = max(v for _, v in present)
            items.append(
                Line(x0 + (x1 - x0) * lo / 100, cy, x0 + (x1 - x0) * hi / 100, cy, "#9E9E9E", 0.6)
            )
        if not present:
            items.append(Text((x0 + x1) / 2, cy + 1.0, "no ratings yet", 6.5, MUTED, "middle"))
        for i, v in present:
            items.append(
                Marker(
                    x0 + (x1 - x0) * v / 100,
                    cy + offsets[i],
                    partners[i].symbol,
                    partners[i].colour,
                    1.3,
                )
            )
        bar_h = min(4.0, row_h * 0.5)
        if row.alignment is not None:
            items.append(
                Rect(
                    b0,
                    cy - bar_h / 2,
                    (b1 - b0) * row.alignment / 100,
                    bar_h,
                    fill=row.band_colour,
                    stroke="#777777",
                )
            )
        label = _fmt(row.alignment)
        items.append(Text(b0 - 1.0, cy + 1.0, label, 7, INK, "end", bold=True))
    description = "; ".join(
        f"{row.name}: "
        + ", ".join(f"{p.name} {_fmt(v)}" for p, v in zip(partners, row.readiness, strict=True))
        + f", alignment {_fmt(row.alignment)} ({row.band_label})"
        for row in level.rows
    )
    return Chart(
        title=f"{level.name}: readiness and alignment",
        description=description,
        width=width,
        height=bottom + 5.0,
        items=tuple(items),
    )


def level_summary_chart(levels: tuple[LevelSummary, ...], width: float) -> Chart:
    """Compatibility per level as bars in the colour of the level's verdict."""
    items: list = []
    label_w = width * 0.24
    x0, x1 = label_w + 2, width * 0.62
    top, row_h = 2.0, 8.0
    bottom = top + row_h * len(levels)
    items += _axis(x0, x1, top, bottom)
    for r, lv in enumerate(levels):
        cy = top + row_h * (r + 0.5)
        items.append(Text(0.5, cy + 1.2, lv.name, 8.5, INK, bold=True))
        if lv.compatibility is not None:
            items.append(
                Rect(
                    x0,
                    cy - 2.6,
                    (x1 - x0) * lv.compatibility / 100,
                    5.2,
                    fill=lv.colour,
                    stroke="#777777",
                )
            )
        items.append(Text(x1 + 3, cy + 1.2, f"{_fmt(lv.compatibility)}  {lv.verdict_label}", 8))
    return Chart(
        title="Compatibility per level",
        description="; ".join(
            f"{lv.name}: {_fmt(lv.compatibility)} ({lv.verdict_label})" for lv in levels
        ),
        width=width,
        height=bottom + 5.0,
        items=tuple(items),
    )


def perception_chart(
    gaps: tuple[GapRow, ...], partners: tuple[PartnerInfo, ...], width: float, max_rows: int = 12
) -> Chart:
    """Predicted (open square) versus actual score (filled marker), per statement and pair,
    in the colours of the partner whose score was predicted; widest misreadings first."""
    rows = sorted(gaps, key=lambda g: -g.gap)[:max_rows]
    items: list = []
    label_w = width * 0.45
    x0, x1 = label_w + 2, width - 3
    top = 9.0
    items.append(Rect(x0 - 1.3, 1.2, 2.6, 2.6, fill="#FFFFFF", stroke=INK))
    items.append(Text(x0 + 3, 3.6, "predicted by the other partner", 7, MUTED))
    items.append(Marker(x0 + 52, 2.5, "circle", INK, 1.3))
    items.append(Text(x0 + 55, 3.6, "the partner’s own score", 7, MUTED))
    row_h = 9.0
    bottom = top + row_h * len(rows)
    items += _axis(x0, x1, top, bottom)
    for r, g in enumerate(rows):
        cy = top + row_h * (r + 0.5)
        if r % 2 == 0:
            items.insert(0, Rect(0, top + row_h * r, width, row_h, fill="#F5F5F5"))
        lines = _wrap(g.text, label_w - 2, 7)
        for k, line in enumerate(lines):
            items.append(Text(0.5, cy + 1.0 + (k - (len(lines) - 1) / 2) * 3.0, line, 7))
        px = x0 + (x1 - x0) * g.predicted / 100
        ax = x0 + (x1 - x0) * g.actual / 100
        items.append(Line(px, cy, ax, cy, "#9E9E9E", 0.6))
        other = partners[g.other_index]
        items.append(Rect(px - 1.3, cy - 1.3, 2.6, 2.6, fill="#FFFFFF", stroke=other.colour))
        items.append(Marker(ax, cy, other.symbol, other.colour, 1.4))
    return Chart(
        title="Predicted and actual scores",
        description="; ".join(
            f"{g.predictor} expected {g.other} at {g.predicted:.0f}, actual {g.actual:.0f}: "
            f"{g.text}"
            for g in rows
        ),
        width=width,
        height=bottom + 5.0,
        items=tuple(items),
    )
