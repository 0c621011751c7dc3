"""What scoring produces: immutable result objects that pages, figures and the report read."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .bank import BandId, LevelId

__all__ = [
    "Verdict",
    "VERDICT_LABELS",
    "BAND_LABELS",
    "PartnerScore",
    "ItemResult",
    "CharacteristicResult",
    "LevelResult",
    "PerceptionGap",
    "Severity",
    "FindingRule",
    "Finding",
    "AgendaCause",
    "AgendaItem",
    "AgendaGroup",
    "Coverage",
    "RespondentFlag",
    "AssessmentResult",
]


class Verdict(StrEnum):
    """Verdict of a level or of the whole partnership, best first."""

    CLEAR = "clear"
    CONDITIONS = "conditions"
    PAUSE = "pause"
    STOP = "stop"
    INCOMPLETE = "incomplete"


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.CLEAR: "Ready to move on",
    Verdict.CONDITIONS: "Proceed, with work to do",
    Verdict.PAUSE: "Cause for pause",
    Verdict.STOP: "Do not proceed until resolved",
    Verdict.INCOMPLETE: "Not enough answers to judge",
}

BAND_LABELS: dict[BandId, str] = {
    BandId.STRONG: "Strong fit",
    BandId.WORKABLE: "Workable",
    BandId.PAUSE: "Cause for pause",
    BandId.SERIOUS: "Serious concern",
    BandId.INSUFFICIENT: "Not enough answers",
}


class Severity(StrEnum):
    """How much a finding weighs, worst first."""

    SERIOUS = "serious"
    CONCERN = "concern"
    NOT_JUDGED = "not-judged"
    WORK = "work"
    DISCUSS = "discuss"


class FindingRule(StrEnum):
    """The rule of the method that produced a finding (docs/scoring.md, section "Rules")."""

    PARTNERS_DIFFER = "partners-differ"
    LOW_RATING = "low-rating"
    INTERNAL_SPLIT = "internal-split"
    AGGREGATE = "aggregate"
    NOT_ENOUGH_ANSWERS = "not-enough-answers"
    NOT_ASSESSED = "not-assessed"
    MISREADING = "misreading"
    EVERYONE_UNSURE = "everyone-unsure"


class AgendaCause(StrEnum):
    """Why a statement is on the agenda; each cause has its own discussion prompt."""

    PARTNERS_DIFFER = "partners-differ"
    LOW_RATING = "low-rating"
    EVERYONE_LOW = "everyone-low"
    INTERNAL_SPLIT = "internal-split"
    MISREADING = "misreading"
    EVERYONE_UNSURE = "everyone-unsure"


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartnerScore(_Result):
    partner: str = Field(description="Partner id.")
    readiness: float | None = Field(
        description="0-100: how strongly the partner agrees; None if unanswered."
    )
    spread: float | None = Field(
        description="0-100: mean range of ratings among this partner's respondents (0 = one voice)."
    )
    respondents: int = Field(description="Respondents of this partner who rated at least one item.")
    answered_share: float = Field(
        default=0.0,
        description="0-1: share of the characteristic's statements this partner rated at all.",
    )


class ItemResult(_Result):
    statement: str = Field(description="Qualified statement id 'bank:statement'.")
    text: str
    characteristic: str = Field(description="Spine characteristic id.")
    level: LevelId
    scores: dict[str, float | None] = Field(
        description="Partner id -> mean normalised score 0-100 (reverse items flipped)."
    )
    spreads: dict[str, float | None] = Field(description="Partner id -> range within the partner.")
    gap: float | None = Field(description="Largest difference between two partners, 0-100.")
    importance: float = Field(description="Importance factor (1, 1.5 or 2) given by respondents.")
    comments: tuple[tuple[str, str, str], ...] = Field(
        default=(), description="(partner id, respondent name, comment)."
    )
    severity: Severity | None = Field(
        default=None,
        description="Worst statement rule that fired (serious, concern or discuss); None if none.",
    )
    rules: tuple[FindingRule, ...] = Field(
        default=(), description="Statement rules that fired on this statement, worst first."
    )


class CharacteristicResult(_Result):
    id: str
    name: str
    level: LevelId
    partners: tuple[PartnerScore, ...]
    alignment: float | None = Field(description="0-100: 100 minus the mean item gap.")
    readiness_floor: float | None = Field(description="Lowest partner readiness.")
    compatibility: float | None = Field(
        description="0-100, follows the band: the lower of level-weighted alignment and the "
        "readiness floor, lowered to the top of the band when a statement rule sets the band; "
        "None when the band is 'not enough answers'."
    )
    band: BandId
    band_label: str
    advice: str
    red_flag: bool = Field(description="A statement rule (concern or serious) fired here.")
    limited_by: Literal["alignment", "readiness"] | None = Field(
        default=None,
        description="What holds compatibility down: the partners differ, or they are not ready.",
    )
    items: tuple[ItemResult, ...]
    discussion_prompts: tuple[str, ...]
    answered_share: float = Field(
        description="0-1: the lowest share of statements rated by any one partner."
    )
    assessed: bool = Field(
        default=True, description="False when no chosen bank has a statement on it."
    )
    added_by: tuple[str, ...] = Field(
        default=(), description="Titles of the banks that would add statements, if not assessed."
    )


class LevelResult(_Result):
    id: LevelId
    name: str
    order: int
    weight: float
    verdict: Verdict
    verdict_label: str
    explanation: str = Field(description="Plain words: why this verdict.")
    characteristics: tuple[CharacteristicResult, ...]
    compatibility: float | None = Field(
        description="The lowest compatibility of its characteristics; None when not judged."
    )


class PerceptionGap(_Result):
    statement: str
    text: str
    characteristic: str
    predictor_partner: str
    predicted: float = Field(description="Predicted normalised score 0-100 (mean over predictors).")
    other_partner: str
    actual: float = Field(description="Other partner's actual normalised score 0-100.")
    gap: float = Field(description="|predicted - actual|, 0-100.")
    predictors: tuple[str, ...] = Field(
        default=(), description="Names of the respondents who made the prediction."
    )
    misreading: bool = Field(default=False, description="The gap reaches the misreading threshold.")


class Finding(_Result):
    """One reason behind the verdict: a rule that fired, with what and who it is about."""

    rule: FindingRule
    rule_text: str = Field(description="The rule in one plain sentence.")
    severity: Severity
    effect: Verdict | None = Field(
        description="The verdict this finding gives its level at least; None: agenda only."
    )
    level: LevelId
    characteristic: str
    characteristic_name: str
    statements: tuple[str, ...] = Field(default=(), description="Qualified statement ids.")
    statement_texts: tuple[str, ...] = ()
    partners: tuple[str, ...] = Field(default=(), description="Partner ids involved.")
    respondents: tuple[str, ...] = Field(
        default=(),
        description="Names of the respondents involved: split within a partner, or predictors.",
    )
    sentence: str = Field(description="What was found, in plain words, to read aloud.")
    details: tuple[str, ...] = Field(
        default=(), description="One line per statement: the figures behind the finding."
    )


class AgendaItem(_Result):
    rank: int
    statement: str
    text: str
    characteristic: str
    characteristic_name: str
    level: LevelId
    gap: float | None
    concern: float = Field(
        description="0-100: the largest of the partner gap, the lowest partner's shortfall, "
        "the widest split inside a partner and the widest misreading."
    )
    priority: float = Field(description="concern x level weight x importance factor.")
    scores: dict[str, float | None]
    reason: str = Field(description="Why it is on the agenda, naming partners and figures.")
    prompts: tuple[str, ...] = Field(
        description="Questions for this statement and cause; none repeats across the agenda."
    )
    causes: tuple[AgendaCause, ...] = Field(default=(), description="Worst first.")
    severity: Severity = Severity.DISCUSS
    partners: tuple[str, ...] = Field(default=(), description="Partner ids the item is about.")
    minutes: int = Field(default=0, description="Suggested discussion time.")


class AgendaGroup(_Result):
    """The agenda items after `talk_first`, grouped by characteristic."""

    characteristic: str
    characteristic_name: str
    level: LevelId
    items: tuple[AgendaItem, ...]


class Coverage(_Result):
    partner: str
    expected: int = Field(description="Ratings expected from this partner's respondents.")
    rated: int
    not_sure: int
    unanswered: int

    @property
    def share_rated(self) -> float:
        return self.rated / self.expected if self.expected else 0.0


class RespondentFlag(_Result):
    """A respondent whose answers look unreliable (the same rating to every statement)."""

    respondent: str = Field(description="Respondent id.")
    name: str
    partner: str
    rating: int = Field(description="The one rating given to every statement.")
    ratings: int = Field(description="How many statements they rated.")
    message: str


class AssessmentResult(_Result):
    partnership: str
    partner_names: dict[str, str] = Field(description="Partner id -> name, in assessment order.")
    levels: tuple[LevelResult, ...]
    overall_verdict: Verdict
    overall_label: str
    stage: LevelId | None = Field(description="First level not yet cleared; None when all are.")
    headline: str = Field(description="The verdict in one plain sentence.")
    next_step: str = Field(description="What to do next, in plain words.")
    headline_level: LevelId | None = Field(
        default=None, description="The level that carries the worst verdict."
    )
    headline_characteristic: str | None = Field(
        default=None, description="The characteristic that carries the worst verdict."
    )
    stands_apart: str | None = Field(
        default=None,
        description="With 3+ partners: the partner at the extreme in most concern statements.",
    )
    compatibility: float | None = Field(
        description="The lowest level compatibility; None when the verdict is not judged."
    )
    findings: tuple[Finding, ...] = Field(default=(), description="Why this verdict, worst first.")
    perception_gaps: tuple[PerceptionGap, ...]
    agenda: tuple[AgendaItem, ...] = Field(description="Every agenda item, ranked.")
    talk_first: tuple[AgendaItem, ...] = Field(
        default=(), description="The first agenda items, sized for one session."
    )
    talk_first_minutes: int = Field(default=0, description="Estimated time for `talk_first`.")
    agenda_groups: tuple[AgendaGroup, ...] = Field(
        default=(), description="The rest of the agenda, grouped by characteristic."
    )
    coverage: tuple[Coverage, ...]
    partial: bool = Field(description="Some ratings are missing or 'not sure'.")
    warnings: tuple[str, ...]
    flagged_respondents: tuple[RespondentFlag, ...] = Field(
        default=(), description="Straight-lining: the same rating to every statement."
    )
    uses_estimates: bool = Field(description="Some partner's answers are someone else's estimate.")

    @property
    def characteristics(self) -> tuple[CharacteristicResult, ...]:
        return tuple(c for level in self.levels for c in level.characteristics)

    @property
    def not_assessed(self) -> tuple[CharacteristicResult, ...]:
        return tuple(c for c in self.characteristics if not c.assessed)

    def level(self, level_id: LevelId | str) -> LevelResult:
        return next(lv for lv in self.levels if lv.id == level_id)
