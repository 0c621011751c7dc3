"""The Streamlit layer of Partnership Fit.

`widgets/` holds what several pages share (questionnaire, result view, downloads),
`views/` the body of each workshop page, `session` and `autosave` the solo flow's actions
and its draft, `state` every session-state object. Every page starts with
`bootstrap(page_name)`: it makes the page work whether or not `app.py` ran first in this
rerun (with a `pages/` folder Streamlit may run a page script on its own), and on the solo
pages it keeps the answers in the database so that a browser reload brings them back.
"""

from __future__ import annotations

import streamlit as st

from .autosave import SOLO_PAGES, restore_from_link, sync_draft
from .draft_cookie import sync_browser_cookie
from .failures import install_error_boundary
from .privacy import purge_if_due
from .routing import hand_over_to_app, in_legacy_pages_mode
from .state import init_state, ui_state

__all__ = ["bootstrap", "notify"]


def bootstrap(page_name: str) -> None:
    """Idempotent per-run set-up shared by every page: the error boundary (no exception box
    reaches a person, see `failures`), state objects and one-off notices.

    Args:
        page_name: the page's file name in `pages/` without ".py" (e.g. "results").
    """
    install_error_boundary()
    init_state()
    purge_if_due()
    solo_page = page_name in SOLO_PAGES
    if solo_page:
        # Load a `?draft=` link into a fresh session before anything on the page renders.
        restore_from_link(page_name)
    if in_legacy_pages_mode():
        hand_over_to_app(f"pages/{page_name}.py")
    notice = ui_state().notice
    if notice:
        ui_state().notice = None
        st.success(notice, icon=":material/check_circle:")
    if solo_page:
        sync_draft(page_name)
        sync_browser_cookie()
        if page_name != "results":
            ui_state().example_open = False


def notify(message: str) -> None:
    """Show `message` once at the top of the next page drawn (survives st.switch_page)."""
    ui_state().notice = message
