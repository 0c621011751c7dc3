"""Reading what a person hands the tool: one way to read a file, and JSON and YAML with limits.

A file may have been crafted to hang or crash the reader, so each reader bounds what it
accepts and turns every refusal into the project's own error, whose message names the file
and says what to do. Nothing else escapes, however the input was made.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from .errors import PartnershipFitError, QuestionBankError

__all__ = [
    "MAX_NESTING",
    "MAX_NUMBER_LENGTH",
    "MAX_YAML_NODES",
    "display_name",
    "parse_bank_yaml",
    "parse_json",
    "read_user_file",
]

# No file the tool writes nests more than six levels deep or holds a number of more than a
# few digits; far beyond either, the file was made to exhaust the parser.
MAX_NESTING = 32
MAX_NUMBER_LENGTH = 40
# The shipped banks have fewer than 1,000 values each (keys, texts and numbers).
MAX_YAML_NODES = 50_000

# Anything outside this set is a control character, a lone surrogate or a non-character:
# none has a place in a name, a comment or a question, and NUL and ESC can do harm
# (truncated strings in C libraries and databases, terminal escape sequences).
_NOT_PLAIN_TEXT = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHARACTER_NAMES = {0x00: "NUL", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL"}
_CHUNK_BYTES = 1 << 20
# Opening a FIFO without a writer would block; O_NONBLOCK returns at once (and a regular
# file ignores it). O_NOCTTY keeps a terminal device from becoming ours.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def display_name(name: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    r"""A file name (or any text a file carried) that is safe to print.

    Bytes that are not UTF-8 (kept by Python as lone surrogates) are shown as ``\xNN``,
    and control and invisible characters as escapes, so that a crafted name can neither
    crash the output nor send escape sequences to the terminal.
    """
    text = os.fspath(name)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    if text.isprintable():
        return text
    return "".join(_printable(ch) for ch in text)


def _printable(ch: str) -> str:
    if ch.isprintable():
        return ch
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that surrogateescape could not decode
        return f"\\x{code - 0xDC00:02x}"
    return ch.encode("unicode_escape").decode("ascii")


def _describe_character(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return f"half of a character (the lone surrogate U+{code:04X})"
    name = _CHARACTER_NAMES.get(code)
    return f"the control character U+{code:04X}" + (f" ({name})" if name else "")


# ---------------------------------------------------------------------------- files


def read_user_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int,
    error: type[PartnershipFitError],
    oversize: str,
    expected: str,
) -> bytes:
    """The bytes of a regular file, refusing anything else before it can block or run long.

    Args:
        path: the file a person named.
        max_bytes: the most bytes read; the cap holds while reading, whatever the size says.
        error: the error class raised (e.g. AssessmentFileError).
        oversize: the end of the message for a file over the cap (what it is, what to do).
        expected: what the file should be, e.g. "an assessment (.json) file".

    Raises:
        error: the file is missing, unreadable, not a regular file or larger than the cap.
    """
    name = display_name(path)
    try:
        _require_regular(os.stat(path), name, error, expected)
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise error(f"{name}: cannot be read ({exc.strerror}); check the path.") from None
    except ValueError:  # a NUL in the name, which no file system allows
        raise error(f"{name}: is not a possible file name; check the path.") from None
    try:
        # The path may have been swapped for a FIFO or a device since the stat.
        _require_regular(os.fstat(fd), name, error, expected)
        data = _read_at_most(fd, max_bytes + 1)
    except OSError as exc:
        raise error(f"{name}: cannot be read ({exc.strerror}); check the file.") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise error(f"{name}: {oversize}.")
    return data


def _require_regular(
    info: os.stat_result, name: str, error: type[PartnershipFitError], expected: str
) -> None:
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        kind = "a folder"
    elif stat.S_ISFIFO(mode):
        kind = "a named pipe"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "not a regular file"
    raise error(f"{name}: is {kind}, which the tool does not read; choose {expected}.")


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, min(_CHUNK_BYTES, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------------------- JSON


class _Refused(ValueError):
    """Raised inside the JSON hooks; its message says what is wrong and what to do."""


# A JSON string (possibly unterminated, so that matching never backtracks), and anything
# that is not a bracket: removing both leaves the brackets whose nesting is measured.
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")


def parse_json(text: str, source: str, error: type[PartnershipFitError], advice: str) -> Any:
    """JSON text as Python values, refusing what no file of this tool contains.

    Refused: nesting deeper than MAX_NESTING, numbers longer than MAX_NUMBER_LENGTH
    characters, NaN and infinities, a key twice in one object, and control characters
    (NUL, ESC, ...) or lone surrogates in any text.

    Args:
        advice: the last sentence of a syntax-error message, e.g. "Export it again."

    Raises:
        error: naming `source`, the line for a syntax error, and what to do.
    """
    if _json_nesting_exceeds(text, MAX_NESTING):
        raise error(
            f"{source}: nested more than {MAX_NESTING} levels deep, which no file of this "
            f"tool is. {advice}"
        )
    try:
        return json.loads(
            text,
            object_pairs_hook=_json_object,
            parse_int=_json_int,
            parse_float=_json_float,
            parse_constant=_json_constant,
        )
    except json.JSONDecodeError as exc:
        raise error(
            f"{source}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}). "
            f"The file may be damaged. {advice}"
        ) from None
    except _Refused as exc:
        raise error(f"{source}: {exc}") from None


def _json_nesting_exceeds(text: str, limit: int) -> bool:
    # json.loads recurses once per level and would raise RecursionError first.
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Called once per object of a file that may hold 100,000 answers: one search over all
    # the object's texts, and the slow search for the culprit only when there is one.
    obj = dict(pairs)
    if len(obj) < len(pairs):
        _refuse_duplicate(pairs)
    texts = [key for key, _ in pairs]
    for _, value in pairs:
        if type(value) is str:
            texts.append(value)
        elif type(value) is list:
            texts.extend(item for item in value if type(item) is str)
    if _NOT_PLAIN_TEXT.search(" ".join(texts)):
        _refuse_unprintable(pairs)
    return obj


def _refuse_duplicate(pairs: list[tuple[str, Any]]) -> None:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _Refused(
                f"the key {_quoted(key)} appears twice in one object, so it is unclear "
                "which one is meant. Keep only one of them, or export the file again."
            )
        seen.add(key)


def _refuse_unprintable(pairs: list[tuple[str, Any]]) -> None:
    for key, value in pairs:
        items = value if isinstance(value, list) else [value]
        for text in (key, *(item for item in items if isinstance(item, str))):
            bad = _NOT_PLAIN_TEXT.search(text)
            if bad:
                raise _Refused(
                    f"the value of {_quoted(key)} contains {_describe_character(bad.group())}, "
                    "which has no place in it. Remove it, or export the file again."
                )


def _quoted(key: str) -> str:
    return '"' + display_name(key[:60]) + ('…"' if len(key) > 60 else '"')


def _json_int(digits: str) -> int:
    # Python refuses int() of more than 4,300 digits with a ValueError of its own.
    if len(digits) > MAX_NUMBER_LENGTH:
        raise _Refused(_long_number(digits))
    return int(digits)


def _json_float(digits: str) -> float:
    if len(digits) > MAX_NUMBER_LENGTH:
        raise _Refused(_long_number(digits))
    value = float(digits)
    if not math.isfinite(value):
        raise _Refused(f"the number {digits} is too large. Write a smaller number.")
    return value


def _json_constant(word: str) -> float:
    raise _Refused(f"{word} is not a number. Write a number, or export the file again.")


def _long_number(digits: str) -> str:
    return (
        f"a number of {len(digits)} characters ({digits[:12]}…) is longer than any this "
        f"tool writes (at most {MAX_NUMBER_LENGTH}). Correct it, or export the file again."
    )


# ---------------------------------------------------------------------------- YAML

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Refusal(yaml.MarkedYAMLError):
    """Something the bank reader refuses on purpose; `problem` already says what to do."""


try:  # libyaml scans about ten times faster than PyYAML's own scanner
    from yaml._yaml import CParser as _CParser

    _EVENT_SOURCE: tuple[type, ...] = (_CParser,)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None
    _EVENT_SOURCE = (yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser)


class _BankLoader(
    yaml.composer.Composer, *_EVENT_SOURCE, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
):
    """A safe loader without anchors and aliases (no expansion bombs), with nesting, size,
    number and character limits, that remembers the line of every mapping key.

    The composer is PyYAML's own (in Python, before the event source in the method order)
    so that every node passes `compose_node` below, whichever parser delivers the events.
    """

    def __init__(self, text: str) -> None:
        if _CParser is not None:
            _CParser.__init__(self, text)
        else:  # pragma: no cover
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.key_lines: dict[int, tuple[dict[Any, int], int]] = {}
        self.nesting = 0
        self.nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise _Refusal(None, None, _NO_REFERENCES.format(f"*{event.anchor}"), event.start_mark)
        if event.anchor is not None:
            raise _Refusal(None, None, _NO_REFERENCES.format(f"&{event.anchor}"), event.start_mark)
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise _Refusal(
                None,
                None,
                f"more than {MAX_YAML_NODES} values, far more than a question bank needs; "
                "split it into several banks",
                event.start_mark,
            )
        self.nesting += 1
        try:
            if self.nesting > MAX_NESTING:
                raise _Refusal(
                    None,
                    None,
                    f"nested more than {MAX_NESTING} levels deep, which no question bank "
                    "needs; flatten the structure",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.nesting -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # PyYAML's constructors raise plain Python errors for a value that does not fit its
        # explicit tag (`!!int abc`, `!!bool maybe`, `!!timestamp 2001-99-99#`); give them
        # a line and a message instead.
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, KeyError, TypeError, OverflowError, AttributeError, IndexError):
            value = display_name(str(getattr(node, "value", ""))[:40])
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refusal(
                None,
                None,
                f"'{value}' cannot be read as {tag}; correct the value or remove the tag",
                node.start_mark,
            ) from None


_NO_REFERENCES = (
    "YAML anchors and aliases such as {} are not allowed in a question bank; "
    "write each value out in full"
)


def _construct_mapping(loader: _BankLoader, node: MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG:
            raise _Refusal(
                None,
                None,
                "merge keys (<<) are not supported in a question bank; write the keys out",
                key_node.start_mark,
            )
        if not isinstance(key_node, ScalarNode):
            raise _Refusal(
                None, None, "a key must be a plain word, not a list or mapping", key_node.start_mark
            )
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    loader.key_lines[id(mapping)] = (lines, node.start_mark.line + 1)
    return mapping


def _construct_text(loader: _BankLoader, node: ScalarNode) -> str:
    text = loader.construct_scalar(node)
    bad = _NOT_PLAIN_TEXT.search(text)
    if bad:  # written as an escape such as "\0" or "\e" inside double quotes
        raise _Refusal(
            None,
            None,
            f"the text contains {_describe_character(bad.group())}; remove it",
            node.start_mark,
        )
    return text


def _construct_number(loader: _BankLoader, node: ScalarNode) -> int | float:
    if len(node.value) > MAX_NUMBER_LENGTH:
        raise _Refusal(
            None,
            None,
            f"a number of {len(node.value)} characters is longer than any a question bank "
            f"needs (at most {MAX_NUMBER_LENGTH}); shorten it",
            node.start_mark,
        )
    if node.tag.endswith(":int"):
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    if not math.isfinite(value):
        raise _Refusal(
            None,
            None,
            f"{display_name(node.value)} is not a number; write a number such as 1.5 "
            "(or put it in quotes if it is meant as text)",
            node.start_mark,
        )
    return value


_BankLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_BankLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _construct_text)
_BankLoader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_BankLoader.add_constructor("tag:yaml.org,2002:float", _construct_number)


def parse_bank_yaml(text: str, source: str) -> tuple[Any, dict[int, tuple[dict[Any, int], int]]]:
    """A question bank's YAML as Python values, and the line of every mapping key.

    The second value maps `id()` of each mapping to (line of each key, line of the mapping),
    for messages that point at a line.

    Raises:
        QuestionBankError: naming `source`, the line, the problem and the fix.
    """
    bad = _NOT_PLAIN_TEXT.search(text)
    if bad:
        # PyYAML would raise a ReaderError while the loader is being built.
        line = text.count("\n", 0, bad.start()) + 1
        raise QuestionBankError(
            f"{source}, line {line}: contains {_describe_character(bad.group())}, which has "
            "no place in a question bank; remove it and save the file as plain UTF-8 text."
        )
    loader = _BankLoader(text)
    try:
        return loader.get_single_data(), loader.key_lines
    except yaml.MarkedYAMLError as exc:
        raise QuestionBankError(_yaml_message(exc, source)) from None
    except yaml.YAMLError as exc:
        raise QuestionBankError(f"{source}: invalid YAML ({exc}).") from None
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.MarkedYAMLError, source: str) -> str:
    """One line naming file, line and problem of a YAML syntax or construction error."""
    mark = exc.problem_mark or exc.context_mark
    where = f", line {mark.line + 1}" if mark else ""
    problem = exc.problem or exc.context or "invalid YAML"
    opened, found = exc.context_mark, exc.problem_mark
    if exc.context and opened and found and opened.line != found.line:
        # libyaml notices an unclosed bracket on a later line: name the line it opens on.
        where = f", line {opened.line + 1}"
        problem = f"{exc.context}, {problem} (noticed on line {found.line + 1})"
    if isinstance(exc, _Refusal):
        return f"{source}{where}: {problem}."
    advice = "Fix the YAML syntax there"
    if problem.startswith("could not determine a constructor"):
        # SafeLoader refuses !!python/... and custom tags; say so instead of quoting PyYAML.
        tag = problem.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        problem = f"YAML tags such as {tag} are not allowed in a question bank"
        advice = "Remove the tag and write the value as plain text"
    elif problem.startswith("duplicate key"):
        advice = "Keep only one of them"
    return f"{source}{where}: {display_name(problem)}. {advice}."
