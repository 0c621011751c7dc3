"""Result display parts shared by the solo results page and the workshop pages.

Everything here reads `partnership_core` objects and draws them; no scoring happens here.
Meaning is always carried by words and an icon, never by colour alone.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from partnership_core import figures
from partnership_core.assessment import Assessment, dump_assessment
from partnership_core.bank import BandId, BankSet
from partnership_core.errors import PartnershipFitError
from partnership_core.palette import partner_symbol
from partnership_core.results import AssessmentResult, LevelResult, Verdict
from partnership_core.solo import estimated_partners

__all__ = [
    "VERDICT_ICONS",
    "BAND_ICONS",
    "ESTIMATE_SUFFIX",
    "display_result",
    "verdict_box",
    "render_overall",
    "render_level_cards",
    "render_partner_legend",
    "render_charts",
    "result_figures",
    "render_agenda",
    "render_perception",
    "render_coverage",
    "render_method",
    "render_downloads",
    "render_result",
    "file_stem",
]

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
_SYMBOL_GLYPHS = {
    "circle": "●",
    "diamond": "◆",
    "square": "■",
    "triangle-up": "▲",
    "x": "✕",
    "star": "★",
}
ESTIMATE_SUFFIX = " (estimate)"
_DOCS_SCORING = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"


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


def verdict_box(verdict: Verdict, text: str) -> None:
    """An alert whose kind, icon and words all say the verdict."""
    icon = VERDICT_ICONS[verdict]
    if verdict is Verdict.CLEAR:
        st.success(text, icon=icon)
    elif verdict is Verdict.CONDITIONS:
        st.info(text, icon=icon)
    elif verdict is Verdict.PAUSE:
        st.warning(text, icon=icon)
    elif verdict is Verdict.STOP:
        st.error(text, icon=icon)
    else:
        st.info(text, icon=icon)


def render_overall(result: AssessmentResult) -> None:
    """Overall verdict, stage, headline and next step, in plain words."""
    stage = (
        "Stage reached: all three levels cleared."
        if result.stage is None
        else f"Stage: {result.level(result.stage).name.lower()} is the first level not yet cleared."
    )
    verdict_box(
        result.overall_verdict,
        f"**Overall: {result.overall_label}.** {result.headline}",
    )
    st.markdown(f"**Next step:** {result.next_step}")
    st.caption(stage)
    if result.uses_estimates:
        st.warning(
            "Some answers are an **estimate**: someone answered as they expect another partner "
            "would. Treat those results as a guess until that partner answers for itself.",
            icon=":material/psychology:",
        )


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}/100"


def render_level_cards(result: AssessmentResult) -> None:
    """One card per level, in order, with its verdict, explanation and characteristics."""
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


def render_partner_legend(result: AssessmentResult) -> None:
    """Partner names with their chart symbol, so charts can be read without colour."""
    parts = [
        f"{_SYMBOL_GLYPHS.get(partner_symbol(i), '●')} {name}"
        for i, name in enumerate(result.partner_names.values())
    ]
    st.markdown("**Partners:** " + " · ".join(parts))


def _chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})
    description = figures.figure_description(fig)
    if description:
        st.caption(description)


_FIGURES = {
    "levels": figures.level_summary_figure,
    "radar": figures.radar_figure,
    "gaps": figures.gap_chart_figure,
    "matrix": figures.matrix_figure,
    "perception": figures.perception_figure,
}


@st.cache_resource(max_entries=16, show_spinner=False)
def _figures_for(result_json: str) -> dict[str, go.Figure]:
    """Every figure of a result, built once per result (building one takes ~25 ms).

    Keyed on the result's JSON (a plain string); the figures are shared and never changed
    after they are built (`st.plotly_chart` only reads them).
    """
    result = AssessmentResult.model_validate_json(result_json)
    return {name: build(result) for name, build in _FIGURES.items()}


def result_figures(result: AssessmentResult) -> dict[str, go.Figure]:
    """The core's figures of `result`: levels, radar, gaps, matrix, perception."""
    return _figures_for(result.model_dump_json())


def render_charts(result: AssessmentResult, key_prefix: str = "res_") -> None:
    """The partners side by side in the core's figures, one tab each."""
    figs = result_figures(result)
    tabs = st.tabs(["Levels", "Side by side", "Largest gaps", "All characteristics"])
    for tab, name in zip(tabs, ("levels", "radar", "gaps", "matrix"), strict=True):
        with tab:
            _chart(figs[name], f"{key_prefix}{name}")


