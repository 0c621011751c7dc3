"""The report as pure data: everything the summary shows, in the order it shows it.

`build_report_model` is the one source of truth for both renderers (HTML and PDF): texts,
numbers, colours (from `palette`, partner order = assessment order) and ordering are all
decided here, with the help of `why` (the findings), `coverage` and `mou`; the fixed
sentences both renderers print are in `wording`. So the two outputs cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..assessment import Action, AgreedItem, Assessment
from ..bank import PARTNERSHIP_TYPE_LABELS, BandId, BankSet, QuestionBank
from ..frameworks import FrameworkView, framework_views
from ..palette import (
    BAND_COLOURS,
    VERDICT_COLOURS,
    band_label,
    partner_colour,
    partner_symbol,
)
from ..results import (
    AgendaCause,
    AgendaItem,
    AssessmentResult,
    CharacteristicResult,
    FindingRule,
    LevelResult,
    Verdict,
)
from ..text import format_score, join_names, plural
from . import wording
from .coverage import CoverageSection, coverage_section, not_assessed_sentence
from .method import MethodSummary, method_summary
from .mou import MouSection, mou_outline
from .why import FindingRow, finding_rows

if TYPE_CHECKING:
    from ..scoring import ScoringRules

__all__ = [
    "VERDICT_COLOURS",
    "OPEN_BANDS",
    "CAUSE_LABELS",
    "MAX_PERCEPTION_ROWS",
    "PAPER_SIZES",
    "PartnerInfo",
    "BankInfo",
    "VerdictInfo",
    "LevelSummary",
    "CharacteristicRow",
    "LevelSection",
    "GapRow",
    "AgendaRow",
    "AgendaGroupRow",
    "AgreedRow",
    "ActionRow",
    "WorkshopSection",
    "CommentRow",
    "TocEntry",
    "ReportData",
    "build_report_model",
]

# The paper a report can be drawn on, by the upper-cased name a caller gives.
PAPER_SIZES: dict[str, str] = {"A4": "A4", "LETTER": "Letter"}

# The report lists the misreadings, widest first, and counts the rest, so a big assessment
# stays readable; with no misreading, a few of the widest still show how well predictions held.
MAX_PERCEPTION_ROWS = 20
MIN_PERCEPTION_ROWS = 5
# Why a statement is on the agenda, as the agenda prints it after the statement.
CAUSE_LABELS: dict[AgendaCause, str] = {
    AgendaCause.PARTNERS_DIFFER: "the partners differ",
    AgendaCause.LOW_RATING: "a low rating",
    AgendaCause.EVERYONE_LOW: "every partner disagrees",
    AgendaCause.INTERNAL_SPLIT: "one side’s people are split",
    AgendaCause.MISREADING: "a misreading",
    AgendaCause.EVERYONE_UNSURE: "nobody is sure yet",
}
# Bands that leave a point open: the partnership agreement cannot settle it yet.
OPEN_BANDS: frozenset[BandId] = frozenset({BandId.PAUSE, BandId.SERIOUS, BandId.INSUFFICIENT})


@dataclass(frozen=True)
class PartnerInfo:
    """A partner as the report draws it: its colour and symbol, and who answered for it."""

    index: int  # in assessment order, which fixes its colour and symbol
    id: str
    name: str
    respondents: int
    estimate_by: tuple[str, ...] = ()  # respondents who estimated this partner's answers
    share_rated: float | None = None

    @property
    def colour(self) -> str:
        return partner_colour(self.index)

    @property
    def symbol(self) -> str:
        return partner_symbol(self.index)

    @property
    def estimates(self) -> int:
        return len(self.estimate_by)

    @property
    def answered_by(self) -> str:
        """Who answered, e.g. '6 respondents (1 estimating) · 96% of ratings given'."""
        who = plural(self.respondents, "respondent")
        if self.estimates:
            who += f" ({self.estimates} estimating)"
        if self.share_rated is not None:
            who += f" · {self.share_rated:.0%} of ratings given"
        return who


@dataclass(frozen=True)
class BankInfo:
    """A question bank the assessment used, with the framework it comes from."""

    id: str
    title: str
    version: str
    source: str

    @classmethod
    def of(cls, bank: QuestionBank) -> BankInfo:
        source = f"{bank.source.framework} ({bank.source.organisation})"
        return cls(bank.id, bank.title, bank.version, source)


@dataclass(frozen=True)
class VerdictInfo:
    """The overall verdict with its headline, next step and the first level not cleared."""

    verdict: Verdict
    label: str
    colour: str
    headline: str
    next_step: str
    stage_name: str | None
    compatibility: float | None  # the weakest judged characteristic's fit, never an average

    @property
    def where(self) -> str:
        if not self.stage_name:
            return "Where you are: every level is cleared."
        return (
            f"Where you are: the {self.stage_name.lower()} is the first level not yet cleared. "
            "Work through the levels in order."
        )

    @property
    def figure(self) -> str | None:
        """The number beside the verdict: the lowest fit of any characteristic, which the
        verdict can never be better than; None when there is none to show."""
        if self.compatibility is None:
            return None
        return f"lowest fit {format_score(self.compatibility)} of 100"


@dataclass(frozen=True)
class LevelSummary:
    """One bar of the verdict page's level chart."""

    id: str
    name: str
    verdict: Verdict
    verdict_label: str
    colour: str
    compatibility: float | None


