"""Fixtures shared by the unit tests: the command-line example files, and the worked example
answered on all four banks (framework views, CLI and report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnership_core.assessment import Answer, Assessment, dump_assessment
from partnership_core.bank import BankSet, load_bank_set
from partnership_core.example import example_assessment

ALL_BANKS = ["three-levels", "ten-characteristics", "nonprofit-elements", "cross-sector"]


@pytest.fixture(scope="module")
def example_text() -> str:
    """The worked example as an assessment file's text."""
    return dump_assessment(example_assessment())


@pytest.fixture
def example_file(tmp_path: Path, example_text: str) -> Path:
    path = tmp_path / "example.json"
    path.write_text(example_text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def all_banks_example() -> tuple[Assessment, BankSet]:
    """The worked example answered on all four banks: outside the spine the food bank agrees
    (4) and the grocer disagrees (2) on every statement of the partnership's type."""
    banks = load_bank_set(ALL_BANKS)
    base = example_assessment(7)
    extra = [
        Answer(respondent=r.id, statement=q, rating=4 if r.partner == "food-bank" else 2)
        for r in base.respondents
        for q in banks.applicable(base.partnership_type)
        if not q.startswith("three-levels:")
    ]
    return base.model_copy(update={"banks": ALL_BANKS, "answers": base.answers + extra}), banks
