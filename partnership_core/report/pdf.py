"""The summary report as a PDF: its sections, in order, laid out on a `ReportCanvas` from
`ReportData` (the canvas writes every user text as plain text, never markdown or HTML)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ReportError
from ..palette import text_on
from ..text import format_score
from . import charts, wording
from .charts import PT, marker_points
from .coverage import CharacteristicCoverageRow
from .fpdf_import import FPDF, Align, XPos, YPos
from .model import (
    PAPER_SIZES,
    ActionRow,
    AgendaRow,
    AgreedRow,
    CommentRow,
    LevelSection,
    PartnerInfo,
    ReportData,
)
from .mou import MouSection, mou_summary
from .pdf_canvas import ACCENT, INK, MUTED, OPEN_RED, ReportCanvas
from .why import FindingRow, rules_of

__all__ = ["PAPER_SIZES", "render_pdf"]

SHORT_FILL = "#FDAE61"  # a coverage cell below the share needed to judge


def _cover(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.add_page()
    pdf.set_fill_color(ACCENT)
    pdf.rect(0, 0, pdf.w, 46, style="F")
    pdf.set_xy(pdf.l_margin, 16)
    pdf.font(11, True, "#FFFFFF")
    pdf.cell(pdf.epw, 6, "PARTNERSHIP FIT", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(20, True, "#FFFFFF")
    pdf.cell(pdf.epw, 10, "Summary report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(58)
    pdf.para(d.partnership, 22, INK, bold=True, h=10)
    pdf.gap(1)
    pdf.para(
        f"{d.type_label} partnership · report of {d.generated_on} · assessment started "
        f"{d.created_on}",
        10,
        MUTED,
    )
    pdf.gap(8)

    pdf.para("Overall verdict", 9, MUTED, bold=True)
    pdf.gap(1)
    pdf.badge(d.verdict.label, d.verdict.colour, 12)
    pdf.ln(11)
    pdf.para(d.verdict.headline, 10.5)
    pdf.gap(8)

    pdf.para("Partners", 9, MUTED, bold=True)
    pdf.gap(1.5)
    for p in d.partners:
        _cover_partner(pdf, p)
    pdf.gap(6)

    pdf.para("Question banks used", 9, MUTED, bold=True)
    pdf.gap(1)
    for b in d.banks:
        pdf.bullet(f"{b.title} (version {b.version}) — {b.source}", size=9.5, indent=0)
    _cover_notes(pdf, d)
    pdf.cover_done = True


def _cover_partner(pdf: ReportCanvas, p: PartnerInfo) -> None:
    """The partner's marker and name in its colour, and who answered for it beside them."""
    y = pdf.get_y()
    pts = marker_points(p.symbol, pdf.l_margin + 2.2, y + 2.6, 1.9)
    pdf.set_fill_color(p.colour)
    pdf.set_draw_color(p.colour)
    pdf.polygon(pts, style="DF")
    pdf.set_x(pdf.l_margin + 7)
    pdf.font(11, True, p.colour)
    pdf.multi_cell(pdf.epw * 0.55 - 7, 5.2, p.name, align=Align.L, new_x=XPos.RIGHT, new_y=YPos.TOP)
    end_y = pdf.get_y()
    pdf.font(9.5, False, MUTED)
    pdf.set_xy(pdf.l_margin + pdf.epw * 0.55, y)
    pdf.multi_cell(
        pdf.epw * 0.45, 5.2, p.answered_by, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_y(max(end_y, pdf.get_y()) + 1.5)


def _cover_notes(pdf: ReportCanvas, d: ReportData) -> None:
    if d.estimate_note:
        pdf.gap(5)
        _note_box(pdf, "Some answers are estimates", d.estimate_note, "#FDAE61")
    if d.partial:
        pdf.gap(3)
        _note_box(
            pdf,
            "Not every answer is in",
            "Some ratings are missing or “not sure”; see “Points to bear in mind” with the "
            "verdict. Scores rest on the answers given.",
            "#BDBDBD",
        )


def _note_box(pdf: ReportCanvas, title: str, text: str, colour: str) -> None:
    pdf.keep(22)
    y = pdf.get_y()
    pdf.set_x(pdf.l_margin + 4)
    pdf.font(9.5, True)
    pdf.multi_cell(pdf.epw - 6, 5, title, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin + 4)
    pdf.font(9.5)
    pdf.multi_cell(pdf.epw - 6, 4.8, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_fill_color(colour)
    pdf.rect(pdf.l_margin, y, 1.6, pdf.get_y() - y, style="F")
    pdf.gap(2)


def _render_toc(pdf: FPDF, outline: list[Any]) -> None:
    assert isinstance(pdf, ReportCanvas)
    pdf.set_x(pdf.l_margin)
    pdf.font(17, True, ACCENT)
    pdf.cell(pdf.epw, 9, "Contents", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for section in outline:
        indent = 7 * section.level
        size = 10.5 if section.level == 0 else 9.5
        pdf.font(size, section.level == 0, INK if section.level == 0 else MUTED)
        link = pdf.add_link(page=section.page_number)
        name = section.name
        pdf.set_x(pdf.l_margin + indent)
        number = str(section.page_number)
        w_num = 12
        avail = pdf.epw - indent - w_num
        while pdf.get_string_width(name) > avail - 2 and len(name) > 4:
            name = name[:-2].rstrip() + "…" if not name.endswith("…") else name[:-2] + "…"
        pdf.cell(avail, size * PT * 1.9, name, link=link)
        pdf.cell(
            w_num,
            size * PT * 1.9,
            number,
            align=Align.R,
            link=link,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _verdict(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.section("The verdict")
    v = d.verdict
    y = pdf.get_y()
    pdf.set_fill_color(v.colour)
    pdf.rect(pdf.l_margin, y, pdf.epw, 14, style="F")
    pdf.set_xy(pdf.l_margin + 4, y + 3)
    pdf.font(15, True, text_on(v.colour))
    pdf.cell(pdf.epw * 0.7 - 4, 8, v.label)
    if v.figure:
        pdf.font(10, False, text_on(v.colour))
        pdf.cell(pdf.epw * 0.3 - 4, 8, v.figure, align=Align.R)
    pdf.set_y(y + 18)
    pdf.para(v.headline, 12, INK, bold=True)
    pdf.gap(3)
    pdf.para(v.where, 10, MUTED)
    pdf.gap(3)
    pdf.subheading("Next step")
    pdf.para(v.next_step, 10.5)
    pdf.gap(5)
    pdf.chart(charts.level_summary_chart(d.level_summaries, 170))
    pdf.subheading("All characteristics at a glance", keep=50)
    pdf.table_(
        ["Level", "Characteristic", "Fit", "Band"],
        [
            [lv.name, r.name, format_score(r.compatibility), (r.band_label, r.band_colour)]
            for lv in d.levels
            for r in lv.rows
        ],
        [34, 70, 30, 40],
        align=["LEFT", "LEFT", "CENTER", "CENTER"],
        size=8,
    )
    if d.coverage.not_assessed:
        pdf.subheading("Not assessed")
        for sentence in d.coverage.not_assessed:
            pdf.bullet(sentence, size=9)
    if d.warnings:
        pdf.subheading("Points to bear in mind")
        for w in d.warnings:
            pdf.bullet(w, size=9)


def _why(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.section("Why this verdict")
    pdf.para(wording.WHY_INTRO if d.verdict_findings else wording.WHY_NONE, 10)
    pdf.gap(3)
    rules = rules_of(d.verdict_findings)
    if rules:
        pdf.subheading(wording.WHY_RULES, keep=40)
        pdf.table_(["Rule", "What it says"], [list(rule) for rule in rules], [40, 134])
    for f in d.verdict_findings:
        _finding(pdf, f)
    if d.agenda_findings:
        pdf.subheading(wording.WHY_AGENDA_HEADING)
        pdf.para(wording.WHY_AGENDA_ONLY, 9.5, MUTED)
        pdf.gap(1.5)
        for f in d.agenda_findings:
            pdf.bullet(f.sentence, tag=f.severity_label, tag_colour=f.colour, size=9)


def _finding(pdf: ReportCanvas, f: FindingRow) -> None:
    """A finding: severity and what it does to the verdict, what was found, the rule, who
    and which statements, with their figures."""
    pdf.keep(26)
    pdf.badge(f.severity_label, f.colour, 8.5)
    pdf.font(8.5, False, MUTED)
    effect = f" → {f.effect_note} · " if f.effect_note else "  "
    pdf.cell(0, 8.5 * PT * 1.6, f"{effect}{f.where}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.gap(0.8)
    pdf.para(f.sentence, 10, bold=True)
    pdf.para(f"Rule: {f.rule_label}", 8.5, MUTED)
    if f.who:
        pdf.para(f"Who: {f.who}", 8.5, MUTED)
    for line in f.evidence_shown:
        pdf.bullet(line, size=8.5, indent=3)
    if f.evidence_more:
        pdf.para(f.evidence_more, 8.5, MUTED, indent=7)
    pdf.gap(2.5)


def _rule_texts(pdf: ReportCanvas, findings: tuple[FindingRow, ...]) -> None:
    """The rules behind a section's findings, in full, once above them."""
    for name, text in rules_of(findings):
        pdf.para(f"{name}: {text}", 9, MUTED)
        pdf.gap(2)


def _splits(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.section("Where a partner’s own people differ")
    pdf.para(wording.SPLITS_INTRO, 10)
    pdf.gap(3)
    _rule_texts(pdf, d.splits)
    for f in d.splits:
        _finding(pdf, f)
    if not d.splits:
        single = all(p.respondents <= 1 for p in d.partners)
        pdf.para(wording.SPLITS_SINGLE_VOICE if single else wording.SPLITS_NONE, 10, MUTED)


def _level(pdf: ReportCanvas, d: ReportData, lv: LevelSection) -> None:
    pdf.section(f"{lv.name}: {lv.verdict_label}")
    pdf.badge(lv.verdict_label, lv.verdict_colour, 10)
    pdf.font(9.5, False, MUTED)
    pdf.cell(
        0,
        10 * PT * 1.6,
        f"   lowest fit {format_score(lv.compatibility)} · level weight {lv.weight:g}",
    )
    pdf.ln(8)
    pdf.para(lv.explanation, 10.5)
    pdf.gap(2)
    pdf.para(lv.description, 9, MUTED)
    pdf.gap(4)
    pdf.chart(charts.level_chart(lv, d.partners, 170))
    pdf.subheading("Characteristics", keep=45)
    _level_table(pdf, d, lv)
    pdf.subheading("What the bands mean for you", keep=35)
    for r in lv.rows:
        pdf.keep(18)
        pdf.chip(pdf.l_margin, pdf.get_y() + 0.8, r.band_colour)
        pdf.set_x(pdf.l_margin + 5)
        pdf.font(9.5, True)
        pdf.multi_cell(
            pdf.epw - 5,
            4.8,
            f"{r.name} — {r.band_label}",
            align=Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.para(r.advice, 9.5, indent=5)
        pdf.gap(1.5)


def _level_table(pdf: ReportCanvas, d: ReportData, lv: LevelSection) -> None:
    """The level's characteristics with each partner's readiness, alignment, fit and band."""
    n = len(d.partners)
    # Fixed room for the numbers and the band; the characteristic keeps at least 45 mm.
    fixed = [23.0, 17.0, 28.0]
    pw = min(28.0, (pdf.epw - sum(fixed) - 45.0) / n)
    widths = [pdf.epw - sum(fixed) - pw * n] + [pw] * n + fixed
    codes, key = _partner_columns(pdf, d, pw)
    rows = [
        [
            r.name + (" ⚑" if r.red_flag else ""),
            *(format_score(v) for v in r.readiness),
            format_score(r.alignment),
            format_score(r.compatibility),
            (r.band_label, r.band_colour),
        ]
        for r in lv.rows
    ]
    pdf.table_(
        ["Characteristic", *codes, "Alignment", "Fit", "Band"],
        rows,
        widths,
        heading_colours=[None, *(p.colour for p in d.partners), None, None, None],
        align=["LEFT"] + ["CENTER"] * (n + 2) + ["CENTER"],
    )
    pdf.para(
        f"Partner columns: readiness 0–100; Fit: compatibility 0–100.{key} {wording.FLAG_NOTE}",
        8,
        MUTED,
    )


def _partner_columns(pdf: ReportCanvas, d: ReportData, width: float) -> tuple[list[str], str]:
    """Partner names head their columns when every word fits in `width` mm; otherwise the
    letters A, B, ... do, with a key (' A = ...; B = ....') to print below the table."""
    pdf.font(8.5, True)
    words = (word for p in d.partners for word in p.name.split())
    if all(pdf.get_string_width(word) <= width - 4 for word in words):
        return [p.name for p in d.partners], ""
    codes = [chr(ord("A") + p.index) for p in d.partners]
    key = "; ".join(f"{c} = {p.name}" for c, p in zip(codes, d.partners, strict=True))
    return codes, f" {key}."


def _frameworks(pdf: ReportCanvas, d: ReportData) -> None:
    """Each further framework by its own characteristics, one table each."""
    pdf.section(wording.FRAMEWORKS_HEADING)
    pdf.para(wording.FRAMEWORKS_INTRO, 10)
    n = len(d.partners)
    fixed = [24.0, 16.0]
    pw = min(24.0, (pdf.epw - sum(fixed) - 50.0) / n)
    codes, key = _partner_columns(pdf, d, pw)
    for f in d.frameworks:
        pdf.subheading(f.title, keep=12 + 7 * min(len(f.rows), 6))
        pdf.table_(
            ["Characteristic", "Statements", *codes, "Gap"],
            [
                [
                    r.name,
                    r.statements,
                    *(format_score(r.scores.get(p.id)) for p in d.partners),
                    format_score(r.gap),
                ]
                for r in f.rows
            ],
            [pdf.epw - sum(fixed) - pw * n, fixed[0], *([pw] * n), fixed[1]],
            heading_colours=[None, None, *(p.colour for p in d.partners), None],
            align=["LEFT"] + ["CENTER"] * (n + 2),
            size=8.5,
        )
    pdf.para(f"{wording.FRAMEWORKS_NOTE}{key}", 8, MUTED)


def _perception(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.section("How well the partners read each other")
    pdf.para(
        "Respondents predicted how the other partner would answer. The larger the "
        "difference between prediction and answer, the more the partners misjudge each "
        "other on that point: worth raising before it surprises anyone.",
        10,
    )
    pdf.gap(3)
    if d.misreadings:
        pdf.subheading("Misreadings to talk through")
        _rule_texts(pdf, d.misreadings)
        for f in d.misreadings:
            _finding(pdf, f)
    pdf.chart(charts.perception_chart(d.perception_gaps, d.partners, 170))
    rows = [
        [
            g.predictor,
            g.other,
            g.text,
            format_score(g.predicted),
            format_score(g.actual),
            format_score(g.gap),
        ]
        for g in d.perception_gaps
    ]
    pdf.subheading("Predictions compared", keep=40)
    pdf.para(d.perception_summary, 9, MUTED)
    pdf.gap(1)
    pdf.table_(
        ["Predicted by", "About", "Statement", "Predicted", "Actual", "Gap"],
        rows,
        [26, 26, 70, 19, 16, 13],
        align=["LEFT", "LEFT", "LEFT", "CENTER", "CENTER", "CENTER"],
    )


def _agenda(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.section("Discussion agenda")
    if not d.agenda:
        pdf.para(wording.AGENDA_NONE, 10)
        return
    pdf.para(wording.AGENDA_INTRO, 10)
    pdf.gap(3)
    if d.talk_first:
        pdf.subheading(wording.talk_first_heading(len(d.talk_first), d.talk_first_minutes))
    for a in d.talk_first:
        _agenda_item(pdf, d, a)
    if d.agenda_groups:
        pdf.subheading(wording.AGENDA_REST)
    for group in d.agenda_groups:
        pdf.keep(16)
        pdf.para(f"{group.characteristic_name} ({group.level_name.lower()})", 9.5, bold=True)
        for a in group.items:
            pdf.bullet(a.brief, size=8.5, indent=2, mark=f"{a.rank}.")
        pdf.gap(1.5)


def _agenda_item(pdf: ReportCanvas, d: ReportData, a: AgendaRow) -> None:
    """A ranked item: its statement, where it belongs, each partner's score, why, prompts."""
    pdf.keep(28)
    pdf.font(10.5, True)
    y = pdf.get_y()
    pdf.set_fill_color(ACCENT)
    pdf.set_text_color("#FFFFFF")
    pdf.cell(7, 5.5, str(a.rank), fill=True, align=Align.C)
    pdf.set_x(pdf.l_margin + 9)
    pdf.font(10.5, True)
    pdf.lines_at(pdf.l_margin + 9, a.text, 5.2)
    pdf.set_y(max(pdf.get_y(), y + 6))
    pdf.set_x(pdf.l_margin + 9)
    pdf.font(8.5, False, MUTED)
    where = f"{a.characteristic_name} · {a.level_name} · about {a.minutes} min · "
    pdf.cell(pdf.get_string_width(where) + 1, 4.5, where)
    for p, s in zip(d.partners, a.scores, strict=True):
        pdf.font(8.5, True, p.colour)
        txt = f"{p.name} {format_score(s)}   "
        if pdf.get_x() + pdf.get_string_width(txt) > pdf.w - pdf.r_margin:
            pdf.ln(4.5)
            pdf.set_x(pdf.l_margin + 9)
        pdf.cell(pdf.get_string_width(txt), 4.5, txt)
    pdf.ln(5)
    pdf.para(a.explanation, 9.5, indent=9)
    for prompt in a.prompts:
        pdf.bullet(prompt, size=9, indent=11)
    pdf.gap(3)


def _coverage(pdf: ReportCanvas, d: ReportData) -> None:
    c = d.coverage
    pdf.section("Who answered what")
    pdf.para(wording.COVERAGE_INTRO, 10)
    pdf.gap(2)
    pdf.table_(
        ["Partner", "Respondents", "Ratings expected", "Given", "Not sure", "Unanswered"],
        [
            [
                (r.partner, d.partners[r.partner_index].colour),
                d.partners[r.partner_index].respondents,
                r.expected,
                r.rated,
                r.not_sure,
                r.unanswered,
            ]
            for r in c.partners
        ],
        [48, 28, 28, 22, 22, 26],
        align=["LEFT"] + ["CENTER"] * 5,
    )
    pdf.subheading("Share of each characteristic’s statements rated", keep=50)
    pdf.para(c.summary, 9, MUTED)
    pdf.gap(1)
    n = len(d.partners)
    pw = min(28.0, (pdf.epw - 60.0) / n)
    codes, key = _partner_columns(pdf, d, pw)
    pdf.table_(
        ["Characteristic", *codes],
        [_coverage_cells(row) for row in c.characteristics],
        [pdf.epw - pw * n] + [pw] * n,
        heading_colours=[None, *(p.colour for p in d.partners)],
        align=["LEFT"] + ["CENTER"] * n,
        size=8,
    )
    pdf.para(f"{wording.COVERAGE_SHORT}{key}", 8, MUTED)
    if c.flagged:
        pdf.subheading("Answers to check")
        for message in c.flagged:
            pdf.bullet(message, size=9)


def _coverage_cells(row: CharacteristicCoverageRow) -> list[Any]:
    if not row.assessed:
        return [row.name, *("not assessed" for _ in row.shares)]
    return [
        row.name,
        *(
            (f"{share:.0%}", SHORT_FILL) if short else f"{share:.0%}"
            for share, short in zip(row.shares, row.short, strict=True)
        ),
    ]


def _workshop(pdf: ReportCanvas, d: ReportData) -> None:
    w = d.workshop
    assert w is not None
    pdf.section("Workshop record and action plan")
    when = f" Answers were revealed on {w.revealed_on}." if w.revealed_on else ""
    pdf.para("What the partners agreed when they discussed the results together." + when, 10)
    pdf.gap(2)
    _workshop_part(
        pdf, "Agreed ratings", w.agreed, "No ratings were agreed in the workshop.", _agreed_table
    )
    _workshop_part(
        pdf,
        "Recorded disagreements",
        w.disagreements,
        "The partners reached agreement on every statement they discussed.",
        _disagreements,
    )
    _workshop_part(
        pdf, "Workshop notes", w.notes, "No notes were taken.", _workshop_notes, heading="Notes"
    )
    _workshop_part(pdf, "Action plan", w.actions, "No actions were recorded.", _action_table)


def _workshop_part(
    pdf: ReportCanvas,
    title: str,
    rows: Sequence[Any],
    if_none: str,
    draw: Callable[[ReportCanvas, Sequence[Any]], None],
    heading: str | None = None,
) -> None:
    """A bookmarked part of the workshop record: its rows drawn, or a line saying there are
    none."""
    pdf.start_section(title, level=1)
    pdf.subheading(heading or title)
    if rows:
        draw(pdf, rows)
    else:
        pdf.para(if_none, 10, MUTED)


def _agreed_table(pdf: ReportCanvas, agreed: Sequence[AgreedRow]) -> None:
    rows = [
        [
            a.text,
            a.characteristic_name,
            f"{a.agreed_rating} – {a.rating_label}",
            ("No agreement", "#FDAE61") if a.disagreement else "Agreed",
        ]
        for a in agreed
    ]
    pdf.table_(["Statement", "Characteristic", "Agreed rating", "Outcome"], rows, [78, 34, 34, 28])


def _disagreements(pdf: ReportCanvas, disagreements: Sequence[AgreedRow]) -> None:
    for a in disagreements:
        pdf.bullet(
            f"{a.text} ({a.characteristic_name}). {a.recorded_note}"
            + (f" Notes: {a.notes}" if a.notes else ""),
            tag="OPEN",
            size=9.5,
        )


def _workshop_notes(pdf: ReportCanvas, noted: Sequence[AgreedRow]) -> None:
    for a in noted:
        pdf.keep(16)
        pdf.para(a.text, 9.5, bold=True)
        pdf.para(a.notes, 9.5, indent=4)
        pdf.gap(2)


def _action_table(pdf: ReportCanvas, actions: Sequence[ActionRow]) -> None:
    pdf.table_(
        ["Action", "Owner", "Due", "About"],
        [[a.title, a.owner, a.due, a.statement_text or "—"] for a in actions],
        [60, 30, 26, 58],
    )


def _mou(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.section("Outline of a partnership agreement")
    pdf.para(
        "A starting structure for the memorandum of understanding, drawn from the answers "
        "and the workshop. Each section names the characteristics that inform it. Points "
        "marked OPEN are not settled yet: resolve them before the clause is written.",
        10,
    )
    pdf.gap(2)
    pdf.para(mou_summary(d.mou), 10, bold=True)
    pdf.gap(3)
    for s in d.mou:
        pdf.section(f"{s.number}. {s.title}", new_page=False, level=1, keep=45)
        pdf.para(s.guidance, 9.5, MUTED)
        pdf.gap(1.5)
        _mou_inputs(pdf, s)
        if not s.points:
            pdf.para(
                "Nothing from the assessment bears on this section yet; draft it from "
                "the guidance above.",
                9.5,
                MUTED,
                indent=4,
            )
        for point in s.points:
            pdf.bullet(point.text, tag="OPEN" if point.open else None, size=9.5)
        pdf.gap(2)


def _mou_inputs(pdf: ReportCanvas, s: MouSection) -> None:
    """ "Informed by:" and each characteristic with its band chip, open ones in red."""
    pdf.font(8.5, True, MUTED)
    pdf.cell(24, 5, "Informed by:")
    for inp in s.informed_by:
        label = f"{inp.characteristic_name} ({inp.band_label}{', OPEN' if inp.open else ''})"
        # Measured in the font it is drawn in: an open point is bold, so wider.
        pdf.font(8.5, inp.open, OPEN_RED if inp.open else INK)
        wlab = pdf.get_string_width(label) + 8
        if pdf.get_x() + wlab > pdf.w - pdf.r_margin:
            pdf.ln(5)
            pdf.set_x(pdf.l_margin + 24)
        pdf.chip(pdf.get_x(), pdf.get_y() + 1, inp.band_colour, 2.8, 2.8)
        pdf.set_x(pdf.get_x() + 4)
        pdf.cell(wlab - 4, 5, label)
    pdf.ln(6.5)


def _method(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.section("Appendix A: How the scores are worked out")
    for text in d.method.paragraphs:
        pdf.para(text, 9.5)
        pdf.gap(2)
    pdf.subheading("Level weights")
    pdf.table_(
        ["Level", "Weight", "What a difference here means"],
        [[lw.name, f"{lw.weight:g}", lw.description] for lw in d.method.level_weights],
        [34, 16, 124],
    )
    pdf.subheading("Bands")
    pdf.table_(["Band", "When"], [[(b.label, b.colour), b.rule] for b in d.method.bands], [50, 124])


# A PDF of a very large assessment stays quick to make and to read: past this many comments
# the appendix shows the first ones of each partner and says so (the web page has them all).
MAX_PDF_COMMENTS = 300


def capped_comments(comments: Sequence[CommentRow], limit: int) -> list[CommentRow]:
    """At most `limit` comments, in their order: the first ones of each partner, in equal
    shares (a share a partner does not use goes to the others)."""
    if len(comments) <= limit:
        return list(comments)
    by_partner: dict[int, list[CommentRow]] = {}
    for c in comments:
        by_partner.setdefault(c.partner_index, []).append(c)
    quota = {i: 0 for i in by_partner}
    left = limit
    while left > 0:
        open_ = [i for i, rows in by_partner.items() if quota[i] < len(rows)]
        share = max(1, left // len(open_))
        for i in open_:
            take = min(share, len(by_partner[i]) - quota[i], left)
            quota[i] += take
            left -= take
    return [c for i, rows in by_partner.items() for c in rows[: quota[i]]]


def _comment_note(shown: int, total: int) -> str:
    return (
        f"This appendix shows {shown} of the {total:,} comments: the first ones of each "
        "partner. The web page summary and the downloaded assessment file hold every comment."
    )


def _partner_heading(pdf: ReportCanvas, d: ReportData, first: CommentRow) -> None:
    pdf.keep(30)
    pdf.gap(2)
    y = pdf.get_y()
    p = d.partners[first.partner_index]
    pdf.set_fill_color(p.colour)
    pdf.set_draw_color(p.colour)
    pdf.polygon(marker_points(p.symbol, pdf.l_margin + 2, y + 3, 1.8), style="DF")
    pdf.set_x(pdf.l_margin + 6)
    pdf.font(12, True, p.colour)
    pdf.multi_cell(
        pdf.epw - 6, 6, first.partner, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.gap(1.5)


def _comments(pdf: ReportCanvas, d: ReportData) -> None:
    pdf.section("Appendix B: Comments")
    if not d.comments:
        pdf.para("No respondent left a comment.", 10, MUTED)
        return
    shown = capped_comments(d.comments, MAX_PDF_COMMENTS)
    if len(shown) < len(d.comments):
        pdf.para(_comment_note(len(shown), len(d.comments)), 9.5, MUTED)
    current = None
    for c in shown:
        if c.partner_index != current:
            current = c.partner_index
            _partner_heading(pdf, d, c)
        pdf.keep(16)
        who = c.respondent + (" (estimate)" if c.is_estimate else "")
        pdf.para(f"{who} on “{c.statement_text}” ({c.characteristic_name})", 8.5, MUTED)
        pdf.para(c.comment, 9.5, indent=4)
        pdf.gap(2.5)


def render_pdf(report_data: ReportData, paper: str = "A4") -> bytes:
    """Render the report as PDF bytes.

    Args:
        report_data: from `build_report_model`.
        paper: "A4" or "Letter".

    Raises:
        ReportError: unknown paper size or missing font.
    """
    size = PAPER_SIZES.get(str(paper).upper())
    if size is None:
        raise ReportError(f"Unknown paper size '{paper}'; choose A4 or Letter.")
    d = report_data
    pdf = ReportCanvas(d, size)
    _cover(pdf, d)
    pdf.add_page()
    pdf.insert_toc_placeholder(_render_toc, pages=1, allow_extra_pages=True)
    steps: list[Callable[[], None]] = [lambda: _verdict(pdf, d), lambda: _why(pdf, d)]
    steps += [lambda lv=lv: _level(pdf, d, lv) for lv in d.levels]
    if d.frameworks:
        steps.append(lambda: _frameworks(pdf, d))
    steps.append(lambda: _splits(pdf, d))
    if d.perception_gaps:
        steps.append(lambda: _perception(pdf, d))
    steps += [lambda: _agenda(pdf, d), lambda: _coverage(pdf, d)]
    if d.workshop is not None:
        steps.append(lambda: _workshop(pdf, d))
    steps += [lambda: _mou(pdf, d), lambda: _method(pdf, d), lambda: _comments(pdf, d)]
    for step in steps:
        step()
    return bytes(pdf.output())
