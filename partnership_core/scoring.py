"""The scoring method: from ratings to readiness, alignment, bands, level verdicts and a stage.

Pure and deterministic. Sums use `math.fsum` so that partner order never changes a number.
docs/scoring.md writes the same method down with its formulas.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .assessment import NOT_SURE, Assessment, Importance
from .bank import BandId, BankSet, LevelId
from .results import (
    BAND_LABELS,
    VERDICT_LABELS,
    AgendaItem,
    AssessmentResult,
    CharacteristicResult,
    Coverage,
    ItemResult,
    LevelResult,
    PartnerScore,
    PerceptionGap,
    Verdict,
)

__all__ = ["ScoringRules", "DEFAULT_RULES", "load_rules", "normalise", "score_assessment"]

_RULES_FILE = Path(__file__).resolve().parent / "data" / "scoring_rules.yaml"


class BandThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    strong: float = Field(ge=0, le=100)
    workable: float = Field(ge=0, le=100)
    pause: float = Field(ge=0, le=100)


class ScoringRules(BaseModel):
    """Every threshold and weight of the method (level weights live with the levels)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    band_thresholds: BandThresholds
    red_flag_gap: float = Field(gt=0, le=300)
    min_answered_share: float = Field(ge=0, le=1)
    importance_factors: dict[Importance, float]
    default_importance: Importance
    agenda_min_concern: float = Field(ge=0, le=100)
    perception_gap_notable: float = Field(ge=0, le=100)


def load_rules(path: Path | str = _RULES_FILE) -> ScoringRules:
    with open(path, encoding="utf-8") as fh:
        return ScoringRules.model_validate(yaml.safe_load(fh))


DEFAULT_RULES = load_rules()

_VERDICT_SEVERITY = {
    Verdict.CLEAR: 0,
    Verdict.CONDITIONS: 1,
    Verdict.INCOMPLETE: 2,
    Verdict.PAUSE: 3,
    Verdict.STOP: 4,
}
_CLEARED = {Verdict.CLEAR, Verdict.CONDITIONS}


