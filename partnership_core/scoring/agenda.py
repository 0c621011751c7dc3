"""Step 6: the discussion agenda: only statements with a finding, a short list to talk about
first, and the rest grouped by characteristic. Every prompt names its statement and cause."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ..results import AgendaCause, AgendaGroup, AgendaItem, PerceptionGap, Severity
from ..text import join_names, possessive
from .statements import SEVERITY_ORDER, Hit, StatementCheck, partner_order
from .tally import Context
from .wording import names, quote, rating, steps, verb

__all__ = ["Agenda", "build_agenda"]

_CAUSE_ORDER = {c: i for i, c in enumerate(AgendaCause)}


@dataclass(frozen=True)
class Agenda:
    items: tuple[AgendaItem, ...]
    talk_first: tuple[AgendaItem, ...]
    talk_first_minutes: int
    groups: tuple[AgendaGroup, ...]


@dataclass(frozen=True)
class _Candidate:
    check: StatementCheck
    misreadings: tuple[PerceptionGap, ...]
    severity: Severity
    concern: float
    priority: float


def build_agenda(
    ctx: Context, checks: dict[str, StatementCheck], perception: tuple[PerceptionGap, ...]
) -> Agenda:
    misread: dict[str, list[PerceptionGap]] = defaultdict(list)
    for gap in perception:
        if gap.misreading:
            misread[gap.statement].append(gap)
    candidates = [
        _candidate(ctx, check, tuple(misread.get(qid, ())))
        for qid, check in checks.items()
        if check.hits or qid in misread
    ]
    order = {lv.id: lv.order for lv in ctx.levels}
    candidates.sort(
        key=lambda c: (
            SEVERITY_ORDER[c.severity],
            -round(c.priority, 6),
            order[c.check.item.level],
            c.check.position,
        )
    )
    prompts = _CharacteristicPrompts(ctx)
    items = tuple(_item(ctx, rank, c, prompts) for rank, c in enumerate(candidates, 1))
    first = items[: ctx.rules.talk_first_max]
    return Agenda(items, first, sum(i.minutes for i in first), _groups(ctx, items[len(first) :]))


def _candidate(
    ctx: Context, check: StatementCheck, misreadings: tuple[PerceptionGap, ...]
) -> _Candidate:
    item = check.item
    present = list(check.present().values())
    # A split inside a partner weighs as much as partners apart by the difference between
    # the two concern thresholds less (a 3-step split ranks with a 2-step gap).
    offset = ctx.rules.points(ctx.rules.split_concern_steps - ctx.rules.differ_concern_steps)
    spreads = [max(0.0, s - offset) for s in item.spreads.values() if s]
    concern = max(
        [item.gap or 0.0, 100.0 - min(present, default=100.0), *spreads]
        + [g.gap for g in misreadings]
    )
    severity = check.hits[0].severity if check.hits else Severity.DISCUSS
    weight = ctx.level_by_id[item.level].weight
    return _Candidate(check, misreadings, severity, concern, concern * weight * item.importance)


def _item(ctx: Context, rank: int, c: _Candidate, prompts: _CharacteristicPrompts) -> AgendaItem:
    item = c.check.item
    causes = _causes(c)
    partners = {p for h in c.check.hits for p in h.partners}
    partners |= {p for g in c.misreadings for p in (g.predictor_partner, g.other_partner)}
    specific = [p for cause in causes for p in _prompts(ctx, c, cause)]
    general = prompts.next(item.characteristic)
    return AgendaItem(
        rank=rank,
        statement=item.statement,
        text=item.text,
        characteristic=item.characteristic,
        characteristic_name=ctx.banks.spine.characteristic_by_id[item.characteristic].name,
        level=item.level,
        gap=item.gap,
        concern=round(c.concern, 2),
        priority=round(c.priority, 2),
        scores=item.scores,
        reason=" ".join(_reason(ctx, c, cause) for cause in causes),
        prompts=tuple(specific + ([general] if general else [])),
        causes=causes,
        severity=c.severity,
        partners=partner_order(ctx, partners),
        minutes=ctx.rules.minutes_per_item,
    )


def _causes(c: _Candidate) -> tuple[AgendaCause, ...]:
    causes = {h.cause: SEVERITY_ORDER[h.severity] for h in reversed(c.check.hits)}
    if c.misreadings:
        causes.setdefault(AgendaCause.MISREADING, SEVERITY_ORDER[Severity.DISCUSS])
    return tuple(sorted(causes, key=lambda k: (causes[k], _CAUSE_ORDER[k])))


def _hits(c: _Candidate, cause: AgendaCause) -> list[Hit]:
    return [h for h in c.check.hits if h.cause == cause]


def _reason(ctx: Context, c: _Candidate, cause: AgendaCause) -> str:
    present = c.check.present()
    if cause == AgendaCause.MISREADING:
        return " ".join(_misread_reason(ctx, g) for g in c.misreadings)
    hits = _hits(c, cause)
    partners = [p for h in hits for p in h.partners]
    figures = ", ".join(f"{ctx.names[p]} {rating(present[p])}" for p in partners if p in present)
    if cause == AgendaCause.PARTNERS_DIFFER:
        return f"The partners are {steps(c.check.item.gap or 0.0)} steps apart ({figures})."
    mark = _low_mark(ctx, [present[p] for p in partners if p in present])
    if cause == AgendaCause.EVERYONE_LOW:
        return f"Every partner is at {mark} ({figures})."
    if cause == AgendaCause.LOW_RATING:
        low = [f"{ctx.names[p]} ({rating(present[p])})" for p in partners]
        return f"{join_names(low)} {verb(len(low), 'is', 'are')} at {mark}."
    if cause == AgendaCause.INTERNAL_SPLIT:
        return " ".join(f"{_capital(h.detail.split(': ', 1)[1])}." for h in hits)
    return f"No partner is above “neither” yet ({figures})."


def _low_mark(ctx: Context, scores: list[float]) -> str:
    """How the low partners are described: as the finding says, "strongly disagree" only
    when every one of them is that low."""
    serious = ctx.rules.rating_points(ctx.rules.low_serious_rating)
    if scores and all(score <= serious for score in scores):
        return "“strongly disagree”"
    return "“disagree” or below"


def _misread_reason(ctx: Context, g: PerceptionGap) -> str:
    other = ctx.names[g.other_partner]
    return (
        f"{join_names(list(g.predictors))} of {ctx.names[g.predictor_partner]} expected {other} "
        f"at {rating(g.predicted)}; {other} is at {rating(g.actual)}."
    )


def _prompts(ctx: Context, c: _Candidate, cause: AgendaCause) -> list[str]:
    """The cause's prompt for this statement; a misreading gets one per predicting partner."""
    if cause != AgendaCause.MISREADING:
        partners = partner_order(ctx, {p for h in _hits(c, cause) for p in h.partners})
        return [_fill(ctx, c, cause, partners, "")]
    prompts = []
    for predictor in partner_order(ctx, {g.predictor_partner for g in c.misreadings}):
        gaps = [g for g in c.misreadings if g.predictor_partner == predictor]
        others = partner_order(ctx, {g.other_partner for g in gaps})
        who = join_names(sorted({n for g in gaps for n in g.predictors}))
        prompts.append(_fill(ctx, c, cause, others, who))
    return prompts


