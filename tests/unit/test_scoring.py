"""The scoring method: rules of the three-level framework, and properties that must always hold."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnership_core.assessment import Answer, Assessment, Partner, Respondent
from partnership_core.bank import SPINE_BANK_ID, BandId, LevelId, PartnershipType, load_bank_set
from partnership_core.results import Verdict
from partnership_core.scoring import DEFAULT_RULES, normalise, score_assessment

BANKS = load_bank_set([SPINE_BANK_ID])
STATEMENTS = BANKS.applicable(PartnershipType.OTHER)
LEVEL_OF = {q: BANKS.spine_characteristic(q).level for q in STATEMENTS}
CHARACTERISTIC_OF = {q: BANKS.spine_characteristic(q).id for q in STATEMENTS}
REVERSE = {q: BANKS.statements[q][1].reverse for q in STATEMENTS}

Rater = Callable[[str, str], int | str | None]


def make(rate: Rater, partners: int = 2, per_partner: int = 1, **extra) -> Assessment:
    """An assessment in which respondent `r` of partner `p` gives `rate(respondent, qid)`."""
    partner_list = [Partner(id=f"p{i}", name=f"Partner {i}") for i in range(partners)]
    respondents = [
        Respondent(id=f"p{i}r{j}", name=f"Person {i}.{j}", partner=f"p{i}")
        for i in range(partners)
        for j in range(per_partner)
    ]
    answers = []
    for r in respondents:
        for q in STATEMENTS:
            rating = rate(r.id, q)
            if rating is not None:
                answers.append(Answer(respondent=r.id, statement=q, rating=rating))
    return Assessment(
        name="Test", partners=partner_list, respondents=respondents, answers=answers, **extra
    )


def ready(q: str) -> int:
    """The rating that means 'fully ready' for a statement (5, or 1 when reverse-scored)."""
    return 1 if REVERSE[q] else 5


def agree(q: str) -> int:
    """The rating that means 'agree' in the ready direction (4, or 2 when reverse-scored)."""
    return 2 if REVERSE[q] else 4


def test_normalise_maps_the_scale_and_flips_reverse_items():
    assert [normalise(r) for r in range(1, 6)] == [0, 25, 50, 75, 100]
    assert [normalise(r, reverse=True) for r in range(1, 6)] == [100, 75, 50, 25, 0]


def test_full_agreement_and_readiness_is_clear_at_every_level():
    result = score_assessment(make(lambda r, q: ready(q)), BANKS)
    assert result.overall_verdict == Verdict.CLEAR
    assert result.stage is None
    assert all(c.band == BandId.STRONG and c.compatibility == 100 for c in result.characteristics)
    assert not result.partial and not result.agenda


def test_an_entry_red_flag_stops_everything_whatever_the_rest_says():
    def rate(r: str, q: str) -> int:
        if CHARACTERISTIC_OF[q] == "driving-force" and r.startswith("p1"):
            return 6 - ready(q)  # the opposite end of the scale
        return ready(q)

    result = score_assessment(make(rate), BANKS)
    assert result.level(LevelId.ENTRY).verdict == Verdict.STOP
    assert result.level(LevelId.DECISION).verdict == Verdict.CLEAR
    assert result.level(LevelId.OPERATIONAL).verdict == Verdict.CLEAR
    assert result.overall_verdict == Verdict.STOP and result.stage == LevelId.ENTRY
    assert "Driving force" in result.level(LevelId.ENTRY).explanation


def test_the_same_serious_difference_is_only_a_pause_at_operational_level():
    def rate(r: str, q: str) -> int:
        if CHARACTERISTIC_OF[q] == "learning" and r.startswith("p1"):
            return 6 - ready(q)
        return ready(q)

    result = score_assessment(make(rate), BANKS)
    assert result.level(LevelId.OPERATIONAL).verdict == Verdict.PAUSE
    assert result.overall_verdict == Verdict.PAUSE and result.stage == LevelId.OPERATIONAL


@pytest.mark.parametrize("offset", [1, 2])
def test_a_difference_weighs_more_the_higher_the_level(offset: int):
    """One partner a fixed number of scale points below the other on every statement."""

    def rate(r: str, q: str) -> int:
        if r.startswith("p1"):
            return 5 - offset if not REVERSE[q] else 1 + offset
        return ready(q)

    result = score_assessment(make(rate), BANKS)
    by_level = {lv.id: lv for lv in result.levels}
    entry, decision, operational = (
        by_level[LevelId.ENTRY],
        by_level[LevelId.DECISION],
        by_level[LevelId.OPERATIONAL],
    )
    assert entry.weight > decision.weight > operational.weight
    assert entry.compatibility < decision.compatibility <= operational.compatibility


def test_any_serious_item_gap_is_at_least_a_cause_for_pause():
    target = next(q for q in STATEMENTS if CHARACTERISTIC_OF[q] == "synergy")

    def rate(r: str, q: str) -> int:
        if q == target and r.startswith("p1"):
            return 6 - ready(q)
        return ready(q)

    synergy = next(
        c for c in score_assessment(make(rate), BANKS).characteristics if c.id == "synergy"
    )
    assert synergy.red_flag
    assert synergy.band in (BandId.PAUSE, BandId.SERIOUS)


def test_levels_are_cleared_in_order():
    def rate(r: str, q: str) -> int:
        if LEVEL_OF[q] == LevelId.ENTRY and r.startswith("p1"):
            return 3
        return ready(q)

    result = score_assessment(make(rate), BANKS)
    assert result.level(LevelId.DECISION).verdict in (Verdict.CLEAR, Verdict.CONDITIONS)
    assert result.stage == LevelId.ENTRY


def test_differences_do_not_cancel_out_in_averages():
    """Partner A high on half the items and low on the rest, partner B the mirror image:
    equal averages, but the partners disagree on every single item."""
    flip: dict[str, bool] = {}

    def rate(r: str, q: str) -> int:
        flip.setdefault(q, len(flip) % 2 == 0)
        high = flip[q] == r.startswith("p0")
        return 5 if high else 1

    result = score_assessment(make(rate), BANKS)
    for c in result.characteristics:
        assert c.alignment == 0
        assert c.band == BandId.SERIOUS


def test_empty_assessment_is_incomplete_not_an_error():
    result = score_assessment(make(lambda r, q: None), BANKS)
    assert result.overall_verdict == Verdict.INCOMPLETE
    assert result.partial
    assert all(c.band == BandId.INSUFFICIENT for c in result.characteristics)
    assert all(cov.rated == 0 and cov.unanswered == cov.expected for cov in result.coverage)


def test_not_sure_counts_as_given_but_not_rated():
    # "agree" in the ready direction: a raw 4 on a reverse statement would now be a low rating
    result = score_assessment(make(lambda r, q: "not_sure" if r == "p0r0" else agree(q)), BANKS)
    p0 = next(c for c in result.coverage if c.partner == "p0")
    assert p0.not_sure == len(STATEMENTS) and p0.rated == 0 and p0.unanswered == 0
    assert result.overall_verdict == Verdict.INCOMPLETE
    assert any("not sure" in w for w in result.warnings)


def test_readiness_and_spread_aggregate_respondents_of_a_partner():
    def rate(r: str, q: str) -> int:
        return {"p0r0": 5, "p0r1": 1, "p1r0": 3, "p1r1": 3}[r]

    result = score_assessment(make(rate, per_partner=2), BANKS)
    culture = result.characteristics[0]
    p0, p1 = culture.partners
    assert p0.spread == 100 and p1.spread == 0
    assert p0.readiness == p1.readiness == 50
    assert culture.alignment == 100


def test_estimates_stand_in_only_for_partners_who_did_not_answer():
    base = make(lambda r, q: ready(q), partners=2)
    estimate = Respondent(id="guess", name="Our guess", partner="p1", is_estimate=True)
    guessed = [Answer(respondent="guess", statement=q, rating=3) for q in STATEMENTS]
    with_own = base.model_copy(
        update={"respondents": [*base.respondents, estimate], "answers": base.answers + guessed}
    )
    result = score_assessment(with_own, BANKS)
    assert not result.uses_estimates
    assert result.overall_verdict == Verdict.CLEAR
    assert any("set aside" in w for w in result.warnings)

    own_only = [r for r in base.respondents if r.partner == "p0"]
    only_guess = base.model_copy(
        update={
            "respondents": [*own_only, estimate],
            "answers": [a for a in base.answers if a.respondent == "p0r0"] + guessed,
        }
    )
    result = score_assessment(only_guess, BANKS)
    assert result.uses_estimates
    assert any("estimate" in w for w in result.warnings)


def test_perception_gap_compares_a_prediction_with_the_other_partners_answer():
    q = next(q for q in STATEMENTS if not REVERSE[q])
    assessment = make(lambda r, qq: 2 if r == "p1r0" else 4)
    answers = [
        a.model_copy(update={"prediction": 5}) if (a.respondent, a.statement) == ("p0r0", q) else a
        for a in assessment.answers
    ]
    result = score_assessment(assessment.model_copy(update={"answers": answers}), BANKS)
    (gap,) = result.perception_gaps
    assert (gap.statement, gap.predictor_partner, gap.other_partner) == (q, "p0", "p1")
    assert (gap.predicted, gap.actual, gap.gap) == (100, 25, 75)


def test_agenda_ranks_by_gap_level_weight_and_importance():
    entry_q = next(q for q in STATEMENTS if LEVEL_OF[q] == LevelId.ENTRY and not REVERSE[q])
    ops_q = next(q for q in STATEMENTS if LEVEL_OF[q] == LevelId.OPERATIONAL and not REVERSE[q])

    def rate(r: str, q: str) -> int:
        if q in (entry_q, ops_q) and r == "p1r0":
            return 2
        return ready(q)

    result = score_assessment(make(rate), BANKS)
    assert [a.statement for a in result.agenda] == [entry_q, ops_q]
    assert [a.rank for a in result.agenda] == [1, 2]

    importance = {ops_q: "high", entry_q: "low"}
    answers = [
        a.model_copy(update={"importance": importance[a.statement]})
        if a.statement in importance
        else a
        for a in make(rate).answers
    ]
    boosted = score_assessment(make(rate).model_copy(update={"answers": answers}), BANKS)
    assert boosted.agenda[0].statement == ops_q


def test_answers_to_statements_of_other_types_are_reported_not_scored():
    typed = next(
        q
        for q, (_, s) in BANKS.statements.items()
        if s.applies_to and "trisector" not in s.applies_to
    )
    assessment = make(lambda r, q: 4, partnership_type=PartnershipType.TRISECTOR)
    extra = Answer(respondent="p0r0", statement=typed, rating=1)
    result = score_assessment(
        assessment.model_copy(update={"answers": [*assessment.answers, extra]}), BANKS
    )
    assert any("do not apply" in w for w in result.warnings)


# ---------------------------------------------------------------- properties

ratings = st.one_of(st.integers(1, 5), st.just("not_sure"), st.none())


@st.composite
def assessments(draw, max_partners: int = 4) -> Assessment:
    partners = draw(st.integers(2, max_partners))
    per_partner = draw(st.integers(1, 2))
    table = draw(
        st.lists(ratings, min_size=len(STATEMENTS), max_size=len(STATEMENTS)).flatmap(
            lambda first: st.just(first)
        )
    )
    offsets = draw(
        st.lists(
            st.integers(-4, 4), min_size=partners * per_partner, max_size=partners * per_partner
        )
    )
    index = {q: i for i, q in enumerate(STATEMENTS)}

    def rate(r: str, q: str) -> int | str | None:
        base = table[index[q]]
        if not isinstance(base, int):
            return base
        k = int(r[1]) * per_partner + int(r.split("r")[1])
        return min(5, max(1, base + offsets[k]))

    return make(rate, partners=partners, per_partner=per_partner)


def _signature(result) -> dict:
    """Everything in a result that must not depend on partner order."""
    return {
        "verdict": result.overall_verdict,
        "stage": result.stage,
        "compatibility": result.compatibility,
        "levels": [(lv.id, lv.verdict, lv.compatibility) for lv in result.levels],
        "characteristics": [
            (
                c.id,
                c.alignment,
                c.compatibility,
                c.band,
                c.red_flag,
                c.readiness_floor,
                sorted((p.partner, p.readiness, p.spread) for p in c.partners),
            )
            for c in result.characteristics
        ],
        "agenda": [(a.statement, a.priority) for a in result.agenda],
        "perception": sorted(
            (g.statement, g.predictor_partner, g.other_partner, g.gap)
            for g in result.perception_gaps
        ),
        "coverage": sorted((c.partner, c.rated, c.not_sure, c.unanswered) for c in result.coverage),
        "headline": (
            result.headline,
            result.next_step,
            result.headline_level,
            result.headline_characteristic,
            result.stands_apart,
        ),
        "findings": result.findings,
        "explanations": [lv.explanation for lv in result.levels],
        "full_agenda": result.agenda,
        "talk_first": (result.talk_first, result.talk_first_minutes, result.agenda_groups),
        "warnings": sorted(result.warnings),
        "flagged": result.flagged_respondents,
    }


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(assessments(), st.randoms(use_true_random=False))
def test_partner_order_never_changes_a_result(assessment: Assessment, rnd):
    partners = list(assessment.partners)
    rnd.shuffle(partners)
    respondents = list(assessment.respondents)
    rnd.shuffle(respondents)
    answers = list(assessment.answers)
    rnd.shuffle(answers)
    shuffled = assessment.model_copy(
        update={"partners": partners, "respondents": respondents, "answers": answers}
    )
    assert _signature(score_assessment(shuffled, BANKS)) == _signature(
        score_assessment(assessment, BANKS)
    )


@PROPERTY
@given(assessments())
def test_scores_stay_within_bounds_and_scoring_is_deterministic(assessment: Assessment):
    result = score_assessment(assessment, BANKS)
    assert result == score_assessment(assessment, BANKS)
    for c in result.characteristics:
        for value in (c.alignment, c.compatibility, c.readiness_floor):
            assert value is None or 0 <= value <= 100
        for p in c.partners:
            assert p.readiness is None or 0 <= p.readiness <= 100
            assert p.spread is None or 0 <= p.spread <= 100
        assert 0 <= c.answered_share <= 1
        assert (c.compatibility is None) == (c.band == BandId.INSUFFICIENT)
    for item in result.agenda:
        assert 0 <= item.concern <= 100
    assert [a.rank for a in result.agenda] == list(range(1, len(result.agenda) + 1))


@PROPERTY
@given(
    st.lists(st.integers(1, 5), min_size=len(STATEMENTS), max_size=len(STATEMENTS)),
    st.lists(st.integers(1, 5), min_size=len(STATEMENTS), max_size=len(STATEMENTS)),
    st.integers(0, len(STATEMENTS) - 1),
)
def test_moving_an_answer_towards_the_other_partner_never_lowers_alignment(a, b, i):
    index = {q: k for k, q in enumerate(STATEMENTS)}
    q = STATEMENTS[i]
    if a[i] == b[i]:
        return
    moved = list(a)
    moved[i] += 1 if b[i] > a[i] else -1

    def rater(first):
        return lambda r, qq: (first if r.startswith("p0") else b)[index[qq]]

    before = score_assessment(make(rater(a)), BANKS)
    after = score_assessment(make(rater(moved)), BANKS)
    char = CHARACTERISTIC_OF[q]
    align_before = next(c.alignment for c in before.characteristics if c.id == char)
    align_after = next(c.alignment for c in after.characteristics if c.id == char)
    assert align_after >= align_before


_SEVERITY = {
    Verdict.CLEAR: 0,
    Verdict.CONDITIONS: 1,
    Verdict.INCOMPLETE: 2,
    Verdict.PAUSE: 3,
    Verdict.STOP: 4,
}


@PROPERTY
@given(assessments(max_partners=3), st.data())
def test_lowering_a_partner_to_least_ready_on_one_statement_never_improves_a_verdict(
    assessment: Assessment, data
):
    rated = sorted(
        {(a.statement, a.respondent[:2]) for a in assessment.answers if isinstance(a.rating, int)}
    )
    if not rated:
        return
    statement, partner = data.draw(st.sampled_from(rated))
    worst = 5 if REVERSE[statement] else 1
    lowered = assessment.model_copy(
        update={
            "answers": [
                a.model_copy(update={"rating": worst})
                if a.statement == statement
                and a.respondent.startswith(partner)
                and isinstance(a.rating, int)
                else a
                for a in assessment.answers
            ]
        }
    )
    before, after = score_assessment(assessment, BANKS), score_assessment(lowered, BANKS)
    assert _SEVERITY[after.overall_verdict] >= _SEVERITY[before.overall_verdict]
    for lv_before, lv_after in zip(before.levels, after.levels, strict=True):
        assert _SEVERITY[lv_after.verdict] >= _SEVERITY[lv_before.verdict], lv_before.id


@PROPERTY
@given(assessments())
def test_no_number_sits_in_a_better_band_than_its_verdict(assessment: Assessment):
    result = score_assessment(assessment, BANKS)
    t = DEFAULT_RULES.band_thresholds
    ceiling = {
        BandId.PAUSE: DEFAULT_RULES.rating_points(t.workable),
        BandId.SERIOUS: DEFAULT_RULES.rating_points(t.pause),
    }
    for c in result.characteristics:
        if c.band in ceiling:
            assert c.compatibility < ceiling[c.band]
    for level in result.levels:
        worst = [c.compatibility for c in level.characteristics if c.compatibility is not None]
        if level.compatibility is not None:
            assert level.compatibility == min(worst)
        if level.verdict == Verdict.STOP:
            assert level.compatibility < ceiling[BandId.SERIOUS]
    assert [i.rank for i in result.talk_first] == list(range(1, len(result.talk_first) + 1))
    assert len(result.talk_first) <= DEFAULT_RULES.talk_first_max


def test_rules_come_from_data():
    assert DEFAULT_RULES.band_thresholds.strong > DEFAULT_RULES.band_thresholds.workable
    weights = {lv.id: lv.weight for lv in BANKS.spine.levels}
    assert weights[LevelId.ENTRY] > weights[LevelId.DECISION] > weights[LevelId.OPERATIONAL]


# ---------------------------------------------------------------- the steps, one at a time


def _context(assessment: Assessment):
    from partnership_core.scoring.tally import build_context

    return build_context(assessment, BANKS, DEFAULT_RULES)


def test_step_tally_sorts_answers_by_statement_partner_and_respondent():
    from partnership_core.scoring.tally import tally_answers

    ctx = _context(make(lambda r, q: "not_sure" if r == "p1r1" else 4, per_partner=2))
    tally = tally_answers(ctx)
    q = STATEMENTS[0]
    assert [r.respondent for r in tally.partner_ratings(q, "p0")] == ["p0r0", "p0r1"]
    assert tally.rated["p1"] == len(STATEMENTS) and tally.not_sure["p1"] == len(STATEMENTS)


def test_step_statement_rules_fire_on_one_statement_alone():
    from partnership_core.scoring.statements import check_statements
    from partnership_core.scoring.tally import tally_answers

    target = next(q for q in STATEMENTS if not REVERSE[q])
    ratings = {"p0r0": 5, "p0r1": 5, "p1r0": 4, "p1r1": 1}
    ctx = _context(make(lambda r, q: ratings[r] if q == target else ready(q), per_partner=2))
    check = check_statements(ctx, tally_answers(ctx))[target]
    rules = {(h.rule, h.severity) for h in check.hits}
    # p1 at 2.5: two and a half steps below p0, its own people three steps apart
    assert rules == {("partners-differ", "concern"), ("internal-split", "concern")}
    split = next(h for h in check.hits if h.rule == "internal-split")
    assert split.partners == ("p1",) and split.respondents == ("Person 1.0", "Person 1.1")
    others = [c for q, c in check_statements(ctx, tally_answers(ctx)).items() if q != target]
    assert all(not c.hits for c in others)


def test_step_aggregate_bands_follow_the_rating_thresholds():
    from partnership_core.scoring.characteristics import aggregate_band

    ctx = _context(make(lambda r, q: None))
    points = DEFAULT_RULES.rating_points
    assert aggregate_band(points(4.0), ctx) == BandId.STRONG
    assert aggregate_band(points(3.75), ctx) == BandId.STRONG
    assert aggregate_band(points(3.49), ctx) == BandId.WORKABLE
    assert aggregate_band(points(3.0), ctx) == BandId.WORKABLE
    assert aggregate_band(points(2.9), ctx) == BandId.PAUSE
    assert aggregate_band(points(1.9), ctx) == BandId.SERIOUS


def test_step_straight_lining_needs_both_wordings_and_enough_ratings():
    from partnership_core.scoring.checks import straight_lining
    from partnership_core.scoring.tally import tally_answers

    ctx = _context(make(lambda r, q: 5))
    assert [f.respondent for f in straight_lining(ctx, tally_answers(ctx))] == ["p0r0", "p1r0"]
    forward_only = [q for q in STATEMENTS if not REVERSE[q]]
    ctx = _context(make(lambda r, q: 5 if q in forward_only else None))
    assert straight_lining(ctx, tally_answers(ctx)) == ()


def test_rules_refuse_inconsistent_thresholds_and_unknown_placeholders():
    data = DEFAULT_RULES.model_dump(mode="json")
    with pytest.raises(ValueError, match="differ_serious_steps"):
        type(DEFAULT_RULES).model_validate({**data, "differ_serious_steps": 1})
    prompts = {**data["prompts"], "misreading": "{who} expected {statement}"}
    with pytest.raises(ValueError, match="prompts.misreading"):
        type(DEFAULT_RULES).model_validate({**data, "prompts": prompts})
    assert DEFAULT_RULES.split_agenda_points == 50


def test_an_agenda_reason_names_strongly_disagree_only_when_every_low_partner_is_there():
    first, second = [q for q in STATEMENTS if not REVERSE[q]][:2]

    def rate(r: str, q: str) -> int:
        if q == first:
            return 1  # both partners strongly disagree
        if q == second:
            return 2 if r.startswith("p0") else 1  # one at disagree, one below
        return ready(q)

    reasons = {item.statement: item.reason for item in score_assessment(make(rate), BANKS).agenda}
    assert "at “strongly disagree”" in reasons[first]
    assert "“disagree” or below" in reasons[second]