def normalise(rating: int, reverse: bool = False) -> float:
    """A 1-5 rating as 0-100, where 100 always means 'ready' (reverse items are flipped)."""
    return float((5 - rating) * 25 if reverse else (rating - 1) * 25)


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return math.fsum(values) / len(values) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def score_assessment(
    assessment: Assessment, banks: BankSet, rules: ScoringRules = DEFAULT_RULES
) -> AssessmentResult:
    """Score an assessment, complete or partial.

    Args:
        assessment: partners, respondents and answers.
        banks: the banks the assessment uses (`load_bank_set(assessment.banks)`).
        rules: thresholds; the defaults come from `data/scoring_rules.yaml`.

    Returns:
        The full result; never raises for missing answers (they show as coverage gaps).
    """
    warnings: list[str] = []
    partner_ids = [p.id for p in assessment.partners]
    statement_ids = [
        q
        for q in banks.applicable(assessment.partnership_type)
        if q.split(":")[0] in assessment.banks
    ]
    applicable = set(statement_ids)

    # Estimates stand in for a partner only when nobody from that partner answered.
    own_voices = {r.partner for r in assessment.respondents if not r.is_estimate}
    counted = {
        r.id: r for r in assessment.respondents if not r.is_estimate or r.partner not in own_voices
    }
    ignored_estimates = [r for r in assessment.respondents if r.id not in counted]
    if ignored_estimates:
        warnings.append(
            f"{len(ignored_estimates)} estimated answer set(s) were set aside because the "
            "partner answered for itself."
        )
    estimated_partners = {r.partner for r in counted.values() if r.is_estimate}

    # ratings[statement][partner] -> normalised scores of that partner's respondents
    ratings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    importance: dict[str, float] = {}
    comments: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    predictions: dict[tuple[str, str], list[float]] = defaultdict(list)
    rated_count: dict[str, int] = defaultdict(int)
    not_sure_count: dict[str, int] = defaultdict(int)
    unknown = 0
    for answer in assessment.answers:
        respondent = counted.get(answer.respondent)
        if respondent is None:
            continue
        if answer.statement not in applicable:
            unknown += 1
            continue
        _, statement = banks.statements[answer.statement]
        partner = respondent.partner
        if answer.rating == NOT_SURE:
            not_sure_count[partner] += 1
        else:
            rated_count[partner] += 1
            ratings[answer.statement][partner].append(normalise(answer.rating, statement.reverse))
        if answer.importance is not None:
            factor = rules.importance_factors[answer.importance]
            importance[answer.statement] = max(importance.get(answer.statement, 0.0), factor)
        if answer.comment and answer.comment.strip():
            comments[answer.statement].append((partner, respondent.name, answer.comment.strip()))
        if answer.prediction is not None:
            predictions[(answer.statement, partner)].append(
                normalise(answer.prediction, statement.reverse)
            )
    if unknown:
        warnings.append(
            f"{unknown} answer(s) refer to statements that do not apply to this partnership "
            "type or no longer exist; they were not scored."
        )

    default_factor = rules.importance_factors[rules.default_importance]
    items: dict[str, ItemResult] = {}
    for qid in statement_ids:
        bank, statement = banks.statements[qid]
        characteristic = banks.spine_characteristic(qid)
        per_partner = ratings.get(qid, {})
        scores = {p: _round(_mean(per_partner.get(p, []))) for p in partner_ids}
        spreads = {p: (max(v) - min(v)) if (v := per_partner.get(p)) else None for p in partner_ids}
        present = [s for s in scores.values() if s is not None]
        gap = (max(present) - min(present)) if len(present) >= 2 else None
        items[qid] = ItemResult(
            statement=qid,
            text=statement.text,
            characteristic=characteristic.id,
            level=characteristic.level,
            scores=scores,
            spreads=spreads,
            gap=_round(gap),
            importance=importance.get(qid, default_factor),
            comments=tuple(sorted(comments.get(qid, []))),
        )

    respondents_per_partner = {
        p: sum(1 for r in counted.values() if r.partner == p) for p in partner_ids
    }
    levels: list[LevelResult] = []
    for level in sorted(banks.spine.levels, key=lambda lv: lv.order):
        characteristic_results = []
        for characteristic in banks.spine.characteristics:
            if characteristic.level != level.id:
                continue
            char_items = [i for i in items.values() if i.characteristic == characteristic.id]
            if not char_items:
                continue
            characteristic_results.append(
                _score_characteristic(
                    characteristic.id,
                    char_items,
                    partner_ids,
                    respondents_per_partner,
                    level.weight,
                    banks,
                    rules,
                    ratings,
                )
            )
        verdict, explanation = _level_verdict(level.id, level.name, characteristic_results)
        compat = _mean(
            c.compatibility for c in characteristic_results if c.compatibility is not None
        )
        levels.append(
            LevelResult(
                id=level.id,
                name=level.name,
                order=level.order,
                weight=level.weight,
                verdict=verdict,
                verdict_label=VERDICT_LABELS[verdict],
                explanation=explanation,
                characteristics=tuple(characteristic_results),
                compatibility=_round(compat),
            )
        )

    overall, stage = _overall(levels)
    coverage = tuple(
        Coverage(
            partner=p,
            expected=len(statement_ids) * respondents_per_partner[p],
            rated=rated_count[p],
            not_sure=not_sure_count[p],
            unanswered=max(
                0,
                len(statement_ids) * respondents_per_partner[p]
                - rated_count[p]
                - not_sure_count[p],
            ),
        )
        for p in partner_ids
    )
    names = {p.id: p.name for p in assessment.partners}
    for cov in coverage:
        if respondents_per_partner[cov.partner] == 0:
            warnings.append(f"Nobody has answered for {names[cov.partner]} yet.")
        elif cov.unanswered or cov.not_sure:
            warnings.append(
                f"{names[cov.partner]}: {cov.rated} of {cov.expected} ratings given "
                f"({cov.unanswered} unanswered, {cov.not_sure} 'not sure'); "
                "results for this partner rest on fewer answers."
            )
    for p in sorted(estimated_partners, key=partner_ids.index):
        warnings.append(
            f"The answers for {names[p]} are an estimate made by another partner, "
            f"not {names[p]}'s own view."
        )

    perception = _perception_gaps(items, predictions, partner_ids, banks)
    agenda = _agenda(items, levels, perception, banks, rules)
    headline, next_step = _headline(overall, stage, levels)
    partial = any(c.unanswered or c.not_sure for c in coverage) or any(
        respondents_per_partner[p] == 0 for p in partner_ids
    )
    all_compat = [c.compatibility for lv in levels for c in lv.characteristics]
    return AssessmentResult(
        partnership=assessment.name,
        partner_names=names,
        levels=tuple(levels),
        overall_verdict=overall,
        overall_label=VERDICT_LABELS[overall],
        stage=stage,
        headline=headline,
        next_step=next_step,
        compatibility=_round(_mean(c for c in all_compat if c is not None)),
        perception_gaps=perception,
        agenda=agenda,
        coverage=coverage,
        partial=partial,
        warnings=tuple(warnings),
        uses_estimates=bool(estimated_partners),
    )


