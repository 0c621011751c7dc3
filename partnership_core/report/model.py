"""The report as pure data: everything the summary shows, in the order it shows it.

`build_report_model` is the one source of truth for both renderers (HTML and PDF): texts,
numbers, colours (from `palette`, partner order = assessment order) and ordering are all
decided here, so the two outputs cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..assessment import Assessment
from ..bank import PARTNERSHIP_TYPE_LABELS, BandId, BankSet
from ..palette import BAND_COLOURS, VERDICT_COLOURS, partner_colour, partner_symbol
from ..results import BAND_LABELS, AssessmentResult, Verdict
from .method import MethodSummary, method_summary
from .mou import MouSection, mou_outline

if TYPE_CHECKING:
    from ..scoring import ScoringRules

__all__ = [
    "VERDICT_COLOURS",
    "OPEN_BANDS",
    "AGENDA_DETAIL",
    "MAX_PERCEPTION_ROWS",
    "PartnerInfo",
    "BankInfo",
    "VerdictInfo",
    "LevelSummary",
    "CharacteristicRow",
    "LevelSection",
    "GapRow",
    "AgendaRow",
    "AgreedRow",
    "ActionRow",
    "WorkshopSection",
    "CommentRow",
    "TocEntry",
    "ReportData",
    "build_report_model",
]

# The report lists the largest misreadings and details the most urgent agenda items; the
# rest are counted (perception) or listed briefly (agenda), so a big assessment stays readable.
MAX_PERCEPTION_ROWS = 20
MIN_PERCEPTION_ROWS = 5
AGENDA_DETAIL = 15
# Bands that leave a point open: the partnership agreement cannot settle it yet.
OPEN_BANDS: frozenset[BandId] = frozenset({BandId.PAUSE, BandId.SERIOUS, BandId.INSUFFICIENT})


@dataclass(frozen=True)
class PartnerInfo:
    index: int
    id: str
    name: str
    colour: str
    symbol: str
    respondents: int
    estimates: int = 0
    estimate_by: tuple[str, ...] = ()
    share_rated: float | None = None


@dataclass(frozen=True)
class BankInfo:
    id: str
    title: str
    version: str
    source: str


@dataclass(frozen=True)
class VerdictInfo:
    verdict: Verdict
    label: str
    colour: str
    headline: str
    next_step: str
    stage_name: str | None
    compatibility: float | None


@dataclass(frozen=True)
class LevelSummary:
    id: str
    name: str
    verdict: Verdict
    verdict_label: str
    colour: str
    compatibility: float | None


@dataclass(frozen=True)
class CharacteristicRow:
    id: str
    name: str
    readiness: tuple[float | None, ...]  # one per partner, partner order
    alignment: float | None
    compatibility: float | None
    band: BandId
    band_label: str
    band_colour: str
    advice: str
    red_flag: bool
    answered_share: float
    open: bool


@dataclass(frozen=True)
class LevelSection:
    id: str
    anchor: str
    name: str
    order: int
    weight: float
    description: str
    verdict: Verdict
    verdict_label: str
    verdict_colour: str
    explanation: str
    compatibility: float | None
    rows: tuple[CharacteristicRow, ...]


@dataclass(frozen=True)
class GapRow:
    text: str
    characteristic_name: str
    predictor_index: int
    predictor: str
    other_index: int
    other: str
    predicted: float
    actual: float
    gap: float


@dataclass(frozen=True)
class AgendaRow:
    rank: int
    text: str
    characteristic_id: str
    characteristic_name: str
    level_name: str
    gap: float | None
    priority: float
    reason: str
    prompts: tuple[str, ...]
    scores: tuple[float | None, ...]  # partner order


@dataclass(frozen=True)
class AgreedRow:
    statement: str
    text: str
    characteristic_id: str
    characteristic_name: str
    agreed_rating: int
    rating_label: str
    disagreement: bool
    notes: str


@dataclass(frozen=True)
class ActionRow:
    title: str
    owner: str
    due: str
    statement_text: str
    characteristic_id: str | None


@dataclass(frozen=True)
class WorkshopSection:
    revealed_on: str | None
    agreed: tuple[AgreedRow, ...]
    actions: tuple[ActionRow, ...]

    @property
    def disagreements(self) -> tuple[AgreedRow, ...]:
        return tuple(a for a in self.agreed if a.disagreement)

    @property
    def notes(self) -> tuple[AgreedRow, ...]:
        return tuple(a for a in self.agreed if a.notes.strip())


@dataclass(frozen=True)
class CommentRow:
    partner_index: int
    partner: str
    respondent: str
    is_estimate: bool
    statement_text: str
    characteristic_name: str
    comment: str


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    level: int = 0


@dataclass(frozen=True)
class ReportData:
    """Everything the summary report shows, in order. Built by `build_report_model`."""

    title: str
    partnership: str
    type_label: str
    generated_on: str
    created_on: str
    partners: tuple[PartnerInfo, ...]
    banks: tuple[BankInfo, ...]
    uses_estimates: bool
    estimate_note: str | None
    partial: bool
    warnings: tuple[str, ...]
    verdict: VerdictInfo
    level_summaries: tuple[LevelSummary, ...]
    levels: tuple[LevelSection, ...]
    perception_gaps: tuple[GapRow, ...]
    perception_total: int
    perception_notable: float
    agenda: tuple[AgendaRow, ...]
    agenda_detail: int
    workshop: WorkshopSection | None
    mou: tuple[MouSection, ...]
    method: MethodSummary
    comments: tuple[CommentRow, ...]

    @property
    def perception_summary(self) -> str:
        n, total, notable = (
            len(self.perception_gaps),
            self.perception_total,
            self.perception_notable,
        )
        if n == total:
            return f"All {total} predictions compared, widest misreading first."
        if self.perception_gaps and self.perception_gaps[0].gap >= notable:
            return (
                f"{total} predictions compared; the {n} widest misreadings ({notable:g} points "
                "or more) are shown, widest first."
            )
        return (
            f"{total} predictions compared; none is {notable:g} points or more off. The {n} "
            "widest are shown."
        )

    @property
    def agenda_details(self) -> tuple[AgendaRow, ...]:
        """The most urgent agenda items, shown with reasons and prompts."""
        return self.agenda[: self.agenda_detail]

    @property
    def agenda_rest(self) -> tuple[AgendaRow, ...]:
        """Further agenda items, listed briefly."""
        return self.agenda[self.agenda_detail :]

    @property
    def toc(self) -> tuple[TocEntry, ...]:
        """Sections in order (anchors double as HTML ids)."""
        entries = [TocEntry("verdict", "The verdict")]
        entries += [TocEntry(lv.anchor, f"{lv.name}: {lv.verdict_label}") for lv in self.levels]
        if self.perception_gaps:
            entries.append(TocEntry("perception", "How well the partners read each other"))
        entries.append(TocEntry("agenda", "Discussion agenda"))
        if self.workshop is not None:
            entries.append(TocEntry("workshop", "Workshop record and action plan"))
        entries.append(TocEntry("mou", "Outline of a partnership agreement"))
        entries.append(TocEntry("method", "Appendix A: How the scores are worked out"))
        entries.append(TocEntry("comments", "Appendix B: Comments"))
        return tuple(entries)


def _fmt_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def build_report_model(
    assessment: Assessment,
    banks: BankSet,
    result: AssessmentResult | None = None,
    *,
    rules: ScoringRules | None = None,
    generated_on: date | None = None,
) -> ReportData:
    """Gather everything the report shows, in order, as plain immutable data.

    Args:
        assessment: the assessment (partners, respondents, answers, workshop record).
        banks: the banks the assessment uses (`load_bank_set(assessment.banks)`).
        result: its score; computed with `score_assessment` when not given.
        rules: the scoring rules used (for the method appendix); the default rules if None.
        generated_on: the date printed on the report; today if None.
    """
    from ..scoring import DEFAULT_RULES, score_assessment  # late: scoring is heavy-ish

    rules = rules or DEFAULT_RULES
    if result is None:
        result = score_assessment(assessment, banks, rules)
    order = {p.id: i for i, p in enumerate(assessment.partners)}
    names = {p.id: p.name for p in assessment.partners}
    char_names = {c.id: c.name for c in banks.spine.characteristics}
    level_names = {lv.id: lv.name for lv in banks.spine.levels}
    respondents = {r.id: r for r in assessment.respondents}
    coverage = {c.partner: c for c in result.coverage}

    partners = []
    for i, p in enumerate(assessment.partners):
        own = [r for r in assessment.respondents if r.partner == p.id]
        estimators = tuple(r.name for r in own if r.is_estimate)
        cov = coverage.get(p.id)
        partners.append(
            PartnerInfo(
                index=i,
                id=p.id,
                name=p.name,
                colour=partner_colour(i),
                symbol=partner_symbol(i),
                respondents=len(own),
                estimates=len(estimators),
                estimate_by=estimators,
                share_rated=cov.share_rated if cov and cov.expected else None,
            )
        )

    estimate_note = None
    if result.uses_estimates or assessment.uses_estimates:
        parts = [
            f"{p.name} (estimated by {', '.join(p.estimate_by)})" for p in partners if p.estimates
        ]
        estimate_note = (
            "Some answers are estimates: they were given on behalf of "
            + "; ".join(parts)
            + ", by people guessing how that partner would answer. Treat those scores as "
            "provisional until the partner has answered for itself."
        )

    stage_name = level_names.get(result.stage) if result.stage else None
    verdict = VerdictInfo(
        verdict=result.overall_verdict,
        label=result.overall_label,
        colour=VERDICT_COLOURS[result.overall_verdict],
        headline=result.headline,
        next_step=result.next_step,
        stage_name=stage_name,
        compatibility=result.compatibility,
    )

    levels = []
    summaries = []
    for lv in result.levels:
        spine_level = banks.level(lv.id)
        rows = []
        for c in lv.characteristics:
            by_partner = {s.partner: s.readiness for s in c.partners}
            rows.append(
                CharacteristicRow(
                    id=c.id,
                    name=c.name,
                    readiness=tuple(by_partner.get(p.id) for p in assessment.partners),
                    alignment=c.alignment,
                    compatibility=c.compatibility,
                    band=c.band,
                    band_label=c.band_label or BAND_LABELS[c.band],
                    band_colour=BAND_COLOURS[c.band],
                    advice=c.advice,
                    red_flag=c.red_flag,
                    answered_share=c.answered_share,
                    open=c.band in OPEN_BANDS,
                )
            )
        levels.append(
            LevelSection(
                id=str(lv.id),
                anchor=f"level-{lv.id}",
                name=lv.name,
                order=lv.order,
                weight=lv.weight,
                description=spine_level.description,
                verdict=lv.verdict,
                verdict_label=lv.verdict_label,
                verdict_colour=VERDICT_COLOURS[lv.verdict],
                explanation=lv.explanation,
                compatibility=lv.compatibility,
                rows=tuple(rows),
            )
        )
        summaries.append(
            LevelSummary(
                id=str(lv.id),
                name=lv.name,
                verdict=lv.verdict,
                verdict_label=lv.verdict_label,
                colour=VERDICT_COLOURS[lv.verdict],
                compatibility=lv.compatibility,
            )
        )

    gaps = tuple(
        GapRow(
            text=g.text,
            characteristic_name=char_names.get(g.characteristic, g.characteristic),
            predictor_index=order.get(g.predictor_partner, 0),
            predictor=names.get(g.predictor_partner, g.predictor_partner),
            other_index=order.get(g.other_partner, 0),
            other=names.get(g.other_partner, g.other_partner),
            predicted=g.predicted,
            actual=g.actual,
            gap=g.gap,
        )
        for g in _shown_gaps(result, rules.perception_gap_notable)
    )

    agenda = tuple(
        AgendaRow(
            rank=a.rank,
            text=a.text,
            characteristic_id=a.characteristic,
            characteristic_name=a.characteristic_name,
            level_name=level_names.get(a.level, str(a.level)),
            gap=a.gap,
            priority=a.priority,
            reason=a.reason,
            prompts=a.prompts,
            scores=tuple(a.scores.get(p.id) for p in assessment.partners),
        )
        for a in sorted(result.agenda, key=lambda a: a.rank)
    )

    workshop = _workshop(assessment, banks) if assessment.workshop is not None else None

    comments = []
    statement_order = {q: i for i, q in enumerate(banks.statements)}
    answers = sorted(
        (a for a in assessment.answers if a.comment and a.comment.strip()),
        key=lambda a: (
            order[respondents[a.respondent].partner],
            statement_order.get(a.statement, len(statement_order)),
            a.respondent,
        ),
    )
    for a in answers:
        r = respondents[a.respondent]
        text, char_id = _statement_text(banks, a.statement)
        comments.append(
            CommentRow(
                partner_index=order[r.partner],
                partner=names[r.partner],
                respondent=r.name,
                is_estimate=r.is_estimate,
                statement_text=text,
                characteristic_name=char_names.get(char_id, char_id),
                comment=a.comment.strip() if a.comment else "",
            )
        )

    levels_t = tuple(levels)
    return ReportData(
        title="Partnership Fit: summary report",
        partnership=assessment.name,
        type_label=PARTNERSHIP_TYPE_LABELS[assessment.partnership_type],
        generated_on=_fmt_date(generated_on or date.today()),
        created_on=_fmt_date(assessment.created_at.date()),
        partners=tuple(partners),
        banks=tuple(
            BankInfo(b.id, b.title, b.version, f"{b.source.framework} ({b.source.organisation})")
            for b in banks.banks
        ),
        uses_estimates=estimate_note is not None,
        estimate_note=estimate_note,
        partial=result.partial,
        warnings=result.warnings,
        verdict=verdict,
        level_summaries=tuple(summaries),
        levels=levels_t,
        perception_gaps=gaps,
        perception_total=len(result.perception_gaps),
        perception_notable=rules.perception_gap_notable,
        agenda=agenda,
        agenda_detail=AGENDA_DETAIL,
        workshop=workshop,
        mou=mou_outline(levels_t, agenda, workshop, result),
        method=method_summary(banks, rules),
        comments=tuple(comments),
    )


def _shown_gaps(result: AssessmentResult, notable: float) -> list:
    """The notable perception gaps, largest first, at most MAX_PERCEPTION_ROWS; a few of the
    largest when none is notable, so the reader still sees how well predictions held."""
    ranked = sorted(result.perception_gaps, key=lambda g: -g.gap)
    shown = [g for g in ranked if g.gap >= notable][:MAX_PERCEPTION_ROWS]
    return shown or ranked[:MIN_PERCEPTION_ROWS]


def _statement_text(banks: BankSet, qualified_id: str) -> tuple[str, str]:
    """(statement text, spine characteristic id); the id itself if a bank lacks it."""
    if qualified_id not in banks.statements:
        return qualified_id, ""
    _, statement = banks.statements[qualified_id]
    return statement.text, banks.spine_characteristic(qualified_id).id


def _workshop(assessment: Assessment, banks: BankSet) -> WorkshopSection:
    record = assessment.workshop
    assert record is not None
    char_names = {c.id: c.name for c in banks.spine.characteristics}
    statement_order = {q: i for i, q in enumerate(banks.statements)}
    agreed = []
    for item in sorted(record.agreed, key=lambda a: statement_order.get(a.statement, 10**6)):
        text, char_id = _statement_text(banks, item.statement)
        scale = (
            banks.statements[item.statement][0].scale
            if item.statement in banks.statements
            else banks.spine.scale
        )
        agreed.append(
            AgreedRow(
                statement=item.statement,
                text=text,
                characteristic_id=char_id,
                characteristic_name=char_names.get(char_id, ""),
                agreed_rating=item.agreed_rating,
                rating_label=scale.labels.get(item.agreed_rating, str(item.agreed_rating)),
                disagreement=item.disagreement,
                notes=item.notes.strip(),
            )
        )
    actions = []
    for action in sorted(
        record.actions, key=lambda a: (a.due is None, a.due or date.max, a.owner.casefold())
    ):
        text, char_id = _statement_text(banks, action.statement) if action.statement else ("", "")
        actions.append(
            ActionRow(
                title=action.title,
                owner=action.owner,
                due=_fmt_date(action.due) if action.due else "no date set",
                statement_text=text,
                characteristic_id=char_id or None,
            )
        )
    revealed = record.revealed_at.date() if record.revealed_at else None
    return WorkshopSection(
        revealed_on=_fmt_date(revealed) if revealed else None,
        agreed=tuple(agreed),
        actions=tuple(actions),
    )
