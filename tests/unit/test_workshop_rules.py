"""The workshop package's rules on their own, and the names the service now checks with
`text.check_name` (NFKC, no invisible characters) against the real repository."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime

import pytest
from db_helpers import Clock

from partnership_core.assessment import MAX_PARTNERS, Answer, Assessment, Partner, Respondent
from partnership_core.bank import PartnershipType
from partnership_core.errors import WorkshopError
from partnership_core.text import InvalidNameError
from partnership_core.workshop import WorkshopService, WorkshopState
from partnership_core.workshop.models import StoredParticipant
from partnership_core.workshop.rules import (
    check_allowed,
    expected_people_finished,
    is_join_code,
    match_partners,
    new_join_code,
    partner_names,
)

BANKS = ["three-levels"]


@pytest.fixture
def svc(db_url: str, clock: Clock):
    with closing(WorkshopService(db_url, clock=clock)) as service:
        yield service


def _workshop(svc: WorkshopService):
    return svc.create_workshop("Names", "other", BANKS, ["Harbour Trust", "Northwind Ltd"])


def _person(partner: str, finished: bool) -> StoredParticipant:
    return StoredParticipant(
        id=1,
        workshop_id="w",
        respondent_id="r-1",
        name="N",
        partner_id=partner,
        finished=finished,
        is_estimate=False,
        offline=False,
        last_seen=datetime(2030, 1, 1, tzinfo=UTC),
    )


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("change", "state", "refused"),
    [
        ("join", WorkshopState.OPEN, None),
        ("join", WorkshopState.LOCKED, "locked this workshop"),
        ("join", WorkshopState.REVEALED, "joining is closed"),
        ("answer", WorkshopState.OPEN, None),
        ("answer", WorkshopState.LOCKED, "answers cannot be changed"),
        ("answer", WorkshopState.REVEALED, "have been revealed"),
        ("lock", WorkshopState.OPEN, None),
        ("lock", WorkshopState.LOCKED, None),
        ("lock", WorkshopState.REVEALED, "stays closed"),
    ],
)
def test_what_each_state_refuses(change, state, refused) -> None:
    if refused is None:
        check_allowed(change, state)
    else:
        with pytest.raises(WorkshopError, match=refused):
            check_allowed(change, state)


def test_expected_people_finished_needs_someone_for_every_partner() -> None:
    # Was `everyone_finished`; issue 11 (point 5): the facilitator's headcount decides now.
    one_each = {"p1": 1, "p2": 1}
    assert not expected_people_finished([], one_each, {"p1", "p2"})
    assert not expected_people_finished([_person("p1", True)], one_each, {"p1", "p2"})
    people = [_person("p1", True), _person("p2", False)]
    assert not expected_people_finished(people, one_each, {"p1", "p2"})
    people = [_person("p1", True), _person("p2", True)]
    assert expected_people_finished(people, one_each, {"p1", "p2"})
    assert not expected_people_finished(people, {"p1": 1}, {"p1", "p2"})  # p2 has no number
    assert not expected_people_finished(people, {"p1": 2, "p2": 1}, {"p1", "p2"})


def test_join_codes_are_drawn_from_the_alphabet() -> None:
    codes = {new_join_code() for _ in range(50)}
    assert len(codes) == 50 and all(is_join_code(c) for c in codes)
    assert not is_join_code("ACDEFHJKM")  # one short
    assert not is_join_code("ACDEFHJKM0")  # a look-alike


def test_partner_bounds_come_from_the_assessment() -> None:
    assert len(partner_names([f"P{i}" for i in range(MAX_PARTNERS)])) == MAX_PARTNERS
    with pytest.raises(WorkshopError, match=f"2 to {MAX_PARTNERS} partners; 7 were given"):
        partner_names([f"P{i}" for i in range(MAX_PARTNERS + 1)])


def test_partners_of_a_file_are_matched_by_name_key() -> None:
    file = Assessment(
        name="File",
        partnership_type=PartnershipType.OTHER,
        partners=[Partner(id="a", name="ＨＡＲＢＯＵＲ  trust"), Partner(id="b", name="Nobody")],
        respondents=[Respondent(id="r", name="Olga", partner="a")],
        answers=[Answer(respondent="r", statement="three-levels:x", rating=3)],
    )
    workshop = [Partner(id="p1", name="Harbour Trust"), Partner(id="p2", name="Northwind")]
    # Only partners with respondents need a match ("Nobody" has none).
    assert match_partners(file, workshop, None) == {"a": "p1"}
    assert match_partners(file, workshop, {"a": "p2"}) == {"a": "p2"}


# --------------------------------------------------------------------------- names in the service


@pytest.mark.parametrize(
    "typed",
    ["Ann\u200bLee", "Ann\u202eLee", "Ann\x00Lee", "\u2060Ann"],
    ids=["zero-width-space", "bidi-override", "nul", "word-joiner"],
)
def test_invisible_characters_are_refused_everywhere(svc: WorkshopService, typed: str) -> None:
    created = _workshop(svc)
    for call in (
        lambda: svc.join(created.join_code, "p1", typed, "k"),
        lambda: svc.create_workshop(typed, "other", BANKS, ["A", "B"]),
        lambda: svc.create_workshop("W", "other", BANKS, ["A", typed]),
    ):
        with pytest.raises(WorkshopError, match="invisible or control characters") as exc:
            call()
        assert not isinstance(exc.value, InvalidNameError)  # callers catch WorkshopError
    assert svc.dashboard(created.facilitator_token).participants == []


def test_partner_name_messages_name_the_partner(svc: WorkshopService) -> None:
    with pytest.raises(WorkshopError, match="Partner 2's name is empty"):
        svc.create_workshop("W", "other", BANKS, ["A", "  "])


def test_names_are_normalised_nfkc_before_comparing(svc: WorkshopService) -> None:
    created = _workshop(svc)
    # Full-width letters look like "Ann Lee" and are stored as it.
    session = svc.join(created.join_code, "p1", "Ａｎｎ　Ｌｅｅ", "k")
    assert session.name == "Ann Lee"
    with pytest.raises(WorkshopError, match="already joined"):
        svc.join(created.join_code, "p2", "ann lee", "k")
    with pytest.raises(WorkshopError, match="same name"):
        svc.create_workshop("W", "other", BANKS, ["Acme", "ＡＣＭＥ"])


def test_imported_names_are_checked_the_same_way(svc: WorkshopService) -> None:
    created = _workshop(svc)
    q = svc.dashboard(created.facilitator_token).workshop.statements[0]

    def file(name: str) -> Assessment:
        # model_construct: the model itself refuses such a name, and this test is about
        # the service's own check of what it is handed.
        return Assessment(
            name="Offline",
            partnership_type=PartnershipType.OTHER,
            banks=BANKS,
            partners=[Partner(id="x", name="Harbour Trust"), Partner(id="y", name="Other")],
            respondents=[Respondent.model_construct(id="f", name=name, partner="x")],
            answers=[Answer(respondent="f", statement=q, rating=2)],
        )

    with pytest.raises(WorkshopError, match="invisible or control characters"):
        svc.import_assessment(created.facilitator_token, file("Olga\u200b"))
    assert svc.dashboard(created.facilitator_token).participants == []
    assert svc.import_assessment(created.facilitator_token, file("Ｏｌｇａ")) == 1
    with pytest.raises(WorkshopError, match="already a participant"):
        svc.import_assessment(created.facilitator_token, file("olga"))
    assert [p.name for p in svc.dashboard(created.facilitator_token).participants] == ["Olga"]
