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
