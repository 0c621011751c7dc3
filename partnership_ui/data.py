"""Cached loaders and shared services, keyed by plain arguments (bank ids, database URL)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

import streamlit as st

from partnership_core.bank import BankSet, QuestionBank, load_bank_set, load_banks
from partnership_core.drafts import DraftStore
from partnership_core.storage import DATABASE_URL_ENV, database_url_from_environment
from partnership_core.workshop import RoomState, WorkshopService

from .push import notify_room

__all__ = [
    "ROOM_MAX_AGE",
    "RecentRooms",
    "available_banks",
    "bank_set",
    "database_url",
    "draft_store",
    "room_changed",
    "room_state",
    "workshop_service",
]

_LOGGER = logging.getLogger(__name__)

# How old a workshop's room state that waiting screens are shown may be, in seconds.
ROOM_MAX_AGE = 1.0


@st.cache_resource(max_entries=1, show_spinner=False)
def available_banks() -> dict[str, QuestionBank]:
    """Every shipped question bank by id, spine first (shared by all sessions; read-only)."""
    return load_banks()


@st.cache_resource(max_entries=16, show_spinner=False)
def bank_set(bank_ids: tuple[str, ...]) -> BankSet:
    """The bank set of an assessment (frozen models: safe to share between sessions)."""
    return load_bank_set(list(bank_ids))


def _secret_database_url() -> str:
    try:
        value = st.secrets.get(DATABASE_URL_ENV)
    except Exception:  # noqa: BLE001 - st.secrets raises when there is no (valid) secrets.toml
        return ""
    return value.strip() if isinstance(value, str) else ""


def database_url() -> str:
    """The database both solo drafts and workshops use, as a SQLAlchemy URL.

    In order: the `PARTNERSHIP_FIT_DATABASE_URL` environment variable; the same key in
    `.streamlit/secrets.toml` (how Streamlit hosting passes secrets); else a SQLite file in
    `PARTNERSHIP_FIT_DATA_DIR` (default ./data).
    """
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        return from_env
    return _secret_database_url() or database_url_from_environment()


@st.cache_resource(max_entries=4, show_spinner=False)
def _draft_store(url: str) -> DraftStore:
    # Keyed by the URL, so pointing the environment at another database (tests) gets a store
    # on that database rather than a stale one. A StorageError is not cached: the next call
    # tries again (autosave spaces those tries out).
    return DraftStore(url)


def draft_store() -> DraftStore:
    """The process-wide solo draft store (raises StorageError if the database is unusable)."""
    return _draft_store(database_url())


@st.cache_resource(max_entries=4, show_spinner=False)
def _workshop_service(url: str) -> WorkshopService:
    # One per database per process: the service is thread-safe and holds the connection pool.
    return WorkshopService(url, on_room_change=lambda workshop_id: room_changed(workshop_id, url))


def workshop_service() -> WorkshopService:
    """The process-wide workshop service (raises StorageError if the database is unusable)."""
    return _workshop_service(database_url())


class RecentRooms:
    """The room state of each workshop, read at most once per `max_age` seconds.

    Every participant's screen reads its workshop's room on each poll and each pushed change:
    200 people would be 200 reads of the same row at once. They share one read per workshop
    here instead; a change made elsewhere reaches them at most `max_age` later, one made in
    this process at once (`forget`). Thread-safe: sessions run their scripts in threads of
    their own.
    """

    def __init__(self, max_age: float = ROOM_MAX_AGE, clock: Callable[[], float] = time.monotonic):
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._rooms: dict[str, tuple[float, RoomState]] = {}
        self._forgotten = 0  # how many `forget`s so far

    def get(self, workshop_id: str, read: Callable[[], RoomState]) -> RoomState:
        """The workshop's room as read at most `max_age` ago, else `read()` now.

        `read` must read this workshop's room; what it raises is raised and nothing kept.
        A read that a `forget` overtook is returned but not kept: it may predate the change.
        """
        now = self._clock()
        kept = self._rooms.get(workshop_id)
        if kept is not None and now - kept[0] < self._max_age:
            return kept[1]
        forgotten = self._forgotten
        room = read()
        with self._lock:
            if len(self._rooms) > 1000:  # workshops long finished: keep only the recent ones
                self._rooms = {w: k for w, k in self._rooms.items() if now - k[0] < self._max_age}
            if self._forgotten == forgotten:
                self._rooms[workshop_id] = (now, room)
        return room

    def forget(self, workshop_id: str) -> None:
        """Drop the workshop's kept read: the next screen to ask reads its room afresh."""
        with self._lock:
            self._rooms.pop(workshop_id, None)
            self._forgotten += 1


@st.cache_resource(max_entries=4, show_spinner=False)
def _recent_rooms(url: str) -> RecentRooms:
    # One per database, like the service: another database (tests) starts empty.
    return RecentRooms()


def room_state(workshop_id: str, participant_token: str) -> RoomState:
    """The room of the participant's workshop (`workshop_id`, as their page was given it),
    shared with the other screens of that workshop for up to `ROOM_MAX_AGE` seconds.

    Raises:
        PartnershipFitError: as `WorkshopService.room_state` (nothing is kept then).
    """
    return _recent_rooms(database_url()).get(
        workshop_id, lambda: workshop_service().room_state(participant_token)
    )


def room_changed(workshop_id: str, url: str) -> None:
    """After the workshop service of database `url` committed a change of the workshop's
    room (its `on_room_change`): the waiting screens served here read it afresh, now
    (`push`). Never raises: the change is stored, and the screens' polls see it anyway."""
    try:
        _recent_rooms(url).forget(workshop_id)
        notify_room(workshop_id)
    except Exception:  # noqa: BLE001 - see above; logged for whoever runs the server
        _LOGGER.warning("Could not announce a room change", exc_info=True)
