"""Solo answers survive a browser reload: the session state is mirrored to a database draft.

A reload starts a new Streamlit session with empty state. So once a solo assessment is set
up (or opened), it is written to the database as a draft (`partnership_core.drafts`) and the
draft's token goes into the address bar (`?draft=<token>`). Every later change is written at
once: an answer by itself from the questionnaire's `on_change`, everything else (set-up,
respondents, step, active respondent, page) at the start of the next run, when
`bootstrap()` sees that it differs from what was last written. A fresh session opened with
`?draft=` loads the draft back.

When the database cannot be used the app keeps working in memory and says, without
blocking anything, that answers are not being saved across reloads.
"""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit as st

from partnership_core.assessment import Answer, Assessment
from partnership_core.drafts import AnswerChange, DraftNotFoundError, SaveOutcome
from partnership_core.errors import AssessmentFileError, PartnershipFitError, StorageError
from partnership_core.links import DRAFT_PARAM, draft_link

from .context import base_url
from .data import draft_store
from .literal import literal
from .routing import in_legacy_pages_mode
from .state import (
    DraftState,
    SetupState,
    draft_state,
    facilitator_state,
    questionnaire_navs,
    replace_setup,
    reset_draft,
    set_questionnaire_step,
    setup_state,
    solo_state,
    ui_state,
)

__all__ = [
    "SOLO_PAGES",
    "SOLO_NAV_PREFIX",
    "REFRESHED_NOTICE",
    "RETRY_SECONDS",
    "answer_changed",
    "forget_draft",
    "render_draft_status",
    "restore_from_link",
    "resume_draft",
    "save_draft",
    "sync_draft",
    "ui_snapshot",
]

# Pages of the solo flow: only these carry `?draft=` (the workshop pages have their own links).
SOLO_PAGES = ("home", "setup", "questionnaire", "results")
# After a failure, wait this long before trying the database again: an unreachable server
# must not slow every click down by its connection time-out.
RETRY_SECONDS = 30.0
SOLO_NAV_PREFIX = "q_"  # the solo questionnaire draws each respondent with "q_<id>_"
REFRESHED_NOTICE = (
    "This draft was also changed in another tab or on another device: your copy now holds "
    "both sets of answers."
)


def ui_snapshot() -> dict[str, Any]:
    """Where the person is, as plain JSON data: page, steps, respondents, set-up values and
    the invitations sent from this assessment."""
    solo, setup, draft = solo_state(), setup_state(), draft_state()
    return {
        "page": draft.page,
        "active_respondent": solo.active_respondent,
        "own_respondent": solo.own_respondent,
        "ask_prediction": solo.ask_prediction,
        "finished": sorted(solo.finished),
        "steps": {
            prefix: nav.step
            for prefix, nav in sorted(questionnaire_navs().items())
            if prefix.startswith(SOLO_NAV_PREFIX)
        },
        "setup": setup.snapshot(),
        "invitations": dict(sorted(facilitator_state().invitations.items())),
    }


def _failed(draft: DraftState, reason: str) -> None:
    draft.problem = reason
    draft.failed_at = time.monotonic()


def _store() -> Any:
    """The draft store, or None while the database is unusable (tried again after a pause)."""
    draft = draft_state()
    if draft.failed_at is not None and time.monotonic() - draft.failed_at < RETRY_SECONDS:
        return None
    try:
        return draft_store()
    except StorageError as exc:
        _failed(draft, str(exc))
        return None


def _show_token_in_url(draft: DraftState) -> None:
    # Only on solo pages: the workshop pages' links carry their own tokens.
    if draft.token and draft.page in SOLO_PAGES:
        if st.query_params.get(DRAFT_PARAM) != draft.token:
            st.query_params[DRAFT_PARAM] = draft.token


