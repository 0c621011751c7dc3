"""The one view of an `AssessmentResult`, used by the solo results page and both workshop
screens; each caller chooses which sections it shows (`SOLO_SECTIONS`, `WORKSHOP_SECTIONS`).

Everything here reads `partnership_core` objects and draws them; no scoring happens here.
Meaning is always carried by words and an icon, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from partnership_core import figures
from partnership_core.assessment import Assessment
from partnership_core.bank import BandId
from partnership_core.palette import partner_glyph
from partnership_core.results import AssessmentResult, LevelResult, Verdict
from partnership_core.solo import estimated_partners
from partnership_core.text import format_score

__all__ = [
    "Section",
    "SOLO_SECTIONS",
    "WORKSHOP_SECTIONS",
    "VERDICT_ICONS",
    "BAND_ICONS",
    "ESTIMATE_SUFFIX",
    "INTERNAL_SPLIT",
    "display_result",
    "partner_label",
    "internal_splits",
    "render_result_view",
]


class Section(StrEnum):
    """The parts of the result view, drawn in this order when chosen."""

    OVERALL = "overall"  # verdict, headline, next step, stage
    PEOPLE = "people"  # how many people answered for each partner
    LEVELS = "levels"  # a card per level with its characteristics
    CHARTS = "charts"  # the partners side by side in the core's figures
    AGENDA = "agenda"  # what to talk about first
    SPLITS = "splits"  # where the people of one partner differ among themselves
    PERCEPTION = "perception"  # how well partners predicted each other
    COVERAGE = "coverage"  # warnings and answers per partner
    METHOD = "method"  # how the scores work


SOLO_SECTIONS = (
    Section.OVERALL,
    Section.LEVELS,
    Section.CHARTS,
    Section.AGENDA,
    Section.PERCEPTION,
    Section.COVERAGE,
    Section.METHOD,
)
WORKSHOP_SECTIONS = (
    Section.OVERALL,
    Section.PEOPLE,
    Section.LEVELS,
    Section.CHARTS,
    Section.SPLITS,
    Section.PERCEPTION,
    Section.COVERAGE,
)

VERDICT_ICONS: dict[Verdict, str] = {
    Verdict.CLEAR: ":material/check_circle:",
    Verdict.CONDITIONS: ":material/construction:",
    Verdict.PAUSE: ":material/pause_circle:",
    Verdict.STOP: ":material/block:",
    Verdict.INCOMPLETE: ":material/help:",
}
BAND_ICONS: dict[BandId, str] = {
    BandId.STRONG: ":material/check_circle:",
    BandId.WORKABLE: ":material/construction:",
    BandId.PAUSE: ":material/pause_circle:",
    BandId.SERIOUS: ":material/cancel:",
    BandId.INSUFFICIENT: ":material/help:",
}
ESTIMATE_SUFFIX = " (estimate)"
# TODO(scoring merge): the only use of the within-partner split threshold; it moves to the
# core's ScoringRules with the scoring rewrite. A range of 50 on the 0-100 scale is two
# points on the five-point scale (e.g. 2 against 4): people from one organisation who
# differ that much do not yet share a view.
INTERNAL_SPLIT = 50.0
_CHART_TABS = (
    ("Levels", "levels"),
    ("Side by side", "radar"),
    ("Largest gaps", "gaps"),
    ("All characteristics", "matrix"),
)
_DOCS_SCORING = Path(__file__).resolve().parent.parent.parent / "docs" / "scoring.md"


def display_result(result: AssessmentResult, assessment: Assessment) -> AssessmentResult:
    """A copy of the result whose partner names say "(estimate)" where answers are guessed,
    so every chart legend and table carries the label."""
    guessed = estimated_partners(assessment)
    if not guessed:
        return result
    names = {
        pid: name + ESTIMATE_SUFFIX if pid in guessed else name
        for pid, name in result.partner_names.items()
    }
    return result.model_copy(update={"partner_names": names})


def partner_label(result: AssessmentResult, partner_id: str) -> str:
    """Partner name with its chart marker, so text and charts name partners the same way."""
    ids = list(result.partner_names)
    glyph = partner_glyph(ids.index(partner_id)) if partner_id in ids else ""
    return f"{glyph} {result.partner_names.get(partner_id, partner_id)}".strip()


def render_result_view(
    result: AssessmentResult,
    assessment: Assessment,
    *,
    sections: Sequence[Section],
    key_prefix: str,
) -> None:
    """Draw the chosen sections of `result`, most important first.

    Args:
        result: the scored assessment (scored once by the caller).
        assessment: what was scored: partners, respondents (estimates are labelled).
        sections: which parts to show; they are drawn in `Section` order.
        key_prefix: makes the chart keys unique on the page.
    """
    shown = display_result(result, assessment)
    chosen = set(sections)
    for section in Section:
        if section in chosen:
            _DRAW[section](shown, assessment, key_prefix)


# ---------------------------------------------------------------------------- sections


def _verdict_box(verdict: Verdict, text: str) -> None:
    """An alert whose kind, icon and words all say the verdict."""
    icon = VERDICT_ICONS[verdict]
    if verdict is Verdict.CLEAR:
        st.success(text, icon=icon)
    elif verdict is Verdict.PAUSE:
        st.warning(text, icon=icon)
    elif verdict is Verdict.STOP:
        st.error(text, icon=icon)
    else:
        st.info(text, icon=icon)


def _overall(result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    stage = (
        "Stage reached: all three levels cleared."
        if result.stage is None
        else f"Stage: {result.level(result.stage).name.lower()} is the first level not yet cleared."
    )
    _verdict_box(result.overall_verdict, f"**Overall: {result.overall_label}.** {result.headline}")
    st.markdown(f"**Next step:** {result.next_step}")
    st.caption(stage)
    if result.uses_estimates:
        st.warning(
            "Some answers are an **estimate**: someone answered as they expect another partner "
            "would. Treat those results as a guess until that partner answers for itself.",
            icon=":material/psychology:",
        )


def _people(result: AssessmentResult, assessment: Assessment, _key_prefix: str) -> None:
    counts = {p.id: 0 for p in assessment.partners}
    for r in assessment.respondents:
        counts[r.partner] = counts.get(r.partner, 0) + 1
    cols = st.columns(len(assessment.partners))
    for col, partner in zip(cols, assessment.partners, strict=True):
        people = counts[partner.id]
        col.metric(partner_label(result, partner.id), f"{people} {_people_word(people)}")


def _people_word(count: int) -> str:
    return "person" if count == 1 else "people"


def _levels(result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    st.subheader("Level by level")
    for level in sorted(result.levels, key=lambda lv: lv.order):
        _level_card(level)


def _level_card(level: LevelResult) -> None:
    with st.container(border=True):
        st.markdown(
            f"#### {VERDICT_ICONS[level.verdict]} {level.order}. {level.name}: "
            f"{level.verdict_label}"
        )
        st.markdown(level.explanation)
        st.caption(f"Compatibility {_score(level.compatibility)} · weight ×{level.weight:g}")
        with st.expander(f"Characteristics at the {level.name.lower()}"):
            for ch in level.characteristics:
                st.markdown(
                    f"**{BAND_ICONS[ch.band]} {ch.name}: {ch.band_label}** "
                    f"({_score(ch.compatibility)}"
                    f"{', red flag' if ch.red_flag else ''}"
                    f"{f', {ch.answered_share:.0%} answered' if ch.answered_share < 1 else ''})"
                )
                st.markdown(ch.advice)


def _score(value: float | None) -> str:
    return format_score(value) if value is None else f"{format_score(value)}/100"


def _charts(result: AssessmentResult, _assessment: Assessment, key_prefix: str) -> None:
    st.subheader("The partners side by side")
    parts = [partner_label(result, pid) for pid in result.partner_names]
    st.markdown("**Partners:** " + " · ".join(parts))
    figs = _result_figures(result)
    tabs = st.tabs([label for label, _ in _CHART_TABS])
    for tab, (_, name) in zip(tabs, _CHART_TABS, strict=True):
        with tab:
            _chart(figs[name], f"{key_prefix}{name}")


def _chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})
    description = figures.figure_description(fig)
    if description:
        st.caption(description)


_FIGURES = {
    "levels": figures.level_summary_figure,
    "radar": lambda result: figures.radar_figure(result, include_alignment=True),
    "gaps": figures.gap_chart_figure,
    "matrix": figures.matrix_figure,
    "perception": figures.perception_figure,
}


@st.cache_resource(max_entries=16, show_spinner=False)
def _figures_for(_result: AssessmentResult, fingerprint: str) -> dict[str, go.Figure]:
    """Every figure of a result, built once per result (building one takes ~25 ms).

    Cached on the result's JSON (`fingerprint`); the figures are shared and never changed
    after they are built (`st.plotly_chart` only reads them).
    """
    return {name: build(_result) for name, build in _FIGURES.items()}


def _result_figures(result: AssessmentResult) -> dict[str, go.Figure]:
    return _figures_for(result, result.model_dump_json())


def _agenda(result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    limit = 10
    st.subheader("What to talk about first")
    if not result.agenda:
        st.success("Nothing stands out: no statement shows a gap or a shared shortfall.")
        return
    st.caption(
        "Ranked by how far apart or how low the answers are, weighted by level and importance."
    )
    for item in result.agenda[:limit]:
        scores = ", ".join(
            f"{result.partner_names.get(pid, pid)} {_score(v)}" for pid, v in item.scores.items()
        )
        with st.expander(f"{item.rank}. {item.text}"):
            st.markdown(f"**{item.characteristic_name}** · {item.reason}")
            st.caption(f"Scores: {scores}")
            if item.prompts:
                st.markdown("**Questions to discuss**")
                st.markdown("\n".join(f"- {p}" for p in item.prompts))
    if len(result.agenda) > limit:
        st.caption(f"{len(result.agenda) - limit} more item(s) are in the downloadable summary.")


def internal_splits(result: AssessmentResult) -> list[tuple[str, str, str, float]]:
    """(partner id, characteristic name, statement text, range 0-100) where the people of one
    partner differ by at least `INTERNAL_SPLIT`, widest first."""
    rows: list[tuple[str, str, str, float]] = []
    for ch in result.characteristics:
        for item in ch.items:
            for partner_id, spread in item.spreads.items():
                if spread is not None and spread >= INTERNAL_SPLIT:
                    rows.append((partner_id, ch.name, item.text, spread))
    rows.sort(key=lambda r: (-r[3], list(result.partner_names).index(r[0]), r[2]))
    return rows


def _splits(result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    st.subheader("Inside each partner")
    st.markdown(
        "How far the people of **one** organisation differ among themselves, per characteristic "
        "(0 = one voice; 25 = one point apart on the five-point scale). A wide spread inside a "
        "partner is worth talking about before the partners compare with each other."
    )
    rows = []
    for ch in result.characteristics:
        row: dict[str, object] = {"Characteristic": ch.name}
        for score in ch.partners:
            label = result.partner_names.get(score.partner, score.partner)
            row[f"{label}: readiness"] = format_score(score.readiness)
            row[f"{label}: spread"] = format_score(score.spread)
        rows.append(row)
    st.dataframe(rows, hide_index=True, width="stretch")
    splits = internal_splits(result)
    if not splits:
        st.success(
            "No statement splits the people of one organisation by two points or more.",
            icon=":material/check_circle:",
        )
        return
    st.markdown(f"**{len(splits)} statement(s) split an organisation's own people:**")
    for partner_id, characteristic, text, spread in splits[:12]:
        st.markdown(
            f"- {partner_label(result, partner_id)} · *{characteristic}*: {text} "
            f"(range {spread / 25:.0f} points)"
        )
    if len(splits) > 12:
        st.caption(f"… and {len(splits) - 12} more.")


def _perception(result: AssessmentResult, _assessment: Assessment, key_prefix: str) -> None:
    if not result.perception_gaps:
        return
    st.subheader("How well you predicted each other")
    _chart(_result_figures(result)["perception"], f"{key_prefix}perception")


def _coverage(result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    for warning in result.warnings:
        st.warning(warning, icon=":material/info:")
    if result.partial:
        rows = [
            f"- {result.partner_names.get(c.partner, c.partner)}: {c.rated} of {c.expected} "
            f"rated, {c.not_sure} not sure, {c.unanswered} unanswered"
            for c in result.coverage
        ]
        with st.expander("Answers per partner"):
            st.markdown("\n".join(rows))


def _method(_result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    with st.expander("How these scores work", icon=":material/calculate:"):
        st.markdown(
            "- Every rating becomes a score from 0 to 100 (statements where agreeing is a "
            "warning sign are turned round).\n"
            "- **Readiness** is how strongly a partner agrees; **alignment** is how close the "
            "partners are. A characteristic's **compatibility** is the lower of the two, so "
            "two partners who agree that something is missing still score low.\n"
            "- Gaps count more at the entry level than at the decision level, and more there "
            "than at the operational level, because they are harder to close.\n"
            "- A level is cleared only when none of its characteristics is a cause for pause. "
            "Levels are taken in order: entry first.\n"
            "- 'Not sure' and unanswered statements are left out and reported as coverage."
        )
        if _DOCS_SCORING.exists():
            st.markdown("---")
            st.markdown(_DOCS_SCORING.read_text(encoding="utf-8"))


_DRAW = {
    Section.OVERALL: _overall,
    Section.PEOPLE: _people,
    Section.LEVELS: _levels,
    Section.CHARTS: _charts,
    Section.AGENDA: _agenda,
    Section.SPLITS: _splits,
    Section.PERCEPTION: _perception,
    Section.COVERAGE: _coverage,
    Section.METHOD: _method,
}
