"""Typed comments and notes hold no character that cannot be seen or stored, and any text
in a link is hashed instead of crashing (issue 12's last two findings)."""

from __future__ import annotations

import contextlib

import pytest

from partnership_core.assessment import AgreedItem, Answer
from partnership_core.bank import PartnershipType
from partnership_core.errors import WorkshopError
from partnership_core.storage import hash_secret
from partnership_core.workshop import WorkshopService


def test_a_typed_comment_loses_nul_and_other_invisible_controls_but_keeps_its_lines():
    answer = Answer(
        respondent="r1", statement="three-levels:cc-values", rating=4, comment="a\x00b\x1b\r\nc\td"
    )
    assert answer.comment == "ab\nc\td"
    assert (
        AgreedItem(statement="three-levels:cc-values", agreed_rating=3, notes="x\x00y").notes
        == "xy"
    )


def test_a_link_with_a_lone_surrogate_is_hashed_not_crashed():
    assert len(hash_secret("abc\udcff")) == 64


def test_a_comment_with_nul_is_stored_and_a_surrogate_link_is_just_invalid(db_url: str):
    with contextlib.closing(WorkshopService(db_url)) as svc:
        created = svc.create_workshop(
            "Typed text", PartnershipType.OTHER, ["three-levels"], ["Alpha", "Beta"]
        )
        partner = svc.lookup_code(created.join_code, "c1").partners[0].id
        joined = svc.join(created.join_code, partner, "Ana", "c1")
        first = svc.participant(joined.participant_token).workshop.statements[0]
        answer = Answer(respondent="x", statement=first, rating=4, comment="fine\x00 text")
        svc.save_answer(joined.participant_token, answer)
        stored = svc.participant(joined.participant_token).own_answers[first]
        assert stored.comment == "fine text"
        with pytest.raises(WorkshopError):
            svc.participant("bad\udcff")
