"""Each partner's sector: what the partnership type settles, what it makes, and old files."""

from __future__ import annotations

import json

import pytest

from partnership_core.assessment import dump_assessment, parse_assessment
from partnership_core.bank import PartnershipType, Sector
from partnership_core.sectors import (
    infer_sectors,
    partnership_type_for,
    sector_choices,
    sectors_to_ask,
    settle_sectors,
)
from partnership_core.solo import new_assessment

B, G, N, OTHER = Sector.BUSINESS, Sector.GOVERNMENT, Sector.NONPROFIT, Sector.OTHER
T = PartnershipType


def _format_version_1_file(ptype: str, partners: int = 2) -> str:
    """An assessment as written before sectors existed: partners carry no sector."""
    return json.dumps(
        {
            "format": "partnership-fit/assessment",
            "format_version": 1,
            "name": "Old file",
            "partnership_type": ptype,
            "banks": ["three-levels"],
            "partners": [{"id": f"p{i}", "name": f"Partner {i}"} for i in range(partners)],
            "respondents": [{"id": "r0", "name": "Ann", "partner": "p0"}],
            "answers": [{"respondent": "r0", "statement": "three-levels:cc-values", "rating": 4}],
        }
    )


def test_a_known_sector_settles_the_other_of_two() -> None:
    assert sector_choices(T.BUSINESS_NONPROFIT, [None, None]) == [(B, N), (B, N)]
    assert settle_sectors(T.BUSINESS_NONPROFIT, [None, N]) == [B, N]
    assert settle_sectors(T.TRISECTOR, [G, None, B]) == [G, N, B]
    # With more partners than the type has sectors, a sector can repeat: nothing is settled.
    assert settle_sectors(T.BUSINESS_NONPROFIT, [B, None, None]) == [B, None, None]
    assert sector_choices(T.BUSINESS_NONPROFIT, [B, None, None])[1] == (B, N)
    assert settle_sectors(T.OTHER, [B, None]) == [B, None]
    assert sector_choices(T.OTHER, [None, None])[0] == (B, G, N, OTHER)


@pytest.mark.parametrize(
    ("sectors", "expected"),
    [
        ([B, N], T.BUSINESS_NONPROFIT),
        ([N, G], T.GOVERNMENT_NONPROFIT),
        ([G, B], T.GOVERNMENT_BUSINESS),
        ([G, B, N], T.TRISECTOR),
        ([B, N, N], T.BUSINESS_NONPROFIT),
        ([N, N], T.OTHER),
        ([B, OTHER], T.OTHER),
        ([B, None], None),
    ],
)
def test_the_type_follows_from_a_full_set_of_sectors(sectors, expected) -> None:
    assert partnership_type_for(sectors) is expected


def test_format_version_1_files_open_with_sectors_to_ask() -> None:
    old = parse_assessment(_format_version_1_file("business-nonprofit"))
    assert [p.sector for p in old.partners] == [None, None]
    assert [p.id for p in sectors_to_ask(old)] == ["p0", "p1"]
    # Saved again without sectors, the file is what it was (no sector key written).
    assert '"sector"' not in dump_assessment(old)


def test_format_version_1_files_get_sectors_the_type_settles() -> None:
    old = parse_assessment(_format_version_1_file("government-nonprofit"))
    one_known = old.model_copy(
        update={"partners": [old.partners[0].model_copy(update={"sector": G}), old.partners[1]]}
    )
    inferred = infer_sectors(one_known)
    assert [p.sector for p in inferred.partners] == [G, N]
    assert sectors_to_ask(inferred) == []
    assert parse_assessment(dump_assessment(inferred)) == inferred


def test_a_solo_set_up_takes_the_type_from_the_sectors() -> None:
    made = new_assessment(
        name="Warm homes",
        partnership_type=T.OTHER,
        partner_names=["City Council", "Shelter Now", "FreshMart"],
        bank_ids=["three-levels"],
        respondent_name="Ann",
        own_partner=0,
        sectors=[G, N, B],
    )
    assert made.partnership_type is T.TRISECTOR
    assert [p.sector for p in made.partners] == [G, N, B]
    settled = new_assessment(
        name="Surplus food",
        partnership_type=T.BUSINESS_NONPROFIT,
        partner_names=["Food Bank", "Grocer"],
        bank_ids=["three-levels"],
        respondent_name="Ann",
        own_partner=0,
        sectors=[N],
    )
    assert [p.sector for p in settled.partners] == [N, B]
