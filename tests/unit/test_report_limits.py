"""The PDF shows what it cannot draw (a visible square, never nothing) and stays bounded
for very large assessments (the comments appendix is capped and says so)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from partnership_core.assessment import Assessment
from partnership_core.bank import BankSet
from partnership_core.report import build_report_model, render_html, render_pdf
from partnership_core.report.model import CommentRow
from partnership_core.report.pdf import MAX_PDF_COMMENTS, capped_comments
from partnership_core.report.pdf_canvas import FONT_DIR, MISSING_GLYPH, drawable
from partnership_core.scoring import score_assessment


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def _with(example: Assessment, partner: str, comments: list[str]) -> Assessment:
    partners = [example.partners[0].model_copy(update={"name": partner}), *example.partners[1:]]
    answers = list(example.answers)
    for i, comment in enumerate(comments):
        answers[i] = answers[i].model_copy(update={"comment": comment})
    return example.model_copy(update={"partners": partners, "answers": answers})


def _pdf(assessment: Assessment, banks: BankSet) -> bytes:
    result = score_assessment(assessment, banks)
    return render_pdf(build_report_model(assessment, banks, result))


@pytest.fixture(scope="module")
def cmap() -> dict[int, str]:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", "", 10)
    return pdf.current_font.cmap


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        ("Plain — “quoted” Привет é", "Plain — “quoted” Привет é"),
        ("a 🦄 b", f"a {MISSING_GLYPH} b"),
        ("thumbs 👍🏽 up", f"thumbs {MISSING_GLYPH} up"),
        ("family 👨‍👩‍👧!", f"family {MISSING_GLYPH}!"),
        ("two 🦄🤝", f"two {MISSING_GLYPH}{MISSING_GLYPH}"),
        ("日本", MISSING_GLYPH * 2),
    ],
)
def test_what_the_font_cannot_draw_becomes_one_square_each(cmap, text: str, drawn: str) -> None:
    assert drawable(text, cmap) == drawn


def test_emoji_in_names_and_comments_show_as_squares_in_the_pdf(
    example: Assessment, banks: BankSet
) -> None:
    assessment = _with(example, "Unicorn 🦄 Trust", ["We agree 🤝 on this"])
    text = _text(_pdf(assessment, banks))
    assert f"Unicorn {MISSING_GLYPH} Trust" in text
    assert f"We agree {MISSING_GLYPH} on this" in text
    assert "Unicorn Trust" not in text  # nothing silently dropped


def _rows(counts: dict[int, int]) -> list[CommentRow]:
    return [
        CommentRow(p, f"P{p}", f"R{p}.{i}", False, "S", "C", f"c{p}.{i}")
        for p, n in counts.items()
        for i in range(n)
    ]


def test_the_cap_takes_equal_shares_in_order_and_gives_unused_shares_away() -> None:
    rows = _rows({0: 500, 1: 20, 2: 500})
    kept = capped_comments(rows, 300)
    assert len(kept) == 300
    per = {p: sum(1 for c in kept if c.partner_index == p) for p in range(3)}
    assert per == {0: 140, 1: 20, 2: 140}
    assert kept == sorted(kept, key=rows.index)  # the model's order is kept
    assert capped_comments(rows[:10], 300) == rows[:10]


def test_a_huge_comments_appendix_is_capped_and_says_so(
    example: Assessment, banks: BankSet
) -> None:
    many = [f"Comment number {i} on this statement." for i in range(len(example.answers))]
    assessment = _with(example, example.partners[0].name, many)
    assert len(many) > MAX_PDF_COMMENTS
    pdf = _pdf(assessment, banks)
    text = _text(pdf)
    shown = len(re.findall(r"Comment number \d+ on", text))
    assert shown == MAX_PDF_COMMENTS
    assert f"This appendix shows {MAX_PDF_COMMENTS} of the {len(many):,} comments" in text
    html = render_html(build_report_model(assessment, banks, score_assessment(assessment, banks)))
    html_text = html if isinstance(html, str) else html.decode()
    assert all(f"Comment number {i} on" in html_text for i in (0, len(many) - 1))
