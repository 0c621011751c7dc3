"""A statement's text as each side is asked it: its sector's wording and the partners' names."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnership_core.assessment import Assessment, Partner
from partnership_core.bank import BankSet, PartnershipType, Sector, load_bank_set, parse_bank
from partnership_core.errors import QuestionBankError
from partnership_core.example import example_assessment
from partnership_core.scoring import score_assessment
from partnership_core.text import fill_partner_names, others_phrase

ROOT = Path(__file__).resolve().parents[2]
VALUES = "three-levels:cc-values"
REPUTATION = "three-levels:rr-reputation"


def _assessment(*partners: tuple[str, Sector | None]) -> Assessment:
    return Assessment(
        name="Warm homes",
        partnership_type=PartnershipType.OTHER,
        partners=[Partner(id=f"p{i}", name=n, sector=s) for i, (n, s) in enumerate(partners)],
    )


def test_two_partners_name_the_other_one(banks: BankSet) -> None:
    two = _assessment(("Northfield Food Bank", Sector.NONPROFIT), ("Harvest Market", None))
    assert banks.text_for(VALUES, "p0", two) == (
        "We believe the core values of Harvest Market fit well with our own."
    )
    assert "of Northfield Food Bank fit" in banks.text_for(VALUES, "p1", two)
    # Shown to everyone (results, agenda, report): the other partner, unnamed.
    assert "of the other partner fit" in banks.text_for(VALUES, None, two)


def test_three_or_more_partners_say_the_other_partners(banks: BankSet) -> None:
    three = _assessment(("City Council", None), ("Shelter Now", None), ("FreshMart", None))
    for partner in ("p0", "p2", None):
        assert "core values of the other partners fit" in banks.text_for(VALUES, partner, three)
    assert banks.text_for(VALUES) == banks.text_for(VALUES, None, three)


def test_each_sector_is_asked_its_own_wording_under_one_id(banks: BankSet) -> None:
    pair = _assessment(("Food Bank", Sector.NONPROFIT), ("Grocer", Sector.BUSINESS))
    nonprofit = banks.text_for(REPUTATION, "p0", pair)
    business = banks.text_for(REPUTATION, "p1", pair)
    assert "our supporters" in nonprofit and "our firm" in business
    # A partner whose sector is not said, and the shared views, get the general wording.
    _, statement = banks.statements[REPUTATION]
    unsaid = _assessment(("Food Bank", None), ("Grocer", Sector.BUSINESS))
    assert banks.text_for(REPUTATION, "p0", unsaid) == statement.text
    assert banks.text_for(REPUTATION, None, pair) == statement.text


def test_possessive_placeholder_reads_right() -> None:
    template = "We trust {others_possessive} staff."
    assert fill_partner_names(template, others_phrase(["Shelter Now"])) == (
        "We trust Shelter Now's staff."
    )
    assert fill_partner_names(template, others_phrase(["Civic Trust Partners"])) == (
        "We trust Civic Trust Partners' staff."
    )
    assert fill_partner_names(template, others_phrase(["A", "B"])) == (
        "We trust the other partners' staff."
    )
    # Braces are only read in texts that use a placeholder.
    assert fill_partner_names("No placeholder here.", "x") == "No placeholder here."


def test_scoring_and_agenda_show_the_filled_in_text(banks: BankSet) -> None:
    result = score_assessment(example_assessment(7, banks), banks)
    item = next(i for c in result.characteristics for i in c.items if i.statement == VALUES)
    assert item.text == "We believe the core values of the other partner fit well with our own."
    texts = [i.text for c in result.characteristics for i in c.items]
    assert not [t for t in texts if "{" in t]


@pytest.mark.parametrize("wording", ["We like {partner}.", "We like {others!r}x{", "A {0} b."])
def test_a_bank_with_an_unknown_placeholder_is_refused(wording: str) -> None:
    text = (ROOT / "questions" / "three-levels.yaml").read_text(encoding="utf-8")
    broken = text.replace("We believe the core values of {others} fit well with our own.", wording)
    with pytest.raises(QuestionBankError, match="placeholder"):
        parse_bank(broken, "three-levels.yaml")


def test_the_shipped_banks_fill_in_for_every_partner_count() -> None:
    every = load_bank_set(
        ["three-levels", "cross-sector", "nonprofit-elements", "ten-characteristics"]
    )
    for count in range(2, 7):
        partners = [
            (f"Org {i}", Sector.NONPROFIT if i % 2 else Sector.BUSINESS) for i in range(count)
        ]
        assessment = _assessment(*partners)
        for qid in every.statements:
            for partner in ("p0", "p1", None):
                shown = every.text_for(qid, partner, assessment)
                assert "{" not in shown and "}" not in shown, (qid, shown)
