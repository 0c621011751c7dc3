"""The minimum group size (an anonymity option, default 3): a partner with fewer people shows
neither its internal spread nor attributed comments, in the results, the export and the
summary report alike. Harbour Trust brings two people who disagree and one comments;
Northwind Ltd brings three who disagree as well.
"""

from __future__ import annotations

from contextlib import closing

import pytest
from db_helpers import Clock

from partnership_core.assessment import Answer, Assessment, Respondent, dump_assessment
from partnership_core.bank import load_bank_set
from partnership_core.report import build_report_model, render_html
from partnership_core.results import AssessmentResult, FindingRule
from partnership_core.scoring import score_assessment
from partnership_core.workshop import AnonymityOptions, WorkshopService, scoring_rules
from partnership_core.workshop.rules import small_groups_with_comments

pytestmark = pytest.mark.slow  # real databases and a rendered report

BANKS = ["three-levels"]
HARBOUR = [("Hana Harbour", 5, "Our board is nervous about this."), ("Hugo Harbour", 1, None)]
NORTHWIND = [
    ("Nia North", 5, "We need a clear exit."),
    ("Ned North", 1, None),
    ("Nel North", 3, None),
]


@pytest.fixture
def svc(db_url: str, clock: Clock):
    with closing(WorkshopService(db_url, clock=clock)) as service:
        yield service


def _revealed(svc: WorkshopService, **anonymity: object) -> tuple[str, Assessment]:
    created = svc.create_workshop(
        "Small groups", "other", BANKS, ["Harbour Trust", "Northwind Ltd"], anonymity=anonymity
    )
    token = created.facilitator_token
    statements = svc.dashboard(token).workshop.statements[:3]
    for partner, people in (("p1", HARBOUR), ("p2", NORTHWIND)):
        for name, rating, comment in people:
            person = svc.join(created.join_code, partner, name, f"k:{name}").participant_token
            for q in statements:
                svc.save_answer(
                    person, Answer(respondent="x", statement=q, rating=rating, comment=comment)
                )
    svc.reveal(token)
    return token, svc.export(token)


def _score(assessment: Assessment, anonymity: AnonymityOptions) -> AssessmentResult:
    return score_assessment(assessment, load_bank_set(assessment.banks), scoring_rules(anonymity))


def _split_partners(result: AssessmentResult) -> set[str]:
    return {p for f in result.findings if f.rule == FindingRule.INTERNAL_SPLIT for p in f.partners}


def _spreads(result: AssessmentResult, partner: str) -> set[float | None]:
    return {
        item.spreads[partner]
        for ch in result.characteristics
        for item in ch.items
        if item.scores[partner] is not None
    }


def test_the_export_names_nobody_in_a_group_below_the_minimum(svc: WorkshopService) -> None:
    _, assessment = _revealed(svc)  # default minimum: 3
    names = {r.name: r.partner for r in assessment.respondents}
    assert names == {
        "Harbour Trust, respondent 1": "p1",
        "Harbour Trust, respondent 2": "p1",
        "Nia North": "p2",
        "Ned North": "p2",
        "Nel North": "p2",
    }
    dumped = dump_assessment(assessment)
    assert "Hana Harbour" not in dumped and "Hugo Harbour" not in dumped
    assert "Our board is nervous about this." in dumped  # the comment stays, unattributed
    # A minimum the group meets names everyone again.
    _, named = _revealed(svc, min_group_size=2)
    assert {"Hana Harbour", "Hugo Harbour"} <= {r.name for r in named.respondents}


def test_results_show_no_spread_inside_a_group_below_the_minimum(svc: WorkshopService) -> None:
    _, assessment = _revealed(svc)
    result = _score(assessment, AnonymityOptions())
    assert _spreads(result, "p1") == {None}
    assert _spreads(result, "p2") == {100.0}
    assert _split_partners(result) == {"p2"}
    harbour = [s for ch in result.characteristics for s in ch.partners if s.partner == "p1"]
    assert all(s.spread is None for s in harbour)
    # The same answers with a minimum of 2 show the split of both partners.
    both = _score(assessment, AnonymityOptions(min_group_size=2))
    assert _spreads(both, "p1") == {100.0}
    assert _split_partners(both) == {"p1", "p2"}


def test_the_summary_report_shows_no_spread_or_names_of_a_small_group(
    svc: WorkshopService,
) -> None:
    _, assessment = _revealed(svc)
    banks = load_bank_set(assessment.banks)
    report = build_report_model(assessment, banks, _score(assessment, AnonymityOptions()))
    assert {p for f in report.splits for p in f.partners} == {"Northwind Ltd"}
    harbour_comments = [c for c in report.comments if c.partner == "Harbour Trust"]
    assert harbour_comments and {c.respondent for c in harbour_comments} == {
        "Harbour Trust, respondent 1"
    }
    page = render_html(report)
    assert "Hana Harbour" not in page and "Hugo Harbour" not in page
    assert "Nia North" in page  # a group of three keeps its names


def test_scoring_rules_follow_the_minimum_group_size() -> None:
    assert scoring_rules(AnonymityOptions()).split_min_ratings == 3
    assert scoring_rules(AnonymityOptions(min_group_size=1)).split_min_ratings == 2
    assert scoring_rules(AnonymityOptions(min_group_size=7)).split_min_ratings == 7


def test_only_groups_of_two_or_more_below_the_minimum_that_commented_are_unnamed() -> None:
    people = [("a1", "p1"), ("a2", "p1"), ("b1", "p2"), ("c1", "p3"), ("c2", "p3")]
    respondents = [Respondent(id=i, name=i, partner=p) for i, p in people]
    answers = [
        Answer(respondent=i, statement="three-levels:x", rating=3, comment=comment)
        for i, comment in [("a1", "ours"), ("a2", None), ("b1", "mine"), ("c1", None), ("c2", "")]
    ]
    # p1: two people, a comment; p2: one person (that person is the partner); p3: no comment.
    assert small_groups_with_comments(answers, respondents, 3) == {"p1"}
    assert small_groups_with_comments(answers, respondents, 2) == set()
