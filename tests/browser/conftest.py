"""Browser fixtures shared by the end-to-end modules (the browser is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.app_server import AppServer, free_port


@pytest.fixture(scope="module")
def app_url(browser_required: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by `streamlit run` on a free port for one module; stopped at its end.
    A module that needs other server settings defines its own `app_url`."""
    log = tmp_path_factory.mktemp("app") / "server.log"
    with AppServer(free_port(), log_path=log).running(timeout=30) as server:
        yield server.base


@pytest.fixture(scope="module")
def own_db_app(browser_required: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port, saving to a SQLite file of the test module's own."""
    data = tmp_path_factory.mktemp("app-data")
    env = {
        "PARTNERSHIP_FIT_DATABASE_URL": f"sqlite:///{data / 'app.sqlite3'}",
        "PARTNERSHIP_FIT_DATA_DIR": str(data),
    }
    server = AppServer(free_port(), env=env, log_path=data / "server.log")
    with server.running(timeout=30):
        yield server.base