@dataclass(frozen=True)
class CharacteristicRow:
    """One characteristic in a level's table, chart and advice."""

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
    """A level's page: its verdict, what it means, and its characteristics."""

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
    """One prediction compared with the answer of the partner it was about."""

    text: str
    characteristic_name: str
    predictor_index: int
    predictor: str
    other_index: int
    other: str
    predicted: float
    actual: float
    gap: float
    misreading: bool = False


@dataclass(frozen=True)
class AgendaRow:
    """One statement on the discussion agenda, with why it is there and what to ask."""

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
    causes: tuple[AgendaCause, ...] = ()  # why it is there, worst first
    minutes: int = 0  # suggested discussion time

    @property
    def why(self) -> str:
        """'the partners differ; a misreading', for the one-line listing."""
        return "; ".join(CAUSE_LABELS[c] for c in self.causes)

    @property
    def brief(self) -> str:
        """The statement and, after a dash, why it is on the agenda."""
        return f"{self.text} — {self.why}" if self.causes else self.text

    @property
    def explanation(self) -> str:
        """Why it is on the agenda: its causes, then the figures behind them."""
        return f"Why: {self.why}. {self.reason}" if self.causes else self.reason

    @property
    def settled_in_the_answers(self) -> bool:
        """Only a misreading: the partners' own answers agree, one side expected otherwise."""
        return bool(self.causes) and set(self.causes) == {AgendaCause.MISREADING}


@dataclass(frozen=True)
class AgendaGroupRow:
    """The agenda items of one characteristic after the "talk about these first" list."""

    characteristic_name: str
    level_name: str
    items: tuple[AgendaRow, ...]


@dataclass(frozen=True)
class AgreedRow:
    """A rating the partners agreed in the workshop, or recorded where they could not agree."""

    statement: str
    text: str
    characteristic_id: str
    characteristic_name: str
    agreed_rating: int
    rating_label: str
    disagreement: bool
    notes: str
    reverse: bool = False  # the statement is worded as a warning sign

    @property
    def recorded_note(self) -> str:
        """Which rating a disagreement recorded: the more cautious one (see
        `AgreedItem.disagreement`), the higher rating on a statement worded as a warning sign."""
        rating = f"{self.agreed_rating} – {self.rating_label}"
        if self.reverse:
            return (
                "The higher, more cautious rating was recorded (agreeing with this statement "
                f"is a warning sign): {rating}."
            )
        return f"The lower, more cautious rating was recorded: {rating}."


@dataclass(frozen=True)
class ActionRow:
    """An action agreed in the workshop; `due` is already written out for reading."""

    title: str
    owner: str
    due: str
    statement_text: str
    characteristic_id: str | None


