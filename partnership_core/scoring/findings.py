"""Step 4: "why this verdict": every rule that fired, with its statements and partners."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..bank import BandId, Characteristic, LevelId
from ..results import (
    AgendaCause,
    CharacteristicResult,
    Finding,
    FindingRule,
    PerceptionGap,
    Severity,
    Verdict,
)
from ..text import join_names, plural, possessive
from .characteristics import Characteristics, aggregate_band
from .statements import SEVERITY_ORDER, Hit, StatementCheck, partner_order
from .tally import Context
from .verdicts import VERDICT_SEVERITY, band_verdict, severity_band
from .wording import names, number, quote, rating, share_words, steps, verb

__all__ = ["collect_findings", "effect_of", "rule_text"]

_RULE_ORDER = {r: i for i, r in enumerate(FindingRule)}


@dataclass(frozen=True)
class _Group:
    """The statements of one rule, characteristic and severity."""

    rule: FindingRule
    severity: Severity
    characteristic: Characteristic
    hits: tuple[Hit, ...]


def effect_of(severity: Severity, level: LevelId, ctx: Context) -> Verdict | None:
    """The verdict a finding gives its characteristic's level at least."""
    band = severity_band(severity)
    return None if band is None else band_verdict(band, level, ctx)


def rule_text(rule: FindingRule, ctx: Context) -> str:
    """The rule in one plain sentence, with the thresholds in force."""
    r = ctx.rules
    t = r.band_thresholds
    texts = {
        FindingRule.PARTNERS_DIFFER: (
            f"Partners {number(r.differ_concern_steps)} or more steps apart on a statement "
            f"(for example 4 against 2) are a concern; {number(r.differ_serious_steps)} or more "
            "steps apart are a serious concern."
        ),
        FindingRule.LOW_RATING: (
            f"Any partner at “disagree” or below on a statement (a mean of "
            f"{number(r.low_concern_rating)} or less, statements worded the other way round "
            "flipped) is a concern, whether one partner or all of them; at “strongly disagree” "
            f"({number(r.low_serious_rating)} or less) it is a serious concern."
        ),
        FindingRule.INTERNAL_SPLIT: (
            f"When one partner's own people are {number(r.split_concern_steps)} or more steps "
            "apart on a statement, the partner must settle its own position first: a concern. "
            f"{number(r.split_agenda_steps)} steps apart puts the statement on the agenda."
        ),
        FindingRule.AGGREGATE: (
            "A characteristic's figure is the lower of the least ready partner's mean rating and "
            f"5 minus the level-weighted mean gap: {number(t.strong)} or more is a strong fit, "
            f"{number(t.workable)} to {number(t.strong)} workable, {number(t.pause)} to "
            f"{number(t.workable)} a cause for pause, below {number(t.pause)} a serious concern."
        ),
        FindingRule.NOT_ENOUGH_ANSWERS: (
            f"A characteristic is judged only when every partner has rated at least "
            f"{share_words(r.min_answered_share)} of its statements."
        ),
        FindingRule.NOT_ASSESSED: (
            "A characteristic with no statement in the chosen question banks cannot be judged, "
            "so its level cannot be cleared."
        ),
        FindingRule.MISREADING: (
            f"A prediction {number(r.misreading_steps)} or more steps from the other partner's "
            "actual answer is a misreading to talk through; it does not change the verdict."
        ),
        FindingRule.EVERYONE_UNSURE: (
            f"When every partner is at {number(r.unsure_rating)} (“neither”) or below on a "
            "statement, it goes on the agenda as not yet settled."
        ),
    }
    return texts[rule]


def collect_findings(
    ctx: Context,
    checks: dict[str, StatementCheck],
    characteristics: Characteristics,
    perception: tuple[PerceptionGap, ...],
) -> tuple[Finding, ...]:
    results = characteristics.results
    findings = [_from_group(ctx, g) for g in _groups(ctx, checks)]
    findings += [
        f
        for cid, figure in characteristics.figures.items()
        if (f := _aggregate(ctx, results[cid], figure))
    ]
    findings += [f for c in results.values() if (f := _coverage(ctx, c))]
    findings += _misreadings(ctx, perception)
    return tuple(sorted(findings, key=_sort_key(ctx, checks)))