def save_draft() -> bool:
    """Write the solo assessment and position if they changed since the last write.

    Creates the draft (and its link) on first use. Never raises for database trouble: the
    reason is kept in `DraftState.problem` and shown as a warning.

    Returns:
        True when the database holds the current state.
    """
    solo, draft = solo_state(), draft_state()
    if not solo.started:
        return False
    snapshot = ui_snapshot()
    fingerprint = (solo.revision, json.dumps(snapshot, sort_keys=True))
    if draft.token is not None and draft.saved == fingerprint:
        _show_token_in_url(draft)
        return True
    store = _store()
    if store is None:
        return False
    try:
        _write_whole(store, draft, solo.build(), snapshot)
    except StorageError as exc:
        _failed(draft, str(exc))
        return False
    except (PartnershipFitError, ValueError) as exc:  # an assessment that does not validate
        draft.problem = f"The assessment could not be prepared for saving ({exc})."
        return False
    _saved(draft, fingerprint)
    return True


def _write_whole(store: Any, draft: DraftState, assessment: Assessment, snapshot: Any) -> None:
    if draft.token is not None:
        try:
            _written(draft, store.save(draft.token, assessment, snapshot, **_merge_args(draft)))
            return
        except DraftNotFoundError:
            pass  # started over in another tab: keep this tab's work under a new link
    draft.token = store.create(assessment, snapshot)
    draft.version = 0
    draft.pending.clear()


def _merge_args(draft: DraftState) -> dict[str, Any]:
    changes = [AnswerChange(rid, qid, answer) for (rid, qid), answer in draft.pending.items()]
    return {"changes": changes, "base_version": draft.version}


def _written(draft: DraftState, outcome: SaveOutcome) -> None:
    """Note the version written; take in what another tab or device wrote meanwhile."""
    draft.version = outcome.version
    draft.pending.clear()
    if outcome.refreshed is None:
        return
    solo = solo_state()
    solo.load(outcome.refreshed)
    solo.touch()
    draft.saved = (solo.revision, json.dumps(ui_snapshot(), sort_keys=True))
    ui_state().notice = REFRESHED_NOTICE


def _saved(draft: DraftState, fingerprint: tuple[int, str]) -> None:
    draft.saved = fingerprint
    draft.problem = None
    draft.failed_at = None
    _show_token_in_url(draft)


def answer_changed(respondent_id: str, answer: Answer | None, statement: str) -> None:
    """`on_change` of the solo questionnaire: keep the answer and write it the moment it
    is given: only that answer when the draft holds everything else already."""
    solo, draft = solo_state(), draft_state()
    solo.record_answer(respondent_id, statement, answer)
    draft.pending[(respondent_id, statement)] = answer
    if draft.token is None or draft.saved is None or draft.saved[0] != solo.revision:
        save_draft()  # the draft is behind on more than this answer: write it whole
        return
    store = _store()
    snapshot = ui_snapshot()
    try:
        if store is None:
            raise StorageError(draft.problem or "The database cannot be reached.")
        _written(draft, store.save(draft.token, ui_state=snapshot, **_merge_args(draft)))
    except StorageError as exc:
        _failed(draft, str(exc))
        draft.saved = None  # written whole once the database is back
        return
    except (PartnershipFitError, ValueError):
        draft.saved = None
        save_draft()  # the stored draft does not fit the change: replace it
        return
    _saved(draft, (solo.revision, json.dumps(snapshot, sort_keys=True)))


def restore_from_link(page: str) -> None:
    """Once per session: load the draft named by `?draft=` into an empty session.

    On Home, then go to the page the person was on (a reload elsewhere stays on that page).
    Problems (unknown link, damaged draft, database down) become a warning on the page.
    """
    draft, solo = draft_state(), solo_state()
    if draft.link_checked:
        return
    draft.link_checked = True
    token = st.query_params.get(DRAFT_PARAM)
    if not token or solo.started:
        return  # nothing to restore, or this session already holds work of its own
    store = _store()
    if store is None:
        draft.message = (
            "Your saved answers could not be loaded right now: the database cannot be "
            "reached. Reload the page in a moment to try again (keep this address)."
        )
        return
    try:
        assessment, ui, version = store.load_versioned(token)
    except StorageError as exc:
        draft.message = f"{exc} Reload the page in a moment to try again (keep this address)."
        return
    except (DraftNotFoundError, AssessmentFileError) as exc:
        draft.message = str(exc)
        del st.query_params[DRAFT_PARAM]
        return
    resume_draft(assessment, ui)
    draft.token = token
    draft.version = version
    draft.saved = None  # written again on the next sync: marks the draft as in use
    ui_state().notice = "Welcome back: your answers are restored."
    target = ui.get("page")
    if page == "home" and target in SOLO_PAGES and target != "home" and not in_legacy_pages_mode():
        st.switch_page(f"pages/{target}.py")


