"""Workshops that hold up in a real room (issue 11), service side: people management, the
join throttle and its bound, the automatic reveal on the facilitator's terms, edits by
identity and version, storage failures that stay visible, anonymity options, the discussion
state phones poll, and look-alike names.

Each test that takes `svc` runs on SQLite and, with PARTNERSHIP_FIT_TEST_POSTGRES_URL set
(tests/pg_cluster.sh), on PostgreSQL too.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from db_helpers import Clock
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from partnership_core.assessment import Action, AgreedItem, Answer, Assessment, Partner, Respondent
from partnership_core.errors import StorageError, WorkshopError
from partnership_core.text import confusable_skeleton
from partnership_core.workshop import (
    AnonymityOptions,
    WorkshopService,
    WorkshopState,
    expected_years_to_hit,
)
from partnership_core.workshop.throttle import (
    CLIENT_BURST,
    SERVER_BURST,
    SERVER_RATE,
)

BANKS = ["three-levels"]
STALE = "out of date|older copy|changed it in another tab"


@pytest.fixture
def svc(db_url: str, clock: Clock):
    with closing(WorkshopService(db_url, clock=clock)) as service:
        yield service


def _create(svc: WorkshopService, **kw):
    return svc.create_workshop(
        "Room test", "other", BANKS, ["Harbour Trust", "Northwind Ltd"], **kw
    )


def _answer(statement: str, rating) -> Answer:
    return Answer(respondent="ignored", statement=statement, rating=rating)


def _wrong(code: str) -> str:
    return "AAAAAAAAAA" if code != "AAAAAAAAAA" else "CCCCCCCCCC"


def _statements(svc: WorkshopService, created) -> list[str]:
    return svc.dashboard(created.facilitator_token).workshop.statements


# --------------------------------------------------------------------------- 1. people


def test_facilitator_removes_a_stray(svc: WorkshopService) -> None:
    created = _create(svc)
    q = _statements(svc, created)
    stray = svc.join(created.join_code, "p1", "Stray Sam", "k")
    svc.save_answer(stray.participant_token, _answer(q[0], 2))
    kept = svc.join(created.join_code, "p2", "Kim", "k")
    svc.remove_participant(created.facilitator_token, stray.respondent_id)
    board = svc.dashboard(created.facilitator_token)
    assert [p.name for p in board.participants] == ["Kim"]
    with pytest.raises(WorkshopError, match="participant link is not valid"):
        svc.participant(stray.participant_token)
    # The name is free again, and a second removal says the person is gone.
    assert svc.join(created.join_code, "p2", "Stray Sam", "k").partner_id == "p2"
    with pytest.raises(WorkshopError, match="not in this workshop any more"):
        svc.remove_participant(created.facilitator_token, stray.respondent_id)
    svc.reveal(created.facilitator_token)
    result = svc.assessment(created.facilitator_token)
    assert stray.respondent_id not in {r.id for r in result.respondents}
    assert all(a.respondent != stray.respondent_id for a in result.answers)
    assert kept.respondent_id in {r.id for r in result.respondents}


@pytest.mark.parametrize("keep", [True, False], ids=["with-answers", "answers-discarded"])
def test_facilitator_moves_a_participant(svc: WorkshopService, keep: bool) -> None:
    created = _create(svc)
    q = _statements(svc, created)
    s = svc.join(created.join_code, "p1", "Ann", "k")
    svc.save_answer(s.participant_token, _answer(q[0], 4))
    svc.finish(s.participant_token)
    svc.move_participant(created.facilitator_token, s.respondent_id, "p2", keep_answers=keep)
    view = svc.participant(s.participant_token)
    assert view.respondent.partner == "p2"
    assert set(view.own_answers) == ({q[0]} if keep else set())
    assert view.finished is keep  # without answers they start again
    with pytest.raises(WorkshopError, match="partner organisation"):
        svc.move_participant(created.facilitator_token, s.respondent_id, "p9", keep_answers=True)
    svc.reveal(created.facilitator_token)
    with pytest.raises(WorkshopError, match="cannot be moved"):
        svc.move_participant(created.facilitator_token, s.respondent_id, "p1", keep_answers=True)


def test_participant_switches_organisation_before_answering(svc: WorkshopService) -> None:
    created = _create(svc)
    q = _statements(svc, created)
    s = svc.join(created.join_code, "p1", "Bo", "k")
    switched = svc.switch_partner(s.participant_token, "p2")
    assert switched.partner_id == "p2" and switched.participant_token == s.participant_token
    assert svc.participant(s.participant_token).respondent.partner == "p2"
    svc.save_answer(s.participant_token, _answer(q[0], 3))
    with pytest.raises(WorkshopError, match="ask the facilitator to move you"):
        svc.switch_partner(s.participant_token, "p1")
    assert svc.participant(s.participant_token).respondent.partner == "p2"


def test_switching_to_a_look_alike_of_someone_there_is_refused(svc: WorkshopService) -> None:
    created = _create(svc)
    svc.join(created.join_code, "p2", "Anna", "k")
    cyrillic = svc.join(created.join_code, "p1", "\u0410nna", "k")  # other partner: allowed
    with pytest.raises(WorkshopError, match="looks just like 'Anna'"):
        svc.switch_partner(cyrillic.participant_token, "p2")
    assert svc.participant(cyrillic.participant_token).respondent.partner == "p1"


# --------------------------------------------------------------------------- 2. throttle


def _outcome(call) -> str:
    try:
        call()
    except WorkshopError as exc:
        return "throttled" if "Too many wrong codes" in str(exc) else "wrong"
    return "in"


def test_a_room_behind_one_address_gets_in_despite_typos(svc: WorkshopService) -> None:
    created = _create(svc)
    bad = _wrong(created.join_code)
    outcomes = []
    for i in range(30):
        if i % 3 == 0:  # 10 of the 30 mistype the code first
            outcomes.append(_outcome(lambda: svc.lookup_code(bad, "venue-wifi")))
        outcomes.append(
            _outcome(
                lambda i=i: svc.join(created.join_code, f"p{i % 2 + 1}", f"P{i}", "venue-wifi")
            )
        )
    assert outcomes.count("wrong") == 10
    assert outcomes.count("in") == 30
    assert "throttled" not in outcomes
    assert len(svc.dashboard(created.facilitator_token).participants) == 30


def test_rotating_client_keys_get_at_most_the_server_bound(
    svc: WorkshopService, clock: Clock
) -> None:
    created = _create(svc)
    bad = _wrong(created.join_code)
    # 1,000 wrong codes, each from a new client key, 10 ms apart: 10 s in all.
    outcomes = []
    for i in range(1000):
        outcomes.append(_outcome(lambda i=i: svc.lookup_code(bad, f"rotating-{i}")))
        clock.advance(0.01)
    checked = outcomes.count("wrong")
    assert checked <= SERVER_BURST + SERVER_RATE * 10
    assert checked >= SERVER_BURST + SERVER_RATE * 10 - 2  # the bound is what it lets through
    # Bucket empty: even a right code waits (see the throttle's docstring), then gets in.
    while _outcome(lambda: svc.lookup_code(bad, "drain")) == "wrong":
        pass
    with pytest.raises(WorkshopError, match="Too many wrong codes were tried; wait 1 seconds"):
        svc.lookup_code(created.join_code, "a-real-participant")
    clock.advance(0.1)
    assert svc.lookup_code(created.join_code, "a-real-participant").name == "Room test"


def test_fifty_parallel_guessers_are_counted_atomically(db_url: str, clock: Clock) -> None:
    # Two services on one database stand for two server processes: one bucket for both.
    with (
        closing(WorkshopService(db_url, clock=clock, retry_attempts=8)) as one,
        closing(WorkshopService(db_url, clock=clock, retry_attempts=8)) as two,
    ):
        created = _create(one)
        bad = _wrong(created.join_code)
        barrier = threading.Barrier(50)
        outcomes: list[str] = []

        def guess(t: int) -> None:
            svc = one if t % 2 else two
            barrier.wait()
            for i in range(20):  # 50 threads x 20 = 1,000 wrong codes, the clock standing
                outcomes.append(_outcome(lambda i=i: svc.lookup_code(bad, f"t{t}-{i}")))

        threads = [threading.Thread(target=guess, args=(t,)) for t in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(outcomes) == 1000
        assert outcomes.count("wrong") == SERVER_BURST  # exactly the burst: none slipped by
        assert outcomes.count("throttled") == 1000 - SERVER_BURST


def test_the_bound_keeps_guessing_out_for_decades() -> None:
    assert SERVER_RATE == 10 and SERVER_BURST == 60
    years = expected_years_to_hit(1000)
    assert years == pytest.approx(21**10 / 1000 / 10 / (365.25 * 24 * 3600))
    assert 52 < years < 54


def test_one_client_is_held_back_without_holding_back_others(
    svc: WorkshopService, clock: Clock
) -> None:
    created = _create(svc)
    bad = _wrong(created.join_code)
    for _ in range(CLIENT_BURST):
        assert _outcome(lambda: svc.lookup_code(bad, "one-script")) == "wrong"
    assert _outcome(lambda: svc.lookup_code(bad, "one-script")) == "throttled"
    # The server bucket still has room: everyone else is checked as usual.
    assert _outcome(lambda: svc.lookup_code(created.join_code, "phone")) == "in"
    clock.advance(3)
    assert _outcome(lambda: svc.lookup_code(bad, "one-script")) == "wrong"


def test_the_join_link_gets_in_while_guessers_hold_the_server_bucket(
    svc: WorkshopService,
) -> None:
    created = _create(svc)
    bad = _wrong(created.join_code)
    i = 0
    while _outcome(lambda i=i: svc.lookup_code(bad, f"guesser-{i}")) == "wrong":
        i += 1
    assert i == SERVER_BURST
    # A typed code waits now, but the QR code's link joins at once.
    assert _outcome(lambda: svc.lookup_code(created.join_code, "phone")) == "throttled"
    assert svc.lookup_code("", "phone", join_key=created.join_key).name == "Room test"
    session = svc.join("", "p1", "Scanned QR", "phone", join_key=created.join_key)
    assert session.workshop_id == created.workshop_id
    # A wrong join key is a wrong code like any other (and waits like one now).
    assert _outcome(lambda: svc.lookup_code("", "phone", join_key="x" * 43)) == "throttled"
    with pytest.raises(WorkshopError, match="facilitator link is not valid"):
        svc.links(created.join_key)  # the shared keys carry no facilitator power
    with pytest.raises(WorkshopError, match="facilitator link is not valid"):
        svc.links(created.room_token)


def test_a_wrong_join_key_counts_as_a_wrong_code(svc: WorkshopService) -> None:
    created = _create(svc)
    wrong_end = "A" if not created.join_key.endswith("A") else "B"
    with pytest.raises(WorkshopError, match="code is not valid"):
        svc.lookup_code("", "k", join_key=created.join_key[:-1] + wrong_end)
    assert svc.lookup_code("", "k", join_key=created.join_key).workshop_id == created.workshop_id


# --------------------------------------------------------------------------- 3. auto reveal


def test_auto_reveal_needs_the_expected_headcount(svc: WorkshopService) -> None:
    with pytest.raises(WorkshopError, match="each of the 2 partners"):
        _create(svc, auto_reveal=True, expected_headcounts=[2])
    with pytest.raises(WorkshopError, match="1 to 500 people"):
        _create(svc, auto_reveal=True, expected_headcounts=[2, 0])
    created = _create(svc, auto_reveal=True, expected_headcounts=[2, 2])
    info = svc.dashboard(created.facilitator_token).workshop
    assert info.expected_headcounts == {"p1": 2, "p2": 2}
    # One person joining once per partner and finishing reveals nothing.
    loners = [svc.join(created.join_code, p, f"Loner {p}", "k") for p in ("p1", "p2")]
    assert [svc.finish(s.participant_token) for s in loners] == [WorkshopState.OPEN] * 2
    # A stray who joins, never finishes and is removed neither blocks nor counts.
    stray = svc.join(created.join_code, "p1", "Stray", "k")
    second = svc.join(created.join_code, "p1", "Second", "k")
    svc.remove_participant(created.facilitator_token, stray.respondent_id)
    assert svc.finish(second.participant_token) is WorkshopState.OPEN  # p2 still 1 of 2
    last = svc.join(created.join_code, "p2", "Last", "k")
    late = svc.join(created.join_code, "p2", "Late and slow", "k")  # never finishes
    assert svc.finish(last.participant_token) is WorkshopState.REVEALED
    assert svc.participant(late.participant_token).state is WorkshopState.REVEALED


def test_auto_reveal_without_headcounts_waits_for_them(svc: WorkshopService) -> None:
    created = _create(svc, auto_reveal=True)
    assert svc.dashboard(created.facilitator_token).workshop.expected_headcounts == {}
    people = [svc.join(created.join_code, p, f"P {p}", "k") for p in ("p1", "p2")]
    assert [svc.finish(s.participant_token) for s in people] == [WorkshopState.OPEN] * 2
    state = svc.set_expected_headcounts(created.facilitator_token, {"p1": 1, "p2": 1})
    assert state is WorkshopState.REVEALED


def test_headcount_set_by_hand_later(svc: WorkshopService) -> None:
    created = _create(svc, auto_reveal=True, expected_headcounts=[3, 3])
    people = [svc.join(created.join_code, p, f"P {p}", "k") for p in ("p1", "p2")]
    for s in people:
        svc.finish(s.participant_token)
    assert svc.dashboard(created.facilitator_token).state is WorkshopState.OPEN
    with pytest.raises(WorkshopError, match="no partner 'p7'"):
        svc.set_expected_headcounts(created.facilitator_token, {"p7": 1})
    # Fewer came than expected: the facilitator lowers the numbers, which completes them.
    state = svc.set_expected_headcounts(created.facilitator_token, {"p1": 1, "p2": 1})
    assert state is WorkshopState.REVEALED


def test_no_auto_reveal_without_asking_even_with_headcounts(svc: WorkshopService) -> None:
    created = _create(svc, expected_headcounts=[1, 1])
    people = [svc.join(created.join_code, p, f"P {p}", "k") for p in ("p1", "p2")]
    assert [svc.finish(s.participant_token) for s in people] == [WorkshopState.OPEN] * 2


# --------------------------------------------------------------------------- 4. identity, versions


def test_stale_tab_cannot_overwrite_a_newer_answer(svc: WorkshopService) -> None:
    created = _create(svc)
    s = svc.join(created.join_code, "p1", "Ann", "k")
    q = _statements(svc, created)[0]
    laptop = svc.participant(s.participant_token)  # opened before anything was answered
    assert laptop.answer_versions == {}
    svc.save_answer(s.participant_token, _answer(q, 4), version=0)  # the phone
    phone = svc.participant(s.participant_token)
    assert phone.answer_versions == {q: 1}
    svc.save_answer(s.participant_token, _answer(q, 5), version=1)
    assert svc.participant(s.participant_token).answer_versions == {q: 2}
    with pytest.raises(WorkshopError, match=STALE) as exc:
        svc.save_answer(s.participant_token, _answer(q, 1), version=0)  # the laptop
    assert "Reload the page" in str(exc.value)
    with pytest.raises(WorkshopError, match=STALE):
        svc.clear_answer(s.participant_token, q, version=1)
    assert svc.participant(s.participant_token).own_answers[q].rating == 5
    svc.clear_answer(s.participant_token, q, version=2)
    assert svc.participant(s.participant_token).own_answers == {}
    # Callers that pass no version keep the old behaviour: the last save wins.
    svc.save_answer(s.participant_token, _answer(q, 3))
    assert svc.participant(s.participant_token).own_answers[q].rating == 3


def test_two_saves_of_one_copy_at_once_land_once(svc: WorkshopService) -> None:
    created = _create(svc)
    s = svc.join(created.join_code, "p1", "Ann", "k")
    q = _statements(svc, created)[0]
    svc.save_answer(s.participant_token, _answer(q, 1), version=0)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def save(rating: int) -> None:
        barrier.wait()
        try:
            svc.save_answer(s.participant_token, _answer(q, rating), version=1)
            outcomes.append("saved")
        except WorkshopError:
            outcomes.append("stale")

    threads = [threading.Thread(target=save, args=(r,)) for r in range(2, 8) if r <= 5] + [
        threading.Thread(target=save, args=(5,)) for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["saved"] + ["stale"] * 5
    assert svc.participant(s.participant_token).answer_versions == {q: 2}


def test_agreements_carry_versions(svc: WorkshopService) -> None:
    created = _create(svc)
    token = created.facilitator_token
    q = _statements(svc, created)[0]
    svc.reveal(token)
    assert svc.record_agreement(token, AgreedItem(statement=q, agreed_rating=3), version=0) == 1
    first_tab = svc.discussion(token).agreement_versions[q]
    assert (
        svc.record_agreement(
            token,
            AgreedItem(statement=q, agreed_rating=4, notes="after a break"),
            version=first_tab,
        )
        == 2
    )
    with pytest.raises(WorkshopError, match=STALE):
        svc.record_agreement(token, AgreedItem(statement=q, agreed_rating=1), version=first_tab)
    with pytest.raises(WorkshopError, match=STALE):  # a second tab "creating" it again
        svc.record_agreement(token, AgreedItem(statement=q, agreed_rating=1), version=0)
    assert [a.notes for a in svc.discussion(token).agreed] == ["after a break"]


def test_actions_are_removed_by_id(svc: WorkshopService) -> None:
    created = _create(svc)
    token = created.facilitator_token
    svc.reveal(token)
    for title in ("Draft charter", "Agree exit terms", "Book venue"):
        svc.add_action(token, Action(title=title, owner="Ann"))
    old_tab = svc.discussion(token).actions
    assert [a.action.title for a in old_tab] == ["Draft charter", "Agree exit terms", "Book venue"]
    svc.remove_action(token, old_tab[0].id)  # one tab removes the first action
    # The other tab, still showing three, removes "Agree exit terms" by its id.
    svc.remove_action(token, old_tab[1].id)
    assert [a.action.title for a in svc.discussion(token).actions] == ["Book venue"]
    with pytest.raises(WorkshopError, match="not in the list any more"):
        svc.remove_action(token, old_tab[0].id)
    with pytest.raises(WorkshopError, match="not in the list any more"):
        svc.remove_action(token, "not-an-id")
    # Another workshop's action id does nothing here.
    other = _create(svc)
    svc.add_action(other.facilitator_token, Action(title="Theirs", owner="Bo"))
    theirs = svc.discussion(other.facilitator_token).actions[0].id
    with pytest.raises(WorkshopError, match="not in the list any more"):
        svc.remove_action(token, theirs)
    assert len(svc.discussion(other.facilitator_token).actions) == 1


# --------------------------------------------------------------------------- 5. storage failures


def _hold_write_lock(path: str) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # WAL: readers go on, writers wait
    return other


def test_page_loads_while_saves_fail_and_the_dashboard_counts_them(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "busy.sqlite3"
    url = f"sqlite:///{path}"
    with closing(WorkshopService(url, clock=clock, busy_timeout_ms=50, retry_attempts=2)) as svc:
        created = _create(svc)
        s = svc.join(created.join_code, "p1", "Ann", "k")
        q = _statements(svc, created)[0]
        svc.save_answer(s.participant_token, _answer(q, 2))
        blocker = _hold_write_lock(str(path))
        for rating in (3, 4):
            with pytest.raises(StorageError, match="NOT saved"):
                svc.save_answer(s.participant_token, _answer(q, rating))
        view = svc.participant(s.participant_token)  # reading needs no write
        assert view.own_answers[q].rating == 2
        assert svc.room_state(s.participant_token).state is WorkshopState.OPEN
        assert svc.dashboard(created.facilitator_token).failed_saves == 2
        blocker.execute("ROLLBACK")
        blocker.close()
        svc.save_answer(s.participant_token, _answer(q, 4))  # the retry lands
        assert svc.participant(s.participant_token).own_answers[q].rating == 4
        clock.advance(11 * 60)
        assert svc.dashboard(created.facilitator_token).failed_saves == 0  # "recently"


def test_the_dashboard_counts_waiting_answers_once_however_often_they_are_retried(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "busy.sqlite3"
    with closing(
        WorkshopService(f"sqlite:///{path}", clock=clock, busy_timeout_ms=50, retry_attempts=1)
    ) as svc:
        created = _create(svc)
        ann = svc.join(created.join_code, "p1", "Ann", "k").participant_token
        bo = svc.join(created.join_code, "p2", "Bo", "k").participant_token
        q = _statements(svc, created)[:3]
        blocker = _hold_write_lock(str(path))
        for _ in range(3):  # a phone retrying the same answer
            with pytest.raises(StorageError):
                svc.save_answer(ann, _answer(q[0], 4))
        svc.report_unsaved(ann, [q[1]])  # waiting behind it, not tried
        with pytest.raises(StorageError):
            svc.save_answer(bo, _answer(q[0], 2))
        board = svc.dashboard(created.facilitator_token)
        assert (board.failed_saves, board.unsaved_answers, board.unsaved_people) == (4, 3, 2)
        blocker.execute("ROLLBACK")
        blocker.close()
        svc.save_answer(ann, _answer(q[0], 4))
        svc.save_answer(ann, _answer(q[1], 4))
        board = svc.dashboard(created.facilitator_token)
        assert (board.unsaved_answers, board.unsaved_people) == (1, 1)
        svc.set_locked(created.facilitator_token, True)
        with pytest.raises(WorkshopError):  # refused for good: not waiting any more
            svc.save_answer(bo, _answer(q[0], 2))
        board = svc.dashboard(created.facilitator_token)
        assert (board.failed_saves, board.unsaved_answers) == (4, 0)


def test_page_loads_from_a_read_only_database(db_url: str, clock: Clock) -> None:
    # Any database (PostgreSQL here made read-only, SQLite's file locked by a writer): the
    # participant page is reads only; saves fail loudly and are counted for the dashboard.
    with closing(WorkshopService(db_url, clock=clock, busy_timeout_ms=50, retry_attempts=2)) as svc:
        created = _create(svc)
        s = svc.join(created.join_code, "p1", "Ann", "k")
        q = _statements(svc, created)[0]
        svc.save_answer(s.participant_token, _answer(q, 2))
        undo = _make_read_only(db_url)
        svc.store.engine.dispose()
        try:
            with pytest.raises(StorageError, match="NOT saved"):
                svc.save_answer(s.participant_token, _answer(q, 3))
            assert svc.participant(s.participant_token).own_answers[q].rating == 2
            assert svc.dashboard(created.facilitator_token).failed_saves == 1
        finally:
            undo()
            svc.store.engine.dispose()
        svc.save_answer(s.participant_token, _answer(q, 3))
        assert svc.participant(s.participant_token).own_answers[q].rating == 3


def _make_read_only(db_url: str):
    """Make the database refuse writes from new connections; returns the undo."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        blocker = _hold_write_lock(url.database)

        def release() -> None:
            blocker.execute("ROLLBACK")
            blocker.close()

        return release
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def read_only(on: bool) -> None:
        with admin.connect() as conn:
            setting = "on" if on else "off"
            conn.execute(
                text(
                    f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = {setting}'
                )
            )

    read_only(True)

    def undo() -> None:
        read_only(False)
        admin.dispose()

    return undo


