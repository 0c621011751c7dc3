"""The method appendix: a short account of the scoring, written from the rules in force.

The numbers come from the scoring rules and the spine bank's level weights, so the appendix
always describes the rules that produced the report; it is written for a facilitator, in
scale terms (the full method is in docs/scoring.md).
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


def _rule_paragraphs(rules: ScoringRules) -> tuple[str, ...]:
    return (
        "Every respondent rates each statement from 1 (strongly disagree) to 5 (strongly agree), "
        "or answers “not sure”. Statements worded as warning signs are flipped first, so a "
        "higher rating always means “ready”. A partner’s rating on a statement is the average "
        "of its people, and a step is one point on the scale: 4 against 2 is two steps.",
        "Each statement is judged on its own before anything is averaged, so the statements "
        "around it cannot hide a problem. Partners "
        f"{_n(rules.differ_concern_steps)} or more steps apart on a statement are a concern, "
        f"{_n(rules.differ_serious_steps)} or more a serious concern. Any partner at "
        f"“disagree” or below ({_n(rules.low_concern_rating)} or less) is a concern, whether "
        f"one partner or all of them; at “strongly disagree” ({_n(rules.low_serious_rating)} or "
        "less) it is a serious concern.",
        f"When one partner’s own people are {_n(rules.split_concern_steps)} or more steps apart "
        "on a statement, that partner must settle its own position first: a concern. "
        f"{_n(rules.split_agenda_steps)} steps apart puts the statement on the agenda.",
    )


def _level_paragraphs(rules: ScoringRules) -> tuple[str, ...]:
    t = rules.band_thresholds
    return (
        "Each characteristic also gets a figure on the same 1 to 5 scale: the average of the "
        "least ready partner, or 5 minus the partners’ average distance in steps multiplied by "
        f"the level weight, whichever is lower. {_n(t.strong)} or more is a strong fit, "
        f"{_n(t.workable)} to {_n(t.strong)} workable, {_n(t.pause)} to {_n(t.workable)} a cause "
        f"for pause, below {_n(t.pause)} a serious concern. The characteristic’s band is the "
        "worse of this figure and its statements, and the number shown never sits in a better "
        "band than the one beside it.",
        "A serious concern at entry or decision level means “do not proceed until resolved”; at "
        "operational level it is a cause for pause, because procedures can be worked out with "
        "effort and goodwill. Any other concern is a cause for pause at every level. The levels "
        "are taken in order: the stage is the first level not yet cleared.",
        "A characteristic is judged only when every partner has rated at least "
        f"{rules.min_answered_share:.0%} of its statements. A characteristic that no chosen "
        "question bank asks about is shown as not assessed, and its level cannot be cleared.",
    )


def _agenda_paragraphs(rules: ScoringRules) -> tuple[str, ...]:
    factors = ", ".join(
        f"{imp.value} {_n(f)}"
        for imp, f in sorted(rules.importance_factors.items(), key=lambda kv: kv[1])
    )
    return (
        "Only statements with a finding reach the agenda: partners apart, a low rating, a split "
        "inside a partner, a misreading, or everyone at “neither” or below. Serious items come "
        "first, then concerns, then the rest; within each, higher levels and statements marked "
        f"important ({factors}) come first. The first {rules.talk_first_max} items, about "
        f"{rules.minutes_per_item} minutes each, are the ones to talk about first.",
        "Where respondents predicted how another partner would answer, a prediction "
        f"{_n(rules.misreading_steps)} or more steps from that partner’s actual answer is a "
        "misreading to talk through; it does not change the verdict. Someone who gives the same "
        "rating to every statement, statements worded the other way round included, is named in "
        "a warning. Estimated answers count only for a partner none of whose own people answered.",
    )


def _band_rows(rules: ScoringRules) -> tuple[BandRow, ...]:
    t = rules.band_thresholds
    rule = {
        BandId.STRONG: f"a figure of {_n(t.strong)} or more, and no statement of concern",
        BandId.WORKABLE: f"{_n(t.workable)} to under {_n(t.strong)}, and no statement of concern",
        BandId.PAUSE: f"{_n(t.pause)} to under {_n(t.workable)}, or a statement of concern",
        BandId.SERIOUS: f"under {_n(t.pause)}, or a statement of serious concern",
        BandId.INSUFFICIENT: (
            f"a partner rated fewer than {rules.min_answered_share:.0%} of the statements, "
            "or no chosen bank asks about it"
        ),
    }
    return tuple(BandRow(band, BAND_LABELS[band], BAND_COLOURS[band], rule[band]) for band in rule)


def method_summary(banks: BankSet, rules: ScoringRules) -> MethodSummary:
    """Describe the scoring method with the thresholds of `rules` and the level weights."""
    levels = tuple(
        LevelWeightRow(lv.name, lv.weight, lv.description)
        for lv in sorted(banks.spine.levels, key=lambda lv: lv.order)
    )
    return MethodSummary(
        paragraphs=_rule_paragraphs(rules) + _level_paragraphs(rules) + _agenda_paragraphs(rules),
        level_weights=levels,
        bands=_band_rows(rules),
    )
