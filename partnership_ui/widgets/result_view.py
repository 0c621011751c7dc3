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
from partnership_core.frameworks import framework_views, row_sentence
from partnership_core.palette import partner_glyph
from partnership_core.results import (
    AgendaItem,
    AssessmentResult,
    CharacteristicResult,
    Finding,
    FindingRule,
    LevelResult,
    Severity,
    Verdict,
)
from partnership_core.scoring import DEFAULT_RULES
from partnership_core.solo import estimated_partners
from partnership_core.text import format_score, join_names, plural

from ..data import bank_set
from ..literal import literal

__all__ = [
    "Section",
    "SOLO_SECTIONS",
    "WORKSHOP_SECTIONS",
    "partner_label",
    "render_result_view",
]


class Section(StrEnum):
    """The parts of the result view, drawn in this order when chosen."""

    OVERALL = "overall"  # verdict, headline, next step, stage
    FINDINGS = "findings"  # why this verdict: the rules that fired
    PEOPLE = "people"  # how many people answered for each partner
    LEVELS = "levels"  # a card per level with its characteristics, not-assessed ones named
    CHARTS = "charts"  # the partners side by side in the core's figures
    AGENDA = "agenda"  # what to talk about first
    SPLITS = "splits"  # where the people of one partner differ among themselves
    PERCEPTION = "perception"  # how well partners predicted each other, misreadings
    COVERAGE = "coverage"  # warnings and answers per partner
    FRAMEWORKS = "frameworks"  # each further bank by its own characteristics
    METHOD = "method"  # how the scores work


SOLO_SECTIONS = (
    Section.OVERALL,
    Section.FINDINGS,
    Section.LEVELS,
    Section.CHARTS,
    Section.AGENDA,
    Section.SPLITS,
    Section.PERCEPTION,
    Section.COVERAGE,
    Section.FRAMEWORKS,
    Section.METHOD,
)
WORKSHOP_SECTIONS = (
    Section.OVERALL,
    Section.FINDINGS,
    Section.PEOPLE,
    Section.LEVELS,
    Section.CHARTS,
    Section.SPLITS,
    Section.PERCEPTION,
    Section.COVERAGE,
    Section.FRAMEWORKS,
)

_VERDICT_ICONS: dict[Verdict, str] = {
    Verdict.CLEAR: ":material/check_circle:",
    Verdict.CONDITIONS: ":material/construction:",
    Verdict.PAUSE: ":material/pause_circle:",
    Verdict.STOP: ":material/block:",
    Verdict.INCOMPLETE: ":material/help:",
}
_BAND_ICONS: dict[BandId, str] = {
    BandId.STRONG: ":material/check_circle:",
    BandId.WORKABLE: ":material/construction:",
    BandId.PAUSE: ":material/pause_circle:",
    BandId.SERIOUS: ":material/cancel:",
    BandId.INSUFFICIENT: ":material/help:",
}
_SEVERITY_ICONS: dict[Severity, str] = {
    Severity.SERIOUS: ":material/block:",
    Severity.CONCERN: ":material/pause_circle:",
    Severity.NOT_JUDGED: ":material/help:",
    Severity.WORK: ":material/construction:",
    Severity.DISCUSS: ":material/forum:",
}
_ESTIMATE_SUFFIX = " (estimate)"
_CHART_TABS = (
    ("Levels", "levels"),
    ("Side by side", "radar"),
    ("Largest gaps", "gaps"),
    ("All characteristics", "matrix"),
)
_DOCS_SCORING = Path(__file__).resolve().parent.parent.parent / "docs" / "scoring.md"


def _display_result(result: AssessmentResult, assessment: Assessment) -> AssessmentResult:
    """A copy of the result whose partner names say "(estimate)" where answers are guessed,
    so every chart legend and table carries the label."""
    guessed = estimated_partners(assessment)
    if not guessed:
        return result
    names = {
        pid: name + _ESTIMATE_SUFFIX if pid in guessed else name
        for pid, name in result.partner_names.items()
    }
    return result.model_copy(update={"partner_names": names})


def partner_label(result: AssessmentResult, partner_id: str) -> str:
    """Partner name with its chart marker, so text and charts name partners the same way.

    Plain text: pass it through `literal` wherever Markdown would read it."""
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
    shown = _display_result(result, assessment)
    chosen = set(sections)
    for section in Section:
        if section in chosen:
            _DRAW[section](shown, assessment, key_prefix)


# ---------------------------------------------------------------------------- sections


def _verdict_box(verdict: Verdict, text: str) -> None:
    """An alert whose kind, icon and words all say the verdict."""
    icon = _VERDICT_ICONS[verdict]
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
    _verdict_box(
        result.overall_verdict,
        f"**Overall: {literal(result.overall_label)}.** {literal(result.headline)}",
    )
    st.markdown(f"**Next step:** {literal(result.next_step)}")
    st.caption(stage)
    if result.uses_estimates:
        st.warning(
            "Some answers are an **estimate**: someone answered as they expect another partner "
            "would. Treat those results as a guess until that partner answers for itself.",
            icon=":material/psychology:",
        )


