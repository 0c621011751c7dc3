"""Helpers for the database tests (not a test module); the fixtures are in conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

__all__ = ["PG_ENV", "Clock", "flaky_connect"]

PG_ENV = "PARTNERSHIP_FIT_TEST_POSTGRES_URL"


class Clock:
    """A settable clock (for draft ages and the wrong-code waits)."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def flaky_connect(owner: Any, monkeypatch: pytest.MonkeyPatch, failures: int) -> dict[str, int]:
    """Make the next `failures` connections of `owner.store.engine` (a DraftStore or a
    WorkshopService) fail like a dropped database connection; returns the call counter."""
    real = owner.store.engine.connect
    calls = {"n": 0}

    def connect(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= failures:
            raise OperationalError("connect", {}, Exception("server closed the connection"))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner.store.engine, "connect", connect)
    return calls
