"""Step 2: each statement on its own: partner values, and the statement rules that fire.

Statement rules are never averaged away: they are judged here, one statement at a time,
before anything is aggregated.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..results import AgendaCause, FindingRule, ItemResult, Severity
from ..text import join_names as names_of
from .tally import Context, Rating, Tally, mean
from .wording import quote, rating

__all__ = ["Hit", "StatementCheck", "check_statements", "SEVERITY_ORDER", "partner_order"]

SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}
_EPS = 1e-9


@dataclass(frozen=True)
class Hit:
    """One statement rule that fired on one statement."""

    rule: FindingRule
    severity: Severity
    cause: AgendaCause
    statement: str
    partners: tuple[str, ...]
    respondents: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class StatementCheck:
    item: ItemResult
    hits: tuple[Hit, ...]
    reverse: bool
    position: int

    @property
    def severity(self) -> Severity | None:
        return self.item.severity

    def present(self) -> dict[str, float]:
        return {p: s for p, s in self.item.scores.items() if s is not None}


def partner_order(ctx: Context, partners: set[str] | list[str]) -> tuple[str, ...]:
    """Partners by name (then id), so that the order partners were entered never shows."""
    return tuple(sorted(partners, key=lambda p: (ctx.names[p].casefold(), p)))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def check_statements(ctx: Context, tally: Tally) -> dict[str, StatementCheck]:
    default_factor = ctx.rules.importance_factors[ctx.rules.default_importance]
    checks = {}
    for position, qid in enumerate(ctx.statement_ids):
        _, statement = ctx.banks.statements[qid]
        characteristic = ctx.banks.spine_characteristic(qid)
        by_partner = {p: tally.partner_ratings(qid, p) for p in ctx.partner_ids}
        means = {p: mean(r.score for r in rs) for p, rs in by_partner.items()}
        hits = _statement_hits(ctx, qid, means, by_partner)
        present = [m for m in means.values() if m is not None]
        item = ItemResult(
            statement=qid,
            text=ctx.text(qid),
            characteristic=characteristic.id,
            level=characteristic.level,
            scores={p: _round(m) for p, m in means.items()},
            spreads={p: _spread(rs, ctx.rules.split_min_ratings) for p, rs in by_partner.items()},
            gap=_round(max(present) - min(present)) if len(present) >= 2 else None,
            importance=tally.importance.get(qid, default_factor),
            comments=tuple(sorted(tally.comments.get(qid, []))),
            severity=min((h.severity for h in hits), key=SEVERITY_ORDER.get, default=None),
            rules=tuple(dict.fromkeys(h.rule for h in hits)),
        )
        checks[qid] = StatementCheck(item, hits, statement.reverse, position)
    return checks


def _spread(ratings: list[Rating], min_ratings: int) -> float | None:
    if not ratings or 1 < len(ratings) < min_ratings:
        return None
    scores = [r.score for r in ratings]
    return max(scores) - min(scores)


def _statement_hits(
    ctx: Context,
    qid: str,
    means: dict[str, float | None],
    by_partner: dict[str, list[Rating]],
) -> tuple[Hit, ...]:
    present = {p: m for p, m in means.items() if m is not None}
    between = [h for h in (_differ(ctx, qid, present), _low(ctx, qid, present)) if h]
    unsure = None if between else _unsure(ctx, qid, present)
    hits = between + _splits(ctx, qid, by_partner) + ([unsure] if unsure else [])
    hits.sort(key=lambda h: SEVERITY_ORDER[h.severity])
    return tuple(hits)


def _differ(ctx: Context, qid: str, present: dict[str, float]) -> Hit | None:
    if len(present) < 2:
        return None
    rules = ctx.rules
    high, low = max(present.values()), min(present.values())
    gap = high - low
    if gap + _EPS >= rules.points(rules.differ_serious_steps):
        severity = Severity.SERIOUS
    elif gap + _EPS >= rules.points(rules.differ_concern_steps):
        severity = Severity.CONCERN
    else:
        return None
    ends = {p for p, m in present.items() if m in (high, low)}
    ranked = tuple(sorted(ends, key=lambda p: (-present[p], ctx.names[p].casefold(), p)))
    return Hit(
        FindingRule.PARTNERS_DIFFER,
        severity,
        AgendaCause.PARTNERS_DIFFER,
        qid,
        ranked,
        detail=_figures(ctx, qid, present, ranked),
    )


def _figures(ctx: Context, qid: str, present: dict[str, float], partners: tuple[str, ...]) -> str:
    """'“statement”: Org A 4.7, Org B 2.0' (direction-corrected ratings)."""
    _, statement = ctx.banks.statements[qid]
    values = ", ".join(f"{ctx.names[p]} {rating(present[p])}" for p in partners)
    flipped = " (worded the other way round: ratings flipped, 5 is still ready)"
    return f"{quote(ctx.text(qid))}: {values}{flipped if statement.reverse else ''}"


def _low(ctx: Context, qid: str, present: dict[str, float]) -> Hit | None:
    rules = ctx.rules
    limit = rules.rating_points(rules.low_concern_rating) + _EPS
    low = {p for p, m in present.items() if m <= limit}
    if not low:
        return None
    serious = any(present[p] <= rules.rating_points(rules.low_serious_rating) + _EPS for p in low)
    everyone = len(present) >= 2 and len(low) == len(present)
    partners = partner_order(ctx, low)
    return Hit(
        FindingRule.LOW_RATING,
        Severity.SERIOUS if serious else Severity.CONCERN,
        AgendaCause.EVERYONE_LOW if everyone else AgendaCause.LOW_RATING,
        qid,
        partners,
        detail=_figures(ctx, qid, present, partners),
    )


def _splits(ctx: Context, qid: str, by_partner: dict[str, list[Rating]]) -> list[Hit]:
    rules = ctx.rules
    hits = []
    enough = [p for p, rs in by_partner.items() if len(rs) >= rules.split_min_ratings]
    for partner in partner_order(ctx, enough):
        ratings = by_partner[partner]
        spread = _spread(ratings, rules.split_min_ratings) or 0.0
        if spread + _EPS >= rules.points(rules.split_concern_steps):
            severity = Severity.CONCERN
        elif spread + _EPS >= rules.points(rules.split_agenda_steps):
            severity = Severity.DISCUSS
        else:
            continue
        top, bottom = max(r.score for r in ratings), min(r.score for r in ratings)
        high = sorted({r.name for r in ratings if r.score == top})
        low = sorted({r.name for r in ratings if r.score == bottom})
        detail = (
            f"{quote(ctx.text(qid))}: within {ctx.names[partner]}, {names_of(high)} at "
            f"{rating(top)} against {names_of(low)} at {rating(bottom)}"
        )
        hits.append(
            Hit(
                FindingRule.INTERNAL_SPLIT,
                severity,
                AgendaCause.INTERNAL_SPLIT,
                qid,
                (partner,),
                tuple(high + low),
                detail,
            )
        )
    return hits


def _unsure(ctx: Context, qid: str, present: dict[str, float]) -> Hit | None:
    limit = ctx.rules.rating_points(ctx.rules.unsure_rating) + _EPS
    if len(present) < 2 or any(m > limit for m in present.values()):
        return None
    partners = partner_order(ctx, set(present))
    return Hit(
        FindingRule.EVERYONE_UNSURE,
        Severity.DISCUSS,
        AgendaCause.EVERYONE_UNSURE,
        qid,
        partners,
        detail=_figures(ctx, qid, present, partners),
    )
