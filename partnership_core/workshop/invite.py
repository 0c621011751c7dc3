"""An invitation by link: a solo assessment shared with its partners as a workshop without
a room.

The person who set up the solo assessment (the owner) keeps the facilitator's key; their own
answers come in as a participant of their own organisation; each partner's people join by
link and answer blind, on their own devices and their own time. The answers open to
everyone invited once every partner has someone finished (one person a partner unless the
owner sets other numbers), or when the owner opens them. Nothing here touches storage: the
service turns an `Invitation` into a workshop.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from ..assessment import Answer, Assessment, Respondent
from ..bank import PartnershipType, Sector
from ..errors import WorkshopError
from ..plan import SessionPlan
from ..text import join_names, plural
from .models import PartnerProgress
from .rules import partner_id

__all__ = ["NO_OWNER", "Invitation", "invitation_of", "opening_rule", "owner_token", "waiting_for"]

NO_OWNER = (
    "Only your own answers go into an invitation, and this assessment has nobody answering "
    "for their own organisation. Say who you are and whom you answer for in set-up first."
)


class Invitation(BaseModel):
    """What a workshop without a room is made of: the solo assessment's set-up, partners
    renumbered "p1", "p2", ... in their order, and the owner with their own answers (their
    guesses about the others kept, under the new partner ids)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    partnership_type: PartnershipType
    banks: list[str]
    partner_names: list[str]
    sectors: list[Sector | None]
    plan: SessionPlan | None
    ask_predictions: bool
    owner: Respondent
    answers: list[Answer]


def owner_token(facilitator_token: str) -> str:
    """The owner's participant token, derived one way from the facilitator's: the owner's
    page can always link to their own answers, and the link tells nothing of the key."""
    digest = hashlib.sha256(f"partnership-fit owner answers\0{facilitator_token}".encode())
    return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")


def invitation_of(assessment: Assessment, owner_respondent: str | None) -> Invitation:
    """The invitation a solo assessment makes, with `owner_respondent` as its owner.

    Estimates and partners' imported answers stay in the solo assessment: the invitation
    compares the partners' own answers, given blind.

    Raises:
        WorkshopError: `owner_respondent` is no one answering for their own organisation.
    """
    owner = next(
        (r for r in assessment.respondents if r.id == owner_respondent and not r.is_estimate),
        None,
    )
    if owner is None:
        raise WorkshopError(NO_OWNER)
    ids = {p.id: partner_id(i) for i, p in enumerate(assessment.partners)}
    own = ids[owner.partner]
    plan = assessment.plan
    return Invitation(
        name=assessment.name,
        partnership_type=assessment.partnership_type,
        banks=list(assessment.banks),
        partner_names=[p.name for p in assessment.partners],
        sectors=[p.sector for p in assessment.partners],
        plan=plan,
        ask_predictions=plan.ask_guesses if plan is not None else True,
        owner=owner.model_copy(update={"partner": own}),
        answers=[_renumbered(a, ids, own) for a in assessment.answers if a.respondent == owner.id],
    )


def _renumbered(answer: Answer, ids: Mapping[str, str], own: str) -> Answer:
    """The answer's guesses under the workshop's partner ids, none about the owner's own."""
    if not answer.predictions:
        return answer
    guesses = {ids[p]: g for p, g in answer.predictions.items() if p in ids and ids[p] != own}
    return answer.model_copy(update={"predictions": guesses or None})


def waiting_for(progress: Sequence[PartnerProgress]) -> list[str]:
    """The partners the automatic opening still waits for: fewer people finished than the
    owner expects (one, when no number is set), in set-up order."""
    return [p.name for p in progress if p.finished < (p.expected or 1)]


def opening_rule(progress: Sequence[PartnerProgress]) -> str:
    """When the results open by themselves, said for the owner's page."""
    wanted = [(p.expected or 1, p.name) for p in progress]
    counts = join_names(
        [
            f"{'someone' if n == 1 else plural(n, 'person', 'people')} from {name}"
            for n, name in wanted
        ]
    )
    return (
        f"The results open to everyone invited by themselves once {counts} "
        f"{'has' if len(wanted) == 1 else 'have'} finished, or as soon as you open them."
    )
