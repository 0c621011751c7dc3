"""Fault test: the database stops taking writes in the middle of a workshop, then takes them
again.

The fault is real: another connection holds SQLite's write lock (as a backup tool or a
stuck `sqlite3` shell would), so every save times out with "database is locked" while
reads go on (WAL). Permissions cannot make the file unwritable here, because the tests run
as root. The app's service waits 0.1 s per try instead of 5 s, so that the test is quick;
everything else is the app as it runs.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import partnership_ui.data
from partnership_core.bank import SPINE_BANK_ID
from partnership_core.workshop import WorkshopService
from partnership_ui.widgets.questionnaire import widget_key

ROOT = Path(__file__).resolve().parents[2]
FACILITATOR = str(ROOT / "pages" / "facilitator.py")
JOIN = str(ROOT / "pages" / "join.py")
Q_PREFIX = "pf_ws_q_"


@pytest.fixture()
def svc(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkshopService]:
    impatient = functools.partial(
        WorkshopService, busy_timeout_ms=100, retry_attempts=2, retry_base_delay=0.01
    )
    monkeypatch.setattr(partnership_ui.data, "WorkshopService", impatient)
    with closing(WorkshopService.from_environment()) as service:
        yield service


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(path: str, **params: str) -> AppTest:
    at = AppTest.from_file(path, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return ok(at.run())


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def hold_write_lock(svc: WorkshopService) -> sqlite3.Connection:
    other = sqlite3.connect(svc.store.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_unwritable_database_mid_session_then_writable_again(svc: WorkshopService) -> None:
    created = svc.create_workshop(
        "Surplus food programme", "other", [SPINE_BANK_ID], ["Food Bank", "Market"]
    )
    partner = svc.dashboard(created.facilitator_token).workshop.partners[0].id
    token = svc.join(created.join_code, partner, "Ann", "test:ann").participant_token
    view = svc.participant(token)
    first, second = view.workshop.statements[:2]
    keys = [widget_key(Q_PREFIX, view.respondent.id, q, "rating") for q in (first, second)]
    phone = page(JOIN, p=token)
    fac = page(FACILITATOR, t=created.facilitator_token)
    assert "could not be saved" not in warnings(fac)

    blocker = hold_write_lock(svc)
    try:
        ok(phone.radio(key=keys[0]).set_value(4).run())
        assert "1 answer NOT saved yet — retrying" in warnings(phone)
        ok(phone.radio(key=keys[1]).set_value(2).run())
        text = warnings(phone)
        assert "2 answers NOT saved yet — retrying" in text and "keep this page open" in text
        assert [phone.radio(key=k).value for k in keys] == [4, 2]  # nothing lost on the page
        assert svc.participant(token).own_answers == {}
        # The page still renders from scratch (another tab, a reload): reading needs no write.
        reload = page(JOIN, p=token)
        assert reload.radio(key=keys[0]).value is None
        # The facilitator sees the answers waiting, not only the failed tries.
        ok(fac.run())
        assert "2 answers could not be saved yet, on one person's phone" in warnings(fac)
        # A rerun while the lock is still held tries again and keeps both pending.
        ok(phone.run())
        assert "2 answers NOT saved yet" in warnings(phone)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    ok(phone.run())  # the next rerun (or the page's poll) sends them
    saved = svc.participant(token).own_answers
    assert {q: a.rating for q, a in saved.items()} == {first: 4, second: 2}
    assert "NOT saved" not in warnings(phone)
    assert any("Saved at" in c.value for c in phone.caption)
    ok(fac.run())
    assert "could not be saved yet" not in warnings(fac)
    assert any("every answer has been saved since" in i.value for i in fac.info)
