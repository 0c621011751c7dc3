"""Fixed sentences of the report that both renderers print, kept in one place so that the
PDF and the HTML page say the same thing."""

from __future__ import annotations

from ..text import plural

__all__ = [
    "AGENDA_INTRO",
    "AGENDA_NONE",
    "AGENDA_REST",
    "COVERAGE_INTRO",
    "COVERAGE_SHORT",
    "SPLITS_INTRO",
    "SPLITS_NONE",
    "SPLITS_SINGLE_VOICE",
    "FLAG_NOTE",
    "FRAMEWORKS_HEADING",
    "FRAMEWORKS_INTRO",
    "FRAMEWORKS_NOTE",
    "WHY_AGENDA_HEADING",
    "WHY_AGENDA_ONLY",
    "WHY_INTRO",
    "WHY_RULES",
    "WHY_NONE",
    "talk_first_heading",
]

WHY_INTRO = (
    "What the method found, worst first. Each finding names the rule behind it, the "
    "statements and the partners, and the verdict it gives its level at the least."
)
WHY_RULES = "The rules that fired"
WHY_NONE = (
    "No rule of the method fired: no statement and no characteristic holds the partnership back."
)
WHY_AGENDA_HEADING = "Also on the agenda"
WHY_AGENDA_ONLY = "These findings do not change a verdict, but they put statements on the agenda."
FLAG_NOTE = (
    "⚑ marks a characteristic where a statement rule fired: partners apart, a low rating or a "
    "split inside a partner (see “Why this verdict”)."
)
FRAMEWORKS_HEADING = "Each framework as itself"
FRAMEWORKS_INTRO = (
    "The levels above put every statement on the three-level framework. Here each further "
    "framework is shown by its own characteristics, as its source sets them out."
)
FRAMEWORKS_NOTE = (
    "Partner columns: the mean score 0–100 of the characteristic’s statements. Gap: the widest "
    "difference between two partners. Only statements that were asked count."
)
SPLITS_INTRO = (
    "Where the respondents of one partner answered a statement far apart, that partner has "
    "to settle its own position before the partners can settle theirs."
)
SPLITS_NONE = "No partner’s own respondents are far apart on any statement."
SPLITS_SINGLE_VOICE = (
    "Each partner answered through one respondent, so there is nothing to compare inside a partner."
)
AGENDA_INTRO = (
    "Only statements with a finding are on the agenda, most urgent first: ranked by how far "
    "apart or how far from ready the partners are, how much the level weighs and how "
    "important respondents said the point is."
)
AGENDA_NONE = (
    "Nothing needs to go on the agenda: no statement shows a gap, a low rating, a split or a "
    "misreading."
)
AGENDA_REST = "The rest of the agenda, by characteristic"
COVERAGE_INTRO = (
    "Coverage is judged for each partner on its own: a characteristic is judged only when "
    "every partner rated enough of its statements."
)


COVERAGE_SHORT = "Highlighted: too few ratings from that partner to judge the characteristic."


def talk_first_heading(items: int, minutes: int) -> str:
    """'Talk about these first: 5 items, about 50 minutes'."""
    return f"Talk about these first: {plural(items, 'item')}, about {plural(minutes, 'minute')}"
