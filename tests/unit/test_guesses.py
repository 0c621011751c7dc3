"""Guesses per other partner: the answer model, its files, and the perception gaps."""

from __future__ import annotations

import pytest

from partnership_core.assessment import (
    Answer,
    Assessment,
    Partner,
    Respondent,
    dump_assessment,
    parse_assessment,
)
from partnership_core.bank import BankSet
from partnership_core.errors import AssessmentFileError
from partnership_core.scoring import score_assessment

Q = "three-levels:cc-values"


def _trio(answers: list[Answer]) -> Assessment:
    return Assessment(
        name="Warm homes",
        partners=[
            Partner(id="council", name="City Council"),
            Partner(id="shelter", name="Shelter Now"),
            Partner(id="fresh", name="FreshMart"),
        ],
        respondents=[
            Respondent(id="ann", name="Ann", partner="council"),
            Respondent(id="ben", name="Ben", partner="shelter"),
            Respondent(id="eli", name="Eli", partner="fresh"),
        ],
        answers=answers,
    )


def test_a_guess_per_partner_falls_back_to_the_single_guess() -> None:
    answer = Answer(respondent="ann", statement=Q, rating=4, prediction=3, predictions={"fresh": 1})
    assert answer.prediction_about("fresh") == 1
    assert answer.prediction_about("shelter") == 3
    old = Answer(respondent="ann", statement=Q, rating=4, prediction=2)
    assert old.prediction_about("fresh") == old.prediction_about("shelter") == 2
    assert old.has_prediction and not Answer(respondent="a", statement=Q, rating=1).has_prediction


def test_guesses_round_trip_and_old_files_are_unchanged() -> None:
    trio = _trio(
        [Answer(respondent="ann", statement=Q, rating=4, predictions={"shelter": 5, "fresh": 1})]
    )
    assert parse_assessment(dump_assessment(trio)) == trio
    single = _trio([Answer(respondent="ann", statement=Q, rating=4, prediction=2)])
    assert '"predictions"' not in dump_assessment(single)


@pytest.mark.parametrize(("about", "value"), [("council", 3), ("nobody", 3), ("fresh", 6)])
def test_a_guess_about_oneself_an_unknown_partner_or_off_the_scale_is_refused(
    about: str, value: int
) -> None:
    text = dump_assessment(_trio([])).replace(
        '"answers": []',
        f'"answers": [{{"respondent": "ann", "statement": "{Q}", "rating": 4, '
        f'"predictions": {{"{about}": {value}}}}}]',
    )
    with pytest.raises(AssessmentFileError, match="predictions"):
        parse_assessment(text)


def test_perception_gaps_use_the_partner_each_guess_was_about(banks: BankSet) -> None:
    answers = [
        Answer(respondent="ann", statement=Q, rating=4, predictions={"shelter": 5, "fresh": 1}),
        Answer(respondent="ben", statement=Q, rating=1),
        Answer(respondent="eli", statement=Q, rating=1),
    ]
    gaps = {
        (g.predictor_partner, g.other_partner): g.gap
        for g in score_assessment(_trio(answers), banks).perception_gaps
    }
    assert gaps == {("council", "shelter"): 100.0, ("council", "fresh"): 0.0}
    # One guess for everyone (old files) is compared with every other partner.
    single = [answers[0].model_copy(update={"predictions": None, "prediction": 5}), *answers[1:]]
    gaps = {
        (g.predictor_partner, g.other_partner): g.gap
        for g in score_assessment(_trio(single), banks).perception_gaps
    }
    assert gaps == {("council", "shelter"): 100.0, ("council", "fresh"): 100.0}