def _score_characteristic(
    characteristic_id: str,
    char_items: list[ItemResult],
    partner_ids: list[str],
    respondents_per_partner: dict[str, int],
    level_weight: float,
    banks: BankSet,
    rules: ScoringRules,
    ratings: dict[str, dict[str, list[float]]],
) -> CharacteristicResult:
    characteristic = banks.spine.characteristic_by_id[characteristic_id]
    partner_scores = []
    for p in partner_ids:
        readiness = _mean(i.scores[p] for i in char_items if i.scores[p] is not None)
        spread = _mean(
            i.spreads[p]
            for i in char_items
            if i.spreads[p] is not None and len(ratings[i.statement][p]) >= 2
        )
        partner_scores.append(
            PartnerScore(
                partner=p,
                readiness=_round(readiness),
                spread=_round(spread),
                respondents=respondents_per_partner[p],
            )
        )
    gaps = [i.gap for i in char_items if i.gap is not None]
    alignment = 100.0 - _mean(gaps) if gaps else None
    readiness_values = [s.readiness for s in partner_scores]
    readiness_floor = (
        min(readiness_values) if readiness_values and None not in readiness_values else None
    )
    expected = sum(len(char_items) * respondents_per_partner[p] for p in partner_ids)
    given = sum(len(ratings[i.statement][p]) for i in char_items for p in partner_ids)
    answered_share = given / expected if expected else 0.0
    red_flag = any(
        i.gap is not None and i.gap * level_weight >= rules.red_flag_gap for i in char_items
    )

    compatibility: float | None = None
    limited_by: Literal["alignment", "readiness"] | None = None
    if alignment is None or readiness_floor is None or answered_share < rules.min_answered_share:
        band = BandId.INSUFFICIENT
    else:
        weighted_alignment = max(0.0, 100.0 - level_weight * (100.0 - alignment))
        compatibility = min(weighted_alignment, readiness_floor)
        limited_by = "alignment" if weighted_alignment < readiness_floor else "readiness"
        band = _band(compatibility, rules)
        if red_flag and band in (BandId.STRONG, BandId.WORKABLE):
            band = BandId.PAUSE
    advice = characteristic.advice.get(band) or banks.spine.band_advice[band]
    return CharacteristicResult(
        id=characteristic.id,
        name=characteristic.name,
        level=characteristic.level,
        partners=tuple(partner_scores),
        alignment=_round(alignment),
        readiness_floor=_round(readiness_floor),
        compatibility=_round(compatibility),
        band=band,
        band_label=BAND_LABELS[band],
        advice=advice,
        red_flag=red_flag,
        limited_by=limited_by,
        items=tuple(char_items),
        discussion_prompts=characteristic.discussion_prompts,
        answered_share=round(answered_share, 4),
    )


