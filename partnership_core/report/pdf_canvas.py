"""The page of the PDF report: fpdf2 with the shipped DejaVu fonts, running header and footer,
wrapped plain text, headings, bullets, tables and charts (drawn from `charts` layouts).

User text (names, comments, notes) is always written as plain text: markdown and HTML
interpretation stay off, so `<b>x</b>` or `**x**` print literally. The shipped DejaVu Sans
covers Latin, Greek and Cyrillic and typographic punctuation; a character it has no glyph for
(an emoji, CJK, a private-use symbol) is printed as `MISSING_GLYPH` rather than vanishing, so a
reader sees that something was there (`drawable`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ReportError
from ..palette import text_on
from . import charts
from .charts import PT, marker_points
from .fpdf_import import FPDF, Align, XPos, YPos, color_from_hex_string
from .model import ReportData

__all__ = ["ACCENT", "INK", "MISSING_GLYPH", "MUTED", "OPEN_RED", "ReportCanvas", "drawable"]

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
INK = "#1F1F1F"
MUTED = "#5F5F5F"
ACCENT = "#1F3A5F"  # dark blue of headings and the cover band
OPEN_RED = "#B2182B"
NB_ALIAS = "{pf-total-pages}"
# WHITE SQUARE: in DejaVu Sans, and the usual sign for "a character this font cannot show".
MISSING_GLYPH = "\u25a1"
_ZWJ = "\u200d"


def _modifies_previous(char: str) -> bool:
    """Variation selectors, skin tones, combining marks and joiners: part of the character
    before them, so one emoji stays one square."""
    return unicodedata.category(char) in {"Mn", "Me", "Cf", "Sk"} or 0x1F3FB <= ord(char) <= 0x1F3FF


def drawable(text: str, cmap: Any) -> str:
    """`text` with every character the font (`cmap`: code point -> glyph) cannot draw
    replaced by `MISSING_GLYPH`; one square per emoji, with its modifiers and ZWJ joins."""
    if all(ord(c) in cmap or c in "\n\t" for c in text):
        return text
    out: list[str] = []
    joining = False  # just after a joiner that follows a square: the next char is part of it
    for char in text:
        known = ord(char) in cmap or char in "\n\t"
        after_square = bool(out) and out[-1] == MISSING_GLYPH
        if after_square and (char == _ZWJ or joining or (not known and _modifies_previous(char))):
            joining = char == _ZWJ
            continue
        out.append(char if known else MISSING_GLYPH)
        joining = False
    return "".join(out)


def _wrap(
    text: str, width: float, char_widths: Any, scale: float, known: dict[str, int]
) -> list[str]:
    """Break text into lines no wider than `width` mm, measuring with the font's width
    table (`char_widths`, in thousandths of an em, times `scale` mm). `known` keeps each
    word's width in that table: a report repeats its words thousands of times."""
    space = char_widths[32] * scale
    width_of = char_widths.__getitem__
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\t", " ").split("\n"):
        line, line_w = "", 0.0
        for word in paragraph.split(" "):
            units = known.get(word)
            if units is None:
                units = known[word] = sum(map(width_of, map(ord, word)))
            word_w = units * scale
            if word_w > width:  # a run longer than a line: cut it up
                if line:
                    lines.append(line)
                line, line_w = _cut_long_word(word, width, char_widths, scale, lines)
                continue
            extra = word_w + (space if line else 0.0)
            if line and line_w + extra > width:
                lines.append(line)
                line, line_w = word, word_w
            else:
                line = f"{line} {word}" if line else word
                line_w += extra
        lines.append(line)
    return lines


def _cut_long_word(
    word: str, width: float, char_widths: Any, scale: float, lines: list[str]
) -> tuple[str, float]:
    """Append the full-width pieces of `word` to `lines`; return the last piece and its width."""
    line, line_w = "", 0.0
    for c in word:
        c_w = char_widths[ord(c)] * scale
        if line_w + c_w > width and line:
            lines.append(line)
            line, line_w = "", 0.0
        line += c
        line_w += c_w
    return line, line_w


_device_colour = cache(color_from_hex_string)

_CELL_PAD_X, _CELL_PAD_Y = 1.5, 1.2  # mm inside every table cell
_HEAD_FILL = "#EEF1F5"


class _TableCell(NamedTuple):
    text: str
    bold: bool
    colour: str
    fill: str


def _body_cell(value: Any) -> _TableCell:
    if isinstance(value, tuple):
        text, fill = value
        return _TableCell(text, False, text_on(fill), fill)
    return _TableCell(str(value), False, INK, "#FFFFFF")


