"""Every seed element has a statement, every statement a seed element, and every statement
is short, plain and in our own words.

`docs/questions.md` is the crosswalk from the four seed documents to the banks: one table
row per seed element (its id, then the statements that cover it) and one row per statement
(its qualified id and its text). These tests read those rows, so the document cannot drift
from the banks.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from partnership_core.bank import (
    QUESTIONS_DIR,
    SPINE_BANK_ID,
    SPINE_CHARACTERISTICS,
    QuestionBank,
    load_banks,
)
from partnership_core.text import fill_partner_names, others_phrase

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "questions.md"
# The seeds sit beside the project in the shared folder; the tests that need them skip
# when it is not there (for example in a bare clone).
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))
SEED_COUNT = 4

MAX_GRADE = 8.0
MAX_WORDS = 20
RUN_LENGTH = 6
# Wording that only fits two partners, or braces left after the partner names are filled in.
TWO_PARTNER_WORDING = re.compile(
    r"\bthis partner\b|\bthe partner\b|\bboth of us\b|\bthe two of us\b|\bthe other side\b|[{}]",
    re.IGNORECASE,
)
CONJUNCTION = re.compile(r"\b(and|or|nor)\b", re.IGNORECASE)

ELEMENT_ROW = re.compile(r"^\| `(s\d{3}-[a-z0-9]+(?:-[a-z0-9]+)*)` \|(.*)$")
STATEMENT_ROW = re.compile(r"^\| `([a-z0-9-]+):([a-z0-9-]+)` \| ([^|]+?) \|")
# Notes on one statement: why its "and"/"or" is one question, why it counts at another level.
NOTE_ROW = re.compile(
    r"^\| `([a-z0-9-]+):([a-z0-9-]+)` \| (joined|level|business|government|nonprofit|other) \|"
)
SECTOR_ROW = re.compile(
    r"^\| `([a-z0-9-]+:[a-z0-9-]+)` \| (business|government|nonprofit|other) \| ([^|]+?) \|"
)
LEVEL_ROW = re.compile(r"^\| `([a-z0-9-]+):([a-z0-9-]+)` \| level \| [^|]+ \| (.+) \|$")
RETIRED_ROW = re.compile(r"^\| ([a-z0-9-]+:[a-z0-9-]+) \| `([a-z0-9-]+:[a-z0-9-]+)` \|")
QUALIFIED = re.compile(r"`([a-z0-9-]+:[a-z0-9-]+)`")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")


# ------------------------------------------------------------------ readability


def syllables(word: str) -> int:
    """Syllables of an English word, counted as vowel groups (good enough for a grade)."""
    w = word.lower().replace("’", "'")
    w = re.sub(r"'s$", "", w)
    if w.isdigit():
        return max(1, len(w))
    if len(w) <= 3:
        return 1
    # A final silent e (make, shared, goes) adds no syllable; "-le" (table) does.
    w = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", lambda m: m.group(0)[0], w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]+", w)))


def words(text: str) -> list[str]:
    return WORD.findall(text)


def grade(text: str) -> float:
    """Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
    found = words(text)
    sentences = max(1, len(re.findall(r"[.!?]+", text)))
    total = sum(syllables(w) for w in found)
    return 0.39 * len(found) / sentences + 11.8 * total / len(found) - 15.59


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("we", 1),
        ("trust", 1),
        ("shared", 1),
        ("people", 2),
        ("partner", 2),
        ("values", 2),
        ("partnership", 3),
        ("agreement", 3),
        ("organisation", 5),
        ("responsibility", 6),
    ],
)
def test_syllable_counter_on_common_words(word: str, count: int) -> None:
    assert syllables(word) == count


def test_grade_orders_plain_and_dense_sentences() -> None:
    plain = "We know what we want from this."
    dense = "Organisational accountability necessitates comprehensive institutional collaboration."
    assert grade(plain) < 2 < MAX_GRADE < grade(dense)


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def banks() -> dict[str, QuestionBank]:
    return load_banks()


@pytest.fixture(scope="module")
def statements(banks: dict[str, QuestionBank]) -> dict[str, str]:
    """Qualified id -> text of every shipped statement."""
    return {b.qualified_id(s): s.text for b in banks.values() for s in b.statements}