@dataclass(frozen=True)
class WorkshopSection:
    """The workshop's record: agreed ratings (with notes) and the action plan."""

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
    """A respondent's comment on a statement."""

    partner_index: int
    partner: str
    respondent: str
    is_estimate: bool
    statement_text: str
    characteristic_name: str
    comment: str


@dataclass(frozen=True)
class ReportData:
    """Everything the summary report shows, in order. Built by `build_report_model`."""

    # The cover
    title: str
    partnership: str
    type_label: str
    generated_on: str
    created_on: str
    partners: tuple[PartnerInfo, ...]
    banks: tuple[BankInfo, ...]
    # Notes on how far the answers can be trusted
    uses_estimates: bool
    estimate_note: str | None
    partial: bool
    warnings: tuple[str, ...]
    # The verdict and the levels behind it
    verdict: VerdictInfo
    levels: tuple[LevelSection, ...]
    # Each further framework by its own characteristics (empty with the spine bank alone)
    frameworks: tuple[FrameworkView, ...]
    # How well the partners read each other
    perception_gaps: tuple[GapRow, ...]
    perception_total: int
    misreading_steps: float
    # Why this verdict, and who answered what
    findings: tuple[FindingRow, ...]
    coverage: CoverageSection
    # What to talk about and what was agreed
    agenda: tuple[AgendaRow, ...]  # every item, ranked
    talk_first: tuple[AgendaRow, ...]
    talk_first_minutes: int
    agenda_groups: tuple[AgendaGroupRow, ...]
    workshop: WorkshopSection | None
    mou: tuple[MouSection, ...]
    # Appendices
    method: MethodSummary
    comments: tuple[CommentRow, ...]

    @property
    def perception_summary(self) -> str:
        n, total = len(self.perception_gaps), self.perception_total
        steps = f"{self.misreading_steps:g} steps"
        if self.perception_gaps and self.perception_gaps[0].misreading:
            if n == total:
                return f"All {plural(total, 'prediction')} compared, widest misreading first."
            return (
                f"{plural(total, 'prediction')} compared; the {plural(n, 'misreading')} "
                f"({steps} or more off) {'is' if n == 1 else 'are'} shown, widest first."
            )
        return (
            f"{plural(total, 'prediction')} compared; none is {steps} or more off. "
            f"The {'widest is' if n == 1 else f'{n} widest are'} shown."
        )

    @property
    def level_summaries(self) -> tuple[LevelSummary, ...]:
        return tuple(
            LevelSummary(
                lv.id, lv.name, lv.verdict, lv.verdict_label, lv.verdict_colour, lv.compatibility
            )
            for lv in self.levels
        )

    @property
    def verdict_findings(self) -> tuple[FindingRow, ...]:
        """The findings that set a verdict (at least their level's)."""
        return tuple(f for f in self.findings if f.effect_label is not None)

    @property
    def agenda_findings(self) -> tuple[FindingRow, ...]:
        """The findings that only put statements on the agenda."""
        return tuple(f for f in self.findings if f.effect_label is None)

    @property
    def splits(self) -> tuple[FindingRow, ...]:
        """Where a partner's own people answered far apart."""
        return tuple(f for f in self.findings if f.rule == FindingRule.INTERNAL_SPLIT)

    @property
    def misreadings(self) -> tuple[FindingRow, ...]:
        return tuple(f for f in self.findings if f.rule == FindingRule.MISREADING)

    @property
    def toc(self) -> tuple[TocEntry, ...]:
        """Sections in order (anchors double as HTML ids)."""
        entries = [TocEntry("verdict", "The verdict"), TocEntry("why", "Why this verdict")]
        entries += [TocEntry(lv.anchor, f"{lv.name}: {lv.verdict_label}") for lv in self.levels]
        if self.frameworks:
            entries.append(TocEntry("frameworks", wording.FRAMEWORKS_HEADING))
        entries.append(TocEntry("splits", "Where a partner’s own people differ"))
        if self.perception_gaps:
            entries.append(TocEntry("perception", "How well the partners read each other"))
        entries.append(TocEntry("agenda", "Discussion agenda"))
        entries.append(TocEntry("coverage", "Who answered what"))
        if self.workshop is not None:
            entries.append(TocEntry("workshop", "Workshop record and action plan"))
        entries.append(TocEntry("mou", "Outline of a partnership agreement"))
        entries.append(TocEntry("method", "Appendix A: How the scores are worked out"))
        entries.append(TocEntry("comments", "Appendix B: Comments"))
        return tuple(entries)


