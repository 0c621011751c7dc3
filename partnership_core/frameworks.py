"""Each framework reported as itself: a bank's own characteristics (the ten characteristics
as ten, the six elements as six, the cross-sector factors of the partnership's type), beside
the eleven-characteristic spine every statement is scored under.

Each row is the mean, per partner, of the direction-corrected statement scores (0-100) the
spine's scoring already worked out, and the widest difference between partners: no second
method, only another grouping.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assessment import Assessment
from .bank import SPINE_BANK_ID, BankSet
from .results import AssessmentResult
from .text import format_score, plural

__all__ = ["FrameworkRow", "FrameworkView", "framework_views", "row_sentence"]


@dataclass(frozen=True)
class FrameworkRow:
    characteristic: str
    name: str
    statements: int
    scores: dict[str, float | None]  # partner id -> mean score, None if nothing rated
    gap: float | None  # widest difference between two partners' means


@dataclass(frozen=True)
class FrameworkView:
    bank: str
    title: str
    rows: tuple[FrameworkRow, ...]


def framework_views(
    assessment: Assessment, banks: BankSet, result: AssessmentResult
) -> tuple[FrameworkView, ...]:
    """One view per bank of the assessment other than the spine, in bank order; a bank
    characteristic none of whose statements were asked is left out."""
    scored = {i.statement: i.scores for c in result.characteristics for i in c.items}
    partners = [p.id for p in assessment.partners]
    views = []
    for bank in banks.banks:
        if bank.id == SPINE_BANK_ID or bank.id not in assessment.banks:
            continue
        rows = []
        for ch in bank.characteristics:
            asked = [
                scored[q]
                for s in bank.statements
                if s.characteristic == ch.id and (q := bank.qualified_id(s)) in scored
            ]
            if asked:
                rows.append(_row(ch.id, ch.name, asked, partners))
        if rows:
            views.append(FrameworkView(bank.id, bank.title, tuple(rows)))
    return tuple(views)


def _row(
    cid: str, name: str, asked: list[dict[str, float | None]], partners: list[str]
) -> FrameworkRow:
    scores: dict[str, float | None] = {}
    for p in partners:
        values = [v for s in asked if (v := s.get(p)) is not None]
        scores[p] = round(sum(values) / len(values), 1) if values else None
    present = [v for v in scores.values() if v is not None]
    gap = round(max(present) - min(present), 1) if len(present) >= 2 else None
    return FrameworkRow(cid, name, len(asked), scores, gap)


def row_sentence(row: FrameworkRow, names: dict[str, str]) -> str:
    """'Shared vision and purpose (3 statements): Food Bank 75, Grocer 25; 50 points apart.'"""
    scores = ", ".join(f"{names.get(p, p)} {format_score(v)}" for p, v in row.scores.items())
    apart = f"; {plural(round(row.gap), 'point')} apart" if row.gap is not None else ""
    return f"{row.name} ({plural(row.statements, 'statement')}): {scores}{apart}."
