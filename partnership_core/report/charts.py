"""Report charts as drawing primitives in millimetres, drawn by both renderers.

Each chart is laid out once here from `ReportData` (values, colours, partner order) as a list
of rectangles, lines, markers and texts; the PDF renderer draws them with fpdf2, the HTML
renderer as inline SVG. So the two outputs show the very same chart.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from typing import Protocol

from ..text import format_score
from .model import CharacteristicRow, GapRow, LevelSection, LevelSummary, PartnerInfo

__all__ = [
    "Rect",
    "Line",
    "Marker",
    "Text",
    "Chart",
    "ChartPainter",
    "PT",
    "draw",
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
    """A rectangle: x and w in chart units (scaled to the page), y and h in mm."""

    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None


@dataclass(frozen=True)
class Line:
    """A straight line from (x1, y1) to (x2, y2), `width` mm thick."""

    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = GRID
    width: float = 0.2


@dataclass(frozen=True)
class Marker:
    """A partner's marker (a palette symbol) centred on (x, y)."""

    x: float
    y: float
    symbol: str
    colour: str
    size: float = 1.5  # radius, mm


@dataclass(frozen=True)
class Text:
    """A line of text anchored at (x, y), y being its baseline."""

    x: float
    y: float  # baseline
    text: str
    size: float = 7.5  # points
    colour: str = INK
    anchor: str = "start"  # start | middle | end
    bold: bool = False


@dataclass(frozen=True)
class Chart:
    """A laid-out chart: its items in drawing order, `height` mm tall."""

    title: str
    description: str
    width: float
    height: float
    items: tuple[Rect | Line | Marker | Text, ...] = field(default_factory=tuple)


class ChartPainter(Protocol):
    """What a renderer implements to draw a chart: one method per kind of item."""

    def rect(self, item: Rect) -> None: ...

    def line(self, item: Line) -> None: ...

    def marker(self, item: Marker) -> None: ...

    def text(self, item: Text) -> None: ...


def draw(chart: Chart, painter: ChartPainter) -> None:
    """Hand every item of `chart`, in drawing order, to the painter's method of its kind."""
    methods = {Rect: painter.rect, Line: painter.line, Marker: painter.marker, Text: painter.text}
    for item in chart.items:
        methods[type(item)](item)


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


@dataclass(frozen=True)
class _LevelTracks:
    """Where a level chart draws: the readiness track (x0-x1), the alignment bar (b0-b1),
    the label column, the row height and each partner's vertical offset within a row."""

    label_w: float
    x0: float
    x1: float
    b0: float
    b1: float
    row_h: float
    offsets: tuple[float, ...]

    @classmethod
    def for_width(cls, width: float, partners: int) -> _LevelTracks:
        label_w = width * 0.30
        return cls(
            label_w=label_w,
            x0=label_w + 2,
            x1=width * 0.74,
            b0=width * 0.80,
            b1=width - 4,  # room for the "100" tick label
            row_h=4.0 + 2.0 * min(partners, 6),
            offsets=tuple((i - (partners - 1) / 2) * 1.6 for i in range(partners)),
        )

    def readiness_x(self, value: float) -> float:
        return self.x0 + (self.x1 - self.x0) * value / 100


def _striped_row(items: list, r: int, top: float, row_h: float, width: float) -> None:
    """Shade every other row, behind everything drawn so far."""
    if r % 2 == 0:
        items.insert(0, Rect(0, top + row_h * r, width, row_h, fill="#F5F5F5"))


def _row_label(text: str, cy: float, width_mm: float, size: float, leading: float) -> list:
    """A row's label, wrapped to two lines and centred on the row's middle `cy`."""
    lines = _wrap(text, width_mm, size)
    return [
        Text(0.5, cy + 1.0 + (k - (len(lines) - 1) / 2) * leading, line, size)
        for k, line in enumerate(lines)
    ]


def _level_row(
    row: CharacteristicRow, cy: float, t: _LevelTracks, partners: tuple[PartnerInfo, ...]
) -> list:
    """One characteristic: label, the line between its partners, their markers, alignment."""
    items = _row_label(row.name, cy, t.label_w - 2, 7.5, 3.2)
    present = [(i, v) for i, v in enumerate(row.readiness) if v is not None]
    if len(present) >= 2:
        lo = min(v for _, v in present)
        hi = max(v for _, v in present)
        items.append(Line(t.readiness_x(lo), cy, t.readiness_x(hi), cy, "#9E9E9E", 0.6))
    if not present:
        items.append(Text((t.x0 + t.x1) / 2, cy + 1.0, "no ratings yet", 6.5, MUTED, "middle"))
    for i, v in present:
        p = partners[i]
        items.append(Marker(t.readiness_x(v), cy + t.offsets[i], p.symbol, p.colour, 1.3))
    bar_h = min(4.0, t.row_h * 0.5)
    if row.alignment is not None:
        bar_w = (t.b1 - t.b0) * row.alignment / 100
        items.append(
            Rect(t.b0, cy - bar_h / 2, bar_w, bar_h, fill=row.band_colour, stroke="#777777")
        )
    items.append(Text(t.b0 - 1.0, cy + 1.0, format_score(row.alignment), 7, INK, "end", bold=True))
    return items


def level_chart(level: LevelSection, partners: tuple[PartnerInfo, ...], width: float) -> Chart:
    """Readiness of every partner per characteristic (dots joined by a line: the wider the
    line, the further apart the partners) and each characteristic's alignment bar."""
    items, legend_h = _legend(partners, width, 0.0)
    t = _LevelTracks.for_width(width, len(partners))
    top = legend_h + 6.0
    items.append(Text(t.x0, top - 2.0, "Readiness of each partner (0–100)", 7, MUTED, bold=True))
    items.append(Text(t.b0, top - 2.0, "Alignment", 7, MUTED, bold=True))
    bottom = top + t.row_h * len(level.rows)
    items += _axis(t.x0, t.x1, top, bottom)
    items += _axis(t.b0, t.b1, top, bottom)
    for r, row in enumerate(level.rows):
        _striped_row(items, r, top, t.row_h, width)
        items += _level_row(row, top + t.row_h * (r + 0.5), t, partners)
    description = "; ".join(
        f"{row.name}: "
        + ", ".join(
            f"{p.name} {format_score(v)}" for p, v in zip(partners, row.readiness, strict=True)
        )
        + f", alignment {format_score(row.alignment)} ({row.band_label})"
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
    """Each level's lowest fit (its weakest characteristic's figure) as a bar in the colour
    of the level's verdict."""
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
        items.append(
            Text(x1 + 3, cy + 1.2, f"{format_score(lv.compatibility)}  {lv.verdict_label}", 8)
        )
    return Chart(
        title="Lowest fit per level",
        description="; ".join(
            f"{lv.name}: {format_score(lv.compatibility)} ({lv.verdict_label})" for lv in levels
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
        _striped_row(items, r, top, row_h, width)
        items += _row_label(g.text, cy, label_w - 2, 7, 3.0)
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