def _band(compatibility: float, rules: ScoringRules) -> BandId:
    t = rules.band_thresholds
    if compatibility >= t.strong:
        return BandId.STRONG
    if compatibility >= t.workable:
        return BandId.WORKABLE
    if compatibility >= t.pause:
        return BandId.PAUSE
    return BandId.SERIOUS


def _names(results: list[CharacteristicResult], band: BandId) -> str:
    """Names in a band, each saying whether the partners differ or are jointly not ready."""
    why = {"alignment": "the partners differ", "readiness": "not ready yet"}
    return ", ".join(
        f"'{c.name}' ({why[c.limited_by]})" if c.limited_by else f"'{c.name}'"
        for c in results
        if c.band == band
    )


def _level_verdict(
    level: LevelId, level_name: str, results: list[CharacteristicResult]
) -> tuple[Verdict, str]:
    bands = {c.band for c in results}
    if not results or bands == {BandId.INSUFFICIENT}:
        return Verdict.INCOMPLETE, (
            "There are not yet enough answers from every partner to judge the "
            f"{level_name.lower()} level."
        )
    if BandId.SERIOUS in bands:
        serious = _names(results, BandId.SERIOUS)
        if level == LevelId.ENTRY:
            return Verdict.STOP, (
                f"Serious concern on {serious}. Differences at entry level are the hardest to "
                "reconcile: do not go further until the partners have resolved them, and be "
                "prepared to decide not to partner."
            )
        if level == LevelId.DECISION:
            return Verdict.STOP, (
                f"Serious concern on {serious}. These terms must be settled before anyone "
                "commits to the partnership."
            )
        return Verdict.PAUSE, (
            f"Serious concern on {serious}. Operational differences are procedural and can be "
            "worked out with effort and goodwill, but agree how before you start."
        )
    if BandId.PAUSE in bands:
        pause = _names(results, BandId.PAUSE)
        return Verdict.PAUSE, (
            f"Cause for pause on {pause}: talk these through and agree a way forward before "
            "moving on."
        )
    if BandId.INSUFFICIENT in bands:
        return Verdict.INCOMPLETE, (
            f"Not enough answers on {_names(results, BandId.INSUFFICIENT)} to judge this level; "
            "the rest shows no mismatch."
        )
    if BandId.WORKABLE in bands:
        workable = sum(c.band == BandId.WORKABLE for c in results)
        return Verdict.CONDITIONS, (
            f"No mismatch, but {_names(results, BandId.WORKABLE)} "
            f"{'needs' if workable == 1 else 'need'} work: agree the details "
            "and record them."
        )
    return Verdict.CLEAR, "The partners are aligned and ready on every characteristic."


def _overall(levels: list[LevelResult]) -> tuple[Verdict, LevelId | None]:
    ordered = sorted(levels, key=lambda lv: lv.order)
    stage = next((lv.id for lv in ordered if lv.verdict not in _CLEARED), None)
    entry = next((lv for lv in ordered if lv.id == LevelId.ENTRY), None)
    if entry is not None and entry.verdict == Verdict.STOP:
        return Verdict.STOP, LevelId.ENTRY
    if not ordered:
        return Verdict.INCOMPLETE, None
    worst = max((lv.verdict for lv in ordered), key=_VERDICT_SEVERITY.__getitem__)
    return worst, stage


