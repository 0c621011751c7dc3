"""Shared Streamlit helpers for Partnership Fit pages.

Every page starts with `bootstrap()`: it makes the page work whether or not `app.py`
ran first in this rerun (see the AppTest note in docs / RECIPES: with a `pages/` folder,
Streamlit may rerun a page script on its own), and on the solo pages it keeps the answers
in the database so that a browser reload brings them back (`autosave`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from .autosave import SOLO_PAGES, restore_from_link, sync_draft
from .routing import hand_over_to_app, in_legacy_pages_mode
from .state import init_state, ui_state

__all__ = ["bootstrap", "notify"]


def bootstrap() -> None:
    """Idempotent per-run set-up shared by every page: state objects and one-off notices."""
    init_state()
    caller = Path(sys._getframe(1).f_globals.get("__file__", "app.py"))
    page = caller.stem if caller.parent.name == "pages" else None
    solo_page = page in SOLO_PAGES
    if solo_page:
        # Load a `?draft=` link into a fresh session before anything on the page renders.
        restore_from_link(page)
    if in_legacy_pages_mode():
        hand_over_to_app(f"pages/{caller.name}" if caller.parent.name == "pages" else "app.py")
    notice = ui_state().notice
    if notice:
        ui_state().notice = None
        st.success(notice, icon=":material/check_circle:")
    if solo_page:
        sync_draft(page)


def notify(message: str) -> None:
    """Show `message` once at the top of the next page drawn (survives st.switch_page)."""
    ui_state().notice = message
