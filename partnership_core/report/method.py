"""The method appendix: a short account of the scoring, written from the rules in force.

The numbers come from `ScoringRules` and the spine bank's level weights, so the appendix
always describes the rules that produced the report (docs/scoring.md has the long version).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..bank import BandId, BankSet
from ..palette import BAND_COLOURS
from ..results import BAND_LABELS

if TYPE_CHECKING:
    from ..scoring import ScoringRules

__all__ = ["LevelWeightRow", "BandRow", "MethodSummary", "method_summary"]


@dataclass(frozen=True)
class LevelWeightRow:
    name: str
    weight: float
    description: str


@dataclass(frozen=True)
class BandRow:
    band: BandId
    label: str
    colour: str
    rule: str


@dataclass(frozen=True)
class MethodSummary:
    paragraphs: tuple[str, ...]
    level_weights: tuple[LevelWeightRow, ...]
    bands: tuple[BandRow, ...]


def _n(value: float) -> str:
    return f"{value:g}"


def method_summary(banks: BankSet, rules: ScoringRules) -> MethodSummary:
    """Describe the scoring method with the thresholds of `rules` and the level weights."""
    t = rules.band_thresholds
    factors = ", ".join(
        f"{imp.value} {_n(f)}"
        for imp, f in sorted(rules.importance_factors.items(), key=lambda kv: kv[1])
    )
    paragraphs = (
        "Every respondent rates each statement from 1 (strongly disagree) to 5 (strongly agree), "
        "or answers “not sure”. Ratings become scores from 0 to 100, where 100 always means "
        "“ready”: for statements worded as warning signs, agreement counts against readiness.",
        "Readiness is how strongly one partner’s respondents agree, averaged over the statements "
        "of a characteristic. The gap on a statement is the largest difference between two "
        "partners’ average scores; alignment is 100 minus the average gap.",
        "Compatibility is the lower of two numbers: the alignment with its shortfall multiplied "
        "by the level weight, and the readiness of the least ready partner. A partnership is "
        "only as ready as its least ready member, and differences weigh more at higher levels.",
        f"A characteristic with fewer than {rules.min_answered_share:.0%} of the expected ratings "
        f"is marked “{BAND_LABELS[BandId.INSUFFICIENT]}”. A single statement whose gap, multiplied "
        f"by the level weight, reaches {_n(rules.red_flag_gap)} makes the characteristic at "
        f"least a “{BAND_LABELS[BandId.PAUSE]}”, whatever its average says.",
        "A level’s verdict follows its weakest characteristic. A serious mismatch at entry or "
        "decision level means “do not proceed until resolved”; at operational level it is a "
        "cause for pause, because procedures can be worked out. The levels are taken in order: "
        "the stage is the first level not yet cleared.",
        f"The discussion agenda ranks statements by concern (the larger of the partners’ gap "
        f"and how far their shared score falls short of 100) times the level weight times the "
        f"importance respondents gave it ({factors}). Statements with a concern below "
        f"{_n(rules.agenda_min_concern)} stay off the agenda.",
        "Where respondents predicted how another partner would answer, the report compares the "
        f"prediction with that partner’s actual score; gaps of {_n(rules.perception_gap_notable)} "
        "or more deserve a conversation. Estimated answers count only for a partner none of "
        "whose own people answered.",
    )
    bands = (
        BandRow(
            BandId.STRONG,
            BAND_LABELS[BandId.STRONG],
            BAND_COLOURS[BandId.STRONG],
            f"compatibility {_n(t.strong)} or more",
        ),
        BandRow(
            BandId.WORKABLE,
            BAND_LABELS[BandId.WORKABLE],
            BAND_COLOURS[BandId.WORKABLE],
            f"{_n(t.workable)} to under {_n(t.strong)}",
        ),
        BandRow(
            BandId.PAUSE,
            BAND_LABELS[BandId.PAUSE],
            BAND_COLOURS[BandId.PAUSE],
            f"{_n(t.pause)} to under {_n(t.workable)}, or a red-flag statement",
        ),
        BandRow(
            BandId.SERIOUS,
            BAND_LABELS[BandId.SERIOUS],
            BAND_COLOURS[BandId.SERIOUS],
            f"under {_n(t.pause)}",
        ),
        BandRow(
            BandId.INSUFFICIENT,
            BAND_LABELS[BandId.INSUFFICIENT],
            BAND_COLOURS[BandId.INSUFFICIENT],
            f"fewer than {rules.min_answered_share:.0%} of expected ratings",
        ),
    )
    levels = tuple(
        LevelWeightRow(lv.name, lv.weight, lv.description)
        for lv in sorted(banks.spine.levels, key=lambda lv: lv.order)
    )
    return MethodSummary(paragraphs=paragraphs, level_weights=levels, bands=bands)