@dataclass(frozen=True)
class TocEntry:
    """A contents entry; the anchor doubles as the HTML id."""

    anchor: str
    title: str
    level: int = 0


def _fmt_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


@dataclass(frozen=True)
class _Lookups:
    """Names and orders the sections look things up by, gathered once per report."""

    partner_order: dict[str, int]
    partner_names: dict[str, str]
    characteristic_names: dict[str, str]
    level_names: dict[str, str]
    statement_order: dict[str, int]

    @classmethod
    def of(cls, assessment: Assessment, banks: BankSet) -> _Lookups:
        return cls(
            partner_order={p.id: i for i, p in enumerate(assessment.partners)},
            partner_names={p.id: p.name for p in assessment.partners},
            characteristic_names={c.id: c.name for c in banks.spine.characteristics},
            level_names={lv.id: lv.name for lv in banks.spine.levels},
            statement_order={q: i for i, q in enumerate(banks.statements)},
        )

    def partner_index(self, partner_id: str) -> int:
        return self.partner_order.get(partner_id, 0)

    def partner_name(self, partner_id: str) -> str:
        return self.partner_names.get(partner_id, partner_id)

    def characteristic_name(self, characteristic_id: str) -> str:
        return self.characteristic_names.get(characteristic_id, characteristic_id)


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
    look = _Lookups.of(assessment, banks)
    partners = _partners(assessment, result)
    estimate_note = _estimate_note(assessment, result, partners)
    levels = tuple(_level_section(lv, banks, assessment) for lv in result.levels)
    ranked = {a.rank: _agenda_row(a, assessment, look) for a in result.agenda}
    agenda = tuple(ranked[rank] for rank in sorted(ranked))
    workshop = _workshop(assessment, banks, look) if assessment.workshop is not None else None
    return ReportData(
        title="Partnership Fit: summary report",
        partnership=assessment.name,
        type_label=PARTNERSHIP_TYPE_LABELS[assessment.partnership_type],
        generated_on=_fmt_date(generated_on or date.today()),
        created_on=_fmt_date(assessment.created_at.date()),
        partners=partners,
        banks=tuple(BankInfo.of(b) for b in banks.banks),
        uses_estimates=estimate_note is not None,
        estimate_note=estimate_note,
        partial=result.partial,
        warnings=result.warnings,
        verdict=_verdict_info(result, look),
        levels=levels,
        frameworks=framework_views(assessment, banks, result),
        perception_gaps=_gap_rows(result, look),
        perception_total=len(result.perception_gaps),
        misreading_steps=rules.misreading_steps,
        findings=finding_rows(result, look.level_names),
        coverage=coverage_section(
            result, tuple(look.partner_order), look.level_names, rules.min_answered_share
        ),
        agenda=agenda,
        talk_first=tuple(ranked[a.rank] for a in result.talk_first),
        talk_first_minutes=result.talk_first_minutes,
        agenda_groups=_agenda_groups(result, ranked, look),
        workshop=workshop,
        mou=mou_outline(levels, agenda, workshop, result),
        method=method_summary(banks, rules),
        comments=_comments(assessment, banks, look),
    )


def _partners(assessment: Assessment, result: AssessmentResult) -> tuple[PartnerInfo, ...]:
    """Each partner in assessment order, with its colour, symbol and who answered for it."""
    coverage = {c.partner: c for c in result.coverage}
    partners = []
    for i, p in enumerate(assessment.partners):
        own = [r for r in assessment.respondents if r.partner == p.id]
        cov = coverage.get(p.id)
        partners.append(
            PartnerInfo(
                index=i,
                id=p.id,
                name=p.name,
                respondents=len(own),
                estimate_by=tuple(r.name for r in own if r.is_estimate),
                share_rated=cov.share_rated if cov and cov.expected else None,
            )
        )
    return tuple(partners)


