"""Bad question banks: each gives one clear `QuestionBankError` naming file, line and field.

Every fixture in `tests/fixtures/bad_banks/` breaks `valid_reference.yaml` in one place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from partnership_core.bank import MAX_BANK_BYTES, load_bank, load_bank_set, load_banks, parse_bank
from partnership_core.errors import PartnershipFitError, QuestionBankError

FIXTURES = Path(__file__).parent / "fixtures" / "bad_banks"
VALID = FIXTURES / "valid_reference.yaml"

# fixture stem -> fragments the message must contain (beyond the file name).
CASES: dict[str, tuple[str, ...]] = {
    "invalid_syntax": ("line 40:", "expected ',' or ']'", "Fix the YAML syntax"),
    "wrong_type": ("line 26:", "levels.1.weight:", "must be a number", "'heavy'"),
    "missing_field": ("line 41:", "characteristics.1.meaning:", "required"),
    "unknown_key": ("line 61:", "statements.1.txt:", "unknown key", "did you mean 'text'"),
    "duplicate_statement_id": ("line 55:", "statements:", "duplicate id(s) st-terms"),
    "duplicate_yaml_key": ("line 4:", "duplicate key 'title'", "Keep only one"),
    "unknown_characteristic": (
        "line 66:",
        "statements.2.characteristic:",
        "unknown characteristic 'runing'",
        "values, terms, running",
    ),
    "unknown_crosswalk": (
        "line 63:",
        "statements.1.crosswalk:",
        "unknown characteristic 'clarity'",
        "cultural-compatibility",
    ),
    "level_without_characteristics": (
        "line 17:",
        "levels:",
        "level 'operational' has no characteristics",
    ),
    "scale_without_labels": ("line 10:", "scale.labels:", "required"),
    "scale_missing_label_3": ("line 9:", "scale:", "ratings 1, 2, 3, 4 and 5"),
    "yaml_tag": ("line 3:", "!!python/object/apply:os.system", "not allowed"),
    "non_mapping": ("must be a YAML mapping",),
    "non_utf8": ("not UTF-8", "save it as UTF-8"),
    "missing_band_advice": ("line 68:", "band_advice:", "missing: insufficient"),
    "level_without_reason": (
        "line 56:",
        "statements.0.level_reason:",
        "characteristic at entry level here but counts at operational level",
        "add a level_reason",
    ),
}


def test_reference_fixture_is_valid() -> None:
    # Guards the fixtures: each must fail for its own reason, not a shared one.
    assert load_bank(VALID).id == "fixture-bank"


def test_every_fixture_has_a_case() -> None:
    stems = {p.stem for p in FIXTURES.glob("*.yaml")} - {VALID.stem}
    assert stems == set(CASES)


@pytest.mark.parametrize(("stem", "fragments"), sorted(CASES.items()))
def test_bad_bank_gives_clear_error(stem: str, fragments: tuple[str, ...]) -> None:
    path = FIXTURES / f"{stem}.yaml"
    with pytest.raises(QuestionBankError) as info:
        load_bank(path)
    message = str(info.value)
    assert message.startswith(f"{path}"), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "Traceback" not in message
    assert isinstance(info.value, PartnershipFitError)


def test_yaml_tag_is_never_constructed(tmp_path: Path) -> None:
    # Under an unsafe loader this payload would create the folder; safe loading refuses it.
    marker = tmp_path / "created-by-yaml"
    text = VALID.read_text(encoding="utf-8").replace(
        "title: Fixture bank", f'title: !!python/object/apply:os.makedirs ["{marker}"]'
    )
    with pytest.raises(QuestionBankError, match="os.makedirs' are not allowed"):
        parse_bank(text, source="tagged.yaml")
    assert not marker.exists()


def test_oversize_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    base = VALID.read_text(encoding="utf-8")
    padding = "#" + "x" * 99 + "\n"
    path.write_text(base + padding * (MAX_BANK_BYTES // len(padding) + 1), encoding="utf-8")
    with pytest.raises(QuestionBankError) as info:
        load_bank(path)
    message = str(info.value)
    assert str(path) in message
    assert f"({MAX_BANK_BYTES} bytes)" in message
    assert "split it" in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(QuestionBankError, match=r"absent\.yaml: cannot be read"):
        load_bank(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "must be a YAML mapping"),
        ("just a sentence\n", "must be a YAML mapping"),
        ("id: a\n---\nid: b\n", "line 2"),
        ("id: [unclosed\n", "line 2"),
    ],
    ids=["empty", "scalar", "two-documents", "unclosed"],
)
def test_parse_bank_edge_cases(text: str, fragment: str) -> None:
    with pytest.raises(QuestionBankError) as info:
        parse_bank(text, source="inline.yaml")
    assert str(info.value).startswith("inline.yaml")
    assert fragment in str(info.value)


def test_missing_top_level_field_names_it() -> None:
    text = VALID.read_text(encoding="utf-8").replace("title: Fixture bank\n", "")
    with pytest.raises(QuestionBankError, match=r"^x\.yaml: title: this field is required"):
        parse_bank(text, source="x.yaml")


def test_several_problems_are_counted() -> None:
    text = (
        VALID.read_text(encoding="utf-8")
        .replace("weight: 1.2", "weight: heavy")
        .replace("order: 3", "order: last")
    )
    with pytest.raises(QuestionBankError, match=r"levels\.1\.weight.*1 more problem"):
        parse_bank(text, source="x.yaml")


def test_two_banks_with_one_id_are_refused(tmp_path: Path) -> None:
    shutil.copy(VALID, tmp_path / "a.yaml")
    shutil.copy(VALID, tmp_path / "b.yaml")
    with pytest.raises(QuestionBankError, match=r"b\.yaml: id 'fixture-bank' is used"):
        load_banks(tmp_path)


def test_bank_set_needs_the_spine_and_known_ids(tmp_path: Path) -> None:
    shutil.copy(VALID, tmp_path / "fixture-bank.yaml")
    with pytest.raises(QuestionBankError, match="'three-levels' bank is missing"):
        load_bank_set(["fixture-bank"], tmp_path)
    with pytest.raises(QuestionBankError, match="unknown question bank.*no-such-bank"):
        load_bank_set(["no-such-bank"])


def test_a_level_reason_on_a_statement_at_its_own_level_is_refused() -> None:
    # A reason where none is needed would go stale unseen: the loader says to remove it.
    text = VALID.read_text(encoding="utf-8").replace(
        "    crosswalk: clear-expectations\n",
        "    crosswalk: clear-expectations\n    level_reason: Terms are terms.\n",
    )
    with pytest.raises(QuestionBankError) as info:
        parse_bank(text, source="x.yaml")
    message = str(info.value)
    assert message.startswith("x.yaml, line 64: statements.1.level_reason:"), message
    assert "remove the level_reason" in message


def test_a_level_reason_lets_a_statement_count_at_another_level() -> None:
    text = VALID.read_text(encoding="utf-8").replace(
        "    crosswalk: cultural-compatibility\n",
        "    crosswalk: communication\n    level_reason: Sharing values is talked through.\n",
    )
    bank = parse_bank(text, source="x.yaml")
    assert bank.counts_at_another_level(bank.statements[0])
    assert not bank.counts_at_another_level(bank.statements[1])
