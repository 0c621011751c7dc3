"""Each partner's sector, and how it and the partnership type follow from one another.

A partnership type names the sectors taking part (business-nonprofit: one business, one
non-profit), so with two partners a known sector settles the other one, and a full set of
sectors settles the type. Files written before sectors were asked carry none: the sectors
the type allows are offered, and a partner with only one possibility gets it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .assessment import Assessment, Partner
from .bank import PartnershipType, Sector

__all__ = [
    "TYPE_SECTORS",
    "sector_choices",
    "settle_sectors",
    "infer_sectors",
    "sectors_to_ask",
    "partnership_type_for",
]

# The sectors each type brings together; OTHER constrains nothing.
TYPE_SECTORS: dict[PartnershipType, frozenset[Sector]] = {
    PartnershipType.BUSINESS_NONPROFIT: frozenset({Sector.BUSINESS, Sector.NONPROFIT}),
    PartnershipType.GOVERNMENT_BUSINESS: frozenset({Sector.GOVERNMENT, Sector.BUSINESS}),
    PartnershipType.GOVERNMENT_NONPROFIT: frozenset({Sector.GOVERNMENT, Sector.NONPROFIT}),
    PartnershipType.TRISECTOR: frozenset({Sector.GOVERNMENT, Sector.BUSINESS, Sector.NONPROFIT}),
}


def sector_choices(
    partnership_type: PartnershipType, sectors: Sequence[Sector | None]
) -> list[tuple[Sector, ...]]:
    """The sectors each partner can still belong to, in `Sector` order.

    A known sector is its only choice. Under a named type the others choose among the type's
    sectors; when there are exactly as many partners as the type has sectors, each sector is
    held by one partner, so those already taken drop out.
    """
    allowed = TYPE_SECTORS.get(partnership_type, frozenset(Sector))
    one_each = len(sectors) == len(allowed) and partnership_type in TYPE_SECTORS
    taken = {s for s in sectors if s is not None} if one_each else set()
    return [
        (known,) if known is not None else tuple(s for s in Sector if s in allowed - taken)
        for known in sectors
    ]


def settle_sectors(
    partnership_type: PartnershipType, sectors: Sequence[Sector | None]
) -> list[Sector | None]:
    """The sectors with every one the partnership type settles filled in."""
    settled = list(sectors)
    while True:
        choices = sector_choices(partnership_type, settled)
        step = [c[0] if len(c) == 1 else None for c in choices]
        if step == settled:
            return settled
        settled = step


def infer_sectors(assessment: Assessment) -> Assessment:
    """The assessment with every sector its type settles filled in (the rest stay unknown)."""
    sectors = settle_sectors(assessment.partnership_type, [p.sector for p in assessment.partners])
    partners = [_with_sector(p, s) for p, s in zip(assessment.partners, sectors, strict=True)]
    return assessment.model_copy(update={"partners": partners})


def _with_sector(partner: Partner, sector: Sector | None) -> Partner:
    return partner if partner.sector == sector else partner.model_copy(update={"sector": sector})


def sectors_to_ask(assessment: Assessment) -> list[Partner]:
    """The partners whose sector is neither recorded nor settled by the partnership type."""
    return [p for p in infer_sectors(assessment).partners if p.sector is None]


def partnership_type_for(sectors: Sequence[Sector | None]) -> PartnershipType | None:
    """The partnership type a full set of sectors makes; None while a sector is unknown.

    Partners of one sector, or with an "other" partner, make an "other" partnership.
    """
    if any(s is None for s in sectors):
        return None
    present = frozenset(sectors)
    for ptype, wanted in TYPE_SECTORS.items():
        if present == wanted:
            return ptype
    return PartnershipType.OTHER