def _estimate_note(
    assessment: Assessment, result: AssessmentResult, partners: tuple[PartnerInfo, ...]
) -> str | None:
    if not (result.uses_estimates or assessment.uses_estimates):
        return None
    parts = [
        f"{p.name} (estimated by {join_names(p.estimate_by)})" for p in partners if p.estimates
    ]
    return (
        "Some answers are estimates: they were given on behalf of "
        + "; ".join(parts)
        + ", by people guessing how that partner would answer. Treat those scores as "
        "provisional until the partner has answered for itself."
    )


def _verdict_info(result: AssessmentResult, look: _Lookups) -> VerdictInfo:
    return VerdictInfo(
        verdict=result.overall_verdict,
        label=result.overall_label,
        colour=VERDICT_COLOURS[result.overall_verdict],
        headline=result.headline,
        next_step=result.next_step,
        stage_name=look.level_names.get(result.stage) if result.stage else None,
        compatibility=result.compatibility,
    )


def _characteristic_row(
    c: CharacteristicResult, assessment: Assessment, level_name: str
) -> CharacteristicRow:
    by_partner = {s.partner: s.readiness for s in c.partners}
    return CharacteristicRow(
        id=c.id,
        name=c.name,
        readiness=tuple(by_partner.get(p.id) for p in assessment.partners),
        alignment=c.alignment,
        compatibility=c.compatibility,
        band=c.band,
        band_label=band_label(c),
        band_colour=BAND_COLOURS[c.band],
        advice=c.advice if c.assessed else not_assessed_sentence(c, level_name),
        red_flag=c.red_flag,
        answered_share=c.answered_share,
        open=c.band in OPEN_BANDS,
    )


def _level_section(lv: LevelResult, banks: BankSet, assessment: Assessment) -> LevelSection:
    return LevelSection(
        id=str(lv.id),
        anchor=f"level-{lv.id}",
        name=lv.name,
        order=lv.order,
        weight=lv.weight,
        description=banks.level(lv.id).description,
        verdict=lv.verdict,
        verdict_label=lv.verdict_label,
        verdict_colour=VERDICT_COLOURS[lv.verdict],
        explanation=lv.explanation,
        compatibility=lv.compatibility,
        rows=tuple(_characteristic_row(c, assessment, lv.name) for c in lv.characteristics),
    )


def _gap_rows(result: AssessmentResult, look: _Lookups) -> tuple[GapRow, ...]:
    return tuple(
        GapRow(
            text=g.text,
            characteristic_name=look.characteristic_name(g.characteristic),
            predictor_index=look.partner_index(g.predictor_partner),
            predictor=look.partner_name(g.predictor_partner),
            other_index=look.partner_index(g.other_partner),
            other=look.partner_name(g.other_partner),
            predicted=g.predicted,
            actual=g.actual,
            gap=g.gap,
            misreading=g.misreading,
        )
        for g in _shown_gaps(result)
    )


def _agenda_row(item: AgendaItem, assessment: Assessment, look: _Lookups) -> AgendaRow:
    return AgendaRow(
        rank=item.rank,
        text=item.text,
        characteristic_id=item.characteristic,
        characteristic_name=item.characteristic_name,
        level_name=look.level_names.get(item.level, str(item.level)),
        gap=item.gap,
        priority=item.priority,
        reason=item.reason,
        prompts=item.prompts,
        scores=tuple(item.scores.get(p.id) for p in assessment.partners),
        causes=item.causes,
        minutes=item.minutes,
    )


def _agenda_groups(
    result: AssessmentResult, rows: dict[int, AgendaRow], look: _Lookups
) -> tuple[AgendaGroupRow, ...]:
    return tuple(
        AgendaGroupRow(
            characteristic_name=g.characteristic_name,
            level_name=look.level_names.get(g.level, str(g.level)),
            items=tuple(rows[item.rank] for item in g.items),
        )
        for g in result.agenda_groups
    )


