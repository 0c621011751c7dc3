"""Crafted and careless files: each is refused with the project's own error, whose message
names the file and says what to do, and nothing hangs, however the file was made.

One test (or one parametrised case) per class of bad input in issue 12's core part.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from partnership_core import files
from partnership_core.assessment import (
    COMMENT_MAX_LENGTH,
    MAX_ASSESSMENT_BYTES,
    dump_assessment,
    load_assessment,
    parse_assessment,
)
from partnership_core.bank import MAX_BANK_BYTES, load_bank, load_bank_set, load_banks, parse_bank
from partnership_core.errors import AssessmentFileError, PartnershipFitError, QuestionBankError
from partnership_core.files import MAX_NESTING, MAX_NUMBER_LENGTH, MAX_YAML_NODES, display_name

VALID_BANK = Path(__file__).parent / "fixtures" / "bad_banks" / "valid_reference.yaml"
# A refusal takes milliseconds; anything near this (on two busy cores) means the reader did
# the work it should have refused.
QUICK_SECONDS = 2.0


@pytest.fixture
def example_data(example_text: str) -> dict[str, Any]:
    return json.loads(example_text)


def _refused(
    error: type[PartnershipFitError],
    call: Callable[[], object],
    source: str,
    *fragments: str,
    seconds: float = QUICK_SECONDS,
) -> str:
    """Run `call`, which must raise `error` naming `source` first, with every fragment."""
    started = time.perf_counter()
    with pytest.raises(error) as info:
        call()
    assert time.perf_counter() - started < seconds
    message = str(info.value)
    assert message.startswith(source), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "Traceback" not in message
    return message


def _json_file(tmp_path: Path, data: Any, name: str = "shared.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _load_refused(path: Path | str, *fragments: str) -> str:
    return _refused(AssessmentFileError, lambda: load_assessment(path), str(path), *fragments)


def _assessment_refused(tmp_path: Path, data: Any, *fragments: str) -> str:
    return _load_refused(_json_file(tmp_path, data), *fragments)


def _bank_refused(text: str, *fragments: str) -> str:
    return _refused(
        QuestionBankError,
        lambda: parse_bank(text, source="crafted.yaml"),
        "crafted.yaml",
        *fragments,
    )


def _valid_bank_text() -> str:
    return VALID_BANK.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 1_000, 200_000])
def test_deeply_nested_json_is_refused(tmp_path: Path, depth: int) -> None:
    # Before: RecursionError from json.loads (a red exception box in the app).
    text = '{"format": "partnership-fit/assessment", "name": ' + "[" * depth + "]" * depth + "}"
    _assessment_refused(tmp_path, text, f"nested more than {MAX_NESTING} levels", "Export it again")


def test_nesting_of_a_real_file_and_brackets_inside_text_are_fine(
    tmp_path: Path, example_data: dict[str, Any]
) -> None:
    example_data["answers"][0]["comment"] = "[" * 500 + '{"' + "\\" * 3
    assert load_assessment(_json_file(tmp_path, example_data)).answers[0].comment.startswith("[[")


@pytest.mark.parametrize(
    ("number", "fragments"),
    [
        ("9" * 5000, ("a number of 5000 characters", "export the file again")),
        ("0." + "1" * 5000, ("a number of 5002 characters", "export the file again")),
        ("1e400", ("the number 1e400 is too large", "Write a smaller number")),
        ("NaN", ("NaN is not a number", "Write a number")),
        ("-Infinity", ("-Infinity is not a number", "Write a number")),
    ],
    ids=["5000-digit-int", "5000-digit-float", "overflowing-float", "nan", "infinity"],
)
def test_huge_or_non_numbers_in_json_are_refused(
    tmp_path: Path, example_data: dict[str, Any], number: str, fragments: tuple[str, ...]
) -> None:
    # Before: ValueError "Exceeds the limit (4300 digits) for integer string conversion".
    text = json.dumps(example_data).replace('"rating": 4', f'"rating": {number}', 1)
    assert number in text
    _assessment_refused(tmp_path, text, *fragments)


def test_numbers_up_to_the_limit_still_parse() -> None:
    digits = "9" * MAX_NUMBER_LENGTH
    assert files.parse_json(f"[{digits}, 0.{digits[2:]}]", "x.json", AssessmentFileError, "")[
        0
    ] == int(digits)


def test_duplicate_json_keys_are_refused(tmp_path: Path, example_data: dict[str, Any]) -> None:
    # Before: the last "name" silently won.
    text = json.dumps(example_data).replace('"name": ', '"name": "Decoy", "name": ', 1)
    _assessment_refused(tmp_path, text, 'the key "name" appears twice', "Keep only one of them")


@pytest.mark.parametrize(
    ("escape", "described"),
    [
        ("\\u0000", "U+0000 (NUL)"),
        ("\\u001b[2J", "U+001B (ESC)"),
        ("\\u0007", "U+0007"),
        ("\\ud800", "lone surrogate U+D800"),
    ],
    ids=["nul", "esc", "bell", "lone-surrogate"],
)
def test_control_characters_in_json_text_are_refused(
    tmp_path: Path, example_data: dict[str, Any], escape: str, described: str
) -> None:
    example_data["answers"][0]["comment"] = "PLACEHOLDER"
    text = json.dumps(example_data).replace("PLACEHOLDER", f"before{escape}after")
    _assessment_refused(tmp_path, text, 'the value of "comment"', described, "Remove it")


def test_line_breaks_and_tabs_stay_allowed_in_comments(
    tmp_path: Path, example_data: dict[str, Any]
) -> None:
    example_data["answers"][0]["comment"] = "first line\nsecond\tline"
    assert "\t" in load_assessment(_json_file(tmp_path, example_data)).answers[0].comment


# ---------------------------------------------------------------------------- strict models


@pytest.mark.parametrize(
    ("field", "value", "fragments"),
    [
        (
            "rating",
            True,
            ('answers.0.rating: must be a whole number from 1 to 5 or "not_sure", not true',),
        ),
        ("rating", "5", ("answers.0.rating:", 'not the text "5"')),
        ("rating", 4.0, ("answers.0.rating:", "not the number 4.0")),
        ("prediction", True, ("answers.0.prediction: must be a whole number, not true",)),
        ("prediction", "3", ("answers.0.prediction:", 'not the text "3"')),
    ],
    ids=["rating-true", "rating-text", "rating-float", "prediction-true", "prediction-text"],
)
def test_ratings_and_predictions_are_integers_only(
    tmp_path: Path, example_data: dict[str, Any], field: str, value: Any, fragments: tuple[str, ...]
) -> None:
    # Before: true was stored as 1 and "5" as 5.
    example_data["answers"][0][field] = value
    _assessment_refused(
        tmp_path, example_data, *fragments, "Export the file again or correct that field"
    )


def test_workshop_ratings_and_flags_are_strict(tmp_path: Path) -> None:
    from partnership_core.example import example_workshop_assessment

    data = json.loads(dump_assessment(example_workshop_assessment()))
    agreed = data["workshop"]["agreed"][0]
    agreed["agreed_rating"] = "4"
    _assessment_refused(tmp_path, data, "workshop.agreed.0.agreed_rating", 'not the text "4"')
    agreed["agreed_rating"], agreed["disagreement"] = 4, "yes"
    _assessment_refused(tmp_path, data, "workshop.agreed.0.disagreement", "boolean")


@pytest.mark.parametrize(
    ("version", "fragments"),
    [
        (True, ("format_version must be the number 1, not true",)),
        ("1", ('format_version must be the number 1, not the text "1"',)),
        (1.0, ("format_version must be the number 1, not the number 1.0",)),
        (2, ("format version 2 is not supported (this tool reads version 1)", "update the tool")),
    ],
    ids=["true", "text", "float", "newer"],
)
def test_format_version_is_the_number_one(
    tmp_path: Path, example_data: dict[str, Any], version: Any, fragments: tuple[str, ...]
) -> None:
    # Before: true passed, and "1" was "not supported (this tool reads version 1)".
    example_data["format_version"] = version
    message = _assessment_refused(tmp_path, example_data, *fragments)
    if not isinstance(version, int) or isinstance(version, bool):
        assert "not supported" not in message and "correct that field" in message


def test_missing_format_version_says_so(tmp_path: Path, example_data: dict[str, Any]) -> None:
    del example_data["format_version"]
    _assessment_refused(tmp_path, example_data, "format_version is missing", "the number 1")


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("   ", ("partners.0.name: the name is empty; type a name",)),
        ("\u3000\t", ("partners.0.name: the name is empty",)),
        ("Food\u0000Bank", ('the value of "name" contains the control character U+0000 (NUL)',)),
        ("Food\u200bBank", ("partners.0.name: the name contains invisible or control characters",)),
        ("\u202eknaB dooF", ("partners.0.name: the name contains invisible",)),
    ],
    ids=["spaces", "ideographic-space", "nul", "zero-width", "bidi-override"],
)
def test_empty_and_invisible_names_are_refused(
    tmp_path: Path, example_data: dict[str, Any], name: str, fragments: tuple[str, ...]
) -> None:
    example_data["partners"][0]["name"] = name
    _assessment_refused(tmp_path, example_data, *fragments)


@pytest.mark.parametrize("where", ["respondents", "name"])
def test_every_name_in_the_file_is_checked(
    tmp_path: Path, example_data: dict[str, Any], where: str
) -> None:
    if where == "name":
        example_data["name"] = " \u00a0 "
        _assessment_refused(tmp_path, example_data, "name: the name is empty")
    else:
        example_data["respondents"][2]["name"] = "Zoe\u2060"
        _assessment_refused(
            tmp_path, example_data, "respondents.2.name: the name contains invisible"
        )


@pytest.mark.parametrize(
    "twin",
    [
        "Harvest  Market Grocers",
        " harvest market grocers ",
        "Harvest\u00a0Market Grocers",
        "Ｈarvest Market Grocers",
    ],
    ids=["inner-spaces", "case-and-trim", "no-break-space", "full-width"],
)
def test_partners_that_differ_only_by_spacing_are_one_name(
    tmp_path: Path, example_data: dict[str, Any], twin: str
) -> None:
    # Before: "Harvest  Market Grocers" and "Harvest Market Grocers" were two partners.
    assert example_data["partners"][1]["name"] == "Harvest Market Grocers"
    example_data["partners"][0]["name"] = twin
    _assessment_refused(tmp_path, example_data, "partners: two partners have the same name")


def test_names_are_stored_normalised(tmp_path: Path, example_data: dict[str, Any]) -> None:
    example_data["partners"][0]["name"] = "  Northfield   Food Bank "
    loaded = load_assessment(_json_file(tmp_path, example_data))
    assert loaded.partners[0].name == "Northfield Food Bank"


def test_comment_longer_than_the_box_allows_is_refused(
    tmp_path: Path, example_data: dict[str, Any]
) -> None:
    # Before: 5,000 characters were accepted where the comment box allows 2,000.
    assert COMMENT_MAX_LENGTH == 2000
    example_data["answers"][0]["comment"] = "x" * 3000
    _assessment_refused(tmp_path, example_data, "answers.0.comment", "at most 2000 characters")
    example_data["answers"][0]["comment"] = "é" * COMMENT_MAX_LENGTH
    assert len(load_assessment(_json_file(tmp_path, example_data)).answers[0].comment) == 2000


def test_text_limits_match_the_app_boxes() -> None:
    # Each box in the app takes its max_chars from the core's constant, or states the same
    # number: a file may carry exactly what a person could have typed.
    from partnership_core import assessment, text

    sources = " ".join(
        p.read_text(encoding="utf-8")
        for folder in ("partnership_ui", "pages")
        for p in (Path(__file__).resolve().parents[2] / folder).rglob("*.py")
    )
    for constant in ("COMMENT_MAX_LENGTH", "NOTES_MAX_LENGTH", "ACTION_TITLE_MAX_LENGTH"):
        limit = getattr(assessment, constant)
        assert re.search(rf"max_chars=(?:{limit}\b|(?:\w+\.)?{constant}\b)", sources), constant
    assert re.search(
        rf"max_chars=(?:{text.NAME_MAX_LENGTH}\b|(?:\w+\.)?NAME_MAX_LENGTH\b)", sources
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested more than"),
        (b'{"a": ' + b"7" * 5000 + b"}", "a number of 5000 characters"),
        (b'{"a": 1, "a": 2}', 'the key "a" appears twice'),
    ],
    ids=["nested", "5000-digits", "duplicate-key"],
)
def test_an_uploaded_file_gets_the_same_limits(content: bytes, fragment: str) -> None:
    # The app's upload and the facilitator's offline import hand bytes to parse_assessment.
    _refused(
        AssessmentFileError,
        lambda: parse_assessment(content, source="offline.json"),
        "offline.json",
        fragment,
    )


# ---------------------------------------------------------------------------- special files


@pytest.mark.parametrize("loader", [load_assessment, load_bank], ids=["assessment", "bank"])
def test_dev_zero_is_refused_at_once(loader: Callable[[str], object]) -> None:
    # Before: read forever, because the size check used st_size (0 for a device).
    error = AssessmentFileError if loader is load_assessment else QuestionBankError
    _refused(error, lambda: loader("/dev/zero"), "/dev/zero", "is a device", "choose a")


@pytest.mark.parametrize("loader", [load_assessment, load_bank], ids=["assessment", "bank"])
def test_fifo_without_a_writer_returns_quickly(
    tmp_path: Path, loader: Callable[[Path], object]
) -> None:
    # Before: open() blocked until some process opened the pipe for writing.
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            loader(fifo)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(2.0)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # let the blocked open return
        pytest.fail("reading a FIFO without a writer blocked")
    assert isinstance(outcome[0], PartnershipFitError), outcome
    message = str(outcome[0])
    assert message.startswith(str(fifo)) and "is a named pipe" in message and "choose a" in message


def test_a_path_swapped_for_a_fifo_after_the_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stat said "regular file"; by the time of the open it is a FIFO: fstat catches it.
    fifo = tmp_path / "swapped.json"
    os.mkfifo(fifo)
    regular = os.stat(VALID_BANK)
    real_stat = os.stat
    monkeypatch.setattr(
        files.os, "stat", lambda p, *a, **k: regular if p == fifo else real_stat(p, *a, **k)
    )
    _load_refused(fifo, "is a named pipe")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    _load_refused(
        tmp_path,
        "is a folder",
        "choose an assessment (.json) file",
    )


def test_missing_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    _load_refused(
        path,
        "cannot be read",
        "check the path",
    )


def test_a_name_with_nul_is_refused() -> None:
    _refused(
        AssessmentFileError,
        lambda: load_assessment("shared\x00.json"),
        "shared\\x00.json: is not a possible file name",
        "check the path",
    )


def test_the_byte_cap_holds_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # However large the file (or whatever its size claims), at most cap + 1 bytes are read.
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(3 * MAX_BANK_BYTES)
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(files.os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    _refused(
        QuestionBankError,
        lambda: load_bank(path),
        str(path),
        f"({MAX_BANK_BYTES} bytes)",
        "split it",
    )
    assert sum(read) <= MAX_BANK_BYTES + 1


def test_oversize_assessment_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(MAX_ASSESSMENT_BYTES + 1)
    _load_refused(path, "larger than 20 MB")


# ---------------------------------------------------------------------------- file names


def test_file_name_that_is_not_utf8_is_shown_safely(tmp_path: Path) -> None:
    # Before: printing the name raised UnicodeEncodeError (the CLI's OK line crashed).
    raw = os.fsencode(tmp_path) + b"/caf\xe9\x1b[31m.json"
    with open(raw, "wb") as fh:
        fh.write(b"{ not json")
    name = os.fsdecode(raw)
    with pytest.raises(AssessmentFileError) as info:
        load_assessment(name)
    message = str(info.value)
    assert message.startswith(f"{tmp_path}/caf\\xe9\\x1b[31m.json, line 1")
    message.encode("utf-8")  # printable anywhere: no surrogates, no raw ESC


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain name.json", "plain name.json"),
        (b"caf\xc3\xa9.json", "café.json"),
        (b"bad\xff.json", "bad\\xff.json"),
        ("tab\tand\nnewline", "tab\\tand\\nnewline"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("lone\ud800", "lone\\ud800"),
    ],
)
def test_display_name(name: str | bytes, shown: str) -> None:
    assert display_name(name) == shown


def test_upload_names_are_shown_safely() -> None:
    with pytest.raises(AssessmentFileError) as info:
        parse_assessment(b"{", source="report\x1b]0;owned\x07.json")
    assert str(info.value).startswith("report\\x1b]0;owned\\x07.json, line 1")


# ---------------------------------------------------------------------------- YAML banks


def test_billion_laughs_is_refused_before_any_expansion() -> None:
    # Before: `validate` grew past 2 GB.
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]" for i in range(1, 10)]
    _bank_refused(
        "\n".join(lines) + "\n",
        "line 1",
        "anchors and aliases such as &lol0",
        "write each value out in full",
    )


def test_an_alias_alone_is_refused() -> None:
    _bank_refused("title: *somewhere\n", "line 1", "aliases such as *somewhere")


@pytest.mark.parametrize("style", ["flow", "block"])
def test_500_level_yaml_nesting_is_refused(style: str) -> None:
    if style == "flow":
        text = "id: " + "[" * 500 + "]" * 500 + "\n"
    else:
        text = "".join("  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "end\n"
    _bank_refused(text, f"nested more than {MAX_NESTING} levels deep", "flatten the structure")


def test_5000_digit_number_in_a_bank_is_refused() -> None:
    text = _valid_bank_text().replace("order: 3", "order: " + "9" * 5000)
    _bank_refused(text, "line 30", "a number of 5000 characters", "shorten it")


def test_nan_weight_says_it_is_not_a_number() -> None:
    # Before: a NaN weight was "greater than 3".
    message = _bank_refused(
        _valid_bank_text().replace("weight: 1.2", "weight: .nan"), ".nan is not a number"
    )
    assert "greater than" not in message


@pytest.mark.parametrize(
    ("inserted", "described"),
    [("\x00", "U+0000 (NUL)"), ("\x1b[31m", "U+001B (ESC)"), ("\x85", "U+0085 (NEL)")],
    ids=["nul", "esc", "nel"],
)
def test_raw_control_characters_in_a_bank_are_refused(inserted: str, described: str) -> None:
    # Before: PyYAML's ReaderError escaped before the error handling started.
    text = _valid_bank_text().replace("title: Fixture bank", f"title: Fixture{inserted} bank")
    _bank_refused(text, "line 3", described, "remove it")


@pytest.mark.parametrize(
    ("escape", "described"), [("\\0", "U+0000 (NUL)"), ("\\e", "U+001B (ESC)")]
)
def test_escaped_control_characters_in_a_bank_are_refused(escape: str, described: str) -> None:
    text = _valid_bank_text().replace("title: Fixture bank", f'title: "Fixture{escape} bank"')
    _bank_refused(text, "line 3", described, "remove it")


def test_nul_in_a_bank_file_is_refused_through_load_bank(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(VALID_BANK.read_bytes().replace(b"Fixture bank", b"Fixture\x00bank"))
    _refused(QuestionBankError, lambda: load_bank(path), str(path), "U+0000 (NUL)", "remove it")


def test_merge_key_is_reported_as_a_merge_key() -> None:
    # Before: "YAML tags such as !!merge are not allowed".
    message = _bank_refused(
        "base:\n  <<: {a: 1}\n", "line 2", "merge keys (<<) are not supported", "write the keys out"
    )
    assert "tag" not in message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("!!int abc", "'abc' cannot be read as !!int"),
        ("!!bool maybe", "'maybe' cannot be read as !!bool"),
        ("!!timestamp 2001-13-45", "cannot be read as !!timestamp"),
        ("!!timestamp 2001-99-99#", "cannot be read as !!timestamp"),
    ],
)
def test_bad_explicit_tags_are_reported(value: str, fragment: str) -> None:
    _bank_refused(f"title: {value}\n", "line 1", fragment, "correct the value")


def test_a_list_as_a_key_is_refused() -> None:
    _bank_refused("? [a, b]\n: 1\n", "line 1", "a key must be a plain word")


def test_a_bank_of_a_million_values_is_refused_quickly_with_a_short_message() -> None:
    # Before: a bank of a million strings produced a 78 MB message.
    text = "title: [" + ",".join(["a"] * (MAX_YAML_NODES + 10)) + "]\n"
    # Scanning the 50,000 values takes about 0.4 s; a pure-Python parse took 13 s.
    message = _refused(
        QuestionBankError,
        lambda: parse_bank(text, source="crafted.yaml"),
        "crafted.yaml",
        f"more than {MAX_YAML_NODES} values",
        "split it",
        seconds=5.0,
    )
    assert len(message) < 300


def test_a_long_wrong_value_is_quoted_shortly() -> None:
    text = _valid_bank_text().replace(
        "title: Fixture bank", "title: [" + ", ".join(["word"] * 5000) + "]"
    )
    message = _bank_refused(text, "title: must be text", "(found ['word'")
    assert len(message) < 300


def test_missing_questions_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "no-such-folder"
    _refused(
        QuestionBankError,
        lambda: load_banks(folder),
        str(folder),
        "no such folder of question banks",
    )


def test_unknown_bank_names_the_folder(tmp_path: Path) -> None:
    (tmp_path / "spine.yaml").write_bytes(
        (Path(__file__).resolve().parents[2] / "questions" / "three-levels.yaml").read_bytes()
    )
    _refused(
        QuestionBankError,
        lambda: load_bank_set(["nope"], tmp_path),
        str(tmp_path),
        "unknown question bank(s) nope",
        "available: three-levels",
    )


def test_the_json_schema_states_the_limits() -> None:
    from partnership_core.assessment import assessment_json_schema

    defs = assessment_json_schema()["$defs"]
    name = defs["Partner"]["properties"]["name"]
    assert (name["minLength"], name["maxLength"]) == (1, 200)
    comment = defs["Answer"]["properties"]["comment"]["anyOf"][0]
    assert comment["maxLength"] == COMMENT_MAX_LENGTH
