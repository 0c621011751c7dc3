"""Fixtures shared by the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnership_core.assessment import dump_assessment
from partnership_core.example import example_assessment


@pytest.fixture(scope="module")
def example_text() -> str:
    """The worked example as an assessment file's text."""
    return dump_assessment(example_assessment())


@pytest.fixture
def example_file(tmp_path: Path, example_text: str) -> Path:
    path = tmp_path / "example.json"
    path.write_text(example_text, encoding="utf-8")
    return path