def test_deleted_database_file_is_refused_not_recreated(tmp_path: Path) -> None:
    path = tmp_path / "data" / "gone.sqlite3"
    with closing(WorkshopService(f"sqlite:///{path}")) as svc:
        created = _create(svc)
        s = svc.join(created.join_code, "p1", "Ann", "k")
        q = _statements(svc, created)[0]
        svc.save_answer(s.participant_token, _answer(q, 2))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        with pytest.raises(StorageError, match="deleted or replaced") as exc:
            svc.save_answer(s.participant_token, _answer(q, 3))
        assert "NOT saved" in str(exc.value)
        with pytest.raises(StorageError, match="deleted or replaced"):
            svc.participant(s.participant_token)
        assert not path.exists()


def test_replaced_database_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "live.sqlite3"
    with closing(WorkshopService(f"sqlite:///{path}")) as svc:
        created = _create(svc)
        other = tmp_path / "restored.sqlite3"
        WorkshopService(f"sqlite:///{other}").close()
        other.replace(path)
        with pytest.raises(StorageError, match="deleted or replaced"):
            svc.dashboard(created.facilitator_token)


def test_database_with_another_identity_is_refused(svc: WorkshopService, db_url: str) -> None:
    created = _create(svc)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE database_identity SET identity = 'someone-else'"))
    engine.dispose()
    svc.store.engine.dispose()  # the next connection is a new one, as after a restart of it
    with pytest.raises(StorageError, match="deleted or replaced"):
        svc.dashboard(created.facilitator_token)
    if db_url.startswith("sqlite"):
        assert Path(make_url(db_url).database).exists()


