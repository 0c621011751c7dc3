"""Why this verdict: the rules of the method that fired, each with the statements and the
partners (or respondents) behind it, worst first, as the scoring found them."""

from __future__ import annotations

from dataclasses import dataclass

from ..palette import SEVERITY_COLOURS
from ..results import VERDICT_LABELS, AssessmentResult, Finding, FindingRule, Severity, Verdict
from ..text import join_names

__all__ = [
    "MAX_EVIDENCE",
    "RULE_LABELS",
    "SEVERITY_LABELS",
    "rules_of",
    "FindingRow",
    "finding_rows",
]

SEVERITY_LABELS: dict[Severity, str] = {
    Severity.SERIOUS: "Serious concern",
    Severity.CONCERN: "Concern",
    Severity.NOT_JUDGED: "Not judged",
    Severity.WORK: "Work to do",
    Severity.DISCUSS: "To discuss",
}

# A finding prints the figures of its first few statements; the sentence counts them all and
# every one of them is on the discussion agenda, so a long list would only repeat the agenda.
MAX_EVIDENCE = 5
# What each rule is called where a finding cites it; its full text is printed once, beside
# the name, in a list of the rules that fired.
RULE_LABELS: dict[FindingRule, str] = {
    FindingRule.PARTNERS_DIFFER: "Partners differ",
    FindingRule.LOW_RATING: "Low rating",
    FindingRule.INTERNAL_SPLIT: "Split inside a partner",
    FindingRule.AGGREGATE: "Characteristic figure",
    FindingRule.NOT_ENOUGH_ANSWERS: "Not enough answers",
    FindingRule.NOT_ASSESSED: "Not assessed",
    FindingRule.MISREADING: "Misreading",
    FindingRule.EVERYONE_UNSURE: "Nobody sure yet",
}


@dataclass(frozen=True)
class FindingRow:
    """One reason behind the verdict, ready to print."""

    rule: FindingRule
    rule_label: str
    rule_text: str
    severity: Severity
    severity_label: str
    colour: str
    effect: Verdict | None  # the verdict it gives its level at least; None: agenda only
    effect_label: str | None
    sentence: str
    level_name: str
    characteristic_name: str
    partners: tuple[str, ...]  # names
    respondents: tuple[str, ...]  # names: a split partner's people, or the predictors
    evidence: tuple[str, ...]  # one line a statement: the statement and its figures

    @property
    def evidence_shown(self) -> tuple[str, ...]:
        return self.evidence[:MAX_EVIDENCE]

    @property
    def evidence_more(self) -> str:
        """'… and 3 more, all on the discussion agenda.', or '' when every line is shown."""
        more = len(self.evidence) - MAX_EVIDENCE
        return f"… and {more} more, all on the discussion agenda." if more > 0 else ""

    @property
    def effect_note(self) -> str:
        """What the finding does to its level's verdict, in words; '' for agenda only."""
        if self.effect is None:
            return ""
        if self.effect == Verdict.INCOMPLETE:
            return f"“{self.effect_label}” unless something worse holds"
        return f"at least “{self.effect_label}”"

    @property
    def where(self) -> str:
        return f"{self.level_name} · {self.characteristic_name}"

    @property
    def who(self) -> str:
        """'A and B', or 'A (Ann and Bo)' where respondents are named; '' if nobody."""
        people = f" ({join_names(self.respondents)})" if self.respondents else ""
        if not self.partners:
            return join_names(self.respondents)
        return join_names(self.partners) + people


def finding_rows(result: AssessmentResult, level_names: dict[str, str]) -> tuple[FindingRow, ...]:
    """Every finding of the result, in its order (worst first)."""
    return tuple(_finding_row(f, result.partner_names, level_names) for f in result.findings)


def _finding_row(
    finding: Finding, partner_names: dict[str, str], level_names: dict[str, str]
) -> FindingRow:
    order = list(partner_names)  # the assessment's partner order, as everywhere in the report
    partners = sorted(finding.partners, key=lambda p: order.index(p) if p in order else len(order))
    # The scoring writes one line a statement (quoted, with the partners' figures); a
    # finding without them still shows which statements it is about.
    evidence = finding.details or tuple(f"“{text}”" for text in finding.statement_texts)
    return FindingRow(
        rule=finding.rule,
        rule_label=RULE_LABELS[finding.rule],
        rule_text=finding.rule_text,
        severity=finding.severity,
        severity_label=SEVERITY_LABELS[finding.severity],
        colour=SEVERITY_COLOURS[finding.severity],
        effect=finding.effect,
        effect_label=VERDICT_LABELS[finding.effect] if finding.effect else None,
        sentence=finding.sentence,
        level_name=level_names.get(finding.level, str(finding.level)),
        characteristic_name=finding.characteristic_name,
        partners=tuple(partner_names.get(p, p) for p in partners),
        respondents=finding.respondents,
        evidence=evidence,
    )


def rules_of(findings: tuple[FindingRow, ...]) -> tuple[tuple[str, str], ...]:
    """(name, text) of each rule behind `findings`, once, in the order they first appear."""
    seen: dict[str, str] = {}
    for f in findings:
        seen.setdefault(f.rule_label, f.rule_text)
    return tuple(seen.items())
