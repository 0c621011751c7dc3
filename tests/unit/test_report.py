"""The summary report: model, PDF (text extracted with pypdf) and HTML, on real banks and
real scoring."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from partnership_core.assessment import (
    Action,
    AgreedItem,
    Answer,
    Assessment,
    Partner,
    Respondent,
    WorkshopRecord,
)
from partnership_core.bank import SPINE_BANK_ID, BankSet, PartnershipType, load_bank_set
from partnership_core.errors import ReportError
from partnership_core.example import example_assessment
from partnership_core.palette import partner_colour
from partnership_core.report import (
    build_report_model,
    render_html,
    render_pdf,
    write_report,
)
from partnership_core.report.model import OPEN_BANDS, VERDICT_COLOURS
from partnership_core.results import VERDICT_LABELS
from partnership_core.scoring import DEFAULT_RULES, score_assessment

SCRIPT_NAME = "<script>alert(1)</script>"
GREEK_NAME = "Ωmega “Συνεργασία” Γroup"
CYRILLIC_COMMENT = "Привет — we said “curly quotes” cost €5; <b>x</b> and **x** stay literal."
LONG_WORD = "Z" * 300
# As long as the comment box allows (COMMENT_MAX_LENGTH, 2,000 characters), not longer.
LONG_COMMENT = ("A very long comment that must wrap across many lines. " * 30) + LONG_WORD


def _assessment(
    banks: BankSet,
    *,
    workshop: bool,
    partners: int = 2,
    respondents: int = 2,
    aligned: bool = False,
    estimate_for_last: bool = False,
) -> Assessment:
    """A complete assessment on the spine bank; ratings differ by partner unless aligned."""
    names = [GREEK_NAME, SCRIPT_NAME, "Третий партнёр", "Delta d.o.o.", "Epsilon", "Zeta"]
    ps = [Partner(id=f"p{i}", name=names[i]) for i in range(partners)]
    rs = [
        Respondent(
            id=f"p{i}r{j}",
            name=f"Person {i}.{j}" if (i, j) != (0, 0) else "Zoë “Z” Müller",
            partner=f"p{i}",
            is_estimate=estimate_for_last and i == partners - 1,
        )
        for i in range(partners)
        for j in range(respondents)
    ]
    qids = banks.applicable(PartnershipType.BUSINESS_NONPROFIT)
    answers = []
    for r in rs:
        i = int(r.id[1])
        for k, q in enumerate(qids):
            _, st = banks.statements[q]
            if aligned:
                good = 5
            else:
                # Partner 0 keen, others lukewarm on some characteristics: real gaps.
                good = 5 if i == 0 else (2 if k % 3 == 0 else 4)
            rating = 6 - good if st.reverse else good
            comment = None
            if r.id == "p0r0" and k == 0:
                comment = CYRILLIC_COMMENT
            elif r.id == "p0r0" and k == 1:
                comment = LONG_COMMENT
            elif r.id == "p1r0" and k == 2:
                comment = f"{SCRIPT_NAME} says hello"
            answers.append(
                Answer(
                    respondent=r.id,
                    statement=q,
                    rating=rating,
                    prediction=3 if k < 4 and i == 0 else None,
                    comment=comment,
                )
            )
    record = None
    if workshop:
        record = WorkshopRecord(
            agreed=[
                AgreedItem(statement=qids[0], agreed_rating=4, notes="Agreed after a long talk."),
                AgreedItem(
                    statement=qids[3],
                    agreed_rating=2,
                    disagreement=True,
                    notes="Still apart on this one.",
                ),
            ],
            actions=[
                Action(
                    title="Draft the exit clause",
                    owner="Ирина Петрова",
                    due=date(2025, 5, 2),
                    statement=qids[3],
                )
            ],
            revealed_at=datetime(2025, 4, 1, 10, tzinfo=UTC),
        )
    return Assessment(
        name="Riverside “Shared Futures” партнёрство",
        partnership_type=PartnershipType.BUSINESS_NONPROFIT,
        banks=[SPINE_BANK_ID],
        partners=ps,
        respondents=rs,
        answers=answers,
        workshop=record,
    )


def _pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text, reader


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def workshop_case(banks: BankSet):
    assessment = _assessment(banks, workshop=True)
    result = score_assessment(assessment, banks)
    data = build_report_model(assessment, banks, result, generated_on=date(2025, 6, 1))
    pdf = render_pdf(data)
    text, reader = _pdf_text(pdf)
    return assessment, result, data, pdf, text, reader


# ---------------------------------------------------------------------------- PDF


def test_pdf_shows_verdict_characteristics_partners_and_unicode(workshop_case, banks):
    _, result, _, pdf, text, _ = workshop_case
    assert pdf.startswith(b"%PDF")
    flat = _flat(text)
    assert VERDICT_LABELS[result.overall_verdict] in flat
    assert result.headline in flat
    for characteristic in banks.spine.characteristics:
        assert characteristic.name in flat, characteristic.name
    assert GREEK_NAME in flat
    assert SCRIPT_NAME in flat  # shown literally in the PDF, never interpreted
    assert "Привет" in flat
    assert "“curly quotes”" in flat
    assert "€5" in flat
    assert "<b>x</b> and **x** stay literal" in flat
    assert "Zoë “Z” Müller" in flat


def test_pdf_sections_in_order_with_contents_and_page_numbers(workshop_case):
    _, _, data, _, text, reader = workshop_case
    flat = _flat(text)
    positions = [
        flat.find(t)
        for t in (
            "Contents",
            "The verdict",
            "Entry level",
            "Decision level",
            "Operational level",
            "Discussion agenda",
            "Workshop record and action plan",
            "Outline of a partnership agreement",
            "Appendix A",
            "Appendix B: Comments",
        )
    ]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in flat and f"Page {pages} of {pages}" in flat
    # The contents page lists every section with its page; outline (bookmarks) too.
    contents = _flat(reader.pages[1].extract_text())
    for entry in data.toc:
        assert entry.title[:30] in contents, entry.title
    assert len(reader.outline) >= len(data.toc)


def test_pdf_paper_sizes(banks):
    data = build_report_model(_assessment(banks, workshop=False), banks)
    a4 = PdfReader(io.BytesIO(render_pdf(data, "A4"))).pages[0].mediabox
    letter = PdfReader(io.BytesIO(render_pdf(data, "Letter"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    with pytest.raises(ReportError, match="A4 or Letter"):
        render_pdf(data, "A5")


def test_long_comment_wraps_instead_of_running_off_the_page(workshop_case):
    _, _, _, _, text, reader = workshop_case
    assert "A very long comment that must wrap" in text
    # The 300-character word is broken over several lines, each narrower than the page.
    z_lines = [line for line in text.splitlines() if re.fullmatch(r"Z+", line.strip())]
    assert len(z_lines) >= 2
    assert max(len(line) for line in z_lines) < 150
    assert sum(len(line.strip()) for line in z_lines) == 300  # nothing lost at the breaks


def test_workshop_sections_appear_only_with_a_workshop(workshop_case, banks):
    _, _, data, _, text, _ = workshop_case
    flat = _flat(text)
    assert data.workshop is not None
    for needle in (
        "Agreed ratings",
        "Recorded disagreements",
        "Still apart on this one.",
        "Agreed after a long talk.",
        "Action plan",
        "Draft the exit clause",
        "Ирина Петрова",
        "2 May 2025",
        "No agreement",
    ):
        assert needle in flat, needle
    html = render_html(data)
    assert 'id="workshop"' in html and "Ирина Петрова" in html and "2 May 2025" in html

    plain = build_report_model(_assessment(banks, workshop=False), banks)
    assert plain.workshop is None
    plain_text = _flat(_pdf_text(render_pdf(plain))[0])
    assert "Workshop record and action plan" not in plain_text
    assert "Draft the exit clause" not in plain_text
    assert 'id="workshop"' not in render_html(plain)


def test_estimates_are_flagged_on_the_cover(banks):
    data = build_report_model(_assessment(banks, workshop=False, estimate_for_last=True), banks)
    assert data.uses_estimates and data.estimate_note
    assert SCRIPT_NAME in data.estimate_note
    cover = _flat(PdfReader(io.BytesIO(render_pdf(data))).pages[0].extract_text())
    assert "Some answers are estimates" in cover
    plain = build_report_model(_assessment(banks, workshop=False), banks)
    assert not plain.uses_estimates and plain.estimate_note is None


# ---------------------------------------------------------------------------- model


def test_model_follows_result_order_and_palette(workshop_case):
    assessment, result, data, *_ = workshop_case
    assert [p.name for p in data.partners] == [p.name for p in assessment.partners]
    assert [p.colour for p in data.partners] == [partner_colour(i) for i in range(2)]
    assert [lv.id for lv in data.levels] == ["entry", "decision", "operational"]
    assert [r.id for lv in data.levels for r in lv.rows] == [c.id for c in result.characteristics]
    assert [a.rank for a in data.agenda] == sorted(a.rank for a in data.agenda)
    assert data.verdict.label == result.overall_label
    assert data.verdict.colour == VERDICT_COLOURS[result.overall_verdict]
    row = data.levels[0].rows[0]
    char = result.characteristics[0]
    assert row.readiness == tuple(s.readiness for s in char.partners)
    assert [c.partner for c in data.comments] == sorted(
        (c.partner for c in data.comments), key=[p.name for p in assessment.partners].index
    )


def test_verdict_colours_match_the_app_figures():
    figures = pytest.importorskip("partnership_core.figures")
    assert VERDICT_COLOURS == figures.VERDICT_COLOURS


def test_method_summary_is_written_from_the_rules(banks):
    assessment = _assessment(banks, workshop=False)
    # Thresholds are in scale terms since issue 9 (ratings 1-5, steps), and the agenda cut-off
    # became the size of the "talk about these first" list.
    rules = DEFAULT_RULES.model_copy(
        update={
            "band_thresholds": DEFAULT_RULES.band_thresholds.model_copy(update={"strong": 3.7}),
            "talk_first_max": 4,
        }
    )
    data = build_report_model(assessment, banks, rules=rules)
    text = " ".join(data.method.paragraphs) + " ".join(b.rule for b in data.method.bands)
    assert "3.7 or more is a strong fit" in text
    assert "a figure of 3.7 or more" in text
    assert "The first 4 items" in text
    assert [lw.weight for lw in data.method.level_weights] == [
        lv.weight for lv in sorted(banks.spine.levels, key=lambda lv: lv.order)
    ]


# ---------------------------------------------------------------------------- MOU


def test_mou_marks_open_points(workshop_case):
    _, _, data, _, text, _ = workshop_case
    titles = [s.title for s in data.mou]
    assert titles == [
        "Purpose and shared goals",
        "Roles and responsibilities",
        "Deliverables and yardsticks for success",
        "Decision making and conflict handling",
        "Communication",
        "Resources",
        "Risks and rewards",
        "Review cycle",
        "Termination and exit terms",
    ]
    rows = {r.id: r for lv in data.levels for r in lv.rows}
    open_chars = {c for c, r in rows.items() if r.band in OPEN_BANDS}
    assert open_chars, "the fixture should leave some characteristic open"
    for section in data.mou:
        assert section.informed_by
        for inp in section.informed_by:
            assert inp.open == (inp.characteristic_id in open_chars)
        if any(inp.open for inp in section.informed_by):
            assert any(p.open and "settle it before" in p.text for p in section.points)
    # The recorded disagreement is an open point somewhere in the outline.
    assert any(
        p.open and "No agreement in the workshop" in p.text for s in data.mou for p in s.points
    )
    mou_text = _flat(text[text.find("Outline of a partnership agreement", 2000) :])
    assert "OPEN" in mou_text
    html = render_html(data)
    assert (
        html.count('<span class="open">OPEN</span>')
        == sum(s.open_count for s in data.mou) + len(data.workshop.disagreements) + 1
    )  # +1: the explanation's sample tag


def test_mou_has_no_open_points_when_everyone_agrees_fully(banks):
    data = build_report_model(_assessment(banks, workshop=False, aligned=True), banks)
    assert all(r.band not in OPEN_BANDS for lv in data.levels for r in lv.rows)
    assert sum(s.open_count for s in data.mou) == 0
    assert any(p.text.startswith("Common ground") for s in data.mou for p in s.points)


# ---------------------------------------------------------------------------- HTML


def test_html_escapes_every_user_text(workshop_case):
    _, _, data, *_ = workshop_case
    html = render_html(data)
    assert SCRIPT_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt; and **x** stay literal" in html
    assert "Привет" in html and "“curly quotes”" in html


def test_html_is_self_contained_and_printable(workshop_case):
    _, _, data, *_ = workshop_case
    html = render_html(data, paper="Letter")
    assert html.startswith("<!DOCTYPE html>")
    # No external assets: the only URL is the SVG namespace.
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}
    assert "<link" not in html and "<img" not in html and "@import" not in html
    assert "@page { size: letter" in html
    assert "break-inside: avoid" in html and "break-before: page" in html
    for entry in data.toc:
        assert f'href="#{entry.anchor}"' in html and f'id="{entry.anchor}"' in html
    # One inline SVG chart per level, one level summary, one perception chart.
    expected = len(data.levels) + 1 + (1 if data.perception_gaps else 0)
    assert html.count('role="img"') == expected
    with pytest.raises(ReportError, match="A4 or Letter"):
        render_html(data, paper="Tabloid")


def test_six_partners_render_in_palette_order(banks):
    assessment = _assessment(banks, workshop=True, partners=6, respondents=1)
    data = build_report_model(assessment, banks)
    html = render_html(data)
    for i in range(6):
        assert partner_colour(i) in html
    text = _flat(_pdf_text(render_pdf(data, "Letter"))[0])
    for p in assessment.partners:
        assert p.name in text


# ---------------------------------------------------------------------------- write_report


def test_write_report_by_suffix(tmp_path, banks):
    assessment = _assessment(banks, workshop=False)
    pdf = write_report(assessment, banks, tmp_path / "out.PDF", paper="Letter")
    assert pdf.read_bytes().startswith(b"%PDF")
    html = write_report(assessment, banks, tmp_path / "out.html")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ReportError, match=r"\.pdf or \.html"):
        write_report(assessment, banks, tmp_path / "out.docx")
    with pytest.raises(ReportError, match="A4 or Letter"):
        write_report(assessment, banks, tmp_path / "out.pdf", paper="A3")
    with pytest.raises(ReportError, match="cannot be written"):
        write_report(assessment, banks, tmp_path / "missing" / "out.pdf")


# ---------------------------------------------------------------------------- wording


def test_a_disagreement_names_the_more_cautious_rating_the_rule_recorded(banks):
    """The rule (AgreedItem.disagreement) records the more cautious rating: the lower one,
    but the higher one on a statement worded as a warning sign."""
    reverse = "three-levels:cc-people"
    _, statement = banks.statements[reverse]
    assert statement.reverse
    assessment = _assessment(banks, workshop=True)
    plain = assessment.workshop.agreed[1]
    assert plain.disagreement and not banks.statements[plain.statement][1].reverse
    record = assessment.workshop.model_copy(
        update={
            "agreed": [
                plain,
                AgreedItem(statement=reverse, agreed_rating=4, disagreement=True),
            ]
        }
    )
    data = build_report_model(assessment.model_copy(update={"workshop": record}), banks)
    notes = {a.statement: a.recorded_note for a in data.workshop.disagreements}
    assert notes[plain.statement] == ("The lower, more cautious rating was recorded: 2 – Disagree.")
    assert notes[reverse].startswith("The higher, more cautious rating was recorded")
    assert notes[reverse].endswith(": 4 – Agree.")
    pdf_text = _flat(_pdf_text(render_pdf(data))[0])
    html = render_html(data)
    for note in notes.values():
        assert note in pdf_text
        assert note in html
    assert "The lower rating" not in pdf_text and "The lower rating" not in html


def test_partner_lines_agree_in_number(banks):
    data = build_report_model(_assessment(banks, workshop=False, respondents=1), banks)
    assert data.partners[0].answered_by.startswith("1 respondent ·")
    data = build_report_model(_assessment(banks, workshop=False, estimate_for_last=True), banks)
    assert data.partners[1].answered_by.startswith("2 respondents (2 estimating)")


def test_draw_hands_every_chart_item_to_the_painter_in_order(workshop_case):
    from partnership_core.report import charts

    _, _, data, *_ = workshop_case
    chart = charts.level_chart(data.levels[0], data.partners, 170)
    seen: list[object] = []

    class Recorder:
        rect = line = marker = text = seen.append

    charts.draw(chart, Recorder())
    assert seen == list(chart.items)
    assert {type(i) for i in seen} == {charts.Rect, charts.Line, charts.Marker, charts.Text}


# ---------------------------------------------------------------------------- issue 9 sections


def _split_assessment(banks: BankSet) -> Assessment:
    """Partner 0's two people answer 5 and 1 on every statement (so its mean matches partner 1,
    who answers 3 throughout); no predictions, no comments."""
    qids = banks.applicable(PartnershipType.BUSINESS_NONPROFIT)
    ratings = {"a1": 5, "a2": 1, "b1": 3}
    answers = [
        Answer(respondent=r, statement=q, rating=rating)
        for r, rating in ratings.items()
        for q in qids
    ]
    return Assessment(
        name="Split test",
        partnership_type=PartnershipType.BUSINESS_NONPROFIT,
        banks=[SPINE_BANK_ID],
        partners=[Partner(id="a", name="Green Fields"), Partner(id="b", name="Bravo")],
        respondents=[
            Respondent(id="a1", name="Ann Keen", partner="a"),
            Respondent(id="a2", name="Bo Doubt", partner="a"),
            Respondent(id="b1", name="Cy Middle", partner="b"),
        ],
        answers=answers,
    )


def test_why_this_verdict_lists_the_rules_that_fired_with_statements_and_partners(
    workshop_case,
):
    assessment, result, data, _, text, _ = workshop_case
    assert result.findings and len(data.findings) == len(result.findings)
    flat = _flat(text)
    html = render_html(data)
    assert 'id="why"' in html and "Why this verdict" in flat
    names = [p.name for p in assessment.partners]
    for finding, row in zip(result.findings, data.findings, strict=True):
        assert row.sentence == finding.sentence and row.rule_text == finding.rule_text
        # Partners in assessment order, whatever order the finding gives them in.
        assert list(row.partners) == sorted(row.partners, key=names.index)
        if row.effect_label:
            assert _flat(row.sentence) in flat
            assert _flat(row.rule_text) in flat
            for line in row.evidence_shown:
                assert _flat(line)[:60] in flat
            if row.evidence_more:
                assert len(row.evidence) > len(row.evidence_shown)
                assert row.evidence_more in flat
    # Each rule is printed in full once in the list of rules that fired; findings cite its name.
    from html import escape

    from partnership_core.report.why import rules_of

    for name, rule_text in rules_of(data.verdict_findings):
        assert f"Rule: {name}" in flat
        assert 1 <= html.count(escape(rule_text, quote=True)) <= 3  # why, splits, misreadings
    verdict_setting = [f for f in result.findings if f.effect is not None]
    assert len(data.verdict_findings) == len(verdict_setting) > 0
    # The why section comes straight after the verdict, before the levels.
    assert flat.find("Why this verdict", flat.find("Work through")) < flat.find(
        data.levels[0].explanation[:40]
    )


def test_agenda_is_a_short_talk_first_list_and_the_rest_by_characteristic(workshop_case):
    _, result, data, _, text, _ = workshop_case
    assert [a.rank for a in data.talk_first] == [a.rank for a in result.talk_first]
    assert 0 < len(data.talk_first) <= DEFAULT_RULES.talk_first_max
    grouped = [a.rank for g in data.agenda_groups for a in g.items]
    assert sorted([a.rank for a in data.talk_first] + grouped) == [a.rank for a in data.agenda]
    heading = (
        f"Talk about these first: {len(data.talk_first)} items, about "
        f"{result.talk_first_minutes} minutes"
    )
    flat = _flat(text)
    assert heading in flat
    assert "The rest of the agenda, by characteristic" in flat
    for group in data.agenda_groups:
        assert f"{group.characteristic_name} ({group.level_name.lower()})" in flat
    html = render_html(data)
    assert heading in html
    # Each talk-first item says why it is on the agenda and how long to give it.
    for a in data.talk_first:
        assert a.why and f"about {a.minutes} min" in flat


def test_a_split_inside_a_partner_is_shown_with_its_people(banks):
    assessment = _split_assessment(banks)
    data = build_report_model(assessment, banks)
    assert data.splits, "5 against 1 inside one partner is a split"
    assert all(f.partners == ("Green Fields",) for f in data.splits)
    assert {"Ann Keen", "Bo Doubt"} <= {r for f in data.splits for r in f.respondents}
    flat = _flat(_pdf_text(render_pdf(data))[0])
    assert "Where a partner’s own people differ" in flat
    assert "Green Fields (Ann Keen and Bo Doubt)" in flat
    # A name ending in s takes the apostrophe alone.
    assert "Green Fields' people" in flat and "Fields's" not in flat
    html = render_html(data)
    assert 'id="splits"' in html and "Ann Keen and Bo Doubt" in html


def test_without_splits_the_section_says_why_there_are_none(banks):
    one_voice = _assessment(banks, workshop=False, respondents=1)
    data = build_report_model(one_voice, banks)
    assert not data.splits
    assert "through one respondent" in _flat(_pdf_text(render_pdf(data))[0])


def test_coverage_is_shown_per_partner_and_not_assessed_characteristics_named(banks):

    nonprofit = load_bank_set(["nonprofit-elements"])
    qids = nonprofit.applicable(PartnershipType.BUSINESS_NONPROFIT)
    answers = [Answer(respondent="ra", statement=q, rating=4) for q in qids]
    # Partner B rates only the first third of the statements.
    answers += [Answer(respondent="rb", statement=q, rating=4) for q in qids[: len(qids) // 3]]
    assessment = Assessment(
        name="Coverage test",
        partnership_type=PartnershipType.BUSINESS_NONPROFIT,
        banks=["nonprofit-elements"],
        partners=[Partner(id="a", name="Alpha"), Partner(id="b", name="Beta")],
        respondents=[
            Respondent(id="ra", name="Ra", partner="a"),
            Respondent(id="rb", name="Rb", partner="b"),
        ],
        answers=answers,
    )
    result = score_assessment(assessment, nonprofit)
    data = build_report_model(assessment, nonprofit, result)
    cov = data.coverage
    assert [r.partner for r in cov.partners] == ["Alpha", "Beta"]
    alpha, beta = cov.partners
    assert alpha.rated == len(qids) and beta.rated == len(qids) // 3
    assert any(row.short[1] and not row.short[0] for row in cov.characteristics)
    assert "too few ratings from at least one partner" in cov.summary
    assert [c.name for c in result.not_assessed] == ["Termination"]
    (sentence,) = cov.not_assessed
    assert sentence.startswith("Termination (operational level) is not assessed")
    assert "“Three levels of partnership compatibility” bank adds statements on it." in sentence
    flat = _flat(_pdf_text(render_pdf(data))[0])
    assert "Who answered what" in flat and _flat(sentence) in flat
    assert "not assessed" in flat
    html = render_html(data)
    assert 'id="coverage"' in html and "Termination (operational level) is not assessed" in html
    (termination,) = [r for lv in data.levels for r in lv.rows if r.id == "termination"]
    assert termination.band_label == "Not assessed" and termination.advice == sentence


def test_no_averaged_number_beside_a_verdict(workshop_case):
    _, result, data, _, text, _ = workshop_case
    judged = [c.compatibility for c in result.characteristics if c.compatibility is not None]
    assert data.verdict.compatibility == min(judged)
    assert data.verdict.figure == f"lowest fit {min(judged):.0f} of 100"
    for lv, section in zip(result.levels, data.levels, strict=True):
        figures = [c.compatibility for c in lv.characteristics if c.compatibility is not None]
        assert section.compatibility == (min(figures) if figures else None)
    flat = _flat(text)
    assert data.verdict.figure in flat
    assert "compatibility " + f"{result.compatibility:.0f} of 100" not in flat
    assert "Compatibility per level" not in flat and "Lowest fit per level" in flat


def test_generated_sentences_read_cleanly(workshop_case, banks):
    cases = [workshop_case[2], build_report_model(_split_assessment(banks), banks)]
    for data in cases:
        flat = _flat(_pdf_text(render_pdf(data))[0])
        html = render_html(data)
        for bad in (" level level", " 1 items", " 1 statements", " 1 minutes", "s's ", ". .", ",,"):
            assert bad not in flat, bad
            assert bad not in html, bad
        assert not re.search(r"\b(\w+) \1\b", " ".join(f.sentence for f in data.findings))


def test_coverage_summary_agrees_in_number():
    from partnership_core.report.coverage import CharacteristicCoverageRow, CoverageSection

    def section(short_rows: int) -> CoverageSection:
        rows = tuple(
            CharacteristicCoverageRow(f"C{i}", "Entry level", (1.0, 0.2), (False, True), True)
            for i in range(short_rows)
        )
        return CoverageSection((), rows, 0.5, (), ())

    assert section(0).summary.startswith("Every partner rated at least 50%")
    one = section(1).summary
    assert one.startswith("1 characteristic has too few") and "of its statements" in one
    assert "it is “not enough answers”" in one
    two = section(2).summary
    assert two.startswith("2 characteristics have too few") and "of their statements" in two
    assert "they are “not enough answers”" in two


def test_a_long_finding_shows_its_first_statements_and_counts_the_rest():
    from partnership_core.report.why import MAX_EVIDENCE, FindingRow
    from partnership_core.results import FindingRule, Severity, Verdict

    def finding(lines: int) -> FindingRow:
        return FindingRow(
            rule=FindingRule.PARTNERS_DIFFER,
            rule_label="Partners differ",
            rule_text="Partners 2 or more steps apart on a statement are a concern.",
            severity=Severity.CONCERN,
            severity_label="Concern",
            colour="#FDAE61",
            effect=Verdict.PAUSE,
            effect_label="Cause for pause",
            sentence="On Scope, the partners are 2 or more steps apart on many statements.",
            level_name="Decision level",
            characteristic_name="Scope",
            partners=("A", "B"),
            respondents=(),
            evidence=tuple(f"“Statement {i}”: A 4.0, B 2.0" for i in range(lines)),
        )

    assert finding(MAX_EVIDENCE).evidence_more == ""
    long = finding(MAX_EVIDENCE + 3)
    assert long.evidence_shown == long.evidence[:MAX_EVIDENCE]
    assert long.evidence_more == "… and 3 more, all on the discussion agenda."
    assert long.effect_note == "at least “Cause for pause”"
    assert long.who == "A and B"


def test_each_framework_is_reported_as_itself_in_the_pdf_and_the_html(all_banks_example):
    assessment, banks = all_banks_example
    data = build_report_model(assessment, banks)
    titles = [f.title for f in data.frameworks]
    assert titles == [b.title for b in banks.banks[1:]]
    ten, six, cross = data.frameworks
    assert len(ten.rows) == 10 and len(six.rows) == 6
    assert six.rows[0].scores == {"food-bank": 75.0, "grocer": 25.0} and six.rows[0].gap == 50.0
    applicable = {
        s.characteristic
        for s in banks.banks[3].statements
        if s.applies(assessment.partnership_type)
    }
    assert len(cross.rows) == len(applicable)
    assert "Each framework as itself" in [t.title for t in data.toc]

    text, _ = _pdf_text(render_pdf(data))
    flat = _flat(text)
    # After the last level's band advice, before the splits (the contents list it too).
    section = flat.index("Each framework as itself The levels above")
    assert flat.rfind("What the bands mean for you") < section
    assert section < flat.index("Where a partner’s own people differ", section)
    for f in data.frameworks:
        assert f.title in flat[section:]
    assert "Shared vision and purpose 6 75 25 50" in flat
    page = render_html(data)
    block = page[page.index('id="frameworks"') :]
    assert "Elements of strong nonprofit partnerships" in block
    assert ">Shared vision and purpose</td>" in block


def test_the_spine_alone_reports_no_further_framework(banks):
    data = build_report_model(example_assessment(7, banks), banks)
    assert data.frameworks == ()
    assert 'id="frameworks"' not in render_html(data)
    assert "Each framework as itself" not in _flat(_pdf_text(render_pdf(data))[0])
