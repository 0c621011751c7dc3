"""Solo answers survive a browser reload: the session state is mirrored to a database draft.

A reload starts a new Streamlit session with empty state. So once a solo assessment is set
up (or opened), it is written to the database as a draft (`partnership_core.drafts`) and the
draft's token goes into the address bar (`?draft=<token>`). Every later change is written at
once: answers from the questionnaire's `on_change`, everything else (set-up, step, active
respondent, page) at the start of the next run, when `bootstrap()` sees that it differs from
what was last written. A fresh session opened with `?draft=` loads the draft back.

When the database cannot be used the app keeps working in memory and says, without
blocking anything, that answers are not being saved across reloads.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any
from urllib.parse import quote, urlsplit

import streamlit as st

from partnership_core.assessment import Answer
from partnership_core.drafts import DraftNotFoundError
from partnership_core.errors import AssessmentFileError, PartnershipFitError, StorageError

from .data import draft_store
from .routing import in_legacy_pages_mode
from .state import (
    DRAFT_KEY,
    DraftState,
    draft_state,
    questionnaire_navs,
    setup_state,
    solo_state,
    ui_state,
)

__all__ = [
    "QUERY_PARAM",
    "SOLO_PAGES",
    "RETRY_SECONDS",
    "answer_changed",
    "draft_link",
    "forget_draft",
    "render_draft_status",
    "restore_from_link",
    "save_draft",
    "sync_draft",
    "ui_snapshot",
]

QUERY_PARAM = "draft"
# Pages of the solo flow: only these carry `?draft=` (the workshop pages have their own links).
SOLO_PAGES = ("home", "setup", "questionnaire", "results")
# After a failure, wait this long before trying the database again: an unreachable server
# must not slow every click down by its connection time-out.
RETRY_SECONDS = 30.0
_SOLO_NAV_PREFIX = "q_"  # pages/questionnaire.py draws each respondent with "q_<id>_"
PUBLIC_URL_ENV = "PARTNERSHIP_FIT_PUBLIC_URL"


def ui_snapshot() -> dict[str, Any]:
    """Where the person is, as plain JSON data: page, steps, respondents, set-up values."""
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
            if prefix.startswith(_SOLO_NAV_PREFIX)
        },
        "setup": {
            "name": setup.name,
            "partnership_type": str(setup.partnership_type),
            "partner_names": list(setup.partner_names),
            "bank_ids": list(setup.bank_ids),
            "respondent_name": setup.respondent_name,
            "own_partner": int(setup.own_partner),
            "predict": bool(setup.predict),
        },
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
        if st.query_params.get(QUERY_PARAM) != draft.token:
            st.query_params[QUERY_PARAM] = draft.token


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
        assessment = solo.build()
        if draft.token is None:
            draft.token = store.create(assessment, snapshot)
        else:
            try:
                store.save(draft.token, assessment, snapshot)
            except DraftNotFoundError:
                # Started over in another tab: keep this tab's work under a new link.
                draft.token = store.create(assessment, snapshot)
    except StorageError as exc:
        _failed(draft, str(exc))
        return False
    except (PartnershipFitError, ValueError) as exc:  # an assessment that does not validate
        draft.problem = f"The assessment could not be prepared for saving ({exc})."
        return False
    draft.saved = fingerprint
    draft.problem = None
    draft.failed_at = None
    _show_token_in_url(draft)
    return True


def answer_changed(_answer: Answer | None, _statement: str) -> None:
    """`on_change` of the solo questionnaire: write the answer the moment it is given."""
    solo_state().touch()
    save_draft()


def restore_from_link(page: str) -> None:
    """Once per session: load the draft named by `?draft=` into an empty session.

    On Home, then go to the page the person was on (a reload elsewhere stays on that page).
    Problems (unknown link, damaged draft, database down) become a warning on the page.
    """
    draft, solo = draft_state(), solo_state()
    if draft.link_checked:
        return
    draft.link_checked = True
    token = st.query_params.get(QUERY_PARAM)
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
        assessment, ui = store.load(token)
    except StorageError as exc:
        draft.message = f"{exc} Reload the page in a moment to try again (keep this address)."
        return
    except (DraftNotFoundError, AssessmentFileError) as exc:
        draft.message = str(exc)
        del st.query_params[QUERY_PARAM]
        return
    from .session import resume_draft  # session imports this module

    resume_draft(assessment, ui)
    draft.token = token
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
        st.warning(draft.message, icon=":material/history:")
        draft.message = None
    save_draft()
    if draft.problem and solo_state().started:
        st.warning(
            "**Your answers are not being saved across reloads right now.** They are kept "
            "while this tab stays open; reloading or closing it would lose them. Download the "
            "assessment (questionnaire overview or results) to keep a copy. Saving resumes "
            f"by itself when the database is back.\n\nDetails: {draft.problem}",
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
    st.session_state[DRAFT_KEY] = DraftState(link_checked=True, page=draft.page)
    if QUERY_PARAM in st.query_params:
        del st.query_params[QUERY_PARAM]
    return problem


def draft_link(token: str) -> str:
    """The address that brings the person back to this draft."""
    base = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if not base:
        try:
            base = st.context.url or ""
        except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
            base = ""
    parts = urlsplit(base or "http://localhost:8501")
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last in SOLO_PAGES:  # st.context.url normally drops the page already; be sure
        path = head
    return f"{parts.scheme}://{parts.netloc}{path}/?{QUERY_PARAM}={quote(token)}"


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
    st.code(draft_link(draft.token), language=None)