@dataclass(frozen=True)
class _TableLayout:
    """Where a table's columns sit (mm), how each aligns (L, R or C) and its text size."""

    x: list[float]
    w: list[float]
    align: list[str]
    size: float
    line_h: float


class _ChartPainter:
    """Draws a laid-out chart's items with fpdf2; x scales to the page, y is in mm."""

    def __init__(self, pdf: ReportCanvas, ox: float, oy: float, scale: float) -> None:
        self.pdf, self.ox, self.oy, self.scale = pdf, ox, oy, scale

    def rect(self, item: charts.Rect) -> None:
        if not (item.fill or item.stroke):
            return
        pdf = self.pdf
        if item.fill:
            pdf.set_fill_color(item.fill)
        if item.stroke:
            pdf.set_draw_color(item.stroke)
            pdf.set_line_width(0.15)
        style = ("D" if item.stroke else "") + ("F" if item.fill else "")
        x, w = self.ox + item.x * self.scale, item.w * self.scale
        pdf.rect(x, self.oy + item.y, w, item.h, style=style)

    def line(self, item: charts.Line) -> None:
        self.pdf.set_draw_color(item.colour)
        self.pdf.set_line_width(item.width)
        x1, x2 = self.ox + item.x1 * self.scale, self.ox + item.x2 * self.scale
        self.pdf.line(x1, self.oy + item.y1, x2, self.oy + item.y2)

    def marker(self, item: charts.Marker) -> None:
        pts = marker_points(item.symbol, self.ox + item.x * self.scale, self.oy + item.y, item.size)
        self.pdf.set_fill_color(item.colour)
        self.pdf.set_draw_color("#FFFFFF" if item.colour != "#FFFFFF" else INK)
        self.pdf.set_line_width(0.2)
        self.pdf.polygon(pts, style="DF")

    def text(self, item: charts.Text) -> None:
        self.pdf.font(item.size, item.bold, item.colour)
        w = self.pdf.get_string_width(item.text)
        x = self.ox + item.x * self.scale
        if item.anchor == "middle":
            x -= w / 2
        elif item.anchor == "end":
            x -= w
        self.pdf.text(x, self.oy + item.y, item.text)


