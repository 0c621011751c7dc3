"""Each framework reported as itself, beside the spine."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnership_core.assessment import dump_assessment
from partnership_core.bank import load_bank_set
from partnership_core.cli import main
from partnership_core.example import example_assessment
from partnership_core.frameworks import framework_views, row_sentence
from partnership_core.scoring import score_assessment


def test_ten_as_ten_six_as_six_and_the_type_s_cross_sector_factors(all_banks_example) -> None:
    assessment, banks = all_banks_example
    views = {
        v.bank: v for v in framework_views(assessment, banks, score_assessment(assessment, banks))
    }
    assert list(views) == ["ten-characteristics", "nonprofit-elements", "cross-sector"]
    assert len(views["ten-characteristics"].rows) == 10
    assert len(views["nonprofit-elements"].rows) == 6
    cross = banks.banks[3]
    typed = {s.characteristic for s in cross.statements if s.applies(assessment.partnership_type)}
    assert {r.characteristic for r in views["cross-sector"].rows} == typed
    row = views["nonprofit-elements"].rows[0]
    assert row.scores == {"food-bank": 75.0, "grocer": 25.0} and row.gap == 50.0
    names = {"food-bank": "Food Bank", "grocer": "Grocer"}
    assert row_sentence(row, names).endswith(": Food Bank 75, Grocer 25; 50 points apart.")


def test_the_spine_alone_has_no_further_framework() -> None:
    banks = load_bank_set(["three-levels"])
    assessment = example_assessment(7, banks)
    assert framework_views(assessment, banks, score_assessment(assessment, banks)) == ()


def test_cli_score_reports_each_framework(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], all_banks_example
) -> None:
    assessment, _ = all_banks_example
    path = tmp_path / "all.json"
    path.write_text(dump_assessment(assessment), encoding="utf-8")
    assert main(["score", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Ten characteristics of successful partnerships, by its own characteristics" in out
    assert "Elements of strong nonprofit partnerships, by its own characteristics" in out
    assert out.index("Agenda") < out.index("by its own characteristics")
