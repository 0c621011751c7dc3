"""Facilitated workshops: participants answer blind on their own devices, then reveal together.

`WorkshopService` is the only way pages touch workshop data (pure Python, no streamlit).
Errors are `WorkshopError` (the user can fix it: wrong code, locked, duplicate name, invalid
link) or `StorageError` (database unavailable after a few retries; nothing was stored; try
again).

BLIND IS ENFORCED HERE: no participant-side method returns anyone else's answers before
the facilitator reveals them, and the facilitator's dashboard shows counts, not answers.

The package, from the outside in:
- `service`: the use cases, each one unit of work (one transaction) of repository calls;
- `rules`: join codes, names, what each state allows, the automatic reveal, which offline
  files fit a workshop;
- `throttle`: the growing wait after wrong join codes;
- `repository`: all SQL and row mapping, on top of `storage.Store.run`;
- `models`: what the service returns, and the records the repository returns to it.
"""

from __future__ import annotations

from .models import (
    Dashboard,
    ParticipantProgress,
    ParticipantSession,
    ParticipantView,
    WorkshopCreated,
    WorkshopInfo,
    WorkshopState,
)
from .rules import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, format_join_code, normalise_join_code
from .service import WorkshopService
from .throttle import FREE_WRONG_CODES, wrong_code_wait_seconds

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "FREE_WRONG_CODES",
    "WorkshopState",
    "WorkshopInfo",
    "WorkshopCreated",
    "ParticipantProgress",
    "Dashboard",
    "ParticipantSession",
    "ParticipantView",
    "WorkshopService",
    "format_join_code",
    "normalise_join_code",
    "wrong_code_wait_seconds",
]