def _fill(
    ctx: Context, c: _Candidate, cause: AgendaCause, partners: tuple[str, ...], predictors: str
) -> str:
    reverse = c.check.reverse
    text = ctx.rules.prompts[cause].format(
        statement=quote(c.check.item.text)[1:-1],
        partners=names(ctx, partners),
        people=join_names([f"{possessive(ctx.names[p])} people" for p in partners]),
        predictors=predictors,
        verb="agreed with" if reverse else "disagreed with",
        ready_verb="disagree with" if reverse else "agree with",
    )
    return " ".join(text.split())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class _CharacteristicPrompts:
    """Hands out each characteristic's own prompts once, so no prompt repeats on the agenda."""

    def __init__(self, ctx: Context) -> None:
        self._left: dict[str, Iterator[str]] = {
            c.id: iter(c.discussion_prompts) for c in ctx.characteristics
        }

    def next(self, characteristic: str) -> str | None:
        return next(self._left[characteristic], None)


def _groups(ctx: Context, items: tuple[AgendaItem, ...]) -> tuple[AgendaGroup, ...]:
    by_char: dict[str, list[AgendaItem]] = defaultdict(list)
    for item in items:
        by_char[item.characteristic].append(item)
    return tuple(
        AgendaGroup(
            characteristic=c.id,
            characteristic_name=c.name,
            level=c.level,
            items=tuple(by_char[c.id]),
        )
        for c in ctx.characteristics
        if by_char.get(c.id)
    )