def _headline(
    verdict: Verdict, stage: LevelId | None, levels: list[LevelResult]
) -> tuple[str, str]:
    names = {lv.id: lv.name for lv in levels}
    if stage is None:
        if verdict == Verdict.CLEAR:
            return (
                "Ready to partner: the partners are aligned and ready at every level.",
                "Write the partnership agreement and set a date to review it together.",
            )
        return (
            "Ready to partner, with work to do: no level shows a mismatch.",
            "Agree the points marked 'workable' in writing as part of the partnership agreement.",
        )
    level_name = names[stage].lower()
    if verdict == Verdict.STOP and stage == LevelId.ENTRY:
        return (
            "Do not proceed yet: there is a serious concern at entry level.",
            "Meet to discuss the entry-level differences first. If they cannot be reconciled, "
            "it may be wiser not to partner.",
        )
    if verdict == Verdict.STOP:
        return (
            "Do not commit yet: a serious concern must be resolved first.",
            f"Start at the {level_name} level: settle the flagged characteristics before "
            "moving on, and resolve every serious concern before anyone signs.",
        )
    if verdict == Verdict.INCOMPLETE:
        return (
            "Not enough answers yet to judge the partnership.",
            "Ask every partner to answer the remaining statements, then look again.",
        )
    return (
        f"Cause for pause at the {level_name} level.",
        f"Work through the discussion agenda for the {level_name} level before moving on; "
        "levels are cleared in order.",
    )


def _perception_gaps(
    items: dict[str, ItemResult],
    predictions: dict[tuple[str, str], list[float]],
    partner_ids: list[str],
    banks: BankSet,
) -> tuple[PerceptionGap, ...]:
    gaps = []
    for (qid, predictor), values in predictions.items():
        item = items.get(qid)
        if item is None:
            continue
        predicted = _mean(values)
        assert predicted is not None
        for other in partner_ids:
            actual = item.scores.get(other)
            if other == predictor or actual is None:
                continue
            gaps.append(
                PerceptionGap(
                    statement=qid,
                    text=item.text,
                    characteristic=item.characteristic,
                    predictor_partner=predictor,
                    predicted=round(predicted, 2),
                    other_partner=other,
                    actual=actual,
                    gap=round(abs(predicted - actual), 2),
                )
            )
    order = {p: i for i, p in enumerate(partner_ids)}
    gaps.sort(
        key=lambda g: (-g.gap, g.statement, order[g.predictor_partner], order[g.other_partner])
    )
    return tuple(gaps)


def _agenda(
    items: dict[str, ItemResult],
    levels: list[LevelResult],
    perception: tuple[PerceptionGap, ...],
    banks: BankSet,
    rules: ScoringRules,
) -> tuple[AgendaItem, ...]:
    weight = {lv.id: lv.weight for lv in levels}
    order = {lv.id: lv.order for lv in levels}
    surprise = defaultdict(float)
    for g in perception:
        surprise[g.statement] = max(surprise[g.statement], g.gap)
    candidates = []
    for item in items.values():
        present = [s for s in item.scores.values() if s is not None]
        if not present:
            continue
        shortfall = 100.0 - math.fsum(present) / len(present)
        gap = item.gap or 0.0
        concern = max(gap, shortfall)
        if concern < rules.agenda_min_concern:
            continue
        priority = concern * weight[item.level] * item.importance
        if gap >= shortfall:
            reason = f"The partners differ by {gap:.0f} points out of 100."
        else:
            reason = f"Readiness is low on every side (average {100 - shortfall:.0f} of 100)."
        if surprise[item.statement] >= rules.perception_gap_notable:
            reason += " A partner's prediction missed by a wide margin, too."
        characteristic = banks.spine.characteristic_by_id[item.characteristic]
        candidates.append((priority, item, concern, reason, characteristic))
    candidates.sort(key=lambda c: (-round(c[0], 6), order[c[1].level], c[1].statement))
    return tuple(
        AgendaItem(
            rank=rank,
            statement=item.statement,
            text=item.text,
            characteristic=item.characteristic,
            characteristic_name=characteristic.name,
            level=item.level,
            gap=item.gap,
            concern=round(concern, 2),
            priority=round(priority, 2),
            scores=item.scores,
            reason=reason,
            prompts=characteristic.discussion_prompts,
        )
        for rank, (priority, item, concern, reason, characteristic) in enumerate(candidates, 1)
    )
