"""What the facilitator sees of the storage's health: saves that failed lately.

Kept in the process, not in the database: it has to count precisely the saves that the
database refused.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from datetime import datetime, timedelta

from ..storage import hash_secret

__all__ = ["FAILED_SAVES_WINDOW", "SaveFailures"]

FAILED_SAVES_WINDOW = timedelta(minutes=10)
_REMEMBERED_LINKS = 10_000  # participant links whose workshop a failed save is counted for


class SaveFailures:
    """Saves that failed in this process, per workshop, for the facilitator's dashboard.

    A failed save cannot look its workshop up (the database failed), so the workshop of
    each participant link is remembered when the link last worked.
    """

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._workshop_of: OrderedDict[str, str] = OrderedDict()
        self._failures: dict[str, deque[datetime]] = {}

    def remember(self, participant_token: str, workshop_id: str) -> None:
        key = hash_secret(participant_token)
        with self._lock:
            self._workshop_of[key] = workshop_id
            self._workshop_of.move_to_end(key)
            while len(self._workshop_of) > _REMEMBERED_LINKS:
                self._workshop_of.popitem(last=False)

    def failed(self, participant_token: str) -> None:
        with self._lock:
            workshop_id = self._workshop_of.get(hash_secret(participant_token))
            if workshop_id is not None:
                self._failures.setdefault(workshop_id, deque(maxlen=1000)).append(self._clock())

    def recent(self, workshop_id: str) -> int:
        """Failed saves of the workshop in the last FAILED_SAVES_WINDOW."""
        since = self._clock() - FAILED_SAVES_WINDOW
        with self._lock:
            return sum(1 for t in self._failures.get(workshop_id, ()) if t >= since)
