"""The scoring method: from ratings to statement rules, bands, level verdicts, a stage, the
reasons behind them and a short agenda.

Pure and deterministic, and a pipeline of small steps that can be tested alone: tally the
answers, judge each statement, aggregate per characteristic, judge each level, then collect
coverage, warnings, findings, agenda and headline. Sums use `math.fsum` so that partner order
never changes a number. docs/scoring.md writes the method down with its thresholds.
"""

from __future__ import annotations

from ..assessment import Assessment
from ..bank import BankSet
from ..results import VERDICT_LABELS, AssessmentResult
from .agenda import build_agenda
from .characteristics import score_characteristics
from .checks import collect_warnings, coverage_of, straight_lining
from .findings import collect_findings
from .headline import write_headline
from .levels import overall_verdict, score_levels
from .perception import perception_gaps
from .rules import DEFAULT_RULES, BandThresholds, ScoringRules, load_rules, normalise
from .statements import check_statements
from .tally import build_context, tally_answers

__all__ = [
    "BandThresholds",
    "ScoringRules",
    "DEFAULT_RULES",
    "load_rules",
    "normalise",
    "score_assessment",
]


def score_assessment(
    assessment: Assessment, banks: BankSet, rules: ScoringRules = DEFAULT_RULES
) -> AssessmentResult:
    """Score an assessment, complete or partial.

    Args:
        assessment: partners, respondents and answers.
        banks: the banks the assessment uses (`load_bank_set(assessment.banks)`).
        rules: thresholds; the defaults come from `data/scoring_rules.yaml`.

    Returns:
        The full result; never raises for missing answers (they show as coverage gaps).
    """
    ctx = build_context(assessment, banks, rules)
    tally = tally_answers(ctx)
    checks = check_statements(ctx, tally)
    perception = perception_gaps(ctx, tally, checks)
    characteristics = score_characteristics(ctx, tally, checks)
    findings = collect_findings(ctx, checks, characteristics, perception)
    levels = score_levels(ctx, characteristics.results, findings)
    overall, stage = overall_verdict(levels)
    agenda = build_agenda(ctx, checks, perception)
    headline = write_headline(ctx, levels, overall, stage, checks)
    coverage = coverage_of(ctx, tally)
    flags = straight_lining(ctx, tally)
    judged = [lv.compatibility for lv in levels if lv.compatibility is not None]
    return AssessmentResult(
        partnership=assessment.name,
        partner_names=ctx.names,
        levels=levels,
        overall_verdict=overall,
        overall_label=VERDICT_LABELS[overall],
        stage=stage,
        headline=headline.text,
        next_step=headline.next_step,
        headline_level=headline.level,
        headline_characteristic=headline.characteristic,
        stands_apart=headline.stands_apart,
        compatibility=min(judged) if judged and overall.value != "incomplete" else None,
        findings=findings,
        perception_gaps=perception,
        agenda=agenda.items,
        talk_first=agenda.talk_first,
        talk_first_minutes=agenda.talk_first_minutes,
        agenda_groups=agenda.groups,
        coverage=coverage,
        partial=any(c.unanswered or c.not_sure or not c.expected for c in coverage),
        warnings=collect_warnings(ctx, tally, coverage, flags),
        flagged_respondents=flags,
        uses_estimates=bool(ctx.estimated_partners()),
    )