# --------------------------------------------------------------------------- 6. anonymity


def test_anonymity_options_are_stored_and_returned(svc: WorkshopService) -> None:
    default = _create(svc)
    assert svc.dashboard(default.facilitator_token).workshop.anonymity == AnonymityOptions(
        hide_names=True, anonymous_comments=False, min_group_size=3
    )
    chosen = AnonymityOptions(hide_names=False, anonymous_comments=True, min_group_size=4)
    created = _create(svc, anonymity=chosen)
    assert svc.dashboard(created.facilitator_token).workshop.anonymity == chosen
    assert svc.lookup_code(created.join_code, "k").anonymity == chosen
    with pytest.raises(WorkshopError, match="minimum group size"):
        _create(svc, anonymity={"min_group_size": 0})


def test_export_with_anonymous_comments_names_nobody(svc: WorkshopService) -> None:
    created = _create(svc, anonymity=AnonymityOptions(anonymous_comments=True))
    q = _statements(svc, created)[0]
    people = [
        svc.join(created.join_code, p, n, "k")
        for p, n in (("p1", "Ann Secret"), ("p1", "Bo Secret"), ("p2", "Cy Secret"))
    ]
    for s in people:
        svc.save_answer(
            s.participant_token,
            Answer(respondent="x", statement=q, rating=3, comment=f"comment {s.name[:2]}"),
        )
    svc.reveal(created.facilitator_token)
    for exported in (
        svc.export(created.facilitator_token),
        svc.revealed_assessment_for_participant(people[0].participant_token),
    ):
        dumped = exported.model_dump_json()
        assert 'Secret"' not in dumped and all(s.respondent_id not in dumped for s in people)
        assert [r.name for r in exported.respondents] == [
            "Harbour Trust, respondent 1",
            "Harbour Trust, respondent 2",
            "Northwind Ltd, respondent 1",
        ]
        assert [r.partner for r in exported.respondents] == ["p1", "p1", "p2"]
        assert len({a.respondent for a in exported.answers}) == 3
        assert {a.comment for a in exported.answers} == {"comment An", "comment Bo", "comment Cy"}


