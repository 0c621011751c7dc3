"""What the workshop service hands out (frozen pydantic models) and what its repository
hands the service (plain records of stored rows, never shown to a user as they are)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from ..assessment import Answer, Partner, Respondent
from ..bank import PartnershipType

__all__ = [
    "Dashboard",
    "ParticipantProgress",
    "ParticipantSession",
    "ParticipantView",
    "StoredParticipant",
    "StoredWorkshop",
    "WorkshopCreated",
    "WorkshopInfo",
    "WorkshopState",
]


class WorkshopState(StrEnum):
    OPEN = "open"  # participants join and answer
    LOCKED = "locked"  # no joining, no changes; the facilitator can unlock
    REVEALED = "revealed"  # answers visible to everyone in the workshop; final


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkshopInfo(_Frozen):
    """What anyone holding the join code may know about a workshop (no answers).

    `statements` are the applicable qualified statement ids, in bank order.
    """

    workshop_id: str
    name: str
    partnership_type: PartnershipType
    banks: list[str]
    partners: list[Partner]
    state: WorkshopState
    ask_predictions: bool
    auto_reveal: bool
    statements: list[str]
    created_at: datetime
    revealed_at: datetime | None = None


class WorkshopCreated(_Frozen):
    workshop_id: str
    facilitator_token: str
    join_code: str  # normalised, 10 characters; show it with `format_join_code`


class ParticipantProgress(_Frozen):
    """One participant on the facilitator's dashboard; `offline`: imported from a file."""

    respondent_id: str
    name: str
    partner_id: str
    partner_name: str
    answered: int
    total: int
    finished: bool
    last_seen: datetime
    is_estimate: bool = False
    offline: bool = False


class Dashboard(_Frozen):
    """The facilitator's view before the reveal: counts, never answers.

    `join_code` is grouped for display, "ABCDE-FGHJK".
    """

    workshop: WorkshopInfo
    participants: list[ParticipantProgress]
    state: WorkshopState
    join_code: str


class ParticipantSession(_Frozen):
    participant_token: str
    workshop_id: str
    respondent_id: str
    partner_id: str
    name: str


class ParticipantView(_Frozen):
    workshop: WorkshopInfo
    respondent: Respondent
    own_answers: dict[str, Answer]
    finished: bool
    state: WorkshopState


@dataclass(frozen=True)
class StoredWorkshop:
    """A `workshops` row; `join_code` normalised, times aware UTC."""

    id: str
    name: str
    partnership_type: PartnershipType
    banks: list[str]
    ask_predictions: bool
    auto_reveal: bool
    state: WorkshopState
    join_code: str
    created_at: datetime
    revealed_at: datetime | None


@dataclass(frozen=True)
class StoredParticipant:
    """A `participants` row; `offline`: imported from a file, so it has no link."""

    id: int
    workshop_id: str
    respondent_id: str
    name: str
    partner_id: str
    finished: bool
    is_estimate: bool
    offline: bool
    last_seen: datetime

    def respondent(self) -> Respondent:
        """The core `Respondent` this participant answers as."""
        return Respondent(
            id=self.respondent_id,
            name=self.name,
            partner=self.partner_id,
            is_estimate=self.is_estimate,
        )