@pytest.fixture(scope="module")
def rendered(banks: dict[str, QuestionBank]) -> dict[str, str]:
    """Every wording of every statement (each sector's too) as shown: with one other partner
    named, and with several ("the other partners")."""
    texts = {}
    for b in banks.values():
        for s in b.statements:
            wordings = {"": s.text} | {f"[{k}]": v for k, v in s.text_by_sector.items()}
            for label, wording in wordings.items():
                for others in ("Harvest Market Grocers", others_phrase(["A", "B"])):
                    texts[f"{b.qualified_id(s)}{label} ({others})"] = fill_partner_names(
                        wording, others
                    )
    return texts


@pytest.fixture(scope="module")
def doc_lines() -> list[str]:
    return DOC.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def element_rows(doc_lines: list[str]) -> dict[str, list[str]]:
    """Seed element id -> the qualified statement ids its row names."""
    rows: dict[str, list[str]] = {}
    for line in doc_lines:
        match = ELEMENT_ROW.match(line)
        if match:
            assert match.group(1) not in rows, f"element {match.group(1)} listed twice"
            rows[match.group(1)] = QUALIFIED.findall(match.group(2))
    return rows


def _notes(doc_lines: list[str], kind: str) -> set[str]:
    """Qualified ids of the statements with a note of this kind in the document."""
    matches = (NOTE_ROW.match(line) for line in doc_lines)
    return {f"{m.group(1)}:{m.group(2)}" for m in matches if m and m.group(3) == kind}