# --------------------------------------------------------------------------- 7. discussion


def test_room_version_moves_with_everything_a_waiting_screen_shows(
    svc: WorkshopService, clock: Clock
) -> None:
    created = _create(svc)
    token = created.facilitator_token
    s = svc.join(created.join_code, "p1", "Ann", "k")
    q = _statements(svc, created)
    seen = [svc.room_state(s.participant_token).version]

    def moved() -> bool:
        version = svc.room_state(s.participant_token).version
        changed = version != seen[-1]
        seen.append(version)
        return changed

    svc.save_answer(s.participant_token, _answer(q[0], 3))
    assert not moved()  # answers do not disturb waiting screens
    svc.set_locked(token, True)
    assert moved()
    svc.set_locked(token, False)
    assert moved()
    svc.reveal(token)
    assert moved()
    room = svc.set_discussion_item(token, q[2], timer_seconds=300)
    assert moved()
    assert room == svc.room_state(s.participant_token)
    assert room.current_statement == q[2] and room.timer_seconds == 300
    assert room.timer_started_at == clock.now
    svc.record_agreement(token, AgreedItem(statement=q[2], agreed_rating=3))
    assert moved()
    svc.add_action(token, Action(title="Meet", owner="Ann"))
    assert moved()
    svc.remove_action(token, svc.discussion(token).actions[0].id)
    assert moved()
    assert svc.set_discussion_item(token, None).current_statement is None
    assert moved()
    phone = svc.participant_discussion(s.participant_token)
    assert phone.room.version == seen[-1]
    assert [a.statement for a in phone.agreed] == [q[2]]
    assert svc.dashboard(token).room.version == seen[-1]


