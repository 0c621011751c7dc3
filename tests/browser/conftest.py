"""Browser fixtures shared by the end-to-end modules (the browser is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.app_server import AppServer, free_port
from partnership_core.workshop import WorkshopService


@pytest.fixture()
def server_env() -> dict[str, str]:
    """More environment for `workshop_server`'s app; a module overrides it to set some."""
    return {}


@pytest.fixture()
def workshop_server(
    browser_required: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    server_env: dict[str, str],
) -> Iterator[tuple[AppServer, WorkshopService]]:
    """The app on a free port with a SQLite folder of the test's own, and a service on the
    same database for checking what was stored; both stopped at the end."""
    data = tmp_path / "data"
    monkeypatch.delenv("PARTNERSHIP_FIT_DATABASE_URL", raising=False)
    app = AppServer(
        port=free_port(),
        env={
            "PARTNERSHIP_FIT_DATA_DIR": str(data),
            "PARTNERSHIP_FIT_DATABASE_URL": "",
            **server_env,
        },
        log_path=tmp_path / "server.log",
    ).start()
    svc = WorkshopService.from_environment(data_dir=data)
    yield app, svc
    svc.close()
    app.kill()


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
