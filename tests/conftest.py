"""Shared test set-up: keep every test's database out of the work tree.

The solo pages now save work in progress to the database (autosave), so any AppTest or
browser test of them writes a draft. Without this, those drafts would land in ./data, or in
whatever database the developer's shell or .streamlit/secrets.toml points at. Tests that
need a database of their own still set these variables themselves (monkeypatch wins).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    folder = tmp_path_factory.mktemp("pf-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARTNERSHIP_FIT_DATA_DIR", str(folder))
        mp.setenv("PARTNERSHIP_FIT_DATABASE_URL", f"sqlite:///{folder / 'partnership_fit.sqlite3'}")
        yield