def test_each_committed_room_change_is_announced_once(db_url: str, clock: Clock) -> None:
    """`on_room_change` hears of every change a waiting screen shows, after its commit, and
    of nothing else (answers, joins, refused changes)."""
    heard: list[str] = []
    with closing(WorkshopService(db_url, clock=clock, on_room_change=heard.append)) as svc:
        created = _create(svc, auto_reveal=True)
        token = created.facilitator_token
        wid = svc.dashboard(token).workshop.workshop_id
        ann = svc.join(created.join_code, "p1", "Ann", "k")
        stray = svc.join(created.join_code, "p2", "Stray", "k")
        bo = svc.join(created.join_code, "p1", "Bo", "k")
        q = _statements(svc, created)
        svc.save_answer(ann.participant_token, _answer(q[0], 3))
        svc.finish(ann.participant_token)
        assert heard == []  # answers, joins and hand-ins move nothing the screens poll
        svc.set_locked(token, True)
        with pytest.raises(WorkshopError):
            svc.save_answer(ann.participant_token, _answer(q[1], 3))
        svc.set_locked(token, False)
        assert heard == [wid, wid]
        svc.remove_participant(token, stray.respondent_id)
        svc.move_participant(token, bo.respondent_id, "p2", keep_answers=False)
        assert heard == [wid] * 4
        svc.set_expected_headcounts(token, {"p1": 1, "p2": 1})  # Bo has not finished yet
        assert heard == [wid] * 4
        svc.finish(bo.participant_token)  # the last one expected: the automatic reveal
        assert svc.dashboard(token).state == WorkshopState.REVEALED
        assert heard == [wid] * 5
        svc.set_discussion_item(token, q[0])
        assert heard == [wid] * 6