def _comments(assessment: Assessment, banks: BankSet, look: _Lookups) -> tuple[CommentRow, ...]:
    """Every comment, grouped by partner (assessment order), then in statement order."""
    respondents = {r.id: r for r in assessment.respondents}
    unknown = len(look.statement_order)
    answers = sorted(
        (a for a in assessment.answers if a.comment and a.comment.strip()),
        key=lambda a: (
            look.partner_order[respondents[a.respondent].partner],
            look.statement_order.get(a.statement, unknown),
            a.respondent,
        ),
    )
    rows = []
    for a in answers:
        r = respondents[a.respondent]
        text, char_id = _statement_text(banks, a.statement, assessment, r.partner)
        rows.append(
            CommentRow(
                partner_index=look.partner_order[r.partner],
                partner=look.partner_names[r.partner],
                respondent=r.name,
                is_estimate=r.is_estimate,
                statement_text=text,
                characteristic_name=look.characteristic_name(char_id),
                comment=a.comment.strip() if a.comment else "",
            )
        )
    return tuple(rows)


def _shown_gaps(result: AssessmentResult) -> list:
    """The misreadings, widest first, at most MAX_PERCEPTION_ROWS; a few of the widest gaps
    when there is none, so the reader still sees how well predictions held."""
    ranked = sorted(result.perception_gaps, key=lambda g: -g.gap)
    shown = [g for g in ranked if g.misreading][:MAX_PERCEPTION_ROWS]
    return shown or ranked[:MIN_PERCEPTION_ROWS]


def _statement_text(
    banks: BankSet,
    qualified_id: str,
    assessment: Assessment | None = None,
    partner: str | None = None,
) -> tuple[str, str]:
    """(statement text as `partner` was asked it, spine characteristic id); the id itself
    if a bank lacks it."""
    if qualified_id not in banks.statements:
        return qualified_id, ""
    return banks.text_for(qualified_id, partner, assessment), banks.spine_characteristic(
        qualified_id
    ).id


def _agreed_row(
    item: AgreedItem, banks: BankSet, look: _Lookups, assessment: Assessment
) -> AgreedRow:
    text, char_id = _statement_text(banks, item.statement, assessment)
    known = banks.statements.get(item.statement)
    scale = known[0].scale if known else banks.spine.scale
    return AgreedRow(
        statement=item.statement,
        text=text,
        characteristic_id=char_id,
        characteristic_name=look.characteristic_names.get(char_id, ""),
        agreed_rating=item.agreed_rating,
        rating_label=scale.labels.get(item.agreed_rating, str(item.agreed_rating)),
        disagreement=item.disagreement,
        notes=item.notes.strip(),
        reverse=bool(known and known[1].reverse),
    )


def _action_row(action: Action, banks: BankSet, assessment: Assessment) -> ActionRow:
    text, char_id = (
        _statement_text(banks, action.statement, assessment) if action.statement else ("", "")
    )
    return ActionRow(
        title=action.title,
        owner=action.owner,
        due=_fmt_date(action.due) if action.due else "no date set",
        statement_text=text,
        characteristic_id=char_id or None,
    )


def _workshop(assessment: Assessment, banks: BankSet, look: _Lookups) -> WorkshopSection:
    record = assessment.workshop
    assert record is not None
    agreed = sorted(record.agreed, key=lambda a: look.statement_order.get(a.statement, 10**6))
    actions = sorted(
        record.actions, key=lambda a: (a.due is None, a.due or date.max, a.owner.casefold())
    )
    revealed = record.revealed_at.date() if record.revealed_at else None
    return WorkshopSection(
        revealed_on=_fmt_date(revealed) if revealed else None,
        agreed=tuple(_agreed_row(item, banks, look, assessment) for item in agreed),
        actions=tuple(_action_row(action, banks, assessment) for action in actions),
    )