def render_agenda(result: AssessmentResult, limit: int = 10) -> None:
    """The ranked discussion agenda: what to talk about first, with prompts."""
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


def render_perception(result: AssessmentResult, key_prefix: str = "res_") -> None:
    """Where a partner's guess about the other side missed, if predictions were given."""
    if not result.perception_gaps:
        return
    st.subheader("How well you predicted each other")
    _chart(result_figures(result)["perception"], f"{key_prefix}perception")


def render_coverage(result: AssessmentResult) -> None:
    """Warnings about partial answers, and answers per partner."""
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


def render_method() -> None:
    """A short explainer of the scores, with the full method when it is shipped."""
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


def file_stem(name: str) -> str:
    """A safe file name stem from a partnership name."""
    stem = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    while "--" in stem:
        stem = stem.replace("--", "-")
    return stem[:60] or "assessment"


def _report_module() -> object | None:
    if importlib.util.find_spec("partnership_core.report") is None:
        return None
    try:
        import partnership_core.report as report
    except ImportError:  # the report package is optional at runtime
        return None
    needed = ("build_report_model", "render_pdf", "render_html")
    return report if all(hasattr(report, n) for n in needed) else None


@st.cache_data(max_entries=8, show_spinner="Preparing the summary…")
def _report_bytes(assessment_json: str, kind: str) -> bytes:
    """Render the summary; cached on the assessment's JSON (a plain string)."""
    from partnership_core.assessment import parse_assessment
    from partnership_core.bank import load_bank_set

    report = _report_module()
    assert report is not None
    assessment = parse_assessment(assessment_json)
    model = report.build_report_model(assessment, load_bank_set(assessment.banks))
    out = report.render_pdf(model) if kind == "pdf" else report.render_html(model)
    return out if isinstance(out, bytes) else out.encode("utf-8")


def render_downloads(assessment: Assessment, key_prefix: str = "res_") -> None:
    """Download the assessment (re-openable from Home) and, when available, the summary."""
    stem = file_stem(assessment.name)
    data = dump_assessment(assessment)
    st.download_button(
        "Download the assessment (JSON)",
        data=data,
        file_name=f"{stem}.json",
        mime="application/json",
        key=f"{key_prefix}dl_json",
        icon=":material/download:",
        help="Keep this file: open it again from Home, or send it to your partner.",
        on_click="ignore",
    )
    if _report_module() is None:
        return
    # The summary takes about a second to render, so it is made on request, then cached.
    ready_key = f"{key_prefix}report_for"
    if st.session_state.get(ready_key) != data:
        st.button(
            "Prepare the summary report (PDF and web page)",
            key=f"{key_prefix}prepare_report",
            icon=":material/description:",
            on_click=_mark_ready,
            args=(ready_key, data),
        )
        return
    _report_button(data, "pdf", stem, key_prefix)
    _report_button(data, "html", stem, key_prefix)


def _mark_ready(ready_key: str, data: str) -> None:
    st.session_state[ready_key] = data


def _report_button(data: str, kind: str, stem: str, key_prefix: str) -> None:
    label = "Download the summary (PDF)" if kind == "pdf" else "Download the summary (web page)"
    mime = "application/pdf" if kind == "pdf" else "text/html"
    try:
        content = _report_bytes(data, kind)
    except PartnershipFitError as exc:
        st.error(f"The {kind.upper()} summary could not be made: {exc}")
        return
    st.download_button(
        label,
        data=content,
        file_name=f"{stem}.{kind}",
        mime=mime,
        key=f"{key_prefix}dl_{kind}",
        icon=":material/download:",
        on_click="ignore",
    )


def render_result(
    result: AssessmentResult, assessment: Assessment, banks: BankSet, key_prefix: str = "res_"
) -> None:
    """The whole result, most important first (used by the solo results page)."""
    shown = display_result(result, assessment)
    render_overall(shown)
    st.subheader("Level by level")
    render_level_cards(shown)
    st.subheader("The partners side by side")
    render_partner_legend(shown)
    render_charts(shown, key_prefix)
    render_agenda(shown)
    render_perception(shown, key_prefix)
    render_coverage(shown)
    render_method()
    del banks  # kept in the signature for callers that show bank details later
