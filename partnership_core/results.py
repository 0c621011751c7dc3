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
    "AgendaItem",
    "Coverage",
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


class CharacteristicResult(_Result):
    id: str
    name: str
    level: LevelId
    partners: tuple[PartnerScore, ...]
    alignment: float | None = Field(description="0-100: 100 minus the mean item gap.")
    readiness_floor: float | None = Field(description="Lowest partner readiness.")
    compatibility: float | None = Field(
        description="0-100: the lower of level-weighted alignment and the readiness floor."
    )
    band: BandId
    band_label: str
    advice: str
    red_flag: bool = Field(description="At least one item shows a serious gap at this level.")
    limited_by: Literal["alignment", "readiness"] | None = Field(
        default=None,
        description="What holds compatibility down: the partners differ, or they are not ready.",
    )
    items: tuple[ItemResult, ...]
    discussion_prompts: tuple[str, ...]
    answered_share: float = Field(description="0-1 share of expected ratings that were given.")


class LevelResult(_Result):
    id: LevelId
    name: str
    order: int
    weight: float
    verdict: Verdict
    verdict_label: str
    explanation: str = Field(description="Plain words: why this verdict.")
    characteristics: tuple[CharacteristicResult, ...]
    compatibility: float | None = Field(description="Mean compatibility of its characteristics.")


class PerceptionGap(_Result):
    statement: str
    text: str
    characteristic: str
    predictor_partner: str
    predicted: float = Field(description="Predicted normalised score 0-100 (mean over predictors).")
    other_partner: str
    actual: float = Field(description="Other partner's actual normalised score 0-100.")
    gap: float = Field(description="|predicted - actual|, 0-100.")


class AgendaItem(_Result):
    rank: int
    statement: str
    text: str
    characteristic: str
    characteristic_name: str
    level: LevelId
    gap: float | None
    concern: float = Field(description="The larger of the partner gap and the shared shortfall.")
    priority: float = Field(description="concern x level weight x importance factor.")
    scores: dict[str, float | None]
    reason: str
    prompts: tuple[str, ...]


class Coverage(_Result):
    partner: str
    expected: int = Field(description="Ratings expected from this partner's respondents.")
    rated: int
    not_sure: int
    unanswered: int

    @property
    def share_rated(self) -> float:
        return self.rated / self.expected if self.expected else 0.0


class AssessmentResult(_Result):
    partnership: str
    partner_names: dict[str, str] = Field(description="Partner id -> name, in assessment order.")
    levels: tuple[LevelResult, ...]
    overall_verdict: Verdict
    overall_label: str
    stage: LevelId | None = Field(description="First level not yet cleared; None when all are.")
    headline: str = Field(description="The verdict in one plain sentence.")
    next_step: str = Field(description="What to do next, in plain words.")
    compatibility: float | None
    perception_gaps: tuple[PerceptionGap, ...]
    agenda: tuple[AgendaItem, ...]
    coverage: tuple[Coverage, ...]
    partial: bool = Field(description="Some ratings are missing or 'not sure'.")
    warnings: tuple[str, ...]
    uses_estimates: bool = Field(description="Some partner's answers are someone else's estimate.")

    @property
    def characteristics(self) -> tuple[CharacteristicResult, ...]:
        return tuple(c for level in self.levels for c in level.characteristics)

    def level(self, level_id: LevelId | str) -> LevelResult:
        return next(lv for lv in self.levels if lv.id == level_id)
