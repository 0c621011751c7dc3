"""A session's plan: which statements are asked (levels, or the core set), whether importance
and guesses are asked, and how long it takes.

The plan is stored with the assessment, so scoring judges the statements that were asked and
does not count the others as unanswered.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from .bank import BankSet, LevelId, PartnershipType

__all__ = ["SECONDS_PER", "SessionPlan", "planned_statements", "session_minutes"]

# Measured-by-eye pace of one answer's parts, in seconds: reading and rating a statement,
# then the optional importance and each guess about another partner. Importance is asked
# once per characteristic (about 5 s for some five statements), so 1 s a statement.
SECONDS_PER: dict[str, int] = {"rating": 15, "importance": 1, "guess": 6}


class SessionPlan(BaseModel):
    """What a session asks. The default asks everything, as before plans existed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: tuple[LevelId, ...] = Field(
        default=tuple(LevelId), min_length=1, description="The levels whose statements are asked."
    )
    core_only: bool = Field(
        default=False,
        description="Only the statements the bank marks `core` (at least one per characteristic).",
    )
    ask_importance: bool = True
    ask_guesses: bool = True

    def includes(self, banks: BankSet, qualified_id: str) -> bool:
        _, statement = banks.statements[qualified_id]
        if self.core_only and not statement.core:
            return False
        return banks.spine_characteristic(qualified_id).level in self.levels


def planned_statements(
    banks: BankSet, partnership_type: PartnershipType, plan: SessionPlan | None
) -> list[str]:
    """The qualified ids a session asks, in bank order (every applicable one without a plan).

    A core set only narrows banks that mark one; a bank without `core` marks is asked whole.
    """
    applicable = banks.applicable(partnership_type)
    if plan is None:
        return applicable
    marked = {b.id for b in banks.banks if any(s.core for s in b.statements)}
    unmarked = plan.model_copy(update={"core_only": False})
    return [
        q
        for q in applicable
        if (plan if q.split(":", 1)[0] in marked else unmarked).includes(banks, q)
    ]


def session_minutes(statements: int, plan: SessionPlan | None, other_partners: int = 1) -> int:
    """Whole minutes (rounded up) one respondent needs for `statements` statements."""
    plan = plan or SessionPlan()
    per = SECONDS_PER["rating"]
    per += SECONDS_PER["importance"] if plan.ask_importance else 0
    per += SECONDS_PER["guess"] * max(other_partners, 1) if plan.ask_guesses else 0
    return math.ceil(statements * per / 60) if statements else 0
