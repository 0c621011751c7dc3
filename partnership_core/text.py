"""Text that people type: one normalisation and one check for every name, and the few
formatters that every view shares.

Names are compared by their normalised, case-folded form (`name_key`) everywhere: set-up,
joining a workshop, importing a file and loading an assessment, so that "FreshMart " and
"freshmart" are one partner wherever they are typed.
"""

from __future__ import annotations

import re
import string
import unicodedata

from .errors import PartnershipFitError

__all__ = [
    "NAME_MAX_LENGTH",
    "InvalidNameError",
    "check_name",
    "confusable_skeleton",
    "file_stem",
    "fill_partner_names",
    "others_phrase",
    "PARTNER_PLACEHOLDERS",
    "template_fields",
    "format_score",
    "free_text",
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


# Letters that look like Latin ones in common fonts (Cyrillic, Greek), and Latin letters
# and digits that look like each other, mapped to one representative. Applied after NFKC and
# case folding, so only lower-case forms are needed. A deliberately small table (the
# usual homoglyphs), not the whole Unicode confusables list.
_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "г": "r", "з": "3", "һ": "h", "і": "l",
        "ї": "l", "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "ь": "b", "ү": "y", "ӏ": "l",
        # Greek
        "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "l", "κ": "k", "μ": "u",
        "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c",
        "σ": "o", "ϲ": "c", "ϳ": "j", "ά": "a", "έ": "e", "ί": "l", "ό": "o", "ύ": "u",
        # Latin and digits that pass for each other
        "0": "o", "1": "l", "i": "l", "ı": "l", "|": "l", "5": "s", "ß": "ss",
    }
)  # fmt: skip


def confusable_skeleton(value: str) -> str:
    """What two names that LOOK the same share: `name_key`, accents dropped, common Latin,
    Cyrillic and Greek look-alikes mapped to one letter ("Аnna" with a Cyrillic А, "Anna"
    and "ANNA" all give "anna")."""
    decomposed = unicodedata.normalize("NFD", name_key(value))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).translate(_LOOK_ALIKES)


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


# The partner names a statement may carry, filled in for the partner who answers it.
PARTNER_PLACEHOLDERS = frozenset({"others", "others_possessive"})


def template_fields(template: str) -> set[str]:
    """The `{placeholder}` names a text uses (ValueError on a stray brace)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def others_phrase(other_names: list[str] | None, partner_count: int = 0) -> str:
    """How a statement names the partners other than the one answering: the name of the one
    other partner, or "the other partners". With no one partner answering (`other_names`
    None: a text shown to everyone), "the other partner" in a partnership of two."""
    if other_names is None:
        return "the other partner" if partner_count == 2 else "the other partners"
    return other_names[0] if len(other_names) == 1 else "the other partners"


def fill_partner_names(template: str, others: str) -> str:
    """A statement's text with `{others}` (and `{others_possessive}`) filled in by `others`
    (see `others_phrase`)."""
    if not template_fields(template):
        return template
    return template.format(others=others, others_possessive=possessive(others))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 statement', '3 statements' (or the given plural form)."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def free_text(value: object) -> object:
    """A typed comment or note without the control characters nobody can see and
    PostgreSQL cannot store (NUL and the rest of C0 but tab and line breaks); line breaks
    as \\n. Files that carry such characters are refused earlier, by `files.parse_json`."""
    if not isinstance(value, str):
        return value
    return _UNSTORABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
