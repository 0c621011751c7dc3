"""Step 2b: predictions against the other partners' actual values; wide ones are misreadings."""

from __future__ import annotations

from ..results import PerceptionGap
from .statements import StatementCheck
from .tally import Context, Tally, mean

__all__ = ["perception_gaps"]

_EPS = 1e-9


def perception_gaps(
    ctx: Context, tally: Tally, checks: dict[str, StatementCheck]
) -> tuple[PerceptionGap, ...]:
    """Every (statement, predicting partner, other partner) pair, widest first."""
    misreading = ctx.rules.perception_gap_notable
    gaps = []
    for (qid, predictor, other), predictions in tally.predictions.items():
        check = checks.get(qid)
        actual = check.present().get(other) if check is not None else None
        if check is None or actual is None:
            continue
        predicted = mean(p.score for p in predictions)
        assert predicted is not None
        gap = abs(predicted - actual)
        gaps.append(
            PerceptionGap(
                statement=qid,
                text=check.item.text,
                characteristic=check.item.characteristic,
                predictor_partner=predictor,
                predicted=round(predicted, 2),
                other_partner=other,
                actual=actual,
                gap=round(gap, 2),
                predictors=tuple(sorted({p.name for p in predictions})),
                misreading=gap + _EPS >= misreading,
            )
        )
    position = {q: i for i, q in enumerate(ctx.statement_ids)}

    def key(g: PerceptionGap) -> tuple:
        names = ctx.names[g.predictor_partner].casefold(), ctx.names[g.other_partner].casefold()
        return (-g.gap, position[g.statement], names, g.predictor_partner, g.other_partner)

    return tuple(sorted(gaps, key=key))
