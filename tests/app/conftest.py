"""Fixtures of the AppTest tier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database of the test's own in `tmp_path` (the app's default file there), no public
    URL, and Streamlit's caches emptied so no service from another test is reused."""
    monkeypatch.delenv("PARTNERSHIP_FIT_DATABASE_URL", raising=False)
    monkeypatch.setenv("PARTNERSHIP_FIT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PARTNERSHIP_FIT_PUBLIC_URL", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path
    st.cache_resource.clear()