def _sort_key(ctx: Context, checks: dict[str, StatementCheck]):
    level_order = {lv.id: lv.order for lv in ctx.levels}
    spine = {c.id: i for i, c in enumerate(ctx.characteristics)}

    def key(f: Finding) -> tuple:
        first = min((checks[q].position for q in f.statements), default=-1)
        effect = VERDICT_SEVERITY[f.effect] if f.effect else -1
        return (
            -effect,
            SEVERITY_ORDER[f.severity],
            level_order[f.level],
            spine[f.characteristic],
            _RULE_ORDER[f.rule],
            first,
        )

    return key


def _groups(ctx: Context, checks: dict[str, StatementCheck]) -> list[_Group]:
    grouped: dict[tuple, list[Hit]] = defaultdict(list)
    for check in checks.values():
        for hit in check.hits:
            grouped[(hit.rule, hit.severity, check.item.characteristic)].append(hit)
    spine = ctx.banks.spine.characteristic_by_id
    return [
        _Group(rule, severity, spine[char], tuple(hits))
        for (rule, severity, char), hits in grouped.items()
    ]


def _finding(ctx: Context, characteristic: Characteristic, **fields) -> Finding:
    severity = fields["severity"]
    return Finding(
        rule_text=rule_text(fields["rule"], ctx),
        effect=effect_of(severity, characteristic.level, ctx),
        level=characteristic.level,
        characteristic=characteristic.id,
        characteristic_name=characteristic.name,
        **fields,
    )


def _from_group(ctx: Context, group: _Group) -> Finding:
    statements = tuple(h.statement for h in group.hits)
    partners = partner_order(ctx, {p for h in group.hits for p in h.partners})
    respondents = tuple(sorted({r for h in group.hits for r in h.respondents}))
    return _finding(
        ctx,
        group.characteristic,
        rule=group.rule,
        severity=group.severity,
        statements=statements,
        statement_texts=tuple(ctx.text(q) for q in statements),
        partners=partners,
        respondents=respondents,
        sentence=_group_sentence(ctx, group, partners),
        details=tuple(h.detail for h in group.hits),
    )


def _group_sentence(ctx: Context, group: _Group, partners: tuple[str, ...]) -> str:
    r, serious = ctx.rules, group.severity == Severity.SERIOUS
    count = plural(len(group.hits), "statement")
    where = f"On {group.characteristic.name}"
    if group.rule == FindingRule.PARTNERS_DIFFER:
        apart = r.differ_serious_steps if serious else r.differ_concern_steps
        return f"{where}, the partners are {number(apart)} or more steps apart on {count}."
    if group.rule == FindingRule.LOW_RATING:
        mark = "“strongly disagree”" if serious else "“disagree” or below"
        if all(h.cause == AgendaCause.EVERYONE_LOW for h in group.hits):
            return f"{where}, every partner is at {mark} on {count}."
        if len(partners) == 1:
            return f"{where}, {names(ctx, partners)} is at {mark} on {count}."
        return f"{where}, partners are at {mark} on {count}: {_per_partner(ctx, group, partners)}."
    if group.rule == FindingRule.INTERNAL_SPLIT:
        concern = group.severity == Severity.CONCERN
        apart = r.split_concern_steps if concern else r.split_agenda_steps
        if len(partners) == 1:
            people = f"{possessive(ctx.names[partners[0]])} people"
            return f"{where}, {people} are {number(apart)} or more steps apart on {count}."
        return (
            f"{where}, people inside one partner are {number(apart)} or more steps apart on "
            f"{count}: {_per_partner(ctx, group, partners, 'inside ')}."
        )
    return f"{where}, no partner is above “neither” on {count}: not yet settled."


def _per_partner(ctx: Context, group: _Group, partners: tuple[str, ...], prefix: str = "") -> str:
    """'Org A on 2 and Org B on 1': how many of a group's statements concern each partner."""
    return join_names(
        [f"{prefix}{ctx.names[p]} on {sum(p in h.partners for h in group.hits)}" for p in partners]
    )