def test_removing_or_moving_someone_moves_the_room_version_on(svc: WorkshopService) -> None:
    created = _create(svc)
    token = created.facilitator_token
    ann = svc.join(created.join_code, "p1", "Ann", "k")
    stray = svc.join(created.join_code, "p1", "Stray", "k")
    bo = svc.join(created.join_code, "p1", "Bo", "k")
    before = svc.room_state(ann.participant_token).version
    svc.remove_participant(token, stray.respondent_id)
    svc.move_participant(token, bo.respondent_id, "p2", keep_answers=True)
    assert svc.room_state(ann.participant_token).version == before + 2
    svc.finish(ann.participant_token)
    svc.reveal(token)
    offline = svc.export(token).model_copy(update={"workshop": None})
    names = {r.id: f"{r.name} (file)" for r in offline.respondents}
    offline = offline.model_copy(
        update={
            "respondents": [r.model_copy(update={"name": names[r.id]}) for r in offline.respondents]
        }
    )
    svc.import_assessment(token, offline, {"p1": "p1", "p2": "p2"})
    assert svc.room_state(ann.participant_token).version == before + 4  # reveal, import


def test_discussion_item_and_timer_are_checked(svc: WorkshopService) -> None:
    created = _create(svc)
    with pytest.raises(WorkshopError, match="not a question of this workshop"):
        svc.set_discussion_item(created.facilitator_token, "three-levels:nope")
    with pytest.raises(WorkshopError, match="1 second to 4 hours"):
        svc.set_discussion_item(created.facilitator_token, None, timer_seconds=0)
    with pytest.raises(WorkshopError, match="facilitator link is not valid"):
        svc.set_discussion_item("x" * 32, None)


