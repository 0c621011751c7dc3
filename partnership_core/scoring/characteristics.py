"""Step 3: per characteristic: readiness, alignment, coverage per partner, and the band.

The band is the worse of the aggregate's band and the worst statement rule, and the
characteristic's number follows its band (it is lowered to the top of the band when a
statement rule made the band worse than the average would).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..bank import BandId, Characteristic
from ..results import BAND_LABELS, CharacteristicResult, PartnerScore
from .statements import StatementCheck
from .tally import Context, Tally, mean
from .verdicts import severity_band

__all__ = ["BAND_ORDER", "Characteristics", "score_characteristics", "aggregate_band"]

BAND_ORDER = {
    BandId.STRONG: 0,
    BandId.WORKABLE: 1,
    BandId.INSUFFICIENT: 2,
    BandId.PAUSE: 3,
    BandId.SERIOUS: 4,
}


@dataclass(frozen=True)
class _Aggregate:
    alignment: float | None
    readiness_floor: float | None
    value: float | None
    limited_by: Literal["alignment", "readiness"] | None
    answered_share: float


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True)
class Characteristics:
    """Every characteristic's result, and its aggregate figure (0-100) where it was judged
    on enough answers, before any statement rule lowered it."""

    results: dict[str, CharacteristicResult]
    figures: dict[str, float]


def score_characteristics(
    ctx: Context, tally: Tally, checks: dict[str, StatementCheck]
) -> Characteristics:
    """Every spine characteristic, in spine order; those without statements are 'not assessed'."""
    grouped: dict[str, list[StatementCheck]] = {c.id: [] for c in ctx.characteristics}
    for check in checks.values():
        grouped[check.item.characteristic].append(check)
    results, figures = {}, {}
    for c in ctx.characteristics:
        if not grouped[c.id]:
            results[c.id] = _not_assessed(ctx, c)
            continue
        results[c.id], figure = _score_one(ctx, tally, c, grouped[c.id])
        if figure is not None:
            figures[c.id] = figure
    return Characteristics(results, figures)


def aggregate_band(value: float, ctx: Context) -> BandId:
    """The band of an aggregate figure (0-100) by the rating thresholds."""
    t, rules = ctx.rules.band_thresholds, ctx.rules
    if value >= rules.rating_points(t.strong):
        return BandId.STRONG
    if value >= rules.rating_points(t.workable):
        return BandId.WORKABLE
    if value >= rules.rating_points(t.pause):
        return BandId.PAUSE
    return BandId.SERIOUS


def _band_ceiling(band: BandId, ctx: Context) -> float:
    """The highest whole number still inside a band (bands below 'workable' only)."""
    t = ctx.rules.band_thresholds
    upper = t.workable if band == BandId.PAUSE else t.pause
    return ctx.rules.rating_points(upper) - 1


def _partner_scores(
    ctx: Context, tally: Tally, checks: list[StatementCheck]
) -> tuple[PartnerScore, ...]:
    scores = []
    for p in ctx.partner_ids:
        items = [c.item for c in checks]
        readiness = mean(i.scores[p] for i in items if i.scores[p] is not None)
        spread = mean(
            i.spreads[p]
            for i in items
            if i.spreads[p] is not None and len(tally.partner_ratings(i.statement, p)) >= 2
        )
        rated = sum(1 for i in items if i.scores[p] is not None)
        scores.append(
            PartnerScore(
                partner=p,
                readiness=_round(readiness),
                spread=_round(spread),
                respondents=ctx.respondents_of(p),
                answered_share=round(rated / len(items), 4),
            )
        )
    return tuple(scores)


def _aggregate(
    ctx: Context, weight: float, checks: list[StatementCheck], partners: tuple[PartnerScore, ...]
) -> _Aggregate:
    gaps = [c.item.gap for c in checks if c.item.gap is not None]
    alignment = 100.0 - mean(gaps) if gaps else None
    readiness = [s.readiness for s in partners]
    floor = min(readiness) if readiness and None not in readiness else None
    share = min((s.answered_share for s in partners), default=0.0)
    if alignment is None or floor is None:
        return _Aggregate(alignment, floor, None, None, share)
    weighted = max(0.0, 100.0 - weight * (100.0 - alignment))
    limited_by: Literal["alignment", "readiness"] = "alignment" if weighted < floor else "readiness"
    return _Aggregate(alignment, floor, min(weighted, floor), limited_by, share)


def _score_one(
    ctx: Context, tally: Tally, characteristic: Characteristic, checks: list[StatementCheck]
) -> tuple[CharacteristicResult, float | None]:
    weight = ctx.level_by_id[characteristic.level].weight
    partners = _partner_scores(ctx, tally, checks)
    agg = _aggregate(ctx, weight, checks, partners)
    enough = agg.value is not None and agg.answered_share >= ctx.rules.min_answered_share
    band = aggregate_band(agg.value, ctx) if enough else BandId.INSUFFICIENT
    statement_bands = [b for c in checks if c.severity and (b := severity_band(c.severity))]
    for statement_band in statement_bands:
        if BAND_ORDER[statement_band] > BAND_ORDER[band]:
            band = statement_band
    compatibility = None
    if band != BandId.INSUFFICIENT:
        value = agg.value if enough and agg.value is not None else 100.0
        if band in (BandId.PAUSE, BandId.SERIOUS):
            value = min(value, _band_ceiling(band, ctx))
        compatibility = _round(value)
    result = CharacteristicResult(
        id=characteristic.id,
        name=characteristic.name,
        level=characteristic.level,
        partners=partners,
        alignment=_round(agg.alignment),
        readiness_floor=_round(agg.readiness_floor),
        compatibility=compatibility,
        band=band,
        band_label=BAND_LABELS[band],
        advice=_advice(ctx, characteristic, band),
        red_flag=bool(statement_bands),
        limited_by=agg.limited_by,
        items=tuple(c.item for c in checks),
        discussion_prompts=characteristic.discussion_prompts,
        answered_share=round(agg.answered_share, 4),
    )
    return result, agg.value if enough else None


def _advice(ctx: Context, characteristic: Characteristic, band: BandId) -> str:
    return characteristic.advice.get(band) or ctx.banks.spine.band_advice[band]


def _not_assessed(ctx: Context, characteristic: Characteristic) -> CharacteristicResult:
    spine = ctx.banks.spine
    ptype = ctx.assessment.partnership_type
    adds = spine.id not in ctx.assessment.banks and any(
        s.applies(ptype) and spine.spine_characteristic_of(s) == characteristic.id
        for s in spine.statements
    )
    return CharacteristicResult(
        id=characteristic.id,
        name=characteristic.name,
        level=characteristic.level,
        partners=tuple(
            PartnerScore(partner=p, readiness=None, spread=None, respondents=ctx.respondents_of(p))
            for p in ctx.partner_ids
        ),
        alignment=None,
        readiness_floor=None,
        compatibility=None,
        band=BandId.INSUFFICIENT,
        band_label=BAND_LABELS[BandId.INSUFFICIENT],
        advice=_advice(ctx, characteristic, BandId.INSUFFICIENT),
        red_flag=False,
        items=(),
        discussion_prompts=characteristic.discussion_prompts,
        answered_share=0.0,
        assessed=False,
        added_by=(spine.title,) if adds else (),
    )
