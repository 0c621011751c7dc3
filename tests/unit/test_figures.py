"""Figures: compare the data objects and the figure dicts (never pixels), on results of the real
scoring engine over real assessments built with the shipped banks."""

from __future__ import annotations

import plotly.io as pio
import pytest

from partnership_core import figures as F
from partnership_core.assessment import Answer, Assessment, Partner, Respondent
from partnership_core.bank import (
    SPINE_CHARACTERISTICS,
    BankSet,
    PartnershipType,
)
from partnership_core.palette import BAND_COLOURS, PARTNER_COLOURS, PARTNER_SYMBOLS
from partnership_core.results import AssessmentResult, Verdict
from partnership_core.scoring import score_assessment


@pytest.fixture(scope="module")
def result(example: Assessment, banks: BankSet) -> AssessmentResult:
    return score_assessment(example, banks)


def _three_partners(banks: BankSet, names: tuple[str, str, str]) -> Assessment:
    """Three partners with distinct, deterministic answers (partner i rates (k + i) % 5 + 1)."""
    ids = ("p-a", "p-b", "p-c")
    applicable = banks.applicable(PartnershipType.OTHER)
    answers = [
        Answer(respondent=f"r-{pid}", statement=q, rating=(k + i * 2) % 5 + 1)
        for i, pid in enumerate(ids)
        for k, q in enumerate(applicable)
    ]
    return Assessment(
        name="Three-way",
        partners=[Partner(id=pid, name=n) for pid, n in zip(ids, names, strict=True)],
        respondents=[Respondent(id=f"r-{pid}", name=f"R {pid}", partner=pid) for pid in ids],
        answers=answers,
    )


def _without_predictions(assessment: Assessment) -> Assessment:
    answers = [a.model_copy(update={"prediction": None}) for a in assessment.answers]
    return assessment.model_copy(update={"answers": answers})


def _figures(result: AssessmentResult) -> dict[str, object]:
    return {
        "radar": F.radar_figure(result, include_alignment=True),
        "gap": F.gap_chart_figure(result),
        "matrix": F.matrix_figure(result),
        "perception": F.perception_figure(result),
        "levels": F.level_summary_figure(result),
    }


# ---------------------------------------------------------------------------- shared layout


def test_every_figure_is_phone_friendly_and_described(result: AssessmentResult) -> None:
    for name, fig in _figures(result).items():
        layout = fig.to_dict()["layout"]
        assert fig.layout.template == pio.templates["plotly_white"], name
        assert layout["legend"]["orientation"] == "h", name
        assert layout["margin"]["l"] <= 10 and layout["margin"]["r"] <= 10, name
        assert "width" not in layout and layout["autosize"] is True, name
        assert layout["title"]["text"], name
        description = F.figure_description(fig)
        assert len(description) > 40 and description.endswith("."), name
        pio.to_json(fig)  # serialisable, as st.plotly_chart needs


def test_partner_colours_follow_partner_order_in_every_figure(banks: BankSet) -> None:
    names = ("Alpha Trust", "Beta Ltd", "Gamma Council")
    forward = score_assessment(_three_partners(banks, names), banks)
    assessment = _three_partners(banks, names)
    reordered = assessment.model_copy(update={"partners": assessment.partners[::-1]})
    backward = score_assessment(reordered, banks)
    for res, order in ((forward, names), (backward, names[::-1])):
        radar = F.radar_figure(res)
        assert [t.name for t in radar.data] == list(order)
        assert [t.line.color for t in radar.data] == list(PARTNER_COLOURS[:3])
        assert [t.marker.symbol for t in radar.data] == list(PARTNER_SYMBOLS[:3])
        gap = F.gap_chart_figure(res)
        assert [t.name for t in gap.data[1:]] == list(order)
        assert [t.marker.color for t in gap.data[1:]] == list(PARTNER_COLOURS[:3])
    # The same organisation is drawn in a different colour only because the order changed.
    assert F.radar_figure(forward).data[0].r != F.radar_figure(backward).data[0].r


# ---------------------------------------------------------------------------- radar


def test_radar_data_follows_the_spine_in_level_order(result: AssessmentResult) -> None:
    data = F.radar_data(result)
    assert data.characteristic_ids == tuple(SPINE_CHARACTERISTICS)
    assert [p.name for p in data.partners] == list(result.partner_names.values())
    assert data.alignment is None
    by_id = {c.id: c for c in result.characteristics}
    for p_index, partner in enumerate(data.partners):
        expected = tuple(
            next(s.readiness for s in by_id[c].partners if s.partner == partner.id)
            for c in data.characteristic_ids
        )
        assert data.readiness[p_index] == expected
    with_alignment = F.radar_data(result, include_alignment=True)
    assert with_alignment.alignment == tuple(by_id[c].alignment for c in data.characteristic_ids)


