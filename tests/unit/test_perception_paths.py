"""Perception gaps keep each answer's guesses once, not once per other partner: the result
must equal the plain method, one group of guesses per (statement, predictor, other partner)."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnership_core.assessment import Answer, Assessment, Partner, Respondent
from partnership_core.bank import SPINE_BANK_ID, PartnershipType, load_bank_set
from partnership_core.results import PerceptionGap
from partnership_core.scoring import DEFAULT_RULES, normalise, score_assessment
from partnership_core.scoring.statements import check_statements
from partnership_core.scoring.tally import build_context, tally_answers

BANKS = load_bank_set([SPINE_BANK_ID])
STATEMENTS = BANKS.applicable(PartnershipType.OTHER)[:6]
_EPS = 1e-9


def _plain_gaps(assessment: Assessment) -> list[tuple]:
    """The method written out: every guess expanded to the partner it is about."""
    ctx = build_context(assessment, BANKS, DEFAULT_RULES)
    checks = check_statements(ctx, tally_answers(ctx))
    groups: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for answer in assessment.answers:
        respondent = ctx.counted.get(answer.respondent)
        if respondent is None or answer.statement not in checks:
            continue
        reverse = BANKS.statements[answer.statement][1].reverse
        for other in ctx.partner_ids:
            guess = answer.prediction_about(other) if other != respondent.partner else None
            if guess is not None:
                key = (answer.statement, respondent.partner, other)
                groups.setdefault(key, []).append((respondent.name, normalise(guess, reverse)))
    gaps = []
    for (qid, predictor, other), guesses in groups.items():
        actual = checks[qid].present().get(other)
        if actual is None:
            continue
        predicted = math.fsum(score for _, score in guesses) / len(guesses)
        gap = abs(predicted - actual)
        gaps.append(
            (
                qid,
                predictor,
                other,
                round(predicted, 2),
                actual,
                round(gap, 2),
                tuple(sorted({name for name, _ in guesses})),
                gap + _EPS >= DEFAULT_RULES.perception_gap_notable,
            )
        )
    return sorted(gaps)


def _fields(gap: PerceptionGap) -> tuple:
    return (
        gap.statement,
        gap.predictor_partner,
        gap.other_partner,
        gap.predicted,
        gap.actual,
        gap.gap,
        gap.predictors,
        gap.misreading,
    )


_guess = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def assessments(draw: st.DrawFn) -> Assessment:
    n_partners = draw(st.integers(2, 4))
    partners = [Partner(id=f"p{i}", name=f"Partner {i}") for i in range(n_partners)]
    respondents = [
        Respondent(id=f"p{i}r{j}", name=f"Person {j % 2}", partner=f"p{i}")
        for i in range(n_partners)
        for j in range(draw(st.integers(1, 3)))
    ]
    answers = []
    for r in respondents:
        others = [p.id for p in partners if p.id != r.partner]
        for q in STATEMENTS:
            if not draw(st.booleans()):
                continue
            per_partner = draw(st.dictionaries(st.sampled_from(others), st.integers(1, 5)))
            answers.append(
                Answer(
                    respondent=r.id,
                    statement=q,
                    rating=draw(st.one_of(st.integers(1, 5), st.just("not_sure"))),
                    prediction=draw(_guess),
                    predictions=per_partner or None,
                )
            )
    return Assessment(name="Test", partners=partners, respondents=respondents, answers=answers)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_perception_gaps_equal_the_plain_method(assessment: Assessment) -> None:
    result = score_assessment(assessment, BANKS)
    assert sorted(_fields(g) for g in result.perception_gaps) == _plain_gaps(assessment)
