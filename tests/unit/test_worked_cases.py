"""Worked cases: hand-built assessments, each with its verdict, stage, headline level and the
rule of the three-level framework (seed 000) it demonstrates. docs/scoring.md shows the same
table; keep the two in step."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from partnership_core.assessment import NOT_SURE, Answer, Assessment, Partner, Respondent
from partnership_core.bank import (
    SPINE_BANK_ID,
    BandId,
    BankSet,
    LevelId,
    PartnershipType,
    load_bank_set,
    load_banks,
)
from partnership_core.results import (
    VERDICT_LABELS,
    AgendaCause,
    AssessmentResult,
    FindingRule,
    Verdict,
)
from partnership_core.scoring import DEFAULT_RULES, score_assessment

SPINE = load_bank_set([SPINE_BANK_ID])
ALL_BANKS = load_bank_set(list(load_banks()))
TEN = load_bank_set(["ten-characteristics"])
ENTRY, DECISION, OPERATIONAL = LevelId.ENTRY, LevelId.DECISION, LevelId.OPERATIONAL
CLEAR, CONDITIONS, PAUSE, STOP, INCOMPLETE = (
    Verdict.CLEAR,
    Verdict.CONDITIONS,
    Verdict.PAUSE,
    Verdict.STOP,
    Verdict.INCOMPLETE,
)

Rate = Callable[[str, str], int | str | None]


def q(short: str) -> str:
    return f"{SPINE_BANK_ID}:{short}"


def of(banks: BankSet, characteristic: str) -> list[str]:
    return [
        s
        for s in banks.applicable(PartnershipType.OTHER)
        if banks.spine_characteristic(s).id == characteristic
    ]


def level_of(banks: BankSet, statement: str) -> LevelId:
    return banks.spine_characteristic(statement).level


def build(
    rate: Rate,
    banks: BankSet = SPINE,
    partners: int = 2,
    per_partner: int = 1,
    names: tuple[str, ...] = (),
    predict: Callable[[str, str], int | None] | None = None,
    raw: bool = False,
) -> Assessment:
    """Respondent `p<i>r<j>` gives `rate(respondent, statement)`: a rating in the ready
    direction (5 = ready, reverse statements are flipped here) unless `raw`."""
    partner_list = [
        Partner(id=f"p{i}", name=names[i] if i < len(names) else f"Partner {i}")
        for i in range(partners)
    ]
    respondents = [
        Respondent(id=f"p{i}r{j}", name=f"Person {i}.{j}", partner=f"p{i}")
        for i in range(partners)
        for j in range(per_partner)
    ]
    answers = []
    for r in respondents:
        for s in banks.applicable(PartnershipType.OTHER):
            rating = rate(r.id, s)
            if rating is None:
                continue
            if isinstance(rating, int) and banks.statements[s][1].reverse and not raw:
                rating = 6 - rating
            prediction = predict(r.id, s) if predict else None
            answers.append(
                Answer(respondent=r.id, statement=s, rating=rating, prediction=prediction)
            )
    return Assessment(
        name="Worked case",
        banks=[b.id for b in banks.banks],
        partners=partner_list,
        respondents=respondents,
        answers=answers,
    )


def everyone(value: int) -> Rate:
    return lambda r, s: value


def except_for(partner: str, statements: set[str] | list[str], value: int, rest: int = 5) -> Rate:
    """Every rating is `rest`, except `partner` on `statements`, who gives `value`."""
    chosen = set(statements)
    return lambda r, s: value if r.startswith(partner) and s in chosen else rest


def by_respondent(table: dict[str, int], statements: set[str] | list[str], rest: int = 5) -> Rate:
    chosen = set(statements)
    return lambda r, s: table.get(r, rest) if s in chosen else rest


def alternating(statements: list[str]) -> Rate:
    """p0 at 5 and 3 in turn on `statements`, p1 the mirror image; 5 elsewhere."""
    position = {s: i for i, s in enumerate(statements)}

    def rate(r: str, s: str) -> int:
        if s not in position:
            return 5
        high = (position[s] % 2 == 0) == r.startswith("p0")
        return 5 if high else 3

    return rate


def first_of_each_characteristic(r: str, s: str) -> int | str:
    if r.startswith("p0"):
        return 5
    firsts = {of(SPINE, c.id)[0] for c in SPINE.spine.characteristics}
    return 5 if s in firsts else NOT_SURE


def skips_operational(r: str, s: str) -> int | None:
    if r.startswith("p1") and level_of(SPINE, s) == OPERATIONAL:
        return None
    return 5


def synergy_mostly_neither(r: str, s: str) -> int:
    synergy = of(SPINE, "synergy")
    return 3 if s in synergy[:-1] else 4


def entry_split(r: str, s: str) -> int:
    if level_of(SPINE, s) != ENTRY:
        return 5
    return {"p0r0": 5, "p0r1": 1}.get(r, 3)


def predicts_the_opposite(r: str, s: str) -> int | None:
    return 1 if r == "p0r0" and s in of(SPINE, "driving-force") else None


@dataclass(frozen=True)
class Case:
    id: str
    setup: str
    rule: str
    assessment: Callable[[], Assessment]
    verdict: Verdict
    stage: LevelId | None
    headline_level: LevelId | None
    banks: BankSet = SPINE
    check: Callable[[AssessmentResult], None] = field(default=lambda r: None)


def _stands_apart(partner: str | None) -> Callable[[AssessmentResult], None]:
    def check(r: AssessmentResult) -> None:
        assert r.stands_apart == partner
        if partner:
            assert r.partner_names[partner] in r.headline

    return check


def _flagged(r: AssessmentResult) -> None:
    assert [f.name for f in r.flagged_respondents] == ["Person 1.0"]
    assert any("Person 1.0" in w for w in r.warnings)


def _agenda_has(cause: AgendaCause) -> Callable[[AssessmentResult], None]:
    return lambda r: (
        None if any(cause in a.causes for a in r.agenda) else pytest.fail(f"no {cause} item")
    )


def _no_agenda(r: AssessmentResult) -> None:
    assert r.agenda == () and r.talk_first == ()


def _not_assessed_termination(r: AssessmentResult) -> None:
    assert [c.id for c in r.not_assessed] == ["termination"]
    assert "Three levels of partnership compatibility" in r.headline + r.next_step
    assert any(f.rule == FindingRule.NOT_ASSESSED for f in r.findings)


def _numbers_follow_verdicts(r: AssessmentResult) -> None:
    assert r.compatibility is not None and r.compatibility < 25
    assert r.level(ENTRY).compatibility is not None and r.level(ENTRY).compatibility < 25


DF = of(SPINE, "driving-force")
TM = of(SPINE, "termination")

CASES = [
    Case(
        "shared-strongly-disagree-on-values",
        "Both partners 1 on “core values are compatible”; 5 elsewhere",
        "A lack of compatibility on any characteristic is cause for pause at a minimum: both "
        "partners strongly disagree that their values are compatible (issue 9: was Ready)",
        lambda: build(lambda r, s: 1 if s == q("cc-values") else 5),
        STOP,
        ENTRY,
        ENTRY,
    ),
    Case(
        "entry-pause-and-decision-stop",
        "Partner 1 at 3 on core values (entry) and 1 on sharing risks (decision); 5 elsewhere",
        "Levels are approached in order; the headline names the level with the worst verdict "
        "(issue 9: the headline spoke of entry)",
        lambda: build(
            lambda r, s: (
                (3 if s == q("cc-values") else 1 if s == q("rr-sharing") else 5)
                if r.startswith("p1")
                else 5
            )
        ),
        STOP,
        ENTRY,
        DECISION,
    ),
    Case(
        "two-steps-on-every-termination-statement",
        "On the four termination statements one partner 5 and the other 3, in turn",
        "Any incompatibility is cause for pause, at the operational level too (issue 9: was "
        "Proceed, with work to do)",
        lambda: build(alternating(TM)),
        PAUSE,
        OPERATIONAL,
        OPERATIONAL,
    ),
    Case(
        "two-steps-on-one-decision-statement",
        "Partner 1 at 3 on “we can state what the partnership is meant to achieve”",
        "Any incompatibility is cause for pause, even on one statement (issue 9: was Ready)",
        lambda: build(except_for("p1", [q("ce-intent")], 3)),
        PAUSE,
        DECISION,
        DECISION,
    ),
    Case(
        "three-steps-on-one-operational-statement",
        "Partner 1 at 2 on “we know how decisions will be made”",
        "Operational differences are procedural: a serious one is cause for pause (issue 9: "
        "was Ready)",
        lambda: build(except_for("p1", [q("dm-joint-decisions")], 2)),
        PAUSE,
        OPERATIONAL,
        OPERATIONAL,
    ),
    Case(
        "one-answer-per-characteristic-then-not-sure",
        "Partner 1 rates one statement per characteristic, “not sure” to the rest",
        "Coverage per partner: a partner who rated fewer than half of the statements leaves "
        "the characteristic unjudged (issue 9: was Ready, 100)",
        lambda: build(first_of_each_characteristic),
        INCOMPLETE,
        ENTRY,
        ENTRY,
    ),
    Case(
        "split-inside-a-partner-on-entry",
        "Partner 0’s two people 5 and 1 on every entry statement, partner 1 at 3 (equal means)",
        "A partner must be compatible with itself first: its people 5 against 1 on every "
        "entry statement (issue 9: was Ready)",
        lambda: build(entry_split, per_partner=2),
        PAUSE,
        ENTRY,
        ENTRY,
        check=_agenda_has(AgendaCause.INTERNAL_SPLIT),
    ),
    Case(
        "predictions-misread-the-other-side",
        "Everyone at 5; partner 0 predicts 1 for the other side on driving force",
        "A misreading goes on the agenda to talk through but does not change the verdict "
        "(issue 9: the agenda was empty)",
        lambda: build(everyone(5), predict=predicts_the_opposite),
        CLEAR,
        None,
        None,
        check=_agenda_has(AgendaCause.MISREADING),
    ),
    Case(
        "no-number-contradicts-the-verdict",
        "Partner 1 at 1 on “a compelling reason to work with this partner”; 5 elsewhere",
        "A serious entry difference stops everything, and no number beside it says otherwise "
        "(issue 9: 91/100 beside Do not proceed)",
        lambda: build(except_for("p1", [q("df-reason")], 1)),
        STOP,
        ENTRY,
        ENTRY,
        check=_numbers_follow_verdicts,
    ),
    Case(
        "four-banks-do-not-dilute-a-concern",
        "All four banks; partner 1 at 3 on the six driving-force statements of the spine",
        "Statement rules are never averaged away, however many banks are chosen (issue 9: "
        "14 statements diluted stop to pause)",
        lambda: build(except_for("p1", DF, 3), banks=ALL_BANKS),
        PAUSE,
        ENTRY,
        ENTRY,
        ALL_BANKS,
    ),
    Case(
        "four-banks-keep-a-serious-concern-serious",
        "All four banks; partner 1 at 1 on one driving-force statement",
        "An entry-level serious concern stops everything, with any number of banks",
        lambda: build(except_for("p1", [q("df-reason")], 1), banks=ALL_BANKS),
        STOP,
        ENTRY,
        ENTRY,
        ALL_BANKS,
    ),
    Case(
        "termination-not-assessed",
        "Only the ten-characteristics bank, everyone at 5",
        "All levels are necessary: a characteristic no chosen bank asks about is reported, "
        "and its level cannot be cleared (issue 9: termination vanished)",
        lambda: build(everyone(5), banks=TEN),
        INCOMPLETE,
        OPERATIONAL,
        OPERATIONAL,
        TEN,
        check=_not_assessed_termination,
    ),
    Case(
        "not-assessed-but-a-worse-finding-holds",
        "Only the ten-characteristics bank; partner 1 at 1 on one culture statement",
        "A serious entry concern stops everything even when a characteristic is not assessed",
        lambda: build(except_for("p1", of(TEN, "cultural-compatibility")[:1], 1), banks=TEN),
        STOP,
        ENTRY,
        ENTRY,
        TEN,
    ),
    Case(
        "all-agree-is-a-strong-fit",
        "Everyone at 4 (“agree”) on everything",
        "All-agree on both sides is clearly strong, and agreement is never on the agenda "
        "(issue 9: 49 of 52 statements were agenda items)",
        lambda: build(everyone(4)),
        CLEAR,
        None,
        None,
        check=_no_agenda,
    ),
    Case(
        "one-neither-among-agrees-stays-strong",
        "Everyone at 4, partner 1 at 3 on core values",
        "One step between partners is not a mismatch (issue 9: one neither flipped the band)",
        lambda: build(except_for("p1", [q("cc-values")], 3, rest=4)),
        CLEAR,
        None,
        None,
    ),
    Case(
        "straight-lining-is-flagged",
        "Partner 1 answers 5 to every statement, reverse statements included",
        "Answers that ignore the wording are named; reverse statements answered 5 read as a "
        "serious warning sign at entry (issue 9: no warning)",
        lambda: build(
            lambda r, s: 5 if r.startswith("p1") else (1 if SPINE.statements[s][1].reverse else 5),
            raw=True,
        ),
        STOP,
        ENTRY,
        ENTRY,
        check=_flagged,
    ),
    Case(
        "same-gap-at-entry-stops",
        "Partner 1 at 2 against 5 on one driving-force statement",
        "The higher the level, the more a difference weighs: 5 against 2 at entry",
        lambda: build(except_for("p1", [q("df-reason")], 2)),
        STOP,
        ENTRY,
        ENTRY,
    ),
    Case(
        "same-gap-at-decision-stops",
        "Partner 1 at 2 against 5 on sharing risks and rewards",
        "Decision-level differences must be settled before committing: 5 against 2",
        lambda: build(except_for("p1", [q("rr-sharing")], 2)),
        STOP,
        DECISION,
        DECISION,
    ),
    Case(
        "same-gap-at-operational-pauses",
        "Partner 1 at 2 against 5 on agreed communication channels",
        "Operational differences are achievable with work and goodwill: 5 against 2",
        lambda: build(except_for("p1", [q("cm-set-meetings")], 2)),
        PAUSE,
        OPERATIONAL,
        OPERATIONAL,
    ),
    Case(
        "two-steps-at-entry-pauses",
        "Partner 1 at 3 against 5 on core values",
        "A difference at any level is cause for pause: 5 against 3 at entry",
        lambda: build(except_for("p1", [q("cc-values")], 3)),
        PAUSE,
        ENTRY,
        ENTRY,
    ),
    Case(
        "two-steps-at-operational-pauses",
        "Partner 1 at 3 against 5 on reviewing what worked",
        "A difference at any level is cause for pause: 5 against 3 at operational level",
        lambda: build(except_for("p1", [q("ln-experience")], 3)),
        PAUSE,
        OPERATIONAL,
        OPERATIONAL,
    ),
    Case(
        "shared-disagree-on-termination",
        "Both partners at 2 on “we have agreed how the partnership would end”",
        "Partners who agree that something is missing are incompatible too: both disagree "
        "that an exit is agreed",
        lambda: build(lambda r, s: 2 if s == q("tm-process") else 5),
        PAUSE,
        OPERATIONAL,
        OPERATIONAL,
        check=_agenda_has(AgendaCause.EVERYONE_LOW),
    ),
    Case(
        "statement-worded-as-a-warning-sign",
        "Both partners agree (4) that their people would be hard to work alongside",
        "Reverse statements are flipped first: both agree their people would clash",
        lambda: build(
            lambda r, s: 4 if s == q("cc-people") else (1 if SPINE.statements[s][1].reverse else 5),
            raw=True,
        ),
        PAUSE,
        ENTRY,
        ENTRY,
    ),
    Case(
        "two-step-split-is-agenda-only",
        "Partner 0’s people 5 and 3 on core values, partner 1 at 4",
        "A smaller split inside a partner is talked through without changing the verdict",
        lambda: build(
            by_respondent({"p0r0": 5, "p0r1": 3, "p1r0": 4, "p1r1": 4}, [q("cc-values")]),
            per_partner=2,
        ),
        CLEAR,
        None,
        None,
        check=_agenda_has(AgendaCause.INTERNAL_SPLIT),
    ),
    Case(
        "three-step-split-at-decision",
        "Partner 0’s people 5 and 2 on knowing roles, partner 1 at 4",
        "A partner whose own people are 5 against 2 must settle its position first",
        lambda: build(
            by_respondent({"p0r0": 5, "p0r1": 2, "p1r0": 4, "p1r1": 4}, [q("sc-roles")]),
            per_partner=2,
        ),
        PAUSE,
        DECISION,
        DECISION,
    ),
    Case(
        "everyone-at-neither",
        "Everyone at 3 (“neither”) on everything",
        "Not yet a mismatch: everyone at neither is workable, and every statement is on the "
        "agenda as not yet settled",
        lambda: build(everyone(3)),
        CONDITIONS,
        None,
        ENTRY,
        check=_agenda_has(AgendaCause.EVERYONE_UNSURE),
    ),
    Case(
        "everyone-below-neither-on-average",
        "Each partner’s two people at 3 and 2 on everything (2.5)",
        "A shared shortfall is an incompatibility: a mean of 2.5 on every side",
        lambda: build(lambda r, s: 3 if r.endswith("r0") else 2, per_partner=2),
        PAUSE,
        ENTRY,
        ENTRY,
    ),
    Case(
        "workable-synergy",
        "Everyone at 4, but 3 on all synergy statements but one",
        "Proceed, with work to do: synergy on average between neither and agree",
        lambda: build(synergy_mostly_neither),
        CONDITIONS,
        None,
        DECISION,
    ),
    Case(
        "three-partners-one-stands-apart",
        "Three partners; FreshMart Supermarkets at 2 on every driving-force statement",
        "With three partners, the headline names the partner that stands apart",
        lambda: build(
            except_for("p2", DF, 2),
            partners=3,
            names=("Shelter Now", "Civic Trust", "FreshMart Supermarkets"),
        ),
        STOP,
        ENTRY,
        ENTRY,
        check=_stands_apart("p2"),
    ),
    Case(
        "three-partners-spread-out",
        "Three partners at 5, 3 and 1 on one driving-force statement",
        "With three partners spread across the scale, nobody is singled out",
        lambda: build(
            lambda r, s: {"p0": 5, "p1": 3, "p2": 1}[r[:2]] if s == q("df-reason") else 5,
            partners=3,
        ),
        STOP,
        ENTRY,
        ENTRY,
        check=_stands_apart(None),
    ),
    Case(
        "a-partner-skipped-a-level",
        "Partner 1 leaves every operational statement unanswered",
        "All three levels are necessary: a level without one partner's answers is not judged",
        lambda: build(skips_operational),
        INCOMPLETE,
        OPERATIONAL,
        OPERATIONAL,
    ),
    Case(
        "nothing-answered-yet",
        "No answers at all",
        "An empty assessment is not judged, and says so",
        lambda: build(lambda r, s: None),
        INCOMPLETE,
        ENTRY,
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_worked_case(case: Case) -> None:
    result = score_assessment(case.assessment(), case.banks)
    assert (result.overall_verdict, result.stage, result.headline_level) == (
        case.verdict,
        case.stage,
        case.headline_level,
    )
    case.check(result)
    _consistent(result)
    _proof_read(result)


def test_there_are_at_least_25_cases_with_a_rule_each() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)
    assert all(len(c.rule) > 20 and len(c.setup) > 10 for c in CASES)


def test_docs_show_the_same_worked_cases() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text("utf-8")
    section = docs.split("## 13. Worked cases", 1)[1].split("\n## ", 1)[0]
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in section.splitlines()
        if line.startswith("| `")
    }
    assert set(rows) == {c.id for c in CASES}
    for case in CASES:
        assert VERDICT_LABELS[case.verdict] in rows[case.id], case.id


def test_a_difference_is_at_least_as_severe_at_a_higher_level() -> None:
    order = {CLEAR: 0, CONDITIONS: 1, INCOMPLETE: 2, PAUSE: 3, STOP: 4}
    for low in (2, 3):
        verdicts = [
            score_assessment(build(except_for("p1", [q(s)], low)), SPINE).overall_verdict
            for s in ("df-reason", "rr-sharing", "cm-channels")
        ]
        assert [order[v] for v in verdicts] == sorted((order[v] for v in verdicts), reverse=True)


def _band_of(value: float) -> BandId:
    t, rules = DEFAULT_RULES.band_thresholds, DEFAULT_RULES
    for band, rating in (
        (BandId.STRONG, t.strong),
        (BandId.WORKABLE, t.workable),
        (BandId.PAUSE, t.pause),
    ):
        if value >= rules.rating_points(rating):
            return band
    return BandId.SERIOUS


def _consistent(result: AssessmentResult) -> None:
    """Headline, level cards and numbers never contradict each other."""
    for c in result.characteristics:
        assert (c.compatibility is None) == (c.band == BandId.INSUFFICIENT)
        if c.compatibility is not None:
            assert _band_of(c.compatibility) == c.band, c.id
    if result.headline_level is not None:
        level = result.level(result.headline_level)
        assert level.verdict == result.overall_verdict
        assert level.name.lower() in result.headline
    if result.overall_verdict == STOP and result.level(ENTRY).verdict == STOP:
        assert "entry level" in result.headline
    assert result.talk_first == result.agenda[: DEFAULT_RULES.talk_first_max]
    rest = [i for g in result.agenda_groups for i in g.items]
    assert sorted(i.rank for i in rest) == [i.rank for i in result.agenda[len(result.talk_first) :]]
    prompts = [p for a in result.agenda for p in a.prompts]
    assert len(prompts) == len(set(prompts)), "a prompt repeats on the agenda"


_DOUBLED = re.compile(r"\b([^\W\d]+) \1\b", re.IGNORECASE)


def _proof_read(result: AssessmentResult) -> None:
    texts = [result.headline, result.next_step, *result.warnings]
    texts += [lv.explanation for lv in result.levels]
    texts += [f.sentence for f in result.findings] + [f.rule_text for f in result.findings]
    texts += [a.reason for a in result.agenda] + [p for a in result.agenda for p in a.prompts]
    details = [d for f in result.findings for d in f.details]
    for text in texts + details:
        assert not _DOUBLED.search(text), text
        assert "s's" not in text and "(s)" not in text and "  " not in text, text
        assert text == text.strip(), text
    for text in texts:
        assert text[-1] in ".?", text
