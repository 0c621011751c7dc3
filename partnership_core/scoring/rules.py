"""The thresholds of the method, read from data/scoring_rules.yaml, in scale terms."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..assessment import Importance
from ..bank import LevelId
from ..results import AgendaCause, Verdict

__all__ = [
    "POINTS_PER_STEP",
    "BandThresholds",
    "ScoringRules",
    "DEFAULT_RULES",
    "load_rules",
    "normalise",
]

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "scoring_rules.yaml"
POINTS_PER_STEP = 25.0
PROMPT_FIELDS = ("statement", "partners", "people", "predictors", "verb", "ready_verb")
_Rating = Field(ge=1, le=5)
_Steps = Field(gt=0, le=4)


def normalise(rating: int, reverse: bool = False) -> float:
    """A 1-5 rating as 0-100, where 100 always means 'ready' (reverse items are flipped)."""
    return float((5 - rating) * 25 if reverse else (rating - 1) * 25)


class BandThresholds(BaseModel):
    """Lowest aggregate figure (a rating, 1-5) of each band; below `pause` is serious."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    strong: float = _Rating
    workable: float = _Rating
    pause: float = _Rating

    @model_validator(mode="after")
    def _descending(self) -> BandThresholds:
        if not self.strong > self.workable > self.pause:
            raise ValueError("band_thresholds: strong > workable > pause is required")
        return self


class ScoringRules(BaseModel):
    """Every threshold of the method (level weights live with the levels in the spine bank)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    band_thresholds: BandThresholds
    differ_concern_steps: float = _Steps
    differ_serious_steps: float = _Steps
    low_concern_rating: float = _Rating
    low_serious_rating: float = _Rating
    split_agenda_steps: float = _Steps
    split_concern_steps: float = _Steps
    split_min_ratings: int = Field(
        ge=2,
        description="Ratings a partner needs on a statement before its internal spread is "
        "shown or judged: with fewer, a colleague's rating could be worked out from it.",
    )
    unsure_rating: float = _Rating
    min_answered_share: float = Field(ge=0, le=1)
    misreading_steps: float = _Steps
    straight_line_min_ratings: int = Field(ge=2)
    serious_verdict: dict[LevelId, Verdict] = Field(
        description="What a serious concern means at each level."
    )
    importance_factors: dict[Importance, float]
    default_importance: Importance
    talk_first_max: int = Field(ge=1, le=20)
    minutes_per_item: int = Field(ge=1, le=60)
    prompts: dict[AgendaCause, str]

    @model_validator(mode="after")
    def _consistent(self) -> ScoringRules:
        if self.differ_serious_steps < self.differ_concern_steps:
            raise ValueError("differ_serious_steps must be at least differ_concern_steps")
        if self.low_serious_rating > self.low_concern_rating:
            raise ValueError("low_serious_rating must be at most low_concern_rating")
        if self.split_concern_steps < self.split_agenda_steps:
            raise ValueError("split_concern_steps must be at least split_agenda_steps")
        missing = set(AgendaCause) - set(self.prompts)
        if missing:
            raise ValueError(f"prompts: add a prompt for {', '.join(sorted(missing))}")
        if set(self.serious_verdict) != set(LevelId):
            raise ValueError("serious_verdict: give a verdict for every level")
        for cause, template in self.prompts.items():
            try:
                template.format(**{key: "" for key in PROMPT_FIELDS})
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(
                    f"prompts.{cause.value}: use only the placeholders "
                    f"{', '.join('{' + k + '}' for k in PROMPT_FIELDS)} ({exc!r})"
                ) from None
        return self

    @staticmethod
    def points(steps: float) -> float:
        """A distance in scale steps on the internal 0-100 scale."""
        return steps * POINTS_PER_STEP

    @staticmethod
    def rating_points(rating: float) -> float:
        """A (direction-corrected) rating on the internal 0-100 scale."""
        return (rating - 1) * POINTS_PER_STEP

    @property
    def split_agenda_points(self) -> float:
        """The within-partner split that puts a statement on the agenda, on the 0-100 scale."""
        return self.points(self.split_agenda_steps)

    @property
    def perception_gap_notable(self) -> float:
        """The perception gap that is a misreading, on the 0-100 scale."""
        return self.points(self.misreading_steps)


def load_rules(path: Path | str = RULES_FILE) -> ScoringRules:
    with open(path, encoding="utf-8") as fh:
        return ScoringRules.model_validate(yaml.safe_load(fh))


DEFAULT_RULES = load_rules()
