"""Facilitated workshops: participants answer blind on their own devices, then reveal together.

`WorkshopService` is the only way pages touch workshop data (pure Python, no streamlit).
Errors are `WorkshopError` (the user can fix it: wrong code, locked, duplicate name, invalid
link) or `StorageError` (database unavailable after a few retries; nothing was stored; try
again).

BLIND IS ENFORCED HERE: no participant-side method returns anyone else's answers before
the facilitator reveals them, and the facilitator's dashboard and the projector's room view
show counts, not answers.

Three kinds of key open a workshop: the facilitator token (everything), the room view's
token (what the projector shows; no power) and the join code or the QR link's join key
(joining). Participants hold their own link.

The package, from the outside in:
- `service`: the use cases, each one unit of work (one transaction) of repository calls;
- `rules`: join codes, names, what each state allows, the automatic reveal, which offline
  files fit a workshop;
- `health`: saves that failed lately, for the facilitator's dashboard;
- `throttle`: token buckets that bound how fast join codes can be guessed (the bound and
  its arithmetic are in its docstring);
- `repository`: all SQL and row mapping, on top of `storage.Store.run`;
- `models`: what the service returns, and the records the repository returns to it.
"""

from __future__ import annotations

from .health import FAILED_SAVES_WINDOW
from .models import (
    ActionItem,
    AnonymityOptions,
    Dashboard,
    Discussion,
    ParticipantProgress,
    ParticipantSession,
    ParticipantView,
    PartnerProgress,
    RoomState,
    RoomView,
    WorkshopCreated,
    WorkshopInfo,
    WorkshopLinks,
    WorkshopState,
)
from .rules import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    format_join_code,
    normalise_join_code,
    scoring_rules,
)
from .service import WorkshopService
from .throttle import SERVER_BURST, SERVER_RATE, expected_years_to_hit

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "FAILED_SAVES_WINDOW",
    "SERVER_BURST",
    "SERVER_RATE",
    "ActionItem",
    "AnonymityOptions",
    "Discussion",
    "PartnerProgress",
    "RoomState",
    "RoomView",
    "WorkshopState",
    "WorkshopInfo",
    "WorkshopLinks",
    "WorkshopCreated",
    "ParticipantProgress",
    "Dashboard",
    "ParticipantSession",
    "ParticipantView",
    "WorkshopService",
    "format_join_code",
    "normalise_join_code",
    "scoring_rules",
    "expected_years_to_hit",
]
