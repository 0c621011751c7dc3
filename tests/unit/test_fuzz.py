"""Fuzz tier: generated assessment files and question banks (valid, mutated, random bytes).

Loading either succeeds or raises the project's own `PartnershipFitError`, never anything
else, and never takes long: a hang is the bug, so each example is timed inside the test.

    PARTNERSHIP_FIT_FUZZ_EXAMPLES=2000 python -m pytest tests/unit/test_fuzz.py -m fuzz

sets the examples per test (default 150: about 15 s in all on the project's machine). A
failure prints the failing example and the blob that replays it (`@reproduce_failure`).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnership_core.assessment import dump_assessment, load_assessment, parse_assessment
from partnership_core.bank import SPINE_BANK_ID, load_bank, load_bank_set, parse_bank
from partnership_core.errors import PartnershipFitError
from partnership_core.example import example_assessment, example_workshop_assessment

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("PARTNERSHIP_FIT_FUZZ_EXAMPLES", "150"))
# Generous: a valid file loads in milliseconds; only a reader doing unbounded work is near.
SECONDS_PER_EXAMPLE = 2.0
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # timed by the test itself, with a cap that a slow CI machine meets
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

VALID_BANK = (Path(__file__).parent / "fixtures" / "bad_banks" / "valid_reference.yaml").read_text(
    encoding="utf-8"
)
SPINE_IDS = [f"{SPINE_BANK_ID}:{s.id}" for s in load_bank_set([SPINE_BANK_ID]).spine.statements]
EXAMPLE_FILES = [
    json.loads(dump_assessment(example_assessment())),
    json.loads(dump_assessment(example_workshop_assessment())),
]


def _bounded(load: Callable[[], object]) -> None:
    """Load once: success or PartnershipFitError (anything else propagates), quickly."""
    started = time.perf_counter()
    try:
        load()
    except PartnershipFitError as exc:
        str(exc).encode("utf-8")  # the message itself is printable
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS_PER_EXAMPLE, f"loading took {elapsed:.1f} s"


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


# ---------------------------------------------------------------------------- strategies

# Text that reaches the corners: controls, surrogates, zero-width and bidi characters.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from(["\x00", "\x1b", "\u200b", "\u202e", "\ud800", " ", "\t", "\n", "a"])),
    st.sampled_from(["", "   ", "not_sure", "5", "1", "true", "NaN", "x" * 3000]),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=10),
    st.integers(min_value=10**30, max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def generated_assessments(draw: st.DrawFn) -> dict[str, Any]:
    """Assessment-shaped data built from scratch, mostly valid."""
    n = draw(st.integers(min_value=1, max_value=7))
    partners = [
        {"id": f"p{i}", "name": draw(st.one_of(st.just(f"Partner {i}"), hostile_text))}
        for i in range(n)
    ]
    respondents = [
        {
            "id": f"r{i}",
            "name": draw(st.one_of(st.just(f"Person {i}"), hostile_text)),
            "partner": f"p{i % n}",
        }
        for i in range(draw(st.integers(min_value=0, max_value=4)))
    ]
    rating = st.one_of(st.integers(min_value=0, max_value=6), st.just("not_sure"), json_scalars)
    answers = [
        {"respondent": r["id"], "statement": s, "rating": draw(rating)}
        for r in respondents
        for s in draw(st.lists(st.sampled_from(SPINE_IDS), max_size=5, unique=True))
    ]
    return {
        "format": "partnership-fit/assessment",
        "format_version": draw(st.one_of(st.just(1), json_scalars)),
        "name": draw(st.one_of(st.just("Generated"), hostile_text)),
        "banks": [SPINE_BANK_ID],
        "partners": partners,
        "respondents": respondents,
        "answers": answers,
    }


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*prefix, i))


@st.composite
def mutated_assessments(draw: st.DrawFn) -> dict[str, Any]:
    """A real exported file with one to three values replaced or removed."""
    data = json.loads(json.dumps(draw(st.sampled_from(EXAMPLE_FILES))))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(list(_paths(data))[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return data


@st.composite
def spliced_text(draw: st.DrawFn, base: str, pieces: list[str]) -> str:
    """`base` with a few hostile pieces inserted, deleted or overwritten at random places."""
    text = base
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        cut = draw(st.integers(min_value=0, max_value=20))
        piece = draw(st.one_of(st.sampled_from(pieces), st.text(max_size=10)))
        text = text[:at] + piece + text[at + cut :]
    return text


JSON_PIECES = [
    "[" * 60,
    "{" * 60,
    "9" * 5000,
    "1e999",
    "NaN",
    '"\\u0000"',
    '"\\ud800"',
    '"name": "x", "name": "y", ',
    "true",
    '"5"',
    "\\",
    '"',
    ",",
    "}",
]
YAML_PIECES = [
    "&a ",
    "*a",
    "<<: {a: 1}\n",
    "!!python/object/apply:os.system ['true']",
    "!!int abc",
    "!!bool maybe",
    "!!timestamp 2001-99-99",
    "!!binary zz",
    "!!set {a: 1}",
    "!!omap [a]",
    "? [a, b]\n: 1\n",
    "[" * 60,
    "9" * 5000,
    ".nan",
    ".inf",
    '"\\0"',
    '"\\e[2J"',
    "\x00",
    "\x1b",
    "\x85",
    "\ufeff",
    "\t",
    "---\n",
    "%YAML 1.1\n",
    ": ",
    "- ",
    "\n  ",
]


# ---------------------------------------------------------------------------- assessments


@FUZZ
@given(generated_assessments())
def test_generated_assessments(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    _bounded(lambda: parse_assessment(text.encode("utf-8", "surrogatepass"), source="fuzz.json"))


@FUZZ
@given(mutated_assessments())
def test_mutated_assessments(data: dict[str, Any]) -> None:
    text = json.dumps(data)  # NaN and Infinity come out as JSON's non-standard words
    _bounded(lambda: parse_assessment(text, source="fuzz.json"))


@FUZZ
@given(spliced_text(json.dumps(EXAMPLE_FILES[1], indent=1), JSON_PIECES))
def test_spliced_assessment_text(text: str) -> None:
    _bounded(lambda: parse_assessment(text.encode("utf-8", "surrogatepass"), source="fuzz.json"))


@FUZZ
@given(
    st.one_of(st.binary(max_size=3000), st.binary(max_size=200).map(lambda b: b"\xef\xbb\xbf" + b))
)
def test_random_bytes_as_an_assessment_file(scratch: Path, data: bytes) -> None:
    path = scratch / "random.json"
    path.write_bytes(data)
    _bounded(lambda: load_assessment(path))


# ---------------------------------------------------------------------------- banks


@FUZZ
@given(spliced_text(VALID_BANK, YAML_PIECES))
def test_spliced_banks(text: str) -> None:
    _bounded(lambda: parse_bank(text, source="fuzz.yaml"))


@FUZZ
@given(json_values)
def test_generated_yaml_values_as_banks(value: Any) -> None:
    try:
        text = yaml.safe_dump({"id": "fuzz", "title": value}, allow_unicode=True)
    except (yaml.YAMLError, UnicodeEncodeError):  # e.g. a lone surrogate PyYAML cannot emit
        return
    _bounded(lambda: parse_bank(text, source="fuzz.yaml"))


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_as_a_bank_file(scratch: Path, data: bytes) -> None:
    path = scratch / "random.yaml"
    path.write_bytes(data)
    _bounded(lambda: load_bank(path))
