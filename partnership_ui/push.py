"""Push a room change to the screens of that workshop that this process serves.

Every screen that waits on a workshop (a participant's page, the room view, the
facilitator's dashboard, an invitation owner's page) draws a small fragment that reads the
room's state and redraws the page when it changed. Each run of such a fragment calls
`watch_room`, which keeps workshop id -> {session id: that fragment's id}. When this process
commits a room change (a lock, the reveal, the discussion, someone removed: the workshop
service calls `data.room_changed`, which calls `notify_room`), every session kept for that
workshop and still connected is asked to run that fragment now, as its own timer would; so
the change shows within a rerun instead of within the fragment's poll interval. Screens
served by another process (several processes behind a proxy) see it on their own poll,
which stays as the fallback (`fallback_poll`).

This is the only module that touches Streamlit's runtime internals. Written against
Streamlit 1.67.0, it uses `Runtime.get_app_session`, the `AppSession`'s `_event_loop`,
`_scriptrunner`, `_client_state`, `has_fragment` and `request_rerun`, and the script
thread's `ThreadState.get().fragment_id`; check them when upgrading Streamlit. Where there
is no real runtime (AppTest mocks it) nothing is kept and nothing is pushed.

How a push asks for the run, and why:

- On the session's own event loop (`call_soon_threadsafe`): the change is committed in the
  facilitator's script thread, and an `AppSession` is not thread-safe.
- A `ClientState` with the fragment's id, `is_auto_rerun` (a fragment gone since is skipped
  silently, as for a timer), the page and query string of the session's last run, its
  browser context, and NO widget states: the run sets no widget and fires no callback. The
  browser's last widget states are never sent again: they could undo values the server set
  since, and fire a callback (such as one that deletes an answer) a second time.
- Only while the session runs no script: a request that arrives while a browser's click
  waits to run is merged with it (`ScriptRequests`), and an empty set of widget states would
  then replace the click's widget values, losing the click. A busy session is asked again
  every `_BUSY_RETRY_S` for up to `_BUSY_TRIES` times; after that the poll covers it.
- A few sessions at a time (`_Wave`), so that the first screens show the change after one
  redraw rather than after every screen's redraw.

A failure here never reaches the change that caused it: it is logged, and the poll remains.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Protocol

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    ThreadState,
    get_script_run_ctx,
)

__all__ = [
    "FALLBACK_POLL_ENV",
    "LiveSession",
    "Watchers",
    "fallback_poll",
    "fragment_rerun",
    "notify_room",
    "watch_room",
]

_LOGGER = logging.getLogger(__name__)

FALLBACK_POLL_ENV = "PARTNERSHIP_FIT_FALLBACK_POLL"
# Seconds between a waiting screen's own reads of its room when nothing is pushed to it.
# 200 screens cost about 200 x 1.7 ms / 10 s = 3.4 % of a core; a screen served by another
# process, or one a push missed, is at most about 11 s behind (with `data.ROOM_MAX_AGE`).
_FALLBACK_POLL_S = 10.0
_BUSY_RETRY_S = 0.05
_BUSY_TRIES = 100  # 5 s of a busy session, then its poll takes over
_AT_ONCE = 2  # sessions of one change running their push at a time (see `_Wave`)
_RUN_CHECK_S = 0.02  # how often a pushed session is checked for the end of its run
_RUN_WAIT_S = 2.0  # the next session is asked after this even if that run goes on
_SWEEP_EVERY_S = 60.0  # how often sessions that went away are looked for among the kept


def fallback_poll() -> str:
    """The `run_every` of a waiting screen's room poll now that changes are pushed: 10 s,
    or the number of seconds in `PARTNERSHIP_FIT_FALLBACK_POLL` (tests set it long to show
    that the push, not the poll, brought a change)."""
    raw = os.environ.get(FALLBACK_POLL_ENV, "").strip()
    try:
        seconds = float(raw) if raw else _FALLBACK_POLL_S
    except ValueError:
        seconds = _FALLBACK_POLL_S
    if not 0.5 <= seconds <= 86_400:
        seconds = _FALLBACK_POLL_S
    return f"{seconds:g}s"


class LiveSession(Protocol):
    """What a push needs of a connected session (`_AppSessionPort` for Streamlit's own)."""

    def call_soon(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the session's event loop (from any thread)."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        """Run `callback` on the session's event loop after `delay` seconds (on that loop)."""

    def busy(self) -> bool:
        """Whether a script run is in progress or waiting (on the event loop)."""

    def has_fragment(self, fragment_id: str) -> bool: ...

    def rerun_fragment(self, fragment_id: str) -> None:
        """Ask for a run of that fragment alone, without widget states (on the event loop)."""


FindSession = Callable[[str], LiveSession | None]


class Watchers:
    """Workshop id -> {session id: fragment id} of the screens that wait on it. Thread-safe:
    fragments register from their sessions' script threads, changes notify from others.

    Args:
        find_session: the live session of an id, None once it has gone (closed, or its
            browser disconnected: a reconnecting browser runs its page again and so
            registers again).
        clock: monotonic seconds, for the sweep of sessions that went away.
    """

    def __init__(self, find_session: FindSession, clock: Callable[[], float] = time.monotonic):
        self._find = find_session
        self._clock = clock
        self._lock = threading.Lock()
        self._by_workshop: dict[str, dict[str, str]] = {}
        self._workshop_of: dict[str, str] = {}
        self._swept_at = clock()

    def watch(self, workshop_id: str, session_id: str, fragment_id: str) -> None:
        """Keep that the session shows the workshop in that fragment (its latest one)."""
        with self._lock:
            before = self._workshop_of.get(session_id)
            if before is not None and before != workshop_id:
                self._drop_locked(session_id)
            self._by_workshop.setdefault(workshop_id, {})[session_id] = fragment_id
            self._workshop_of[session_id] = workshop_id
            due = self._clock() - self._swept_at >= _SWEEP_EVERY_S
            if due:
                self._swept_at = self._clock()
        if due:
            self.sweep()

    def sessions(self, workshop_id: str) -> dict[str, str]:
        """The sessions kept for the workshop: session id -> fragment id (a copy)."""
        with self._lock:
            return dict(self._by_workshop.get(workshop_id, {}))

    def __len__(self) -> int:
        with self._lock:
            return len(self._workshop_of)

    def forget(self, session_id: str, fragment_id: str | None = None) -> None:
        """Drop the session (only if it is still kept with `fragment_id`, when given)."""
        with self._lock:
            workshop_id = self._workshop_of.get(session_id)
            if workshop_id is None:
                return
            if fragment_id is None or self._by_workshop[workshop_id].get(session_id) == fragment_id:
                self._drop_locked(session_id)

    def sweep(self) -> None:
        """Drop every kept session that has gone."""
        with self._lock:
            kept = list(self._workshop_of)
        for session_id in kept:
            if self._find(session_id) is None:
                self.forget(session_id)

    def notify(self, workshop_id: str, *, skip: str | None = None) -> int:
        """Ask each live session kept for the workshop, except `skip` (the caller's own,
        which redraws itself), to run its fragment now, `_AT_ONCE` at a time. Returns how
        many are to be asked; sessions that went away are dropped."""
        targets = []
        for session_id, fragment_id in self.sessions(workshop_id).items():
            if session_id == skip:
                continue
            session = self._find(session_id)
            if session is None:
                self.forget(session_id)
            else:
                targets.append((session, session_id, fragment_id))
        wave = _Wave(self, targets)
        for _ in range(_AT_ONCE):
            wave.start_next()
        return len(targets)

    def _drop_locked(self, session_id: str) -> None:
        workshop_id = self._workshop_of.pop(session_id)
        fragments = self._by_workshop[workshop_id]
        fragments.pop(session_id, None)
        if not fragments:
            del self._by_workshop[workshop_id]


class _Wave:
    """The sessions one change is pushed to, `_AT_ONCE` at a time: the next one is asked when
    an earlier one's run is over. Asked all at once, every page would redraw in parallel
    and each would take as long as all of them (one core, one interpreter lock); one after
    the other, the first screens show the change after one redraw, not after all."""

    def __init__(self, watchers: Watchers, targets: list[tuple[LiveSession, str, str]]) -> None:
        self._watchers = watchers
        self._lock = threading.Lock()
        self._left = targets[::-1]

    def start_next(self) -> None:
        """Ask the next session (from any thread); nothing when none is left."""
        while True:
            with self._lock:
                if not self._left:
                    return
                session, session_id, fragment_id = self._left.pop()
            try:
                session.call_soon(self._attempt(session, session_id, fragment_id))
                return
            except RuntimeError:  # its event loop is closed: the server is stopping
                self._watchers.forget(session_id)

    def _attempt(
        self, session: LiveSession, session_id: str, fragment_id: str
    ) -> Callable[[], None]:
        tries = [_BUSY_TRIES]

        def attempt() -> None:  # on the session's event loop
            try:
                if self._watchers._find(session_id) is None or not session.has_fragment(
                    fragment_id
                ):
                    self._watchers.forget(session_id, fragment_id)
                elif not session.busy():
                    session.rerun_fragment(fragment_id)
                    self._after_run(session, _RUN_WAIT_S)
                    return
                elif tries[0] > 0:
                    tries[0] -= 1
                    session.call_later(_BUSY_RETRY_S, attempt)
                    return
            except Exception:  # noqa: BLE001 - a push is a speed-up; the poll remains
                _LOGGER.warning("Could not push a room change to a session", exc_info=True)
            self.start_next()

        return attempt

    def _after_run(self, session: LiveSession, left: float) -> None:
        """Ask the next session once this one's run is over (or after `left` seconds)."""

        def check() -> None:  # on the session's event loop
            try:
                if left > 0 and session.busy():
                    self._after_run(session, left - _RUN_CHECK_S)
                    return
            except Exception:  # noqa: BLE001 - see `_attempt`
                _LOGGER.warning("Could not follow a pushed run", exc_info=True)
            self.start_next()

        session.call_later(_RUN_CHECK_S, check)


def fragment_rerun(last: ClientState, fragment_id: str) -> ClientState:
    """The request for one fragment's run, as its timer would make it, from the session's
    last run (`last`): its page, query string and browser context; no widget states."""
    request = ClientState(
        query_string=last.query_string,
        page_script_hash=last.page_script_hash,
        fragment_id=fragment_id,
        is_auto_rerun=True,
    )
    if last.HasField("context_info"):
        request.context_info.CopyFrom(last.context_info)
    return request


class _AppSessionPort:
    """A Streamlit `AppSession` as a `LiveSession` (the internals this module names)."""

    def __init__(self, session: object) -> None:
        self._session = session

    def call_soon(self, callback: Callable[[], None]) -> None:
        self._session._event_loop.call_soon_threadsafe(callback)  # type: ignore[attr-defined]

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        self._session._event_loop.call_later(delay, callback)  # type: ignore[attr-defined]

    def busy(self) -> bool:
        return self._session._scriptrunner is not None  # type: ignore[attr-defined]

    def has_fragment(self, fragment_id: str) -> bool:
        return bool(self._session.has_fragment(fragment_id))  # type: ignore[attr-defined]

    def rerun_fragment(self, fragment_id: str) -> None:
        last = self._session._client_state  # type: ignore[attr-defined]
        self._session.request_rerun(fragment_rerun(last, fragment_id))  # type: ignore[attr-defined]


def _live_session(session_id: str) -> LiveSession | None:
    if not Runtime.exists():
        return None
    session = Runtime.instance().get_app_session(session_id)
    # AppTest's runtime is a mock whose sessions are mocks too: nothing to push to there.
    return _AppSessionPort(session) if isinstance(session, AppSession) else None


_WATCHERS = Watchers(_live_session)


def watch_room(workshop_id: str) -> None:
    """From a waiting screen's fragment: push this workshop's changes to this fragment."""
    try:
        ctx = get_script_run_ctx()
        fragment_id = ThreadState.get().fragment_id if ctx is not None else None
        if ctx is None or not fragment_id or _live_session(ctx.session_id) is None:
            return
        _WATCHERS.watch(workshop_id, ctx.session_id, fragment_id)
    except Exception:  # noqa: BLE001 - without a push the screen still polls
        _LOGGER.warning("Could not register a screen for pushed room changes", exc_info=True)


def notify_room(workshop_id: str) -> int:
    """After a committed change of the workshop's room: run the waiting screens' fragments
    served by this process now, a few at a time (not the caller's own session). Returns how
    many are to be asked; never raises."""
    try:
        ctx = get_script_run_ctx(suppress_warning=True)
        return _WATCHERS.notify(workshop_id, skip=ctx.session_id if ctx else None)
    except Exception:  # noqa: BLE001 - the change is stored; the screens' polls still see it
        _LOGGER.warning("Could not push a room change", exc_info=True)
        return 0
