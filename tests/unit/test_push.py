"""partnership_ui.push: which sessions a room change is pushed to, and how it is asked for.

The registry is tested with fake sessions (a real `AppSession` needs a running server; the
browser test in tests/browser/test_e2e_room.py drives the real one with the poll made long).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.testing.v1 import AppTest

from partnership_ui import push
from partnership_ui.push import Watchers, fallback_poll, fragment_rerun


class _Session:
    """A connected session: runs what is scheduled on its 'event loop' at once."""

    def __init__(self, *fragments: str, busy_for: int = 0) -> None:
        self.fragments = set(fragments)
        self.busy_for = busy_for  # how many checks it stays busy
        self.reruns: list[str] = []
        self.later: list[Callable[[], None]] = []
        self.closed = False
        self.fail = False

    def call_soon(self, callback: Callable[[], None]) -> None:
        if self.closed:
            raise RuntimeError("Event loop is closed")
        callback()

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        self.later.append(callback)

    def busy(self) -> bool:
        self.busy_for -= 1
        return self.busy_for >= 0

    def has_fragment(self, fragment_id: str) -> bool:
        return fragment_id in self.fragments

    def rerun_fragment(self, fragment_id: str) -> None:
        if self.fail:
            raise ValueError("the session broke")
        self.reruns.append(fragment_id)

    def run_later(self) -> None:
        pending, self.later = self.later, []
        for callback in pending:
            callback()


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _watchers(sessions: dict[str, _Session], clock: _Clock | None = None) -> Watchers:
    return Watchers(sessions.get, clock or _Clock())


def test_a_change_reruns_the_latest_fragment_of_each_screen_of_that_workshop() -> None:
    sessions = {"a": _Session("fa", "fa2"), "b": _Session("fb"), "c": _Session("fc")}
    watchers = _watchers(sessions)
    watchers.watch("w1", "a", "fa")
    watchers.watch("w1", "a", "fa2")  # the page now shows another fragment
    watchers.watch("w1", "b", "fb")
    watchers.watch("w2", "c", "fc")
    assert watchers.notify("w1") == 2
    assert sessions["a"].reruns == ["fa2"] and sessions["b"].reruns == ["fb"]
    assert sessions["c"].reruns == []
    assert watchers.notify("w1", skip="b") == 1  # the caller's own session redraws itself
    assert sessions["b"].reruns == ["fb"]
    assert watchers.notify("nobody watches this") == 0


def test_a_session_that_moves_to_another_workshop_is_kept_once() -> None:
    sessions = {"a": _Session("f")}
    watchers = _watchers(sessions)
    watchers.watch("w1", "a", "f")
    watchers.watch("w2", "a", "f")
    assert watchers.sessions("w1") == {} and watchers.sessions("w2") == {"a": "f"}
    assert len(watchers) == 1
    watchers.notify("w1")
    assert sessions["a"].reruns == []


def test_sessions_that_went_away_are_dropped_silently() -> None:
    sessions = {"gone": _Session("f"), "closed": _Session("f"), "stale": _Session("old")}
    sessions["kept"] = _Session("f")
    watchers = _watchers(sessions)
    for session_id in ("gone", "closed", "stale", "kept"):
        watchers.watch("w1", session_id, "f")
    del sessions["gone"]  # disconnected
    sessions["closed"].closed = True  # the server is stopping
    sessions["stale"].fragments = {"new"}  # a full run replaced the fragment
    assert watchers.notify("w1") == 3  # the gone one is dropped at once
    assert watchers.sessions("w1") == {"kept": "f"}
    assert sessions["kept"].reruns == ["f"] and sessions["stale"].reruns == []


def test_a_fragment_registered_again_meanwhile_is_not_dropped() -> None:
    sessions = {"a": _Session("old", busy_for=1)}
    watchers = _watchers(sessions)
    watchers.watch("w1", "a", "old")
    watchers.notify("w1")  # busy: asked again later, for "old"
    watchers.watch("w1", "a", "new")  # the run it was busy with drew another fragment
    sessions["a"].fragments = {"new"}
    sessions["a"].run_later()
    assert watchers.sessions("w1") == {"a": "new"} and sessions["a"].reruns == []


def test_a_busy_session_is_asked_when_its_run_is_over_and_only_once() -> None:
    sessions = {"a": _Session("f", busy_for=3)}
    watchers = _watchers(sessions)
    watchers.watch("w1", "a", "f")
    watchers.notify("w1")
    assert sessions["a"].reruns == []  # never merged into a click that waits to run
    for _ in range(3):
        sessions["a"].run_later()
    assert sessions["a"].reruns == ["f"]
    sessions["a"].run_later()  # its run is over: the next session would be asked now
    assert sessions["a"].later == []


def test_sessions_are_asked_a_few_at_a_time_each_after_an_earlier_run_is_over() -> None:
    sessions = {f"s{i}": _Session("f") for i in range(5)}
    watchers = _watchers(sessions)
    for session_id in sessions:
        watchers.watch("w1", session_id, "f")
    assert watchers.notify("w1") == 5
    started = [sid for sid, session in sessions.items() if session.reruns]
    assert started == ["s0", "s1"][: push._AT_ONCE]
    sessions["s0"].busy_for = 1  # its run goes on: the check comes back later
    sessions["s0"].run_later()
    assert not sessions["s2"].reruns
    sessions["s0"].run_later()  # over: the next one is asked
    assert sessions["s2"].reruns == ["f"] and not sessions["s3"].reruns
    for _ in range(3):
        for session in sessions.values():
            session.run_later()
    assert all(session.reruns == ["f"] for session in sessions.values())


def test_a_session_busy_for_too_long_is_left_to_its_poll() -> None:
    sessions = {"a": _Session("f", busy_for=10**6)}
    watchers = _watchers(sessions)
    watchers.watch("w1", "a", "f")
    watchers.notify("w1")
    tries = 0
    while sessions["a"].later:
        sessions["a"].run_later()
        tries += 1
    assert tries == push._BUSY_TRIES and sessions["a"].reruns == []
    assert watchers.sessions("w1") == {"a": "f"}  # still kept for the next change


def test_a_failing_push_is_logged_and_never_raised(caplog: pytest.LogCaptureFixture) -> None:
    sessions = {"a": _Session("f"), "b": _Session("f")}
    sessions["a"].fail = True
    watchers = _watchers(sessions)
    watchers.watch("w1", "a", "f")
    watchers.watch("w1", "b", "f")
    assert watchers.notify("w1") == 2
    assert sessions["b"].reruns == ["f"]
    assert "Could not push a room change" in caplog.text


def test_gone_sessions_are_swept_out_of_a_workshop_that_never_changes() -> None:
    clock = _Clock()
    sessions = {f"s{i}": _Session("f") for i in range(10)}
    watchers = _watchers(sessions, clock)
    for session_id in list(sessions):
        watchers.watch("quiet", session_id, "f")
    for i in range(9):
        del sessions[f"s{i}"]
    watchers.watch("other", "s9", "f")
    assert len(watchers) == 10  # not swept before its time
    clock.now += push._SWEEP_EVERY_S
    watchers.watch("other", "s9", "f")
    assert len(watchers) == 1 and watchers.sessions("quiet") == {}


def test_watching_and_notifying_from_many_threads_at_once() -> None:
    sessions = {f"s{i}": _Session("f", "g") for i in range(400)}
    lock = threading.Lock()
    watchers = _watchers(sessions)
    errors: list[BaseException] = []

    def register(first: int) -> None:
        try:
            for round_ in range(20):
                for i in range(first, 400, 4):
                    watchers.watch(f"w{(i + round_) % 3}", f"s{i}", "f" if round_ % 2 else "g")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            with lock:
                errors.append(exc)

    def announce() -> None:
        try:
            for round_ in range(200):
                watchers.notify(f"w{round_ % 3}")
                watchers.sweep()
        except BaseException as exc:  # noqa: BLE001
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=register, args=(k,)) for k in range(4)]
    threads += [threading.Thread(target=announce) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(watchers) == 400
    kept = [watchers.sessions(f"w{k}") for k in range(3)]
    assert sum(len(k) for k in kept) == 400  # each session in exactly one workshop
    assert {f for k in kept for f in k.values()} == {"f"}  # the last round's fragment


def test_the_run_asked_for_carries_no_widget_states() -> None:
    last = ClientState(query_string="p=tok&step=2", page_script_hash="hash-join")
    last.widget_states.widgets.add(id="radio", string_value="Agree")  # never sent again
    last.context_info.timezone = "Europe/London"
    request = fragment_rerun(last, "frag-1")
    assert request.fragment_id == "frag-1" and request.is_auto_rerun
    assert request.query_string == "p=tok&step=2" and request.page_script_hash == "hash-join"
    assert request.context_info.timezone == "Europe/London"
    assert not request.HasField("widget_states") and len(request.widget_states.widgets) == 0
    assert not request.page_name and not request.cached_message_hashes


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "10s"), ("300", "300s"), ("2.5", "2.5s"), ("soon", "10s"), ("0", "10s")],
)
def test_the_fallback_poll_can_be_set_for_tests(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str
) -> None:
    if value is None:
        monkeypatch.delenv(push.FALLBACK_POLL_ENV, raising=False)
    else:
        monkeypatch.setenv(push.FALLBACK_POLL_ENV, value)
    assert fallback_poll() == expected


def _fragment_that_watches() -> None:
    import streamlit as st

    from partnership_ui.push import notify_room, watch_room

    @st.fragment(run_every="60s")
    def waiting() -> None:
        watch_room("w-apptest")
        st.write("waiting")

    waiting()
    st.write(f"asked {notify_room('w-apptest')}")


def test_without_a_real_runtime_nothing_is_kept_or_pushed() -> None:
    """AppTest's runtime is a mock: a waiting screen there registers nothing."""
    before = len(push._WATCHERS)
    at = AppTest.from_function(_fragment_that_watches).run()
    assert not at.exception
    assert "asked 0" in [m.value for m in at.markdown]
    assert len(push._WATCHERS) == before and push._WATCHERS.sessions("w-apptest") == {}
