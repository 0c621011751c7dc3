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
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from ..errors import ReportError
from ..palette import text_on
from . import charts
from .charts import PT, marker_points
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


def _wrap(text: str, width: float, char_widths: Any, scale: float) -> list[str]:
    """Break text into lines no wider than `width` mm, measuring with the font's width
    table (`char_widths`, in thousandths of an em, times `scale` mm)."""
    space = char_widths[32] * scale
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\t", " ").split("\n"):
        line, line_w = "", 0.0
        for word in paragraph.split(" "):
            word_w = sum(char_widths[ord(c)] for c in word) * scale
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
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(colour)

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
        text = drawable(text, self.current_font.cmap)
        return _wrap(text, width, self.current_font.cw, self.font_size_pt * 0.001 / self.k)

    def normalize_text(self, text: str) -> str:
        """Every string fpdf2 writes (cells, tables, headers) passes here: make it drawable."""
        return super().normalize_text(drawable(text, self.current_font.cmap))

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
        (text, fill colour) pairs."""
        # Keep the heading row with at least the first two body rows.
        self.keep(size * PT * 1.5 * 6 + 8)
        self.font(size)
        # fpdf2 fills unstyled cells with the current fill colour: make that white.
        self.set_fill_color("#FFFFFF")
        with self.table(
            col_widths=widths,
            width=self.epw,
            align=Align.L,
            text_align=tuple(align) if align else Align.L,
            line_height=size * PT * 1.45,
            padding=(1.2, 1.5, 1.2, 1.5),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="B", color=ACCENT, fill_color="#EEF1F5"),
            repeat_headings=1,
        ) as table:
            row = table.row()
            for i, h in enumerate(headings):
                colour = heading_colours[i] if heading_colours else None
                row.cell(h, style=FontFace(emphasis="B", color=colour) if colour else None)
            for values in rows:
                row = table.row()
                for v in values:
                    if isinstance(v, tuple):
                        text, fill = v
                        row.cell(text, style=FontFace(fill_color=fill, color=text_on(fill)))
                    else:
                        row.cell(str(v))
        self.gap(3)

    def chart(self, chart: charts.Chart) -> None:
        """Draw a chart laid out by `charts`, keeping it on one page with its title."""
        self.keep(chart.height + 10)
        self.para(chart.title, 9.5, MUTED, bold=True)
        oy = self.get_y() + 1
        charts.draw(chart, _ChartPainter(self, self.l_margin, oy, self.epw / chart.width))
        self.font()
        self.set_y(oy + chart.height + 2)
