"""Step 5: per level: the verdict from its characteristics' bands, and the overall stage."""

from __future__ import annotations

from ..bank import BandId, Level, LevelId
from ..results import VERDICT_LABELS, CharacteristicResult, Finding, LevelResult, Verdict
from ..text import join_names
from .tally import Context
from .verdicts import CLEARED, VERDICT_SEVERITY, band_verdict
from .wording import verb

__all__ = ["score_levels", "overall_verdict"]


def score_levels(
    ctx: Context,
    characteristics: dict[str, CharacteristicResult],
    findings: tuple[Finding, ...],
) -> tuple[LevelResult, ...]:
    levels = []
    for level in ctx.levels:
        chars = tuple(c for c in characteristics.values() if c.level == level.id)
        verdict = max(
            (band_verdict(c.band, level.id, ctx) for c in chars),
            key=VERDICT_SEVERITY.__getitem__,
            default=Verdict.INCOMPLETE,
        )
        judged = [c.compatibility for c in chars if c.compatibility is not None]
        levels.append(
            LevelResult(
                id=level.id,
                name=level.name,
                order=level.order,
                weight=level.weight,
                verdict=verdict,
                verdict_label=VERDICT_LABELS[verdict],
                explanation=_explanation(ctx, level, verdict, chars, findings),
                characteristics=chars,
                compatibility=None if verdict == Verdict.INCOMPLETE or not judged else min(judged),
            )
        )
    return tuple(levels)


def _explanation(
    ctx: Context,
    level: Level,
    verdict: Verdict,
    chars: tuple[CharacteristicResult, ...],
    findings: tuple[Finding, ...],
) -> str:
    carrying = [c for c in chars if band_verdict(c.band, level.id, ctx) == verdict]
    serious = [c.name for c in carrying if c.band == BandId.SERIOUS]
    pause = [c.name for c in carrying if c.band == BandId.PAUSE]
    others = [c.name for c in carrying]
    lead = {
        Verdict.CLEAR: "The partners are aligned and ready on every characteristic.",
        Verdict.CONDITIONS: (
            f"No mismatch, but {join_names(others)} {verb(len(others), 'needs', 'need')} work: "
            "agree the details and record them."
        ),
        Verdict.INCOMPLETE: f"Not enough answers to judge {join_names(others)}.",
    }.get(verdict)
    if lead is None:
        parts = [f"Serious concern on {join_names(serious)}."] if serious else []
        parts += [f"Cause for pause on {join_names(pause)}."] if pause else []
        lead = " ".join(parts)
    carrying_ids = {c.id for c in carrying}
    why = [
        f.sentence
        for f in findings
        if f.level == level.id and f.effect == verdict and f.characteristic in carrying_ids
    ]
    closing = _closing(level, verdict, bool(serious), len(carrying) < len(chars))
    return " ".join(part for part in (lead, *why, closing) if part)


def _closing(level: Level, verdict: Verdict, serious: bool, rest: bool) -> str:
    level_name = level.name.lower()
    if verdict == Verdict.STOP and level.id == LevelId.ENTRY:
        return (
            "Differences at entry level are the hardest to reconcile: do not go further until "
            "the partners have resolved them, and be prepared to decide not to partner."
        )
    if verdict == Verdict.STOP:
        return "These terms must be settled before anyone commits to the partnership."
    if verdict == Verdict.PAUSE and serious:
        return (
            f"Differences at {level_name} are procedural and can be worked out with effort and "
            "goodwill, but agree how before you start."
        )
    if verdict == Verdict.PAUSE:
        return "Talk these through and agree a way forward before moving on."
    if verdict == Verdict.INCOMPLETE:
        return (
            f"The rest of the {level_name} shows no mismatch."
            if rest
            else f"There are not yet enough answers from every partner to judge the {level_name}."
        )
    return ""


def overall_verdict(levels: tuple[LevelResult, ...]) -> tuple[Verdict, LevelId | None]:
    """The worst level verdict, and the stage: the first level not cleared.

    An entry-level stop puts the stage at entry whatever the other levels say.
    """
    if not levels:
        return Verdict.INCOMPLETE, None
    ordered = sorted(levels, key=lambda lv: lv.order)
    worst = max((lv.verdict for lv in ordered), key=VERDICT_SEVERITY.__getitem__)
    entry = next((lv for lv in ordered if lv.id == LevelId.ENTRY), None)
    if entry is not None and entry.verdict == Verdict.STOP:
        return Verdict.STOP, LevelId.ENTRY
    stage = next((lv.id for lv in ordered if lv.verdict not in CLEARED), None)
    return worst, stage
