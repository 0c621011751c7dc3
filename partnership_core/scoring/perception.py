"""Step 2b: predictions against the other partners' actual values; wide ones are misreadings."""

from __future__ import annotations

from ..results import PerceptionGap
from .statements import StatementCheck
from .tally import Context, Guess, Tally, mean

__all__ = ["perception_gaps"]

_EPS = 1e-9


def perception_gaps(
    ctx: Context, tally: Tally, checks: dict[str, StatementCheck]
) -> tuple[PerceptionGap, ...]:
    """Every (statement, predicting partner, other partner) pair, widest first."""
    notable = ctx.rules.perception_gap_notable
    gaps = []
    for (qid, predictor), guesses in tally.predictions.items():
        check = checks.get(qid)
        if check is None:
            continue
        present = check.present()
        # Without a guess naming a partner, every other partner is guessed alike: once.
        alike = None if any(g.about for g in guesses) else _guessed(guesses, None)
        for other in ctx.partner_ids:
            actual = present.get(other)
            if other == predictor or actual is None:
                continue
            predicted, predictors = alike or _guessed(guesses, other)
            if predicted is not None:
                gaps.append(_gap(check, predictor, other, (predicted, actual), predictors, notable))
    position = {q: i for i, q in enumerate(ctx.statement_ids)}

    def key(g: PerceptionGap) -> tuple:
        names = ctx.names[g.predictor_partner].casefold(), ctx.names[g.other_partner].casefold()
        return (-g.gap, position[g.statement], names, g.predictor_partner, g.other_partner)

    return tuple(sorted(gaps, key=key))


def _guessed(guesses: list[Guess], about: str | None) -> tuple[float | None, tuple[str, ...]]:
    """The mean guess about one partner, and the names of those who made one."""
    made = [(g.name, score) for g in guesses if (score := g.of(about)) is not None]
    return mean(score for _, score in made), tuple(sorted({name for name, _ in made}))


def _gap(
    check: StatementCheck,
    predictor: str,
    other: str,
    predicted_actual: tuple[float, float],
    predictors: tuple[str, ...],
    notable: float,
) -> PerceptionGap:
    predicted, actual = predicted_actual
    gap = abs(predicted - actual)
    return PerceptionGap(
        statement=check.item.statement,
        text=check.item.text,
        characteristic=check.item.characteristic,
        predictor_partner=predictor,
        predicted=round(predicted, 2),
        other_partner=other,
        actual=actual,
        gap=round(gap, 2),
        predictors=predictors,
        misreading=gap + _EPS >= notable,
    )
