"""What the facilitator sees of the storage's health: saves that failed lately.

Kept in the process, not in the database: it has to count precisely the saves that the
database refused.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from ..storage import hash_secret

__all__ = ["FAILED_SAVES_WINDOW", "SaveFailures"]

FAILED_SAVES_WINDOW = timedelta(minutes=10)
_REMEMBERED_LINKS = 10_000  # participant links whose workshop a failed save is counted for


class SaveFailures:
    """Saves that failed in this process, per workshop, for the facilitator's dashboard.

    A failed save cannot look its workshop up (the database failed), so the workshop of
    each participant link is remembered when the link last worked. Besides every failed
    try, it keeps which answers are still unsaved: a phone retries on its own, so the tries
    grow while the answers waiting stay the same.
    """

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._workshop_of: OrderedDict[str, str] = OrderedDict()
        self._failures: dict[str, deque[datetime]] = {}
        # workshop id -> (link hash, statement) -> when its last save failed
        self._unsaved: dict[str, dict[tuple[str, str], datetime]] = {}

    def remember(self, participant_token: str, workshop_id: str) -> None:
        key = hash_secret(participant_token)
        with self._lock:
            self._workshop_of[key] = workshop_id
            self._workshop_of.move_to_end(key)
            while len(self._workshop_of) > _REMEMBERED_LINKS:
                self._workshop_of.popitem(last=False)

    def failed(self, participant_token: str, statement: str | None = None) -> None:
        """A save of the link's answer to `statement` (None: not an answer) failed now."""
        key = hash_secret(participant_token)
        with self._lock:
            workshop_id = self._workshop_of.get(key)
            if workshop_id is None:
                return
            self._failures.setdefault(workshop_id, deque(maxlen=1000)).append(self._clock())
        if statement is not None:
            self.waiting_on(participant_token, [statement])

    def waiting_on(self, participant_token: str, statements: Iterable[str]) -> None:
        """The link's answers to `statements` wait unsaved (not tried now: the database
        has just refused another one)."""
        key = hash_secret(participant_token)
        with self._lock:
            workshop_id = self._workshop_of.get(key)
            if workshop_id is None:
                return
            now = self._clock()
            unsaved = self._unsaved.setdefault(workshop_id, {})
            for statement in statements:
                unsaved[(key, statement)] = now
            while len(unsaved) > _REMEMBERED_LINKS:
                unsaved.pop(next(iter(unsaved)))

    def settled(self, participant_token: str, statement: str | None) -> None:
        """The link's answer to `statement` is stored now, or refused for good (locked, an
        older copy): either way it is not waiting any more."""
        if statement is None:
            return
        key = hash_secret(participant_token)
        with self._lock:
            workshop_id = self._workshop_of.get(key)
            if workshop_id in self._unsaved:
                self._unsaved[workshop_id].pop((key, statement), None)

    def recent(self, workshop_id: str) -> int:
        """Failed saves of the workshop in the last FAILED_SAVES_WINDOW."""
        since = self._clock() - FAILED_SAVES_WINDOW
        with self._lock:
            return sum(1 for t in self._failures.get(workshop_id, ()) if t >= since)

    def waiting(self, workshop_id: str) -> tuple[int, int]:
        """Answers whose last save failed in the last FAILED_SAVES_WINDOW and that no later
        save stored, and how many people they belong to."""
        since = self._clock() - FAILED_SAVES_WINDOW
        with self._lock:
            keys = [k for k, t in self._unsaved.get(workshop_id, {}).items() if t >= since]
        return len(keys), len({link for link, _ in keys})