def test_radar_figure_has_one_closed_trace_per_partner(result: AssessmentResult) -> None:
    fig = F.radar_figure(result)
    assert len(fig.data) == len(result.partner_names) == 2
    for trace, values in zip(fig.data, F.radar_data(result).readiness, strict=True):
        assert list(trace.r) == [*values, values[0]]
        assert trace.theta[0] == trace.theta[-1]
    fig = F.radar_figure(result, include_alignment=True)
    assert len(fig.data) == 3
    assert fig.data[-1].name == "Alignment" and fig.data[-1].line.dash == "dash"
    assert fig.layout.polar.radialaxis.range == (0, 100)


# ---------------------------------------------------------------------------- gap chart


def test_gap_chart_data_is_sorted_and_capped(result: AssessmentResult) -> None:
    items = [i for c in result.characteristics for i in c.items if i.gap is not None]
    data = F.gap_chart_data(result)
    assert len(data.rows) == F.DEFAULT_MAX_ROWS < len(items)
    assert data.hidden == len(items) - F.DEFAULT_MAX_ROWS
    gaps = [row.gap for row in data.rows]
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[0] == max(i.gap for i in items)
    by_id = {i.statement: i for i in items}
    for row in data.rows:
        item = by_id[row.statement]
        assert row.scores == tuple(item.scores[p.id] for p in data.partners)
        assert row.text == item.text
        assert row.label.count("<br>") <= 1
    assert any(row.label.endswith("…") for row in data.rows)  # long statements are cut
    five = F.gap_chart_data(result, max_rows=5)
    assert five.rows == data.rows[:5] and five.hidden == len(items) - 5


def test_gap_chart_figure_draws_a_dumbbell_per_row(result: AssessmentResult) -> None:
    data = F.gap_chart_data(result, max_rows=6)
    fig = F.gap_chart_figure(result, max_rows=6)
    assert len(fig.data) == 1 + len(data.partners)
    line, *partners = fig.data
    assert line.showlegend is False
    for y, row in enumerate(data.rows):
        known = [s for s in row.scores if s is not None]
        assert list(line.x[3 * y : 3 * y + 2]) == [min(known), max(known)]
    for i, trace in enumerate(partners):
        assert list(trace.x) == [row.scores[i] for row in data.rows]
        assert trace.marker.symbol == PARTNER_SYMBOLS[i]
    assert list(fig.layout.yaxis.ticktext) == [row.label for row in data.rows]
    assert fig.layout.yaxis.autorange == "reversed"  # widest gap on top
    assert "smaller gap(s) not shown" in fig.layout.annotations[0].text


# ---------------------------------------------------------------------------- matrix


def test_matrix_shows_numbers_and_band_words(result: AssessmentResult) -> None:
    data = F.matrix_data(result)
    assert data.characteristic_ids == tuple(SPINE_CHARACTERISTICS)
    chars = {c.id: c for c in result.characteristics}
    fig = F.matrix_figure(result)
    assert len(fig.data) == 1
    heat = fig.data[0]
    assert len(heat.z) == len(data.characteristic_ids) == 11
    for row, cid in enumerate(data.characteristic_ids):
        ch = chars[cid]
        cells = heat.text[row]
        assert len(cells) == len(data.partners) + 2
        assert cells[-2] == f"{ch.alignment:.0f}"
        assert ch.band_label in cells[-1] and f"{ch.compatibility:.0f}" in cells[-1]
        readiness = {s.partner: s.readiness for s in ch.partners}
        assert list(heat.z[row][: len(data.partners)]) == [readiness[p.id] for p in data.partners]
    # The fit column carries the exact band colour: z lands on that band's colour step.
    scale = dict((round(stop, 6), colour) for stop, colour in heat.colorscale)
    for row, band in enumerate(data.bands):
        z = heat.z[row][-1]
        lower = max(s for s in scale if s <= z / F._MATRIX_ZMAX)
        assert scale[lower] == BAND_COLOURS[band]
    headers = [t.replace("<br>", " ") for t in fig.layout.xaxis.ticktext]
    assert headers[: len(data.partners)] == [p.name for p in data.partners]
    assert headers[-1] == "Fit"
    # A rule between entry|decision and decision|operational.
    assert len(fig.layout.shapes) == 2


# ---------------------------------------------------------------------------- perception


