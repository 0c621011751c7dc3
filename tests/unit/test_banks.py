"""The shipped question banks: they load, cover the framework and stay consistent."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from partnership_core.bank import (
    QUESTIONS_DIR,
    SPINE_BANK_ID,
    SPINE_CHARACTERISTICS,
    BandId,
    LevelId,
    PartnershipType,
    QuestionBank,
    load_bank,
    load_bank_set,
    load_banks,
)

BANK_FILES = sorted(QUESTIONS_DIR.glob("*.yaml"))
EXPECTED_IDS = {"three-levels", "cross-sector", "nonprofit-elements", "ten-characteristics"}
# Every bank weighs a difference the same way per level, so banks are comparable.
EXPECTED_LEVELS = {
    LevelId.ENTRY: (1, 1.5),
    LevelId.DECISION: (2, 1.2),
    LevelId.OPERATIONAL: (3, 0.9),
}
SCALE = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
FIRST_PERSON = re.compile(r"\b(we|our|us|ourselves)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def banks() -> dict[str, QuestionBank]:
    return load_banks()


@pytest.fixture(scope="module")
def spine(banks: dict[str, QuestionBank]) -> QuestionBank:
    return banks[SPINE_BANK_ID]


def test_the_four_banks_ship(banks: dict[str, QuestionBank]) -> None:
    assert set(banks) == EXPECTED_IDS
    assert next(iter(banks)) == SPINE_BANK_ID, "load_banks puts the spine first"


@pytest.mark.parametrize("path", BANK_FILES, ids=lambda p: p.stem)
def test_every_shipped_bank_loads(path: Path) -> None:
    bank = load_bank(path)
    assert bank.id == path.stem, "file name and bank id must match"
    assert bank.scale.labels == SCALE
    assert bank.scale.not_sure == "Not sure / don't know"
    assert {lv.id: (lv.order, lv.weight) for lv in bank.levels} == EXPECTED_LEVELS
    assert set(bank.band_advice) == set(BandId)


def test_spine_has_the_eleven_characteristics_on_their_levels(spine: QuestionBank) -> None:
    assert [c.id for c in spine.characteristics] == list(SPINE_CHARACTERISTICS)
    assert {c.id: c.level for c in spine.characteristics} == SPINE_CHARACTERISTICS


def test_spine_characteristics_are_fully_described(spine: QuestionBank) -> None:
    for ch in spine.characteristics:
        assert 3 <= len(ch.discussion_prompts) <= 4, ch.id
        assert set(ch.advice) == set(BandId), f"{ch.id}: advice for every band"
        assert len(set(ch.advice.values())) == len(BandId), f"{ch.id}: advice differs per band"


def test_spine_has_four_to_six_statements_per_characteristic(spine: QuestionBank) -> None:
    counts = Counter(s.characteristic for s in spine.statements)
    for cid in SPINE_CHARACTERISTICS:
        assert 4 <= counts[cid] <= 6, f"{cid}: {counts[cid]} statements"


@pytest.mark.parametrize("ptype", list(PartnershipType), ids=str)
def test_spine_keeps_four_statements_per_characteristic_for_every_type(
    spine: QuestionBank, ptype: PartnershipType
) -> None:
    # Type-specific statements are extras: no type may leave a characteristic thin.
    counts = Counter(s.characteristic for s in spine.statements if s.applies(ptype))
    for cid in SPINE_CHARACTERISTICS:
        assert counts[cid] >= 4, f"{ptype}: {cid} has {counts[cid]} statements"


@pytest.mark.parametrize("ptype", list(PartnershipType), ids=str)
def test_spine_session_stays_near_fifty_statements(
    spine: QuestionBank, ptype: PartnershipType
) -> None:
    # Every statement is rated (and may get an importance and a guess): keep a session short.
    assert len([s for s in spine.statements if s.applies(ptype)]) <= 60


def test_spine_statements_need_no_crosswalk(spine: QuestionBank) -> None:
    assert all(s.crosswalk is None for s in spine.statements)


def test_every_non_spine_statement_has_a_valid_crosswalk(banks: dict[str, QuestionBank]) -> None:
    for bank in banks.values():
        if bank.id == SPINE_BANK_ID:
            continue
        for st in bank.statements:
            assert st.crosswalk in SPINE_CHARACTERISTICS, f"{bank.id}:{st.id}"


def test_every_bank_reaches_every_level_of_the_spine(banks: dict[str, QuestionBank]) -> None:
    # Any bank must be showable level by level on the spine.
    for bank in banks.values():
        levels = {SPINE_CHARACTERISTICS[bank.spine_characteristic_of(s)] for s in bank.statements}
        assert levels == set(LevelId), bank.id


def test_bank_characteristic_levels_are_all_used(banks: dict[str, QuestionBank]) -> None:
    for bank in banks.values():
        assert {c.level for c in bank.characteristics} == set(LevelId), bank.id


@pytest.mark.parametrize(
    "ptype", [t for t in PartnershipType if t is not PartnershipType.OTHER], ids=str
)
def test_each_partnership_type_has_type_specific_statements(
    banks: dict[str, QuestionBank], ptype: PartnershipType
) -> None:
    specific = [(b.id, s.id) for b in banks.values() for s in b.statements if ptype in s.applies_to]
    assert specific, f"no statement specific to {ptype}"
    assert any(bid == SPINE_BANK_ID for bid, _ in specific), f"spine lacks {ptype} items"
    assert any(bid == "cross-sector" for bid, _ in specific), f"cross-sector lacks {ptype} items"


def test_type_specific_statements_are_filtered_by_applicable() -> None:
    bank_set = load_bank_set([SPINE_BANK_ID, "cross-sector"])
    general = bank_set.applicable(PartnershipType.OTHER)
    for ptype in PartnershipType:
        chosen = bank_set.applicable(ptype)
        assert set(general) <= set(chosen)
        for qid in set(chosen) - set(general):
            _, st = bank_set.statements[qid]
            assert ptype in st.applies_to
    for qid in general:
        assert not bank_set.statements[qid][1].applies_to


@pytest.mark.parametrize("bank_id", sorted(EXPECTED_IDS))
def test_load_bank_set_for_each_bank(bank_id: str) -> None:
    bank_set = load_bank_set([bank_id])
    assert [b.id for b in bank_set.banks] == [bank_id]
    assert bank_set.spine.id == SPINE_BANK_ID
    bank = bank_set.banks[0]
    assert len(bank_set.statements) == len(bank.statements)
    for qid in bank_set.statements:
        assert qid.startswith(f"{bank_id}:")
        # Every statement resolves to a spine characteristic and level.
        ch = bank_set.spine_characteristic(qid)
        assert ch.id in SPINE_CHARACTERISTICS
        assert bank_set.level(ch.level).id == ch.level


def test_load_bank_set_with_every_bank_keeps_the_order_given() -> None:
    order = ["ten-characteristics", SPINE_BANK_ID, "nonprofit-elements", "cross-sector"]
    bank_set = load_bank_set(order)
    assert [b.id for b in bank_set.banks] == order
    assert len(bank_set.statements) == sum(len(b.statements) for b in bank_set.banks)


def test_no_statement_text_is_repeated_across_banks(banks: dict[str, QuestionBank]) -> None:
    def norm(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9']+", text.lower()))

    seen: dict[str, str] = {}
    for bank in banks.values():
        for st in bank.statements:
            key = norm(st.text)
            assert key not in seen, f"{bank.id}:{st.id} repeats {seen[key]}"
            seen[key] = f"{bank.id}:{st.id}"


def test_statements_are_short_first_person_sentences(banks: dict[str, QuestionBank]) -> None:
    for bank in banks.values():
        for st in bank.statements:
            where = f"{bank.id}:{st.id}"
            assert FIRST_PERSON.search(st.text), f"{where}: say 'we' or 'our'"
            assert st.text.endswith("."), where
            assert "?" not in st.text, f"{where}: a statement to rate, not a question"
            # One idea per statement: a single sentence of modest length.
            assert st.text.count(". ") == 0 and ";" not in st.text, where
            assert len(st.text) <= 130, where


def test_reverse_statements_exist_and_explain_themselves(banks: dict[str, QuestionBank]) -> None:
    # One reverse item per characteristic, asked of every partnership type, catches people who
    # agree with everything; fewer than half keeps each characteristic mostly plainly worded.
    spine = banks[SPINE_BANK_ID]
    for cid in SPINE_CHARACTERISTICS:
        mine = [s for s in spine.statements if s.characteristic == cid]
        reverse = [s.id for s in mine if s.reverse and not s.applies_to]
        assert reverse, f"{cid}: no reverse-scored statement asked of every type"
        assert 2 * sum(s.reverse for s in mine) < len(mine), f"{cid}: too many reverse items"
    for bank in banks.values():
        for st in bank.statements:
            if st.reverse:
                assert st.hint and "warning sign" in st.hint, f"{bank.id}:{st.id}"