_FINDINGS_SHOWN = 5


def _findings(result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    """Why this verdict: the rules that set the levels' verdicts, worst first; the rest, the
    figures and the rules themselves one click away."""
    decisive = [f for f in result.findings if f.effect is not None]
    st.subheader("Why this verdict")
    if not decisive:
        st.markdown("No rule of the method holds a level back.")
        return
    with st.container(border=True):
        st.markdown("\n".join(_finding_line(f) for f in decisive[:_FINDINGS_SHOWN]))
    rest = decisive[_FINDINGS_SHOWN:]
    if rest:
        with st.expander(f"{plural(len(rest), 'more reason')}"):
            st.markdown("\n".join(_finding_line(f) for f in rest))
    with st.expander("The figures and the rules behind these reasons"):
        for finding in decisive:
            st.markdown(f"**{literal(finding.sentence)}**")
            if finding.details:
                st.markdown("\n".join(f"- {literal(line)}" for line in finding.details))
            st.caption(f"Rule: {finding.rule_text}")


def _finding_line(finding: Finding) -> str:
    # The sentence names its characteristic already: read aloud, a prefix would repeat it.
    return f"- {_SEVERITY_ICONS[finding.severity]} {literal(finding.sentence)}"


def _people(result: AssessmentResult, assessment: Assessment, _key_prefix: str) -> None:
    counts = {p.id: 0 for p in assessment.partners}
    for r in assessment.respondents:
        counts[r.partner] = counts.get(r.partner, 0) + 1
    cols = st.columns(len(assessment.partners))
    for col, partner in zip(cols, assessment.partners, strict=True):
        col.metric(
            literal(partner_label(result, partner.id)),
            plural(counts[partner.id], "person", "people"),
        )


def _levels(result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    st.subheader("Level by level")
    for level in sorted(result.levels, key=lambda lv: lv.order):
        _level_card(level)


def _level_card(level: LevelResult) -> None:
    with st.container(border=True):
        st.markdown(
            f"#### {_VERDICT_ICONS[level.verdict]} {level.order}. {level.name}: "
            f"{level.verdict_label}"
        )
        st.markdown(literal(level.explanation))
        if level.compatibility is not None:
            st.caption(
                f"Weakest characteristic {_score(level.compatibility)} · "
                f"differences weigh ×{level.weight:g} here"
            )
        with st.expander(f"Characteristics at the {level.name.lower()}"):
            for ch in level.characteristics:
                _characteristic_line(ch)


def _characteristic_line(ch: CharacteristicResult) -> None:
    if not ch.assessed:
        banks = join_names(ch.added_by)
        adds = f"the bank {banks} adds" if len(ch.added_by) == 1 else f"the banks {banks} add"
        st.markdown(
            f"**{_BAND_ICONS[ch.band]} {ch.name}: not assessed**"
            + (f" ({adds} statements on it)" if ch.added_by else "")
        )
        return
    notes = [_score(ch.compatibility)]
    if ch.red_flag:
        notes.append("red flag")
    if ch.answered_share < 1:
        notes.append(f"{ch.answered_share:.0%} answered by every partner")
    st.markdown(f"**{_BAND_ICONS[ch.band]} {ch.name}: {ch.band_label}** ({', '.join(notes)})")
    st.markdown(literal(ch.advice))


def _score(value: float | None) -> str:
    return format_score(value) if value is None else f"{format_score(value)}/100"


def _charts(result: AssessmentResult, _assessment: Assessment, key_prefix: str) -> None:
    st.subheader("The partners side by side")
    parts = [literal(partner_label(result, pid)) for pid in result.partner_names]
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
        st.caption(literal(description))


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
    """The short list to talk about first, then the rest grouped by characteristic."""
    st.subheader("What to talk about first")
    if not result.agenda:
        st.success("Nothing stands out: no statement shows a gap or a shared shortfall.")
        return
    st.caption(
        f"{plural(len(result.talk_first), 'item')} for one session, about "
        f"{plural(result.talk_first_minutes, 'minute')}; ranked by how far apart or how low "
        "the answers are, weighted by level and importance."
    )
    for item in result.talk_first:
        with st.expander(f"{item.rank}. {literal(item.text)}"):
            _agenda_item(result, item)
    if result.agenda_groups:
        st.markdown("**The rest of the agenda, by characteristic**")
    for group in result.agenda_groups:
        with st.expander(f"{group.characteristic_name} ({plural(len(group.items), 'item')})"):
            for item in group.items:
                st.markdown(f"**{item.rank}. {literal(item.text)}**")
                _agenda_item(result, item)


def _agenda_item(result: AssessmentResult, item: AgendaItem) -> None:
    scores = ", ".join(
        f"{literal(result.partner_names.get(pid, pid))} {_score(v)}"
        for pid, v in item.scores.items()
    )
    st.markdown(f"**{literal(item.characteristic_name)}** · {literal(item.reason)}")
    st.caption(f"Scores: {scores}")
    if item.prompts:
        st.markdown("**Questions to discuss**")
        st.markdown("\n".join(f"- {literal(p)}" for p in item.prompts))


def _internal_splits(result: AssessmentResult) -> list[tuple[str, str, str, float]]:
    """(partner id, characteristic name, statement text, range 0-100) where the people of one
    partner differ by the core's split threshold or more, widest first."""
    threshold = DEFAULT_RULES.split_agenda_points
    rows: list[tuple[str, str, str, float]] = []
    for ch in result.characteristics:
        for item in ch.items:
            if FindingRule.INTERNAL_SPLIT not in item.rules:
                continue
            for partner_id, spread in item.spreads.items():
                if spread is not None and spread >= threshold:
                    rows.append((partner_id, ch.name, item.text, spread))
    rows.sort(key=lambda r: (-r[3], list(result.partner_names).index(r[0]), r[2]))
    return rows


def _splits(result: AssessmentResult, assessment: Assessment, _key_prefix: str) -> None:
    people = [r.partner for r in assessment.respondents]
    if not any(people.count(p) > 1 for p in set(people)):
        return  # one voice per partner: nothing can split
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
    _split_list(result)


def _split_list(result: AssessmentResult) -> None:
    splits = _internal_splits(result)
    if not splits:
        st.success(
            "No statement splits the people of one organisation by two points or more.",
            icon=":material/check_circle:",
        )
        return
    st.markdown(f"**{len(splits)} statement(s) split an organisation's own people:**")
    for partner_id, characteristic, text, spread in splits[:12]:
        st.markdown(
            f"- {literal(partner_label(result, partner_id))} · *{literal(characteristic)}*: "
            f"{literal(text)} "
            f"(range {spread / 25:.0f} points)"
        )
    if len(splits) > 12:
        st.caption(f"… and {len(splits) - 12} more.")


def _perception(result: AssessmentResult, _assessment: Assessment, key_prefix: str) -> None:
    if not result.perception_gaps:
        return
    st.subheader("How well you predicted each other")
    misreadings = [f for f in result.findings if f.rule is FindingRule.MISREADING]
    for finding in misreadings:
        st.markdown(f"{_SEVERITY_ICONS[finding.severity]} {literal(finding.sentence)}")
    if not misreadings:
        st.caption("No guess was two points or more away from the other side's answer.")
    _chart(_result_figures(result)["perception"], f"{key_prefix}perception")


def _coverage(result: AssessmentResult, _assessment: Assessment, _key_prefix: str) -> None:
    for warning in result.warnings:
        st.warning(literal(warning), icon=":material/info:")
    with st.expander("Answers per partner", expanded=result.partial):
        st.dataframe(
            [
                {
                    "Partner": result.partner_names.get(c.partner, c.partner),
                    "Rated": f"{c.rated} of {c.expected}",
                    "Not sure": c.not_sure,
                    "Unanswered": c.unanswered,
                }
                for c in result.coverage
            ],
            hide_index=True,
            width="stretch",
        )
        if result.not_assessed:
            names = ", ".join(c.name for c in result.not_assessed)
            st.caption(f"Not assessed with the chosen question banks: {names}.")


def _frameworks(result: AssessmentResult, assessment: Assessment, _key_prefix: str) -> None:
    """Each further framework as itself: its own characteristics, scored per partner."""
    views = framework_views(assessment, bank_set(tuple(assessment.banks)), result)
    if not views:
        return
    st.subheader("Each framework as itself")
    names = dict(result.partner_names)
    for view in views:
        with st.expander(literal(view.title)):
            for row in view.rows:
                st.markdown(f"- {literal(row_sentence(row, names))}")


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
            "- Some findings are never averaged away: partners far apart on one statement, a "
            "partner who disagrees with it, or one partner's own people split on it. Each makes "
            "its characteristic at least a cause for pause; 'Why this verdict' lists them.\n"
            "- A level is cleared only when none of its characteristics is a cause for pause. "
            "Levels are taken in order: entry first.\n"
            "- 'Not sure' and unanswered statements are left out and reported as coverage."
        )
        if _DOCS_SCORING.exists():
            st.markdown("---")
            st.markdown(_DOCS_SCORING.read_text(encoding="utf-8"))


_DRAW = {
    Section.OVERALL: _overall,
    Section.FINDINGS: _findings,
    Section.PEOPLE: _people,
    Section.LEVELS: _levels,
    Section.CHARTS: _charts,
    Section.AGENDA: _agenda,
    Section.SPLITS: _splits,
    Section.PERCEPTION: _perception,
    Section.COVERAGE: _coverage,
    Section.FRAMEWORKS: _frameworks,
    Section.METHOD: _method,
}
