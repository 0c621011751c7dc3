"""Actions of the solo flow on the session state (what pages call after reading widgets)."""

from __future__ import annotations

from partnership_core.assessment import Answer, Assessment, parse_assessment
from partnership_core.bank import PartnershipType

from . import notify
from .merge import add_estimate_respondent, carry_over, merge_partner_file, new_assessment
from .state import SetupState, replace_setup, solo_state

__all__ = [
    "work_in_progress",
    "open_assessment",
    "apply_setup",
    "start_estimate",
    "finish_respondent",
    "import_partner_file",
    "setup_from_assessment",
    "answer_count",
]


def work_in_progress() -> bool:
    """True when the session holds an assessment with at least one answer."""
    solo = solo_state()
    return solo.started and any(solo.answers.values())


def setup_from_assessment(assessment: Assessment, own_partner: str | None) -> SetupState:
    """Set-up values that describe an opened assessment (so Set-up shows it)."""
    me = next((r for r in assessment.respondents if not r.is_estimate), None)
    ids = [p.id for p in assessment.partners]
    return SetupState(
        name=assessment.name,
        partnership_type=assessment.partnership_type,
        partner_names=[p.name for p in assessment.partners],
        bank_ids=list(assessment.banks),
        respondent_name=me.name if me else "",
        own_partner=ids.index(own_partner) if own_partner in ids else 0,
        predict=any(a.prediction is not None for a in assessment.answers),
    )


def open_assessment(assessment: Assessment, message: str | None = None) -> None:
    """Make an opened file the assessment being worked on; the previous one is replaced."""
    solo = solo_state()
    solo.own_respondent = None
    solo.active_respondent = None
    solo.finished = set()
    solo.load(assessment)
    solo.finished = {r.id for r in assessment.respondents if solo.answers.get(r.id)}
    own = solo.respondent(solo.own_respondent).partner if solo.own_respondent else None
    setup = setup_from_assessment(assessment, own)
    solo.ask_prediction = setup.predict
    replace_setup(setup)
    if message:
        notify(message)


def apply_setup(setup: SetupState) -> Assessment:
    """Start (or update) the solo assessment from the set-up values.

    Raises:
        SetupError: the set-up is incomplete (message says what to fill in).
    """
    solo = solo_state()
    fresh = new_assessment(
        name=setup.name,
        partnership_type=PartnershipType(setup.partnership_type),
        partner_names=setup.partner_names,
        bank_ids=setup.bank_ids,
        respondent_name=setup.respondent_name,
        own_partner=setup.own_partner,
    )
    if solo.started:
        fresh = carry_over(solo.build(), fresh)
    finished = set(solo.finished)
    solo.load(fresh)
    solo.own_respondent = "me"
    solo.finished = finished & {r.id for r in fresh.respondents}
    solo.ask_prediction = setup.predict
    if "me" not in solo.finished:
        solo.active_respondent = "me"
    return fresh


def start_estimate(partner_id: str) -> str:
    """Begin (or resume) answering as the user expects `partner_id` would; returns its id."""
    solo = solo_state()
    assert solo.assessment is not None
    by = solo.respondent(solo.own_respondent).name if solo.own_respondent else "You"
    solo.assessment, rid = add_estimate_respondent(solo.assessment, partner_id, by)
    solo.active_respondent = rid
    return rid


def finish_respondent(respondent_id: str) -> None:
    """Mark a respondent's questionnaire as finished and go back to the overview."""
    solo = solo_state()
    solo.finished.add(respondent_id)
    solo.active_respondent = None


def import_partner_file(data: bytes, file_name: str) -> list[str]:
    """Merge a partner's exported assessment into the solo assessment.

    Returns:
        Names of the partners whose answers were added.

    Raises:
        AssessmentFileError: the file cannot be read or does not fit this assessment.
    """
    solo = solo_state()
    other = parse_assessment(data, source=file_name)
    base = solo.build()
    own = solo.respondent(solo.own_respondent).partner if solo.own_respondent else ""
    merged, names = merge_partner_file(base, other, own)
    finished = set(solo.finished)
    solo.load(merged)
    solo.finished = finished | {
        r.id for r in merged.respondents if r.id.startswith("imp-") and solo.answers.get(r.id)
    }
    return names


def answer_count(respondent_id: str, statement_ids: list[str]) -> int:
    answers: dict[str, Answer] = solo_state().answers.get(respondent_id, {})
    return sum(1 for q in statement_ids if q in answers)
