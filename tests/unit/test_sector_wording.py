"""Statements whose honest wording depends on the answering side's sector are asked in that
side's words, and every sector that can answer a statement gets wording that fits it.

A sector can answer a statement when a partnership type the statement applies to brings
that sector in (any sector, for a statement asked of every type). The answers of every
sector are stored under the statement's one id, so they still compare.
"""

from __future__ import annotations

import re

import pytest

from partnership_core.assessment import Answer, Assessment, Partner, Respondent
from partnership_core.bank import (
    PartnershipType,
    QuestionBank,
    Sector,
    Statement,
    load_bank_set,
    load_banks,
)
from partnership_core.scoring import score_assessment
from partnership_core.sectors import TYPE_SECTORS

# Words a side would only use of itself, so they misfit every other sector.
_OWN_WORDS = {
    Sector.BUSINESS: r"firm|company|customers|investors|shareholders|profits?",
    Sector.GOVERNMENT: r"voters|agency|council|policy",
    Sector.NONPROFIT: r"supporters|donors|funders",
}


def _misfit(*others: Sector, extra: str = "") -> re.Pattern[str]:
    """Another side's own words after "our", and any extra wording that misfits."""
    own = "|".join(_OWN_WORDS[o] for o in others)
    return re.compile(rf"\bour ({own})\b" + (f"|{extra}" if extra else ""), re.IGNORECASE)


# Wording that does not fit a sector: its own sector named as another party, another side's
# own words, or a fear only the weaker side has (of losing funding, of government).
MISFIT: dict[Sector, re.Pattern[str]] = {
    Sector.GOVERNMENT: _misfit(
        Sector.BUSINESS, Sector.NONPROFIT, extra=r"\bgovernment\b|\blos(e|ing) (our|its) funding\b"
    ),
    Sector.NONPROFIT: _misfit(Sector.BUSINESS, Sector.GOVERNMENT, extra=r"\bnon-profits?\b"),
    Sector.BUSINESS: _misfit(Sector.NONPROFIT, Sector.GOVERNMENT, extra=r"\bbusinesse?s?\b"),
    Sector.OTHER: _misfit(Sector.BUSINESS, Sector.GOVERNMENT, Sector.NONPROFIT),
}

# The concerns whose honest wording depends on the side: reputation, public image and
# scrutiny, funding, values imposed, power over the others, accountability pressure, policy.
SECTOR_SENSITIVE = re.compile(
    r"\bgood name\b|\bpublic (image|policy|services|sign)\b|\bfunding\b|\bvalues on(to)?\b"
    r"|\boverrule\b|\bpressure\b|\bindependent voice\b|\bheard as clearly\b",
    re.IGNORECASE,
)


def answering_sectors(statement: Statement) -> list[Sector]:
    """The sectors whose partners can be asked a statement."""
    if not statement.applies_to:
        return list(Sector)
    found = set().union(*(TYPE_SECTORS.get(t, frozenset(Sector)) for t in statement.applies_to))
    return [s for s in Sector if s in found]


def _statements() -> list[tuple[QuestionBank, Statement]]:
    return [(b, s) for b in load_banks().values() for s in b.statements]


STATEMENTS = _statements()
IDS = [b.qualified_id(s) for b, s in STATEMENTS]


@pytest.mark.parametrize(("bank", "statement"), STATEMENTS, ids=IDS)
def test_every_sector_that_answers_gets_wording_that_fits_it(
    bank: QuestionBank, statement: Statement
) -> None:
    for sector in answering_sectors(statement):
        wording = statement.wording_for(sector)
        misfit = MISFIT[sector].search(wording)
        assert not misfit, f"{sector.value} is asked {wording!r} ({misfit.group(0)!r})"
    # The general wording is shown when a sector is not known: it fits any side.
    assert not MISFIT[Sector.OTHER].search(statement.text), statement.text


@pytest.mark.parametrize(("bank", "statement"), STATEMENTS, ids=IDS)
def test_sector_sensitive_statements_are_worded_per_side(
    bank: QuestionBank, statement: Statement
) -> None:
    sectors = [s for s in answering_sectors(statement) if s != Sector.OTHER]
    if SECTOR_SENSITIVE.search(statement.text) and len(sectors) > 1:
        assert statement.text_by_sector, "asked of several sectors about a sensitive concern"
    unknown = set(statement.text_by_sector) - set(answering_sectors(statement))
    assert not unknown, f"wording for sectors that never answer it: {sorted(unknown)}"


def test_the_misfit_check_catches_the_old_sector_wrong_wording() -> None:
    # The example: a government partner asked whether it fears the government.
    old = "We fear that government will push its own values onto the people served."
    assert MISFIT[Sector.GOVERNMENT].search(old)
    assert not MISFIT[Sector.NONPROFIT].search(old)
    assert MISFIT[Sector.GOVERNMENT].search("We could say no without losing our funding.")
    assert MISFIT[Sector.BUSINESS].search("Our supporters would not mind.")


def test_each_side_of_a_trisector_partnership_is_asked_in_its_own_words() -> None:
    banks = load_bank_set(["three-levels", "cross-sector"])
    trio = Assessment(
        name="River clean-up",
        partnership_type=PartnershipType.TRISECTOR,
        banks=["three-levels", "cross-sector"],
        partners=[
            Partner(id="biz", name="FreshMart", sector=Sector.BUSINESS),
            Partner(id="gov", name="City Council", sector=Sector.GOVERNMENT),
            Partner(id="np", name="Shelter Now", sector=Sector.NONPROFIT),
        ],
    )
    equal = "cross-sector:pb-equal"
    shown = {p.id: banks.text_for(equal, p.id, trio) for p in trio.partners}
    assert "We would not overrule the partners" in shown["gov"]
    assert "overrule us" in shown["np"]
    assert shown["biz"] == banks.statements[equal][1].text


def test_the_sides_different_questions_on_one_concern_are_compared() -> None:
    # Government and non-profit are asked pb-say-no in their own words; both answers are
    # stored under its one id and scored against each other.
    banks = load_bank_set(["three-levels", "cross-sector"])
    say_no = "cross-sector:pb-say-no"
    partners = [
        Partner(id="gov", name="City Council", sector=Sector.GOVERNMENT),
        Partner(id="np", name="Shelter Now", sector=Sector.NONPROFIT),
    ]
    pair = Assessment(
        name="Warm homes",
        partnership_type=PartnershipType.GOVERNMENT_NONPROFIT,
        banks=["three-levels", "cross-sector"],
        partners=partners,
        respondents=[Respondent(id=f"r-{p.id}", name=p.name, partner=p.id) for p in partners],
        answers=[
            Answer(respondent="r-gov", statement=say_no, rating=5),
            Answer(respondent="r-np", statement=say_no, rating=1),
        ],
    )
    texts = {p.id: banks.text_for(say_no, p.id, pair) for p in partners}
    assert "our requests" in texts["gov"] and "losing our funding" in texts["np"]
    result = score_assessment(pair, banks)
    item = next(i for c in result.characteristics for i in c.items if i.statement == say_no)
    assert item.scores == {"gov": 100.0, "np": 0.0}
