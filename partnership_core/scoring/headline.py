"""Step 7: the headline and next step, from the level and characteristic with the worst verdict."""

from __future__ import annotations

from dataclasses import dataclass

from ..bank import LevelId
from ..results import (
    CharacteristicResult,
    FindingRule,
    LevelResult,
    Severity,
    Verdict,
)
from .characteristics import BAND_ORDER
from .statements import StatementCheck
from .tally import Context, mean
from .wording import names

__all__ = ["Headline", "write_headline"]

_CONCERN_RULES = {FindingRule.PARTNERS_DIFFER, FindingRule.LOW_RATING}


@dataclass(frozen=True)
class Headline:
    text: str
    next_step: str
    level: LevelId | None = None
    characteristic: str | None = None
    stands_apart: str | None = None


def write_headline(
    ctx: Context,
    levels: tuple[LevelResult, ...],
    overall: Verdict,
    stage: LevelId | None,
    checks: dict[str, StatementCheck],
) -> Headline:
    if overall == Verdict.CLEAR:
        return Headline(
            "Ready to partner: the partners are aligned and ready at every level.",
            "Write the partnership agreement and set a date to review it together.",
        )
    if overall == Verdict.INCOMPLETE and all(
        s.readiness is None for lv in levels for c in lv.characteristics for s in c.partners
    ):
        return Headline(
            "Not enough answers yet to judge the partnership.",
            "Ask every partner to answer the statements, then look again.",
        )
    level = next(lv for lv in sorted(levels, key=lambda lv: lv.order) if lv.verdict == overall)
    char = _worst_characteristic(level)
    apart = _stands_apart(ctx, char, level, checks)
    stage_level = next((lv for lv in levels if lv.id == stage), None)
    text, next_step = _sentences(ctx, overall, level, char, apart, stage_level)
    return Headline(text, next_step, level.id, char.id, apart)


def _worst_characteristic(level: LevelResult) -> CharacteristicResult:
    def key(c: CharacteristicResult) -> tuple:
        flagged = sum(i.severity in (Severity.SERIOUS, Severity.CONCERN) for i in c.items)
        figure = c.compatibility if c.compatibility is not None else 101.0
        return (-BAND_ORDER[c.band], -flagged, figure)

    return min(level.characteristics, key=key)  # min keeps spine order among equals


def _stands_apart(
    ctx: Context, char: CharacteristicResult, level: LevelResult, checks: dict[str, StatementCheck]
) -> str | None:
    """With 3+ partners: the partner at the extreme on most of the concern statements."""
    if len(ctx.partner_ids) < 3:
        return None
    statements = _concern_checks(char.items, checks)
    if not statements:
        statements = _concern_checks([i for c in level.characteristics for i in c.items], checks)
    counts: dict[str, int] = {}
    for check in statements:
        outlier = _outlier(check.present())
        if outlier:
            counts[outlier] = counts.get(outlier, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    leaders = [p for p, n in counts.items() if n == best]
    if len(leaders) != 1 or 2 * best < len(statements):
        return None
    return leaders[0]


def _concern_checks(items, checks: dict[str, StatementCheck]) -> list[StatementCheck]:
    return [
        checks[i.statement]
        for i in items
        if any(
            h.rule in _CONCERN_RULES and h.severity in (Severity.SERIOUS, Severity.CONCERN)
            for h in checks[i.statement].hits
        )
    ]


def _outlier(present: dict[str, float]) -> str | None:
    """The partner farthest from the mean of the others, if exactly one is."""
    if len(present) < 3:
        return None
    distance = {
        p: abs(s - (mean(v for q, v in present.items() if q != p) or 0.0))
        for p, s in present.items()
    }
    top = max(distance.values())
    far = [p for p, d in distance.items() if abs(d - top) < 1e-9]
    return far[0] if len(far) == 1 and top > 0 else None


def _sentences(
    ctx: Context,
    overall: Verdict,
    level: LevelResult,
    char: CharacteristicResult,
    apart: str | None,
    stage: LevelResult | None,
) -> tuple[str, str]:
    where = level.name.lower()
    aside = f", and {ctx.names[apart]} stands apart from the other partners" if apart else ""
    first = (
        f"Levels are cleared in order: start with the {stage.name.lower()}, then "
        if stage is not None and stage.id != level.id
        else ""
    )
    if overall == Verdict.STOP and level.id == LevelId.ENTRY:
        return (
            f"Do not proceed yet: {char.name} is a serious concern at {where}{aside}.",
            f"Meet to resolve the concerns on {char.name} first. Entry-level differences are "
            "the hardest to reconcile; if they cannot be resolved, it may be wiser not to partner.",
        )
    if overall == Verdict.STOP:
        return (
            f"Do not commit yet: {char.name} is a serious concern at {where}{aside}; it must be "
            "settled before anyone commits.",
            _capital(f"{first}settle {char.name} and every serious concern before anyone signs."),
        )
    if overall == Verdict.PAUSE:
        return (
            f"Cause for pause: {char.name} at {where} needs talking through{aside}.",
            _capital(
                f"{first}talk through {char.name} and the other points of the {where} "
                "before moving on."
                if first
                else f"Talk through {char.name} and the other points of the {where} before "
                "moving on; levels are cleared in order."
            ),
        )
    if overall == Verdict.CONDITIONS:
        return (
            f"Ready to partner, with work to do: no level shows a mismatch, but {char.name} at "
            f"{where} needs work.",
            "Agree the points marked “workable” in writing as part of the partnership agreement.",
        )
    return _incomplete(ctx, level, char)


def _incomplete(ctx: Context, level: LevelResult, char: CharacteristicResult) -> tuple[str, str]:
    where = level.name.lower()
    if not char.assessed:
        bank = f"the “{char.added_by[0]}” bank" if char.added_by else "a bank that covers it"
        return (
            f"Not enough to judge yet: no chosen question bank has a statement on {char.name} "
            f"at {where}.",
            f"Add {bank} to the assessment, then look again.",
        )
    short = [s.partner for s in char.partners if s.answered_share < ctx.rules.min_answered_share]
    who = names(ctx, sorted(short, key=lambda p: ctx.names[p].casefold())) or "every partner"
    return (
        f"Not enough answers yet to judge {char.name} at {where}.",
        f"Ask {who} to answer the remaining statements, then look again.",
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
