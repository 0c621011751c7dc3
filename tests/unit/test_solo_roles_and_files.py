"""Answers belong to people, partner files match by confirmed names, estimates start from the
guesses already given: the pure solo logic (`partnership_core.solo`, `.matching`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnership_core.assessment import Answer, Assessment, Partner, Respondent, RespondentKind
from partnership_core.bank import PartnershipType, load_bank_set
from partnership_core.errors import AssessmentFileError
from partnership_core.matching import (
    check_mapping,
    exact_mapping,
    needs_confirmation,
    propose_matches,
    similar_names,
)
from partnership_core.solo import (
    OWN_RESPONDENT,
    add_estimate_respondent,
    carry_over,
    estimates_at_stake,
    guesses_as_estimate,
    merge_partner_file,
    new_assessment,
    own_role_for,
    role_change,
    role_change_message,
)

BANKS = load_bank_set(["three-levels"])
IDS = BANKS.applicable(PartnershipType.OTHER)


def _setup(own: int = 0, names: tuple[str, ...] = ("Northfield Food Bank", "FreshMart")):
    return new_assessment(
        name="Food bank and grocer",
        partnership_type=PartnershipType.OTHER,
        partner_names=list(names),
        bank_ids=["three-levels"],
        respondent_name="Amara",
        own_partner=own,
    )


def _answered(assessment: Assessment, respondent: str, n: int, **extra: object) -> Assessment:
    answers = [Answer(respondent=respondent, statement=q, rating=4, **extra) for q in IDS[:n]]
    return assessment.model_copy(update={"answers": [*assessment.answers, *answers]})


# ------------------------------------------------------------------ answers belong to people


def test_changing_who_you_answer_for_moves_no_answer() -> None:
    old = _answered(_setup(own=0), OWN_RESPONDENT, 52)
    switched = carry_over(old, _setup(own=1))
    by_partner = {r.id: r.partner for r in switched.respondents}
    assert by_partner[OWN_RESPONDENT] == "p1"  # the 52 answers stay with the food bank
    assert sum(1 for a in switched.answers if by_partner[a.respondent] == "p1") == 52
    me = own_role_for(switched, "p2")
    assert me is not None and me.id != OWN_RESPONDENT and me.kind is RespondentKind.ANSWERED
    assert not [a for a in switched.answers if a.respondent == me.id]
    # Switching back finds the first role again, with its answers; nothing was copied.
    back = carry_over(_answered(switched, me.id, 3), _setup(own=0))
    assert own_role_for(back, "p1").id == OWN_RESPONDENT
    counts = {r.id: sum(1 for a in back.answers if a.respondent == r.id) for r in back.respondents}
    assert counts == {OWN_RESPONDENT: 52, me.id: 3}


def test_a_renamed_person_keeps_their_answers() -> None:
    old = _answered(_setup(), OWN_RESPONDENT, 5)
    renamed = _setup().model_copy(
        update={"respondents": [Respondent(id="me", name="Amara Diallo", partner="p1")]}
    )
    kept = carry_over(old, renamed)
    assert [(r.id, r.name) for r in kept.respondents] == [("me", "Amara Diallo")]
    assert len(kept.answers) == 5


def test_role_change_says_what_happens() -> None:
    old = _answered(_setup(own=0), OWN_RESPONDENT, 52)
    assert role_change(old, OWN_RESPONDENT, "p1") is None
    change = role_change(old, OWN_RESPONDENT, "p2")
    assert change is not None and (change.left, change.resumed) == (52, 0)
    assert role_change_message(change) == (
        "You now answer for FreshMart. The 52 answers given for Northfield Food Bank stay "
        "with Northfield Food Bank. FreshMart's questionnaire starts empty."
    )
    switched = _answered(carry_over(old, _setup(own=1)), "me-p2", 1)
    back = role_change(switched, "me-p2", "p1")
    assert role_change_message(back) == (
        "You now answer for Northfield Food Bank. The 1 answer given for FreshMart stays with "
        "FreshMart. Your 52 earlier answers for Northfield Food Bank are back."
    )


# ------------------------------------------------------------------ matching partner files


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("FreshMart", "FreshMart Supermarkets", True),
        ("Fresh Mart", "freshmart", True),
        ("The Northfield Food Bank", "northfield food bank", True),
        ("FreshMart", "Fresh Foods", False),
        ("Mart", "FreshMart", False),  # a word, not a piece of one
        ("", "FreshMart", False),
    ],
)
def test_similar_names(a: str, b: str, similar: bool) -> None:
    assert similar_names(a, b) is similar


# Letters whose upper and lower case map back onto each other (not the Turkish dotless i).
_NAME = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éÉüß",
    min_size=1,
    max_size=12,
)


@given(words=st.lists(_NAME, min_size=1, max_size=4), extra=st.lists(_NAME, max_size=3))
def test_a_name_is_similar_to_itself_with_words_added_and_spaced_or_cased(
    words: list[str], extra: list[str]
) -> None:
    name = " ".join(words)
    assert similar_names(name, name)
    assert similar_names(name, "  ".join(words).upper())
    assert similar_names(name, "".join(words).lower())
    assert similar_names(name, " ".join([*words, *extra])) == similar_names(
        " ".join([*words, *extra]), name
    )
    assert similar_names(name, " ".join([*words, *extra]))


_PARTNER_NAMES = st.lists(
    st.sampled_from(["FreshMart", "Fresh Mart", "FreshMart Supermarkets", "Northfield", "Acme"]),
    min_size=2,
    max_size=4,
    unique_by=lambda n: n.replace(" ", "").casefold()[:9],
)


@given(ours=_PARTNER_NAMES, theirs=_PARTNER_NAMES, own=st.integers(0, 3))
def test_proposals_never_take_our_own_partner_nor_one_partner_twice(
    ours: list[str], theirs: list[str], own: int
) -> None:
    base = _setup(own=own % len(ours), names=tuple(ours))
    own_id = base.respondents[0].partner
    partners = [Partner(id=f"x{i}", name=n) for i, n in enumerate(theirs)]
    respondents = [
        Respondent(id=f"r{i}", name=f"R{i}", partner=p.id) for i, p in enumerate(partners)
    ]
    answers = [Answer(respondent=r.id, statement=IDS[0], rating=3) for r in respondents]
    other = Assessment(name="T", partners=partners, respondents=respondents, answers=answers)
    matches = propose_matches(base, other, own_id)
    proposed = [m.proposed for m in matches if m.proposed is not None]
    assert own_id not in proposed
    assert len(proposed) == len(set(proposed))
    assert [m.file_partner for m in matches] == [p.id for p in partners]
    for m in matches:
        if m.exact:
            ours_by_id = {p.id: p.name for p in base.partners}
            assert ours_by_id[m.proposed].casefold() == m.file_name.casefold()
    check_mapping(base, other, own_id, {m.file_partner: m.proposed for m in matches if m.proposed})


def _their_file(names: tuple[str, ...], answering: int, n: int = 5) -> Assessment:
    partners = [Partner(id=f"x{i}", name=name) for i, name in enumerate(names)]
    return Assessment(
        name="Their copy",
        partners=partners,
        respondents=[Respondent(id="dan", name="Daniel", partner=f"x{answering}")],
        answers=[Answer(respondent="dan", statement=q, rating=2) for q in IDS[:n]],
    )


def test_exact_names_match_without_asking_and_others_are_only_proposed() -> None:
    base = _setup()
    exact = propose_matches(base, _their_file(("northfield  food bank", "FRESHMART"), 1), "p1")
    assert [(m.file_name, m.proposed, m.exact, m.answers) for m in exact] == [
        ("FRESHMART", "p2", True, 5)
    ]
    assert not needs_confirmation(exact) and exact_mapping(exact) == {"x1": "p2"}
    fuzzy = propose_matches(
        base, _their_file(("Northfield Food Bank", "FreshMart Supermarkets"), 1), "p1"
    )
    assert [(m.proposed, m.exact) for m in fuzzy] == [("p2", False)]
    assert needs_confirmation(fuzzy) and exact_mapping(fuzzy) == {}
    unknown = propose_matches(base, _their_file(("Someone", "Else"), 1), "p1")
    assert [m.proposed for m in unknown] == [None]


def test_a_confirmed_mapping_imports_and_the_name_alone_does_not() -> None:
    base = _answered(_setup(), OWN_RESPONDENT, 5)
    theirs = _their_file(("Northfield Food Bank", "FreshMart Supermarkets"), 1)
    with pytest.raises(AssessmentFileError, match="None of the partners"):
        merge_partner_file(base, theirs, "p1")
    merged, names = merge_partner_file(base, theirs, "p1", mapping={"x1": "p2"})
    assert names == ["FreshMart"]
    imported = [r for r in merged.respondents if r.kind is RespondentKind.IMPORTED]
    assert [(r.name, r.partner) for r in imported] == [("Daniel", "p2")]
    assert len(merged.answers) == 10


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"x1": "p1"}, "You answer for Northfield Food Bank yourself"),
        ({"x0": "p2", "x1": "p2"}, "chosen for two partners"),
        ({"nope": "p2"}, "no longer fits"),
        ({"x1": "p9"}, "no longer fits"),
    ],
)
def test_a_mapping_that_would_misplace_answers_is_refused(
    mapping: dict[str, str], message: str
) -> None:
    theirs = _their_file(("A", "B"), 1)
    with pytest.raises(AssessmentFileError, match=message):
        check_mapping(_setup(), theirs, "p1", mapping)


def test_an_import_keeps_the_estimate_when_asked_and_replaces_it_otherwise() -> None:
    base, rid = add_estimate_respondent(_answered(_setup(), OWN_RESPONDENT, 5), "p2", "Amara")
    base = _answered(base, rid, 5)
    assert estimates_at_stake(base, ["p2"]) == ["FreshMart"]
    assert estimates_at_stake(base, ["p1"]) == []
    theirs = _their_file(("Northfield Food Bank", "FreshMart"), 1)
    kept, _ = merge_partner_file(base, theirs, "p1", keep_estimates=True)
    assert rid in {r.id for r in kept.respondents}
    assert sum(1 for a in kept.answers if a.respondent == rid) == 5
    replaced, _ = merge_partner_file(base, theirs, "p1")
    assert rid not in {r.id for r in replaced.respondents}


# ------------------------------------------------------------------ estimates from guesses


def test_an_estimate_starts_from_the_guesses_already_given() -> None:
    three = _setup(names=("A", "B", "C"))
    answers = [
        Answer(respondent="me", statement=IDS[0], rating=4, predictions={"p2": 2, "p3": 5}),
        Answer(respondent="me", statement=IDS[1], rating=4, prediction=3),  # any other
        Answer(respondent="me", statement=IDS[2], rating=4, predictions={"p3": 1}),
        Answer(respondent="me", statement=IDS[3], rating=4),
    ]
    base, rid = add_estimate_respondent(three.model_copy(update={"answers": answers}), "p2", "Me")
    filled = guesses_as_estimate(base, "me", rid, "p2")
    assert [(a.statement, a.rating, a.respondent) for a in filled] == [
        (IDS[0], 2, rid),
        (IDS[1], 3, rid),
    ]
    # A statement already estimated by hand is not overwritten.
    done = base.model_copy(
        update={"answers": [*answers, Answer(respondent=rid, statement=IDS[0], rating=5)]}
    )
    assert [a.statement for a in guesses_as_estimate(done, "me", rid, "p2")] == [IDS[1]]
