"""What the workshop service hands out (frozen pydantic models) and what its repository
hands the service (plain records of stored rows, never shown to a user as they are)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ..assessment import Action, AgreedItem, Answer, Partner, Respondent
from ..bank import PartnershipType
from ..plan import SessionPlan

__all__ = [
    "ActionItem",
    "AnonymityOptions",
    "Dashboard",
    "Discussion",
    "ParticipantProgress",
    "ParticipantSession",
    "ParticipantView",
    "PartnerProgress",
    "RoomState",
    "RoomView",
    "StoredParticipant",
    "StoredWorkshop",
    "WorkshopCreated",
    "WorkshopInfo",
    "WorkshopLinks",
    "WorkshopState",
]


class WorkshopState(StrEnum):
    OPEN = "open"  # participants join and answer
    LOCKED = "locked"  # no joining, no changes; the facilitator can unlock
    REVEALED = "revealed"  # answers visible to everyone in the workshop; final


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnonymityOptions(_Frozen):
    """Chosen at creation; the UI, the export and the report honour them.

    `hide_names`: shared screens (the room view) show counts, not names.
    `anonymous_comments`: comments are exported and shown without who wrote them.
    `min_group_size`: a partner with fewer respondents shows neither its internal spread
    nor attributed comments.
    """

    hide_names: bool = True
    anonymous_comments: bool = False
    min_group_size: int = Field(default=3, ge=1, le=50)


class RoomState(_Frozen):
    """What a waiting screen polls: `version` changes whenever the state, the current
    discussion item, its timer, an agreement or an action changes, and when people are
    removed, moved or imported (the revealed results are the same at one version)."""

    version: int
    state: WorkshopState
    current_statement: str | None = None
    timer_started_at: datetime | None = None
    timer_seconds: int | None = None


class WorkshopInfo(_Frozen):
    """What anyone holding the join code may know about a workshop (no answers).

    `statements` are the qualified statement ids the session asks (its `plan`; None: every
    applicable one), in bank order;
    `expected_headcounts`: partner id -> people expected (empty: none set).
    `has_room`: False for an invitation by link (people answer on their own time; no
    projector, no discussion in a room).
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
    anonymity: AnonymityOptions = AnonymityOptions()
    expected_headcounts: dict[str, int] = {}
    plan: SessionPlan | None = None
    has_room: bool = True


class WorkshopCreated(_Frozen):
    """`room_token`: the key of the room view (projector), no facilitator power.
    `join_key`: the key for the QR code's join link (joins without the wrong-code
    throttle). Both are also what `WorkshopService.links(facilitator_token)` returns."""

    workshop_id: str
    facilitator_token: str
    join_code: str  # normalised, 10 characters; show it with `format_join_code`
    room_token: str
    join_key: str


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

    `join_code` is grouped for display, "ABCDE-FGHJK". `failed_saves`: participants'
    saves this server process could not store in the last `FAILED_SAVES_WINDOW` (every
    try); `unsaved_answers`: the answers among them still waiting on the phones of
    `unsaved_people` people (no later save stored them). `partners`: the same progress
    summed per partner, in set-up order.
    """

    workshop: WorkshopInfo
    participants: list[ParticipantProgress]
    state: WorkshopState
    join_code: str
    room: RoomState
    failed_saves: int = 0
    unsaved_answers: int = 0
    unsaved_people: int = 0
    partners: list[PartnerProgress] = []


class PartnerProgress(_Frozen):
    """One partner on a shared screen: how many joined and finished, of how many expected
    (None: no number set), and answers given of those possible for the people joined."""

    partner_id: str
    name: str
    joined: int
    finished: int
    expected: int | None
    answered: int
    possible: int


class RoomView(_Frozen):
    """The projector's view: the code to join, progress per partner, and the discussion.

    `people` is empty when the workshop hides names on shared screens; it never holds
    answers. `join_code` is grouped for display.
    """

    workshop: WorkshopInfo
    join_code: str
    partners: list[PartnerProgress]
    people: list[ParticipantProgress]
    room: RoomState


class WorkshopLinks(_Frozen):
    """The keys of a workshop's shared links: the room view's and the QR join link's."""

    room_token: str
    join_key: str


class ParticipantSession(_Frozen):
    participant_token: str
    workshop_id: str
    respondent_id: str
    partner_id: str
    name: str


class ParticipantView(_Frozen):
    """`answer_versions`: statement -> version of the caller's stored answer; pass it back
    when saving (`save_answer(..., version=)`) so a stale tab cannot overwrite it."""

    workshop: WorkshopInfo
    respondent: Respondent
    own_answers: dict[str, Answer]
    finished: bool
    state: WorkshopState
    answer_versions: dict[str, int] = {}
    room: RoomState | None = None


class ActionItem(_Frozen):
    """An action with its stable id (for `remove_action`)."""

    id: str
    action: Action


class Discussion(_Frozen):
    """The discussion after the reveal: the room state, what was agreed (with each
    agreement's version, statement -> version) and the actions with their ids."""

    room: RoomState
    agreed: list[AgreedItem]
    agreement_versions: dict[str, int]
    actions: list[ActionItem]


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
    anonymity: AnonymityOptions
    room: RoomState
    has_links: bool  # room view and join link keys stored (older workshops: not yet)
    plan: SessionPlan | None = None  # None: every statement, importance asked
    has_room: bool = True  # False: an invitation by link


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
