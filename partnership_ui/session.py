"""Actions of the solo flow on the session state (what page bodies call after reading widgets)."""

from __future__ import annotations

from partnership_core.assessment import Answer, Assessment, RespondentKind, parse_assessment
from partnership_core.bank import PartnershipType
from partnership_core.solo import (
    OWN_RESPONDENT,
    add_estimate_respondent,
    carry_over,
    merge_partner_file,
    new_assessment,
)

from . import notify
from .autosave import forget_draft, save_draft
from .state import SetupState, replace_setup, reset_solo, solo_state

__all__ = [
    "work_in_progress",
    "open_assessment",
    "apply_setup",
    "start_estimate",
    "finish_respondent",
    "import_partner_file",
    "answer_count",
    "start_over",
]


def work_in_progress() -> bool:
    """True when the session holds an assessment with at least one answer."""
    solo = solo_state()
    return solo.started and any(solo.answers.values())


def open_assessment(assessment: Assessment, message: str | None = None) -> None:
    """Make an opened file the assessment being worked on; the previous one is replaced."""
    solo = solo_state()
    solo.own_respondent = None
    solo.active_respondent = None
    solo.finished = set()
    solo.load(assessment)
    solo.finished = {r.id for r in assessment.respondents if solo.answers.get(r.id)}
    setup = SetupState.from_assessment(assessment, solo.own_partner)
    solo.ask_prediction = setup.predict
    replace_setup(setup)
    solo.touch()
    save_draft()  # creates the draft link (or overwrites the one this session has)
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
        sectors=setup.sectors,
        plan=setup.plan(),
    )
    # Sectors the type settled, and the type the sectors made, show when set-up is opened again.
    setup.sectors = [p.sector for p in fresh.partners]
    setup.partnership_type = fresh.partnership_type
    if solo.started:
        fresh = carry_over(solo.build(), fresh)
    finished = set(solo.finished)
    solo.load(fresh)
    solo.own_respondent = OWN_RESPONDENT
    solo.finished = finished & {r.id for r in fresh.respondents}
    solo.ask_prediction = setup.predict
    if OWN_RESPONDENT not in solo.finished:
        solo.active_respondent = OWN_RESPONDENT
    solo.touch()
    save_draft()  # creates the draft link on the first set-up
    return fresh


def start_estimate(partner_id: str) -> str:
    """Begin (or resume) answering as the user expects `partner_id` would; returns its id."""
    solo = solo_state()
    assert solo.assessment is not None
    by = solo.respondent(solo.own_respondent).name if solo.own_respondent else "You"
    solo.assessment, rid = add_estimate_respondent(solo.assessment, partner_id, by)
    solo.active_respondent = rid
    solo.touch()
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
    merged, names = merge_partner_file(base, other, solo.own_partner or "")
    finished = set(solo.finished)
    solo.load(merged)
    solo.finished = finished | {
        r.id
        for r in merged.respondents
        if r.kind is RespondentKind.IMPORTED and solo.answers.get(r.id)
    }
    solo.touch()
    return names


def answer_count(respondent_id: str, statement_ids: list[str]) -> int:
    answers: dict[str, Answer] = solo_state().answers.get(respondent_id, {})
    return sum(1 for q in statement_ids if q in answers)


def start_over() -> str | None:
    """Forget the solo assessment: delete its draft, empty answers, set-up and steps.

    Returns:
        A problem to show when the saved copy could not be deleted, else None.
    """
    problem = forget_draft()
    reset_solo()
    return problem