def test_perception_rows_match_the_scored_gaps(result: AssessmentResult) -> None:
    assert result.perception_gaps, "the example gives predictions"
    data = F.perception_data(result)
    assert len(data.rows) == min(len(result.perception_gaps), F.DEFAULT_MAX_ROWS)
    assert [r.gap for r in data.rows] == sorted(
        (g.gap for g in result.perception_gaps), reverse=True
    )[: len(data.rows)]
    fig = F.perception_figure(result)
    # Per partner being read: its actual answers (filled) and what others predicted (open).
    names = [t.name for t in fig.data[1:]]
    food_bank, grocer = result.partner_names.values()
    assert names == [
        f"{food_bank}: actual",
        f"{food_bank}: as predicted",
        f"{grocer}: actual",
        f"{grocer}: as predicted",
    ]
    assert fig.data[1].marker.color == PARTNER_COLOURS[0]
    assert fig.data[2].marker.line.color == PARTNER_COLOURS[0]
    assert fig.data[4].marker.line.color == PARTNER_COLOURS[1]
    total_points = sum(len(t.x) for t in fig.data[1:])
    assert total_points == 2 * len(data.rows)
    assert all("predicted by" in label for label in fig.layout.yaxis.ticktext)


def test_perception_figure_explains_when_nobody_predicted(
    example: Assessment, banks: BankSet
) -> None:
    result = score_assessment(_without_predictions(example), banks)
    assert result.perception_gaps == ()
    assert F.perception_data(result).rows == ()
    fig = F.perception_figure(result)
    assert len(fig.data) == 0
    assert "No predictions yet" in fig.layout.annotations[0].text
    assert fig.layout.xaxis.visible is False


# ---------------------------------------------------------------------------- level summary


def test_level_summary_bars_carry_the_verdicts(result: AssessmentResult) -> None:
    data = F.level_summary_data(result)
    assert [b.level.value for b in data.bars] == ["entry", "decision", "operational"]
    fig = F.level_summary_figure(result)
    (bar,) = fig.data
    assert list(bar.x) == [lv.compatibility for lv in result.levels]
    assert list(bar.marker.color) == [F.VERDICT_COLOURS[lv.verdict] for lv in result.levels]
    for annotation, level in zip(fig.layout.annotations, result.levels, strict=True):
        assert level.name in annotation.text and level.verdict_label in annotation.text


# ---------------------------------------------------------------------------- edge cases


def test_figures_of_an_unanswered_assessment_show_empty_states(banks: BankSet) -> None:
    empty = Assessment(
        name="Nothing yet",
        partners=[Partner(id="a", name="A & B <Ltd>"), Partner(id="b", name="Zoë’s Café")],
    )
    result = score_assessment(empty, banks)
    figs = _figures(result)
    assert "No statement has answers" in figs["gap"].layout.annotations[0].text
    assert len(figs["perception"].data) == 0
    # Names are escaped for plotly's HTML-like labels, and non-ASCII survives.
    assert [t.name for t in figs["radar"].data[:2]] == ["A &amp; B &lt;Ltd&gt;", "Zoë’s Café"]
    assert all(v is None for v in figs["radar"].data[0].r)
    assert all(b.verdict is Verdict.INCOMPLETE for b in F.level_summary_data(result).bars)
    assert all("Not enough" in a.text for a in figs["levels"].layout.annotations)
    for fig in figs.values():
        pio.to_json(fig)


def test_labels_are_wrapped_cut_and_escaped() -> None:
    assert F._label("short") == "short"
    long = F._label("word " * 40, width=20, max_lines=2)
    assert long.count("<br>") == 1 and long.endswith("…")
    assert F._label("a <b> & c") == "a &lt;b&gt; &amp; c"


# ---------------------------------------------------------------------------- issue 9


def test_a_characteristic_no_bank_asks_about_reads_not_assessed() -> None:
    from partnership_core.bank import load_bank_set

    nonprofit = load_bank_set(["nonprofit-elements"])
    qids = nonprofit.applicable(PartnershipType.OTHER)
    assessment = Assessment(
        name="Nonprofit only",
        banks=["nonprofit-elements"],
        partners=[Partner(id="a", name="A"), Partner(id="b", name="B")],
        respondents=[
            Respondent(id="ra", name="Ra", partner="a"),
            Respondent(id="rb", name="Rb", partner="b"),
        ],
        answers=[Answer(respondent=r, statement=q, rating=4) for r in ("ra", "rb") for q in qids],
    )
    result = score_assessment(assessment, nonprofit)
    (missing,) = result.not_assessed
    data = F.matrix_data(result)
    row = data.characteristic_ids.index(missing.id)
    assert data.band_labels[row] == "Not assessed"
    assert F.matrix_figure(result).data[0].text[row][-1] == "Not assessed"
    assert all(label != "Not assessed" for i, label in enumerate(data.band_labels) if i != row)


def test_level_bars_show_the_lowest_fit_never_better_than_the_verdict(
    result: AssessmentResult,
) -> None:
    data = F.level_summary_data(result)
    assert data.title == "Lowest fit per level"
    for bar, level in zip(data.bars, result.levels, strict=True):
        figures = [c.compatibility for c in level.characteristics if c.compatibility is not None]
        assert bar.compatibility == (min(figures) if figures else None)