def _aggregate(ctx: Context, c: CharacteristicResult, value: float) -> Finding | None:
    band = aggregate_band(value, ctx)
    severity = {
        BandId.SERIOUS: Severity.SERIOUS,
        BandId.PAUSE: Severity.CONCERN,
        BandId.WORKABLE: Severity.WORK,
    }.get(band)
    if severity is None:
        return None
    if c.limited_by == "readiness" or c.alignment is None:
        lowest = [s.partner for s in c.partners if s.readiness == c.readiness_floor]
        partners = partner_order(ctx, lowest)
        who = f"{names(ctx, partners)} {verb(len(partners), 'is', 'are')} on average at"
        sentence = f"Across the statements of {c.name}, {who} {rating(value)}"
    else:
        partners = partner_order(ctx, [s.partner for s in c.partners])
        level_name = ctx.level_by_id[c.level].name.lower()
        sentence = (
            f"Across the statements of {c.name}, the partners are on average "
            f"{steps(100.0 - c.alignment)} steps apart, which at {level_name} leaves "
            f"{rating(value)} of 5"
        )
    limits = {
        Severity.SERIOUS: f"below {number(ctx.rules.band_thresholds.pause)} (“disagree”)",
        Severity.CONCERN: f"below {number(ctx.rules.band_thresholds.workable)} (“neither”)",
        Severity.WORK: f"short of the {number(ctx.rules.band_thresholds.strong)} of a strong fit",
    }
    return _finding(
        ctx,
        ctx.banks.spine.characteristic_by_id[c.id],
        rule=FindingRule.AGGREGATE,
        severity=severity,
        partners=partners,
        sentence=f"{sentence}, {limits[severity]}.",
    )


def _coverage(ctx: Context, c: CharacteristicResult) -> Finding | None:
    characteristic = ctx.banks.spine.characteristic_by_id[c.id]
    if not c.assessed:
        bank = f"add the “{c.added_by[0]}” bank to judge it" if c.added_by else "it stays unjudged"
        return _finding(
            ctx,
            characteristic,
            rule=FindingRule.NOT_ASSESSED,
            severity=Severity.NOT_JUDGED,
            sentence=f"No chosen question bank has a statement on {c.name}; {bank}.",
        )
    short = [s for s in c.partners if s.answered_share < ctx.rules.min_answered_share]
    if not short and c.alignment is not None and c.readiness_floor is not None:
        return None
    total = len(c.items)
    if short:
        parts = [
            f"{ctx.names[s.partner]} rated {round(s.answered_share * total)} of the {total}"
            for s in sorted(short, key=lambda s: (ctx.names[s.partner].casefold(), s.partner))
        ]
        sentence = (
            f"On {c.name}, {join_names(parts)} statements; every partner needs to rate at "
            f"least {share_words(ctx.rules.min_answered_share)}."
        )
    else:
        sentence = f"On {c.name}, no statement has answers from two partners yet."
    return _finding(
        ctx,
        characteristic,
        rule=FindingRule.NOT_ENOUGH_ANSWERS,
        severity=Severity.NOT_JUDGED,
        partners=partner_order(ctx, [s.partner for s in short]),
        sentence=sentence,
    )


def _misreadings(ctx: Context, perception: tuple[PerceptionGap, ...]) -> list[Finding]:
    by_char: dict[str, list[PerceptionGap]] = defaultdict(list)
    for gap in perception:
        if gap.misreading:
            by_char[gap.characteristic].append(gap)
    findings = []
    for char_id, gaps in by_char.items():
        statements = tuple(dict.fromkeys(g.statement for g in gaps))
        partners = {p for g in gaps for p in (g.predictor_partner, g.other_partner)}
        characteristic = ctx.banks.spine.characteristic_by_id[char_id]
        findings.append(
            _finding(
                ctx,
                characteristic,
                rule=FindingRule.MISREADING,
                severity=Severity.DISCUSS,
                statements=statements,
                statement_texts=tuple(ctx.text(q) for q in statements),
                partners=partner_order(ctx, partners),
                respondents=tuple(sorted({n for g in gaps for n in g.predictors})),
                sentence=(
                    f"On {characteristic.name}, a prediction missed the other side's answer by "
                    f"{number(ctx.rules.misreading_steps)} or more steps on "
                    f"{plural(len(statements), 'statement')}."
                ),
                details=tuple(_misreading_detail(ctx, g) for g in gaps),
            )
        )
    return findings


def _misreading_detail(ctx: Context, g: PerceptionGap) -> str:
    predictor, other = ctx.names[g.predictor_partner], ctx.names[g.other_partner]
    return (
        f"{quote(g.text)}: {join_names(list(g.predictors))} ({predictor}) expected {other} at "
        f"{rating(g.predicted)}; {other} is at {rating(g.actual)}"
    )