def _seed_grams() -> set[tuple[str, ...]]:
    text = " ".join(p.read_text(encoding="utf-8") for p in SEED_FILES)
    tokens = _tokens(text)
    return {tuple(tokens[i : i + RUN_LENGTH]) for i in range(len(tokens) - RUN_LENGTH + 1)}


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def _texts(node: Any, path: str) -> list[tuple[str, str]]:
    """Every string in a parsed bank, with its field path."""
    if isinstance(node, dict):
        return [t for k, v in node.items() for t in _texts(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [t for i, v in enumerate(node) for t in _texts(v, f"{path}.{i}")]
    return [(path, node)] if isinstance(node, str) else []


# ------------------------------------------------------------------ coverage


def test_every_seed_has_elements(element_rows: dict[str, list[str]]) -> None:
    per_seed = Counter(eid[:4] for eid in element_rows)
    assert sorted(per_seed) == [f"s{n:03d}" for n in range(SEED_COUNT)]
    assert all(n >= 20 for n in per_seed.values()), per_seed


def test_every_seed_element_has_a_statement_that_exists(
    element_rows: dict[str, list[str]], statements: dict[str, str]
) -> None:
    for eid, covering in element_rows.items():
        assert covering, f"{eid}: no statement covers this seed element"
        unknown = [q for q in covering if q not in statements]
        assert not unknown, f"{eid}: names statements the banks lack: {unknown}"


def test_every_statement_covers_a_seed_element(
    element_rows: dict[str, list[str]], statements: dict[str, str]
) -> None:
    covered = {q for qs in element_rows.values() for q in qs}
    orphans = sorted(set(statements) - covered)
    assert not orphans, f"statements with no seed element in {DOC.name}: {orphans}"


def test_every_statement_is_listed_with_its_current_text(
    doc_lines: list[str], statements: dict[str, str]
) -> None:
    listed: dict[str, str] = {}
    for line in doc_lines:
        match = STATEMENT_ROW.match(line)
        if match and not NOTE_ROW.match(line):
            qid = f"{match.group(1)}:{match.group(2)}"
            assert qid not in listed, f"{qid} listed twice"
            listed[qid] = match.group(3).removesuffix(" (reverse)")
    assert set(listed) == set(statements)
    for qid, text in statements.items():
        assert listed[qid] == text, f"{qid}: {DOC.name} shows an old text"


def test_every_statement_counting_at_another_level_gives_its_reason(
    doc_lines: list[str], banks: dict[str, QuestionBank]
) -> None:
    moved = set()
    for bank in banks.values():
        if bank.id == SPINE_BANK_ID:
            continue
        level = {c.id: c.level for c in bank.characteristics}
        for st in bank.statements:
            if level[st.characteristic] != SPINE_CHARACTERISTICS[bank.spine_characteristic_of(st)]:
                moved.add(bank.qualified_id(st))
    assert moved == _notes(doc_lines, "level")


def test_the_level_table_repeats_the_reasons_in_the_banks(
    doc_lines: list[str], banks: dict[str, QuestionBank]
) -> None:
    in_banks = {b.qualified_id(s): s.level_reason for b in banks.values() for s in b.statements}
    in_doc = {
        f"{m.group(1)}:{m.group(2)}": m.group(3) for m in map(LEVEL_ROW.match, doc_lines) if m
    }
    assert in_doc, "the level table is missing"
    for qid, reason in in_doc.items():
        assert reason == in_banks[qid], f"{qid}: {DOC.name} gives another reason than its bank"
    assert {q for q, r in in_banks.items() if r} == set(in_doc)


def test_the_sector_wording_table_repeats_the_banks(
    doc_lines: list[str], banks: dict[str, QuestionBank]
) -> None:
    in_banks = {
        (b.qualified_id(s), sector.value): wording
        for b in banks.values()
        for s in b.statements
        for sector, wording in s.text_by_sector.items()
    }
    in_doc = {(m.group(1), m.group(2)): m.group(3) for m in map(SECTOR_ROW.match, doc_lines) if m}
    assert in_doc == in_banks


def test_retired_ids_are_gone_and_point_at_statements_that_exist(
    doc_lines: list[str], statements: dict[str, str]
) -> None:
    retired = [m.groups() for m in map(RETIRED_ROW.match, doc_lines) if m]
    assert retired, "the retired ids table is missing"
    for old, new in retired:
        assert old not in statements, f"{old} is listed as retired but still ships"
        assert new in statements, f"{old} points at {new}, which does not exist"


# ------------------------------------------------------------------ wording


def test_statements_are_grade_eight_or_below_and_short(rendered: dict[str, str]) -> None:
    too_hard = {q: round(grade(t), 1) for q, t in rendered.items() if grade(t) > MAX_GRADE}
    too_long = {q: len(words(t)) for q, t in rendered.items() if len(words(t)) > MAX_WORDS}
    assert not too_hard, f"above grade {MAX_GRADE}: {too_hard}"
    assert not too_long, f"more than {MAX_WORDS} words: {too_long}"


def test_statements_read_right_for_two_to_six_partners(rendered: dict[str, str]) -> None:
    wrong = {q: t for q, t in rendered.items() if TWO_PARTNER_WORDING.search(t)}
    assert not wrong, wrong


def test_every_and_or_is_explained_as_one_question(
    doc_lines: list[str], statements: dict[str, str]
) -> None:
    # A conjunction is where a double-barrelled statement hides: each one must be reviewed
    # and its reason written down in the document.
    explained = _notes(doc_lines, "joined")
    joined = {q for q, t in statements.items() if CONJUNCTION.search(t)}
    assert joined <= explained, f"explain why these are one question: {sorted(joined - explained)}"
    assert explained <= joined, f"no longer joined, drop the row: {sorted(explained - joined)}"


@pytest.mark.skipif(len(SEED_FILES) != SEED_COUNT, reason="the seed documents are not here")
def test_no_run_of_six_words_from_a_seed_anywhere_in_a_bank() -> None:
    grams = _seed_grams()
    copied = []
    for path in sorted(QUESTIONS_DIR.glob("*.yaml")):
        for where, text in _texts(yaml.safe_load(path.read_text(encoding="utf-8")), path.stem):
            tokens = _tokens(text)
            for i in range(len(tokens) - RUN_LENGTH + 1):
                if tuple(tokens[i : i + RUN_LENGTH]) in grams:
                    copied.append(f"{where}: {' '.join(tokens[i : i + RUN_LENGTH])}")
    assert not copied, copied


@pytest.mark.skipif(len(SEED_FILES) != SEED_COUNT, reason="the seed documents are not here")
def test_no_run_of_six_words_from_a_seed_in_the_crosswalk_document() -> None:
    # The element descriptions paraphrase the seeds; they must not quote them either.
    grams = _seed_grams()
    tokens = _tokens(DOC.read_text(encoding="utf-8"))
    copied = {
        " ".join(tokens[i : i + RUN_LENGTH])
        for i in range(len(tokens) - RUN_LENGTH + 1)
        if tuple(tokens[i : i + RUN_LENGTH]) in grams
    }
    assert not copied, sorted(copied)


@pytest.mark.skipif(len(SEED_FILES) != SEED_COUNT, reason="the seed documents are not here")
def test_the_six_word_check_finds_a_copied_phrase() -> None:
    grams = _seed_grams()
    copied = _tokens("Do the partners have compatible core values?")
    assert tuple(copied[:RUN_LENGTH]) in grams