# --------------------------------------------------------------------------- 8. names


def test_confusable_skeleton() -> None:
    assert confusable_skeleton("\u0410nna") == confusable_skeleton("Anna")  # Cyrillic A
    assert confusable_skeleton("J\u043ehn") == confusable_skeleton("John")  # Cyrillic o
    assert confusable_skeleton("\u039flga") == confusable_skeleton("Olga")  # Greek Omicron
    assert confusable_skeleton("BiII") == confusable_skeleton("Bill")  # capital I for l
    assert confusable_skeleton("J0 Lee") == confusable_skeleton("Jo Lee")
    assert confusable_skeleton("José") == confusable_skeleton("Jose")
    assert confusable_skeleton("Ann") != confusable_skeleton("Anne")
    assert confusable_skeleton("Ольга") != confusable_skeleton("Olga")  # plainly different


@pytest.mark.parametrize(
    "look_alike",
    ["\u0410nna Berg", "Anna B\u0435rg", "\u0391nna Berg", "Αnnа Βerg", "Anna Bérg"],
    ids=["cyrillic-A", "cyrillic-e", "greek-Alpha", "mixed", "accent"],
)
def test_look_alike_of_someone_in_the_same_partner_is_refused(
    svc: WorkshopService, look_alike: str
) -> None:
    created = _create(svc)
    svc.join(created.join_code, "p1", "Anna Berg", "k")
    with pytest.raises(WorkshopError, match="looks just like 'Anna Berg'"):
        svc.join(created.join_code, "p1", look_alike, "k")
    other = svc.join(created.join_code, "p2", look_alike, "k")  # another partner: allowed
    with pytest.raises(WorkshopError, match="looks just like 'Anna Berg'"):
        svc.move_participant(
            created.facilitator_token, other.respondent_id, "p1", keep_answers=True
        )
    board = svc.dashboard(created.facilitator_token).participants
    assert [(p.name, p.partner_id) for p in board] == [("Anna Berg", "p1"), (look_alike, "p2")]


