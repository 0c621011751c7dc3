"""Shared Streamlit helpers for Partnership Fit pages.

Every page starts with `bootstrap()`: it makes the page work whether or not `app.py`
ran first in this rerun (see the AppTest note in docs / RECIPES: with a `pages/` folder,
Streamlit may rerun a page script on its own).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from .routing import hand_over_to_app, in_legacy_pages_mode
from .state import init_state, ui_state

__all__ = ["bootstrap", "notify"]


def bootstrap() -> None:
    """Idempotent per-run set-up shared by every page: state objects and one-off notices."""
    init_state()
    if in_legacy_pages_mode():
        caller = Path(sys._getframe(1).f_globals.get("__file__", "app.py"))
        hand_over_to_app(f"pages/{caller.name}" if caller.parent.name == "pages" else "app.py")
    notice = ui_state().notice
    if notice:
        ui_state().notice = None
        st.success(notice, icon=":material/check_circle:")


def notify(message: str) -> None:
    """Show `message` once at the top of the next page drawn (survives st.switch_page)."""
    ui_state().notice = message
