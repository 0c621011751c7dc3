"""The revealed results of a workshop: every partner side by side, and the spread inside each.

Shared by the facilitator's screen and the participants' phones. Each partner is the
aggregate of its respondents (the scoring engine does that); the spread among one partner's
own people is shown on its own, because disagreement inside one organisation is a finding.
"""

from __future__ import annotations

import streamlit as st

from partnership_core import figures
from partnership_core.assessment import Assessment
from partnership_core.palette import partner_symbol
from partnership_core.results import AssessmentResult, Verdict

__all__ = [
    "INTERNAL_SPLIT",
    "internal_splits",
    "render_results",
    "partner_label",
]

# A range of 50 on the 0-100 scale is two points on the five-point scale (e.g. 2 against 4):
# people from one organisation who differ that much do not yet share a view.
INTERNAL_SPLIT = 50.0
_VERDICT_ICONS = {
    Verdict.CLEAR: ":green[:material/check_circle:]",
    Verdict.CONDITIONS: ":blue[:material/construction:]",
    Verdict.PAUSE: ":orange[:material/pause_circle:]",
    Verdict.STOP: ":red[:material/block:]",
    Verdict.INCOMPLETE: ":gray[:material/help:]",
}
_SYMBOL_GLYPHS = {
    "circle": "●",
    "diamond": "◆",
    "square": "■",
    "triangle-up": "▲",
    "x": "✖",
    "star": "★",
}


def partner_label(result: AssessmentResult, partner_id: str) -> str:
    """Partner name with its chart marker, so text and charts name partners the same way."""
    ids = list(result.partner_names)
    glyph = (
        _SYMBOL_GLYPHS.get(partner_symbol(ids.index(partner_id)), "") if partner_id in ids else ""
    )
    return f"{glyph} {result.partner_names.get(partner_id, partner_id)}".strip()


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


def render_results(assessment: Assessment, result: AssessmentResult, *, key_prefix: str) -> None:
    """Draw the verdict, the level summary, the charts and the spread inside each partner."""
    icon = _VERDICT_ICONS.get(result.overall_verdict, "")
    st.subheader(f"{icon} {result.overall_label}")
    st.markdown(f"**{result.headline}**")
    st.info(result.next_step, icon=":material/arrow_forward:")
    for warning in result.warnings:
        st.warning(warning, icon=":material/warning:")

    counts = {p.id: 0 for p in assessment.partners}
    for r in assessment.respondents:
        counts[r.partner] = counts.get(r.partner, 0) + 1
    cols = st.columns(len(assessment.partners))
    for col, partner in zip(cols, assessment.partners, strict=True):
        col.metric(partner_label(result, partner.id), f"{counts[partner.id]} people")

    tabs = st.tabs(["Levels", "Side by side", "Biggest gaps", "Inside each partner", "Guesses"])
    with tabs[0]:
        st.plotly_chart(
            figures.level_summary_figure(result), key=f"{key_prefix}levels_fig", width="stretch"
        )
        for level in result.levels:
            with st.container(border=True):
                st.markdown(
                    f"**{_VERDICT_ICONS.get(level.verdict, '')} {level.name}: "
                    f"{level.verdict_label}**"
                )
                st.caption(level.explanation)
        st.plotly_chart(figures.matrix_figure(result), key=f"{key_prefix}matrix", width="stretch")
    with tabs[1]:
        st.plotly_chart(
            figures.radar_figure(result, include_alignment=True),
            key=f"{key_prefix}radar",
            width="stretch",
        )
    with tabs[2]:
        st.plotly_chart(figures.gap_chart_figure(result), key=f"{key_prefix}gaps", width="stretch")
    with tabs[3]:
        _render_spread(result)
    with tabs[4]:
        if result.perception_gaps:
            st.plotly_chart(
                figures.perception_figure(result), key=f"{key_prefix}perception", width="stretch"
            )
        else:
            st.caption("Nobody guessed how the other side would answer, so there is nothing here.")


def _render_spread(result: AssessmentResult) -> None:
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
            row[f"{label}: readiness"] = _num(score.readiness)
            row[f"{label}: spread"] = _num(score.spread)
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


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"
