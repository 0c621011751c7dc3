"""Actions of the solo flow on the session state (what page bodies call after reading widgets)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import streamlit as st

from partnership_core.assessment import Answer, Assessment, RespondentKind, parse_assessment
from partnership_core.bank import PartnershipType
from partnership_core.drafts import DraftNotFoundError
from partnership_core.errors import PartnershipFitError
from partnership_core.links import DRAFT_PARAM
from partnership_core.matching import PartnerMatch, needs_confirmation, propose_matches
from partnership_core.plan import planned_statements
from partnership_core.solo import (
    RoleChange,
    add_estimate_respondent,
    carry_over,
    estimates_at_stake,
    guesses_as_estimate,
    merge_partner_file,
    new_assessment,
    own_role_for,
    role_change,
    role_change_message,
)
from partnership_core.text import plural

from . import draft_cookie, notify
from .autosave import SOLO_NAV_PREFIX, forget_draft, save_draft
from .data import bank_set, draft_store
from .draft_cookie import keep_in_browser
from .state import (
    SetupState,
    draft_state,
    replace_setup,
    reset_solo,
    set_questionnaire_step,
    solo_state,
    ui_state,
)
from .widgets.questionnaire import questionnaire_pages

__all__ = [
    "work_in_progress",
    "open_assessment",
    "apply_setup",
    "pending_role_change",
    "start_estimate",
    "ImportPreview",
    "preview_partner_file",
    "finish_respondent",
    "import_partner_file",
    "answer_count",
    "start_over",
    "remembered_draft",
    "continue_draft",
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
    change = pending_role_change(setup)
    if solo.started:
        fresh = carry_over(solo.build(), fresh)
    finished = set(solo.finished)
    solo.load(fresh)
    me = own_role_for(fresh, fresh.partners[setup.own_partner].id)
    assert me is not None, "carry_over keeps a respondent for the person"
    solo.own_respondent = me.id
    solo.finished = finished & {r.id for r in fresh.respondents}
    solo.ask_prediction = setup.predict
    if me.id not in solo.finished:
        solo.active_respondent = me.id
    solo.touch()
    save_draft()  # creates the draft link on the first set-up
    if change is not None:
        notify(role_change_message(change))
    return fresh


def pending_role_change(setup: SetupState) -> RoleChange | None:
    """What applying the set-up would change in who the person answers for (None: nothing)."""
    solo = solo_state()
    if solo.assessment is None or not 0 <= setup.own_partner < len(solo.assessment.partners):
        return None
    chosen = solo.assessment.partners[setup.own_partner].id
    return role_change(solo.build(), solo.own_respondent, chosen)


def start_estimate(partner_id: str) -> str:
    """Begin (or resume) answering as the user expects `partner_id` would; returns its id.

    The guesses about that partner given while answering fill the estimate, and it opens on
    the first step with a statement still to estimate.
    """
    solo = solo_state()
    assert solo.assessment is not None
    by = solo.respondent(solo.own_respondent).name if solo.own_respondent else "You"
    solo.assessment, rid = add_estimate_respondent(solo.assessment, partner_id, by)
    filled = []
    if solo.own_respondent:
        filled = guesses_as_estimate(solo.build(), solo.own_respondent, rid, partner_id)
    for answer in filled:
        solo.record_answer(rid, answer.statement, answer)
    open_count = _open_at_first_gap(rid)
    if filled:
        name = next(p.name for p in solo.assessment.partners if p.id == partner_id)
        notify(
            f"Your {plural(len(filled), 'guess', 'guesses')} about {name} "
            f"{'is' if len(filled) == 1 else 'are'} filled in: "
            f"{plural(open_count, 'statement')} left to estimate."
        )
    solo.active_respondent = rid
    solo.touch()
    return rid


def _open_at_first_gap(respondent_id: str) -> int:
    """Put the respondent's questionnaire on its first step with an unanswered statement;
    returns how many statements are unanswered."""
    solo = solo_state()
    assessment = solo.assessment
    assert assessment is not None
    banks = bank_set(tuple(assessment.banks))
    ids = planned_statements(banks, assessment.partnership_type, assessment.plan)
    given = solo.answers.get(respondent_id, {})
    steps = questionnaire_pages(banks, ids)
    first = next(
        (i for i, step in enumerate(steps) if any(q not in given for q in step.statement_ids)), 0
    )
    set_questionnaire_step(f"{SOLO_NAV_PREFIX}{respondent_id}_", first)
    return sum(1 for q in ids if q not in given)


def finish_respondent(respondent_id: str) -> None:
    """Mark a respondent's questionnaire as finished and go back to the overview."""
    solo = solo_state()
    solo.finished.add(respondent_id)
    solo.active_respondent = None


class ImportPreview(NamedTuple):
    """What importing a partner's file would do, before anything is imported."""

    matches: list[PartnerMatch]  # the file's answering partners and who they seem to be here
    must_ask: bool  # a proposed match is not exact, or an estimate would be affected
    estimates: list[str]  # names of the partners whose estimate the import affects


def preview_partner_file(data: bytes, file_name: str) -> ImportPreview:
    """Read a partner's exported file and propose which partner is which.

    Raises:
        AssessmentFileError: the file cannot be read.
    """
    solo = solo_state()
    other = parse_assessment(data, source=file_name)
    base = solo.build()
    matches = propose_matches(base, other, solo.own_partner or "")
    targets = [m.proposed for m in matches if m.proposed is not None]
    estimates = estimates_at_stake(base, targets)
    must_ask = bool(targets) and (needs_confirmation(matches) or bool(estimates))
    return ImportPreview(matches, must_ask, estimates)


def import_partner_file(
    data: bytes,
    file_name: str,
    *,
    mapping: Mapping[str, str] | None = None,
    keep_estimates: bool = False,
) -> list[str]:
    """Merge a partner's exported assessment into the solo assessment.

    Args:
        mapping: the file's partner id -> this assessment's, as the person confirmed it;
            None matches partners by name.
        keep_estimates: keep an estimate of an imported partner beside the real answers.

    Returns:
        Names of the partners whose answers were added.

    Raises:
        AssessmentFileError: the file cannot be read or does not fit this assessment.
    """
    solo = solo_state()
    other = parse_assessment(data, source=file_name)
    base = solo.build()
    merged, names = merge_partner_file(
        base, other, solo.own_partner or "", mapping=mapping, keep_estimates=keep_estimates
    )
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
    """Forget the solo assessment: delete its draft (and the browser's note of it), empty
    answers, set-up and steps.

    Returns:
        A problem to show when the saved copy could not be deleted, else None.
    """
    problem = forget_draft()
    reset_solo()
    keep_in_browser(None)
    return problem


def remembered_draft() -> tuple[str, str, int] | None:
    """The draft this browser last worked on: (token, assessment name, answers given), or
    None when there is none or it is gone (then the browser forgets it)."""
    ui = ui_state()
    token = draft_cookie.remembered_token() if not ui.cookie_chosen else ui.cookie_token
    if token is None:
        return None
    try:
        assessment, _ = draft_store().load(token)
    except DraftNotFoundError:
        keep_in_browser(None)
        return None
    except PartnershipFitError:
        return None  # the database is down or the draft damaged: the link says more
    return token, assessment.name, len(assessment.answers)


def continue_draft(token: str) -> None:
    """Open the remembered draft as its `?draft=` link would (on the next run's bootstrap)."""
    st.query_params[DRAFT_PARAM] = token
    draft_state().link_checked = False
