"""What the app keeps, for how long, and the controls people have over it.

`purge_if_due()` (run by `bootstrap`) removes idle workshops and drafts at start-up and then
at most once an hour per process; `render_privacy_note()` says on Home what is stored, where
and for how long; the workshop pages call `render_expiry_warning(facilitator_token)` and
`render_erase_own_answers(participant_token)`.
"""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from partnership_core.errors import PartnershipFitError
from partnership_core.retention import WARNING_DAYS, RetentionService
from partnership_core.text import plural

from .data import database_url
from .literal import literal
from .state import join_state, ui_state

__all__ = [
    "PURGE_EVERY_SECONDS",
    "purge_if_due",
    "render_erase_own_answers",
    "render_expiry_warning",
    "render_privacy_note",
    "retention_service",
]

PURGE_EVERY_SECONDS = 3600.0
_LOG = logging.getLogger("partnership_fit.retention")
# Server-wide housekeeping, deliberately shared by every session of this process.
_purge_lock = threading.Lock()
_last_purge: dict[str, float] = {}


@st.cache_resource(max_entries=4, show_spinner=False)
def _retention_service(url: str) -> RetentionService:
    return RetentionService(url)


def retention_service() -> RetentionService:
    """The process-wide retention service (raises StorageError or RetentionError)."""
    return _retention_service(database_url())


def purge_if_due() -> None:
    """Remove idle workshops and drafts if this process has not done so for an hour.
    Never stops a page: a failure is logged and tried again at the next interval."""
    url = database_url()
    with _purge_lock:
        now = time.monotonic()
        last = _last_purge.get(url)
        if last is not None and now - last < PURGE_EVERY_SECONDS:
            return
        _last_purge[url] = now
    try:
        purged = retention_service().purge()
    except PartnershipFitError as exc:
        _LOG.warning("Removing idle workshops and drafts failed: %s", exc)
        return
    if purged.workshops or purged.drafts:
        _LOG.info("Removed %d idle workshop(s) and %d draft(s)", *purged)


def _days() -> int:
    try:
        return retention_service().retention.days
    except PartnershipFitError:
        return 0


def render_privacy_note() -> None:
    """Home's short note: what is stored, where, for how long, and how to remove it."""
    days = _days()
    how_long = f"{days} days" if days else "the period its operator set"
    with st.expander("What this app stores, and for how long", icon=":material/shield:"):
        st.markdown(
            "- **What:** for an assessment on your own, the partnership and partner names, "
            "the respondents' names, every answer and comment, and where you were in the "
            "questionnaire. For a workshop, also each participant's name, the agreements "
            "and the actions.\n"
            "- **Where:** only in this app's own database, on the server that runs it "
            "(chosen by whoever runs the app). Nothing is sent to another service; links "
            "are kept only as a fingerprint (hash), so the database alone cannot open them.\n"
            f"- **How long:** until you remove it, and at most **{how_long}** after the last "
            "activity: idle workshops and saved drafts are then deleted automatically. The "
            f"facilitator is warned in the last {WARNING_DAYS} days.\n"
            "- **In your browser:** one cookie keeps the link of your draft, so that Home "
            "can offer to continue it; it is sent to this app only.\n"
            "- **Removing it:** *Start over* deletes your draft and that cookie; the "
            "facilitator can delete a "
            "workshop; a participant can erase their own answers until the results are "
            "revealed. A downloaded file stays with whoever keeps it."
        )


def render_expiry_warning(facilitator_token: str) -> None:
    """On the facilitator page: a warning in the last days before an idle workshop goes."""
    try:
        expiry = retention_service().workshop_expiry(facilitator_token)
    except PartnershipFitError:
        return  # the page reports a bad link or a database problem itself
    if expiry.warn:
        st.warning(
            f"This workshop has been idle for a while: it will be deleted automatically on "
            f"{expiry.expires_at:%d %B %Y} unless someone uses it before then. Download it "
            "to keep a copy.",
            icon=":material/auto_delete:",
        )


def _forget_local_answers(erased: int) -> None:
    # The join page reloads the participant's answers from the database on its next run.
    state = join_state()
    state.answers, state.pending, state.loaded_for = {}, {}, None
    ui_state().notice = f"Erased {plural(erased, 'answer')}. You can answer again."


def render_erase_own_answers(participant_token: str) -> None:
    """A participant's button (behind a confirmation) to erase every answer they gave."""
    with st.popover("Erase my answers", icon=":material/delete:"):
        st.markdown(
            "Erase every answer and comment you gave in this workshop? You stay joined and "
            "can answer again. Nobody can undo this."
        )
        if not st.button("Erase them", key="pf_erase_yes", type="primary"):
            return
    try:
        erased = retention_service().erase_own_answers(participant_token)
    except PartnershipFitError as exc:
        st.error(literal(exc), icon=":material/error:")
        return
    _forget_local_answers(erased)
    st.rerun()