def sync_draft(page: str) -> None:
    """Every run of a solo page: remember the page, save changes, keep the link in the URL,
    and warn (without blocking) when answers are not being saved across reloads."""
    draft = draft_state()
    draft.page = page
    if draft.message:
        st.warning(literal(draft.message), icon=":material/history:")
        draft.message = None
    save_draft()
    if ui_state().notice == REFRESHED_NOTICE:
        ui_state().notice = None
        st.info(REFRESHED_NOTICE, icon=":material/sync:")
    if draft.problem and solo_state().started:
        st.warning(
            "**Your answers are not being saved across reloads right now.** They are kept "
            "while this tab stays open; reloading or closing it would lose them. Download the "
            "assessment (questionnaire overview or results) to keep a copy. Saving resumes "
            f"by itself when the database is back.\n\nDetails: {literal(draft.problem)}",
            icon=":material/cloud_off:",
        )


def forget_draft() -> str | None:
    """Delete the draft and its link (Start over). Returns a problem to show, or None."""
    draft = draft_state()
    problem = None
    if draft.token:
        draft.failed_at = None  # the person asked for it: try even right after a failure
        store = _store()
        try:
            if store is None:
                raise StorageError(draft.problem or "The database cannot be reached.")
            store.delete(draft.token)
        except StorageError as exc:
            problem = (
                f"The saved copy could not be deleted ({exc}). Its link keeps working until "
                "it is removed automatically after a long time without changes."
            )
    reset_draft(draft.page)
    if DRAFT_PARAM in st.query_params:
        del st.query_params[DRAFT_PARAM]
    return problem


def render_draft_status(*, compact: bool = False) -> None:
    """A short line that answers are saved, with the link to come back (copyable)."""
    draft = draft_state()
    if not solo_state().started or not draft.token or draft.problem:
        return
    if compact:
        st.caption(":material/cloud_done: Saved as you go: reloading the page keeps your answers.")
        return
    st.caption(
        ":material/cloud_done: Your answers are saved as you go, so a reload keeps them. "
        "Keep this link to come back to them later (anyone with it can see and change them):"
    )
    st.code(draft_link(base_url(), draft.token), language=None)


def resume_draft(assessment: Assessment, ui: dict[str, Any]) -> None:
    """Put a draft loaded after a reload back into the session: answers, respondents,
    set-up values and the step each questionnaire was on. Unknown ids are ignored."""
    solo = solo_state()
    solo.own_respondent = None
    solo.active_respondent = None
    solo.load(assessment)
    ids = {r.id for r in assessment.respondents}
    if ui.get("own_respondent") in ids:
        solo.own_respondent = ui["own_respondent"]
    if ui.get("active_respondent") in ids:
        solo.active_respondent = ui["active_respondent"]
    finished = ui.get("finished")
    if isinstance(finished, list):
        solo.finished = {f for f in finished if f in ids}
    else:
        solo.finished = {r.id for r in assessment.respondents if solo.answers.get(r.id)}
    setup = SetupState.from_snapshot(ui.get("setup")) or SetupState.from_assessment(
        assessment, solo.own_partner
    )
    solo.ask_prediction = bool(ui.get("ask_prediction", setup.predict))
    replace_setup(setup)
    invitations = ui.get("invitations")
    if isinstance(invitations, dict):
        facilitator_state().invitations = {
            key: token
            for key, token in invitations.items()
            if isinstance(key, str) and isinstance(token, str)
        }
    steps = ui.get("steps")
    for prefix, step in (steps if isinstance(steps, dict) else {}).items():
        if isinstance(prefix, str) and prefix.startswith(SOLO_NAV_PREFIX) and isinstance(step, int):
            set_questionnaire_step(prefix, step)
    solo.touch()
