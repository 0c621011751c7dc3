"""Shared test set-up: a temporary database for the whole session, the `db_url` and `clock`
fixtures of the database tests, and the browser fixtures of the end-to-end tests.

The solo pages save work in progress to the database (autosave), so any AppTest or browser
test of them writes a draft. Without `_test_database`, those drafts would land in ./data, or
in whatever database the developer's shell or .streamlit/secrets.toml points at. Tests that
need a database of their own still set these variables themselves (monkeypatch wins).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from db_helpers import PG_ENV, Clock
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
# The browser tests share the app and browser launcher of the benchmarks.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.app_server import launch_browser, missing_browser  # noqa: E402
from partnership_core.assessment import Assessment  # noqa: E402
from partnership_core.bank import SPINE_BANK_ID, BankSet, load_bank_set  # noqa: E402
from partnership_core.example import example_assessment  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    folder = tmp_path_factory.mktemp("pf-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARTNERSHIP_FIT_DATA_DIR", str(folder))
        mp.setenv("PARTNERSHIP_FIT_DATABASE_URL", f"sqlite:///{folder / 'partnership_fit.sqlite3'}")
        yield


# --------------------------------------------------------------------------- banks and example


@pytest.fixture(scope="module")
def banks() -> BankSet:
    """The shipped three-level (spine) bank alone; test_banks.py has a `banks` of its own."""
    return load_bank_set([SPINE_BANK_ID])


@pytest.fixture(scope="module")
def example(banks: BankSet) -> Assessment:
    """The documented worked example (seed 7) on the spine bank."""
    return example_assessment(banks=banks)


# --------------------------------------------------------------------------- databases


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test: SQLite (a file in tmp_path), and PostgreSQL (a
    database of its own) when PARTNERSHIP_FIT_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"set {PG_ENV} (tests/pg_cluster.sh start) to run against PostgreSQL")
    name = f"pf_test_{uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser_required() -> None:
    """Skip locally without Chromium; on CI (env CI set) a missing browser is a failure."""
    reason = missing_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(browser_required: None):  # noqa: ANN201 - a Playwright Browser
    """Headless Chromium for the tests of one module (Playwright's sync API allows one
    running instance at a time, so it is not shared across modules)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


# --------------------------------------------------------------------------- tiers

_TIER_MARKS = {"app": ("slow",), "browser": ("browser", "slow")}
# Unit modules that write real databases, render real PDFs or fuzz: seconds, not milliseconds.
_SLOW_UNIT_MODULES = frozenset(
    {
        "test_draft_merge",
        "test_drafts",
        "test_fuzz",
        "test_report",
        "test_report_limits",
        "test_report_pdf_speed",
        "test_retention",
        "test_workshop_plan",
        "test_workshop_room",
        "test_workshop_service",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the folder it lives in, so `-m "not browser and not slow"` selects
    the fast tier (tests/unit without its slow tests) whatever marks a module forgets."""
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        folder = Path(item.fspath).resolve().relative_to(tests_dir).parts[0]
        for mark in _TIER_MARKS.get(folder, ()):
            item.add_marker(mark)
        if folder == "unit" and Path(item.fspath).stem in _SLOW_UNIT_MODULES:
            item.add_marker("slow")
