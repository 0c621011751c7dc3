"""Text that people type: one normalisation and one check for every name, and the few
formatters that every view shares.

Names are compared by their normalised, case-folded form (`name_key`) everywhere: set-up,
joining a workshop, importing a file and loading an assessment, so that "FreshMart " and
"freshmart" are one partner wherever they are typed.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import PartnershipFitError

__all__ = [
    "NAME_MAX_LENGTH",
    "InvalidNameError",
    "check_name",
    "file_stem",
    "format_score",
    "join_names",
    "name_key",
    "normalise_name",
    "possessive",
    "plural",
]

NAME_MAX_LENGTH = 200
# Control characters (Cc) and format characters (Cf: zero-width spaces and joiners, bidi
# overrides) are invisible on screen, so two names that look the same could differ.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})
NO_NUMBER = "–"


class InvalidNameError(PartnershipFitError, ValueError):
    """A typed name is empty, too long or carries invisible characters.

    A `ValueError` too, so that a pydantic validator that calls `check_name` reports it
    as a validation error of its field.
    """


def normalise_name(value: str) -> str:
    """The canonical form of a typed name: Unicode NFKC, trimmed, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def name_key(value: str) -> str:
    """What two names are compared by: normalised and case-folded."""
    return normalise_name(value).casefold()


def check_name(value: object, what: str, max_length: int = NAME_MAX_LENGTH) -> str:
    """Return `value` normalised, or raise InvalidNameError saying what to fix.

    Args:
        value: what the person typed (or a file carried).
        what: how the message names the field, e.g. "Partner 2" or "Your name".
        max_length: the longest name accepted after normalisation.
    """
    if not isinstance(value, str):
        raise InvalidNameError(f"{what} must be text.")
    if any(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in value if ch not in "\t\n\r"):
        raise InvalidNameError(
            f"{what} contains invisible or control characters; type it again by hand."
        )
    name = normalise_name(value)
    if not name:
        raise InvalidNameError(f"{what} is empty; type a name.")
    if len(name) > max_length:
        raise InvalidNameError(f"{what} is {len(name)} characters long; keep it to {max_length}.")
    return name


def format_score(value: float | None) -> str:
    """A 0-100 score as a whole number, or a dash where there is none."""
    return NO_NUMBER if value is None else f"{value:.0f}"


def file_stem(name: str, fallback: str = "assessment", max_length: int = 60) -> str:
    """A safe, lower-case file name stem from a partnership or workshop name."""
    stem = re.sub(r"[^a-z0-9]+", "-", normalise_name(name).casefold()).strip("-")[:max_length]
    return stem.strip("-") or fallback


def possessive(name: str) -> str:
    """'Shelter Now' -> "Shelter Now's"; a name ending in s takes the apostrophe alone."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def join_names(names: list[str] | tuple[str, ...], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(names)
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 statement', '3 statements' (or the given plural form)."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"
