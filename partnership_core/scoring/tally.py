"""Step 1: who counts, and every answer sorted by statement, partner and respondent."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from ..assessment import NOT_SURE, Answer, Assessment, Respondent
from ..bank import BankSet, Characteristic, Level, LevelId
from ..plan import planned_statements
from .rules import ScoringRules, normalise

__all__ = ["Context", "Guess", "Rating", "Tally", "build_context", "tally_answers", "mean"]

# Shared by every answer without a guess per partner (most of them): one object, not one each.
_NO_GUESSES: Mapping[str, float] = MappingProxyType({})


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return math.fsum(values) / len(values) if values else None


@dataclass(frozen=True)
class Context:
    """What every step reads: the assessment, its banks and rules, and who counts."""

    assessment: Assessment
    banks: BankSet
    rules: ScoringRules
    partner_ids: tuple[str, ...]
    names: dict[str, str]
    statement_ids: tuple[str, ...]
    counted: dict[str, Respondent]
    ignored_estimates: int

    @property
    def levels(self) -> tuple[Level, ...]:
        return tuple(sorted(self.banks.spine.levels, key=lambda lv: lv.order))

    @property
    def level_by_id(self) -> dict[LevelId, Level]:
        return {lv.id: lv for lv in self.banks.spine.levels}

    @property
    def characteristics(self) -> tuple[Characteristic, ...]:
        return self.banks.spine.characteristics

    def text(self, qualified_id: str) -> str:
        """A statement's text as shown to everyone (`BankSet.text_for`, no answering side)."""
        text = self._texts.get(qualified_id)
        if text is None:
            text = self._texts[qualified_id] = self.banks.text_for(
                qualified_id, None, self.assessment
            )
        return text

    @cached_property
    def _texts(self) -> dict[str, str]:
        # Every step quotes statements, some once per rule and partner: fill the names once.
        return {}

    def respondents_of(self, partner: str) -> int:
        return sum(1 for r in self.counted.values() if r.partner == partner)

    def estimated_partners(self) -> list[str]:
        partners = {r.partner for r in self.counted.values() if r.is_estimate}
        return [p for p in self.partner_ids if p in partners]


@dataclass(frozen=True)
class Rating:
    respondent: str
    name: str
    score: float


@dataclass(frozen=True)
class Guess:
    """One respondent's guesses on one statement, normalised: `about` per named partner,
    `rest` for every other partner (the single guess; None: no guess about them)."""

    name: str
    about: Mapping[str, float]
    rest: float | None

    def of(self, partner: str | None) -> float | None:
        return self.about.get(partner, self.rest)


@dataclass
class Tally:
    """Answers by statement: ratings[statement][partner] -> that partner's respondents."""

    ratings: dict[str, dict[str, list[Rating]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    # (statement, predicting partner) -> the guesses. Kept once per answer rather than once
    # per other partner: most answers carry one guess for everyone, and expanding it per
    # partner made the tally and the perception gaps five times the work with six partners.
    predictions: dict[tuple[str, str], list[Guess]] = field(
        default_factory=lambda: defaultdict(list)
    )
    importance: dict[str, float] = field(default_factory=dict)
    comments: dict[str, list[tuple[str, str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    raw: dict[str, list[tuple[int, bool]]] = field(default_factory=lambda: defaultdict(list))
    rated: Counter[str] = field(default_factory=Counter)
    not_sure: Counter[str] = field(default_factory=Counter)
    unknown: int = 0

    def partner_ratings(self, statement: str, partner: str) -> list[Rating]:
        by_partner = self.ratings.get(statement)
        return list(by_partner.get(partner, ())) if by_partner else []


def build_context(assessment: Assessment, banks: BankSet, rules: ScoringRules) -> Context:
    """Decide who counts: estimates stand in only for a partner nobody of its own answered for."""
    own_voices = {r.partner for r in assessment.respondents if not r.is_estimate}
    counted = {
        r.id: r for r in assessment.respondents if not r.is_estimate or r.partner not in own_voices
    }
    statement_ids = tuple(
        q
        for q in planned_statements(banks, assessment.partnership_type, assessment.plan)
        if q.split(":")[0] in assessment.banks
    )
    return Context(
        assessment=assessment,
        banks=banks,
        rules=rules,
        partner_ids=tuple(p.id for p in assessment.partners),
        names={p.id: p.name for p in assessment.partners},
        statement_ids=statement_ids,
        counted=counted,
        ignored_estimates=len(assessment.respondents) - len(counted),
    )


def tally_answers(ctx: Context) -> Tally:
    """Sort every counted answer; answers to statements outside the assessment are counted."""
    tally = Tally()
    applicable = set(ctx.statement_ids)
    for answer in ctx.assessment.answers:
        respondent = ctx.counted.get(answer.respondent)
        if respondent is None:
            continue
        if answer.statement not in applicable:
            tally.unknown += 1
            continue
        _record(tally, ctx, answer, respondent)
    return tally


def _record(tally: Tally, ctx: Context, answer: Answer, respondent: Respondent) -> None:
    _, statement = ctx.banks.statements[answer.statement]
    partner = respondent.partner
    if answer.rating == NOT_SURE:
        tally.not_sure[partner] += 1
    else:
        tally.rated[partner] += 1
        score = normalise(answer.rating, statement.reverse)
        tally.ratings[answer.statement][partner].append(
            Rating(respondent.id, respondent.name, score)
        )
        tally.raw[respondent.id].append((answer.rating, statement.reverse))
    if answer.importance is not None:
        factor = ctx.rules.importance_factors[answer.importance]
        tally.importance[answer.statement] = max(tally.importance.get(answer.statement, 0), factor)
    if answer.comment and answer.comment.strip():
        tally.comments[answer.statement].append((partner, respondent.name, answer.comment.strip()))
    if answer.prediction is not None or answer.predictions:
        about = _NO_GUESSES
        if answer.predictions:
            about = {
                other: normalise(guess, statement.reverse)
                for other, guess in answer.predictions.items()
                if other != partner
            }
        rest = (
            None if answer.prediction is None else normalise(answer.prediction, statement.reverse)
        )
        tally.predictions[(answer.statement, partner)].append(Guess(respondent.name, about, rest))
