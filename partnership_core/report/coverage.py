"""Who answered what: ratings per partner, the share of each characteristic every partner
rated (coverage is judged per partner, never pooled), characteristics the chosen banks do not
assess, and respondents whose answers look unreliable."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import AssessmentResult, CharacteristicResult
from ..text import join_names, plural

__all__ = [
    "PartnerCoverageRow",
    "CharacteristicCoverageRow",
    "CoverageSection",
    "coverage_section",
    "not_assessed_sentence",
]


@dataclass(frozen=True)
class PartnerCoverageRow:
    """How many of the ratings expected from one partner's respondents were given."""

    partner_index: int
    partner: str
    expected: int
    rated: int
    not_sure: int
    unanswered: int

    @property
    def share(self) -> float | None:
        return self.rated / self.expected if self.expected else None


@dataclass(frozen=True)
class CharacteristicCoverageRow:
    """The share of a characteristic's statements each partner rated (partner order)."""

    name: str
    level_name: str
    shares: tuple[float | None, ...]
    short: tuple[bool, ...]  # that partner rated too few to judge the characteristic
    assessed: bool


@dataclass(frozen=True)
class CoverageSection:
    partners: tuple[PartnerCoverageRow, ...]
    characteristics: tuple[CharacteristicCoverageRow, ...]
    min_share: float
    not_assessed: tuple[str, ...]  # one sentence per characteristic no chosen bank covers
    flagged: tuple[str, ...]  # straight-lining, one message per respondent

    @property
    def summary(self) -> str:
        short = sum(1 for c in self.characteristics if any(c.short))
        if not short:
            return (
                f"Every partner rated at least {self.min_share:.0%} of the statements of every "
                "assessed characteristic."
            )
        one = short == 1
        return (
            f"{plural(short, 'characteristic')} {'has' if one else 'have'} too few ratings from "
            f"at least one partner (fewer than {self.min_share:.0%} of {'its' if one else 'their'}"
            f" statements rated): {'it is' if one else 'they are'} “not enough answers”, "
            "whatever the other partners said."
        )


def not_assessed_sentence(c: CharacteristicResult, level_name: str) -> str:
    """'Termination (operational level) is not assessed: ...', naming the banks that add it."""
    banks = [f"“{title}”" for title in c.added_by]
    if not banks:
        adds = "No question bank has statements on it yet."
    elif len(banks) == 1:
        adds = f"The {banks[0]} bank adds statements on it."
    else:
        adds = f"The {join_names(banks)} banks add statements on it."
    return (
        f"{c.name} ({level_name.lower()}) is not assessed: no chosen question bank has a "
        f"statement on it. {adds}"
    )


def coverage_section(
    result: AssessmentResult,
    partner_ids: tuple[str, ...],
    level_names: dict[str, str],
    min_share: float,
) -> CoverageSection:
    """Gather the coverage figures in partner order and spine order."""
    by_partner = {c.partner: c for c in result.coverage}
    partners = tuple(
        PartnerCoverageRow(
            i, result.partner_names[pid], cov.expected, cov.rated, cov.not_sure, cov.unanswered
        )
        for i, pid in enumerate(partner_ids)
        if (cov := by_partner.get(pid)) is not None
    )
    rows = []
    for c in result.characteristics:
        shares = {s.partner: s.answered_share for s in c.partners}
        values = tuple(shares.get(pid, 0.0 if c.assessed else None) for pid in partner_ids)
        rows.append(
            CharacteristicCoverageRow(
                name=c.name,
                level_name=level_names.get(c.level, str(c.level)),
                shares=values,
                short=tuple(v is not None and v < min_share for v in values),
                assessed=c.assessed,
            )
        )
    return CoverageSection(
        partners=partners,
        characteristics=tuple(rows),
        min_share=min_share,
        not_assessed=tuple(
            not_assessed_sentence(c, level_names.get(c.level, str(c.level)))
            for c in result.not_assessed
        ),
        flagged=tuple(f.message for f in result.flagged_respondents),
    )