# --------------------------------------------------------------------------- the room view


def test_room_view_shows_progress_without_names_or_secrets(svc: WorkshopService) -> None:
    created = _create(svc, expected_headcounts=[2, 1])
    q = _statements(svc, created)
    secret = "NOBODY-MAY-READ-THIS"
    a = svc.join(created.join_code, "p1", "Ann Named", "k")
    svc.join(created.join_code, "p1", "Bo Named", "k")
    c = svc.join(created.join_code, "p2", "Cy Named", "k")
    for s in (a, c):
        svc.save_answer(
            s.participant_token,
            Answer(respondent="x", statement=q[0], rating=2, comment=secret),
        )
    svc.finish(c.participant_token)
    room_token = svc.links(created.facilitator_token).room_token
    assert room_token == created.room_token
    assert svc.links(created.facilitator_token).room_token == room_token  # the same every time
    view = svc.room_view(room_token)
    dumped = view.model_dump_json()
    for hidden in (created.facilitator_token, secret, "Named", a.participant_token):
        assert hidden not in dumped
    assert view.people == []
    assert view.join_code.replace("-", "") == created.join_code
    assert [(p.name, p.joined, p.finished, p.expected, p.answered) for p in view.partners] == [
        ("Harbour Trust", 2, 0, 2, 1),
        ("Northwind Ltd", 1, 1, 1, 1),
    ]
    assert view.partners[0].possible == 2 * len(q)
    with pytest.raises(WorkshopError, match="facilitator link is not valid"):
        svc.dashboard(room_token)
    with pytest.raises(WorkshopError, match="hidden until the facilitator reveals"):
        svc.room_results(room_token)
    with pytest.raises(WorkshopError, match="room view link is not valid"):
        svc.room_view("x" * 43)

    svc.reveal(created.facilitator_token)
    svc.set_discussion_item(created.facilitator_token, q[0], timer_seconds=120)
    view = svc.room_view(room_token)
    assert view.room.state is WorkshopState.REVEALED
    assert view.room.current_statement == q[0] and view.room.timer_seconds == 120
    results = svc.room_results(room_token)
    assert "Named" not in results.model_dump_json()  # names hidden on shared screens
    assert len(results.answers) == 2
    svc.delete_workshop(created.facilitator_token)
    with pytest.raises(WorkshopError, match="room view link is not valid"):
        svc.room_view(room_token)


def test_room_view_names_people_when_the_workshop_shows_names(svc: WorkshopService) -> None:
    created = _create(svc, anonymity=AnonymityOptions(hide_names=False))
    svc.join(created.join_code, "p2", "Dee", "k")
    view = svc.room_view(created.room_token)
    assert [(p.name, p.partner_name, p.answered) for p in view.people] == [
        ("Dee", "Northwind Ltd", 0)
    ]
    svc.reveal(created.facilitator_token)
    assert [r.name for r in svc.room_results(created.room_token).respondents] == ["Dee"]


def test_workshop_from_before_room_views_gets_its_link_on_first_use(
    svc: WorkshopService, db_url: str
) -> None:
    created = _create(svc)
    engine = create_engine(db_url)
    with engine.begin() as conn:  # as the v4 migration leaves an older workshop
        conn.execute(text("UPDATE workshops SET room_token_hash = NULL, join_key_hash = NULL"))
    engine.dispose()
    with pytest.raises(WorkshopError, match="room view link is not valid"):
        svc.room_view(created.room_token)
    links = svc.links(created.facilitator_token)
    assert (links.room_token, links.join_key) == (created.room_token, created.join_key)
    assert svc.room_view(created.room_token).workshop.name == "Room test"
    assert svc.lookup_code("", "k", join_key=created.join_key).name == "Room test"


def test_imported_look_alikes_are_refused_and_nothing_is_imported(svc: WorkshopService) -> None:
    created = _create(svc)
    q = _statements(svc, created)[0]
    svc.join(created.join_code, "p1", "Olga Berg", "k")

    def file(*names: str) -> Assessment:
        return Assessment(
            name="Offline",
            partnership_type="other",
            banks=BANKS,
            partners=[Partner(id="x", name="Harbour Trust"), Partner(id="y", name="Other")],
            respondents=[Respondent(id=f"f{i}", name=n, partner="x") for i, n in enumerate(names)],
            answers=[Answer(respondent=f"f{i}", statement=q, rating=2) for i in range(len(names))],
        )

    for names in (("\u041elga Berg",), ("Pat", "Kim Lee", "K\u0456m Lee")):
        with pytest.raises(WorkshopError, match="looks just like .*Nothing was imported"):
            svc.import_assessment(created.facilitator_token, file(*names))
    assert [p.name for p in svc.dashboard(created.facilitator_token).participants] == ["Olga Berg"]
    assert svc.import_assessment(created.facilitator_token, file("Pat", "Kim Lee")) == 2
