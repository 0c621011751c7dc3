"""Small helpers that every generated sentence uses, so figures read the same everywhere."""

from __future__ import annotations

from ..text import join_names
from .rules import POINTS_PER_STEP
from .tally import Context

__all__ = ["rating", "steps", "number", "quote", "names", "verb", "share_words"]


def rating(score: float) -> str:
    """A 0-100 score as the rating it stands for, one decimal: 75 -> '4.0'."""
    return f"{1 + score / POINTS_PER_STEP:.1f}"


def steps(points: float) -> str:
    """A distance on the 0-100 scale in steps: 50 -> '2', 66.67 -> '2.7'."""
    return number(round(points / POINTS_PER_STEP, 1))


def number(value: float) -> str:
    """'2' for 2.0, '1.5' for 1.5."""
    return f"{value:g}"


def quote(text: str) -> str:
    """A statement quoted inside a sentence, without its own full stop."""
    return f"“{text.strip().rstrip('.')}”"


def names(ctx: Context, partners: tuple[str, ...] | list[str]) -> str:
    return join_names([ctx.names[p] for p in partners])


def verb(count: int, singular: str, plural_form: str) -> str:
    return singular if count == 1 else plural_form


def share_words(share: float) -> str:
    return "half" if share == 0.5 else f"{share:.0%}"