class ReportCanvas(FPDF):
    """An fpdf2 document set up for the report (fonts, margins, running header and footer)
    with the few drawing steps the sections are built from."""

    def __init__(self, data: ReportData, paper: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=paper)
        self.data = data
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            path = FONT_DIR / file
            if not path.is_file():
                raise ReportError(
                    f"The report font {path} is missing; reinstall partnership-fit "
                    "(the font ships with the package)."
                )
            self.add_font(FONT, style, str(path))
        self.set_font(FONT, "", 10)
        self.set_text_color(INK)
        self.set_title(f"{data.title}: {data.partnership}")
        self.set_author("Partnership Fit")
        self.set_creator("Partnership Fit")
        self.set_lang("en")
        # An alias no one types: fpdf2 replaces it anywhere on the page, user text included.
        self.alias_nb_pages(NB_ALIAS)
        self.cover_done = False
        self._word_units: dict[str, dict[str, int]] = {}  # per font: word -> width units
        self._drawn_chars: dict[str, frozenset[str]] = {}  # per font: what it can draw

    # ------------------------------------------------------------------ page furniture

    def header(self) -> None:
        if not self.cover_done:
            return
        self.set_font(FONT, "", 7.5)
        self.set_text_color(MUTED)
        self.set_xy(self.l_margin, 8)
        self.cell(self.epw, 4, f"Partnership Fit · {self.data.partnership}", align=Align.L)
        self.set_draw_color("#C8C8C8")
        self.set_line_width(0.2)
        self.line(self.l_margin, 13, self.w - self.r_margin, 13)
        self.set_xy(self.l_margin, self.t_margin)
        self.set_text_color(INK)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(MUTED)
        self.cell(self.epw / 2, 4, f"Summary report · {self.data.generated_on}", align=Align.L)
        self.cell(self.epw / 2, 4, f"Page {self.page_no()} of {NB_ALIAS}", align=Align.R)
        self.set_text_color(INK)

    # ------------------------------------------------------------------ text helpers

    def font(self, size: float = 10, bold: bool = False, colour: str = INK) -> None:
        style = "B" if bold else ""
        # Every paragraph, line and cell sets its font: skip fpdf2's work when nothing changes.
        if self.font_style != style or self.font_size_pt != size:
            self.set_font(FONT, style, size)
        self.set_text_color(colour)

    # fpdf2 parses a colour's hex string at every call; the report uses a few dozen colours.
    def set_text_color(self, r: Any, g: float = -1, b: float = -1) -> None:
        super().set_text_color(_device_colour(r) if isinstance(r, str) else r, g, b)

    def set_fill_color(self, r: Any, g: float = -1, b: float = -1) -> None:
        super().set_fill_color(_device_colour(r) if isinstance(r, str) else r, g, b)

    def set_draw_color(self, r: Any, g: float = -1, b: float = -1) -> None:
        super().set_draw_color(_device_colour(r) if isinstance(r, str) else r, g, b)

    def para(
        self,
        text: str,
        size: float = 10,
        colour: str = INK,
        bold: bool = False,
        h: float | None = None,
        indent: float = 0,
    ) -> None:
        self.font(size, bold, colour)
        self.lines_at(self.l_margin + indent, text, h or size * PT * 1.45)
        self.font()

    def wrap(self, text: str, width: float) -> list[str]:
        """Break text into lines no wider than `width` mm in the current font.

        fpdf2's `multi_cell` re-measures the whole line for every character, which made a
        report with hundreds of comments take seconds; this measures each word once from
        the font's width table. Words longer than a line are split between characters.
        """
        text = self._drawable(text)
        font = self.current_font
        known = self._word_units.setdefault(font.fontkey, {})
        return _wrap(text, width, font.cw, self.font_size_pt * 0.001 / self.k, known)

    def normalize_text(self, text: str) -> str:
        """Every string fpdf2 writes (cells, tables, headers) passes here: make it drawable."""
        return super().normalize_text(self._drawable(text))

    def _drawable(self, text: str) -> str:
        """`drawable` in the current font, with the common case (every character drawn)
        checked at once against a set: every line of the report passes here twice."""
        font = self.current_font
        chars = self._drawn_chars.get(font.fontkey)
        if chars is None:
            chars = self._drawn_chars[font.fontkey] = frozenset(map(chr, font.cmap)) | {"\n", "\t"}
        return text if chars.issuperset(text) else drawable(text, font.cmap)

    def lines_at(self, x: float, text: str, h: float) -> None:
        """Write wrapped plain text from `x` to the right margin (never markdown or HTML)."""
        width = self.w - self.r_margin - x
        for line in self.wrap(text, width):
            if self.will_page_break(h):
                self.add_page()
            # `text` at the baseline `cell` would use: `cell` re-lays out every line, which
            # made long reports slow; these lines are wrapped already and carry no links.
            self.text(x + self.c_margin, self.y + 0.5 * h + 0.3 * self.font_size, line)
            self.set_xy(self.l_margin, self.y + h)

    def gap(self, h: float = 3) -> None:
        self.ln(h)

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm still fit: keeps headings with what follows."""
        if self.will_page_break(height):
            self.add_page()

    def section(
        self, title: str, *, new_page: bool = True, level: int = 0, keep: float = 40
    ) -> None:
        if new_page:
            # A page just opened (e.g. by the contents placeholder) is used as it is.
            if self.page == 0 or self.get_y() > self.t_margin + 1:
                self.add_page()
        else:
            self.keep(keep)
        self.start_section(title, level=level)
        size = 17 if level == 0 else 12.5
        self.font(size, True, ACCENT)
        self.multi_cell(
            self.epw, size * PT * 1.3, title, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        if level == 0:
            self.set_draw_color(ACCENT)
            self.set_line_width(0.6)
            self.line(self.l_margin, self.get_y() + 1, self.l_margin + 30, self.get_y() + 1)
            self.ln(4)
        else:
            self.ln(1.5)
        self.font()

    def subheading(self, text: str, keep: float = 30) -> None:
        self.keep(keep)
        self.gap(2)
        self.para(text, 11, ACCENT, bold=True)
        self.gap(1)

    def chip(self, x: float, y: float, colour: str, w: float = 3.2, h: float = 3.2) -> None:
        self.set_fill_color(colour)
        self.set_draw_color("#777777")
        self.set_line_width(0.15)
        self.rect(x, y, w, h, style="DF")

    def badge(self, text: str, colour: str, size: float = 9) -> None:
        """A filled label in the colour of a verdict or band, at the current position."""
        self.font(size, True, text_on(colour))
        w = self.get_string_width(text) + 4
        self.set_fill_color(colour)
        self.cell(w, size * PT * 1.6, text, fill=True, align=Align.C)
        self.font()

    def bullet(
        self,
        text: str,
        *,
        tag: str | None = None,
        tag_colour: str = OPEN_RED,
        size: float = 9.5,
        indent: float = 4,
        mark: str = "•",
    ) -> None:
        self.keep(size * PT * 3)
        self.font(size)
        x = self.l_margin + indent
        self.set_x(x)
        if tag:
            self.font(size - 1, True, text_on(tag_colour))
            self.set_fill_color(tag_colour)
            w = self.get_string_width(tag) + 3
            self.cell(w, size * PT * 1.45, tag, fill=True, align=Align.C)
            self.font(size)
            self.cell(1.5, size * PT * 1.45, "")
            x = self.get_x()
        else:
            h = size * PT * 1.45
            self.text(self.x + self.c_margin, self.y + 0.5 * h + 0.3 * self.font_size, mark)
            x = self.x + max(4.0, self.get_string_width(mark) + 1.5)
        self.lines_at(x, text, size * PT * 1.45)
        self.gap(0.8)

    def table_(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        heading_colours: Sequence[str | None] | None = None,
        align: Sequence[str] | None = None,
        size: float = 8.5,
    ) -> None:
        """A table whose heading row repeats on every page; cells are plain text or
        (text, fill colour) pairs. Rows are never split across pages; horizontal rules only.

        Drawn here rather than with fpdf2's `table`, which lays out every cell twice with
        `multi_cell` and took a quarter of the report's time; the geometry is fpdf2's.
        """
        # Keep the heading row with at least the first two body rows.
        self.keep(size * PT * 1.5 * 6 + 8)
        total = sum(widths)
        layout = _TableLayout(
            x=[self.l_margin + sum(widths[:j]) / total * self.epw for j in range(len(widths))],
            w=[wd / total * self.epw for wd in widths],
            align=[str(a).upper()[0] for a in align] if align else ["L"] * len(widths),
            size=size,
            line_h=size * PT * 1.45,
        )
        heading = [
            _TableCell(
                h, True, (heading_colours[i] if heading_colours else None) or ACCENT, _HEAD_FILL
            )
            for i, h in enumerate(headings)
        ]
        body = [[_body_cell(v) for v in values] for values in rows]
        laid = [self._lay_row(layout, cells) for cells in [heading, *body]]
        if body:  # never the heading row alone at the foot of a page
            self.keep(laid[0][1] + laid[1][1])
        last = len(laid) - 1
        for i, row in enumerate(laid):
            if self.will_page_break(row[1]):
                self.add_page()
                if i > 0:
                    self._draw_row(layout, laid[0], top=False, bottom=True)
            self._draw_row(layout, row, top=i > 0, bottom=i < last)
        self.font(size)
        self.set_fill_color("#FFFFFF")
        self.set_x(self.l_margin)
        self.gap(3)

    def _lay_row(
        self, layout: _TableLayout, cells: Sequence[_TableCell]
    ) -> tuple[list[tuple[_TableCell, list[str]]], float]:
        """Each cell with its wrapped lines, and the row's height (its tallest cell)."""
        inner = [w - 2 * _CELL_PAD_X for w in layout.w]
        lines = []
        for cell, width in zip(cells, inner, strict=True):
            self.font(layout.size, cell.bold)
            lines.append((cell, self.wrap(cell.text, width) if cell.text else []))
        height = max(len(ls) for _, ls in lines) * layout.line_h + 2 * _CELL_PAD_Y
        return lines, height

    def _draw_row(
        self,
        layout: _TableLayout,
        row: tuple[list[tuple[_TableCell, list[str]]], float],
        *,
        top: bool,
        bottom: bool,
    ) -> None:
        cells, height = row
        y, lh = self.y, layout.line_h
        for j, (cell, lines) in enumerate(cells):
            x, w = layout.x[j], layout.w[j]
            self.set_fill_color(cell.fill)
            self.rect(x, y, w, height, style="F")
            if top:
                self.line(x, y, x + w, y)
            if bottom:
                self.line(x, y + height, x + w, y + height)
            self.font(layout.size, cell.bold, cell.colour)
            # Like fpdf2's tables, a cell with fewer lines than its row sits in the middle.
            text_top = y + _CELL_PAD_Y + (height - 2 * _CELL_PAD_Y - len(lines) * lh) / 2
            for k, line in enumerate(lines):
                tx = x + _CELL_PAD_X
                if layout.align[j] != "L":
                    spare = w - 2 * _CELL_PAD_X - self.get_string_width(line)
                    tx += spare if layout.align[j] == "R" else spare / 2
                self.text(tx, text_top + (k + 0.5) * lh + 0.3 * self.font_size, line)
        self.set_xy(self.l_margin, y + height)

    def chart(self, chart: charts.Chart) -> None:
        """Draw a chart laid out by `charts`, keeping it on one page with its title."""
        self.keep(chart.height + 10)
        self.para(chart.title, 9.5, MUTED, bold=True)
        oy = self.get_y() + 1
        charts.draw(chart, _ChartPainter(self, self.l_margin, oy, self.epw / chart.width))
        self.font()
        self.set_y(oy + chart.height + 2)
