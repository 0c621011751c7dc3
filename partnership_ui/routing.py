"""Keep routing in app.py's `st.navigation`, even when Streamlit starts in its legacy mode.

With a folder named `pages/`, the first run after the server starts goes through
Streamlit's old auto-discovery mode. If that first request is a deep link (e.g. /setup),
the page script runs without app.py, so our navigation never registers. `bootstrap()`
detects that, remembers the page, and hands over to app.py, which routes back to it.
"""

from __future__ import annotations

import streamlit as st
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager

from .state import ui_state

__all__ = ["in_legacy_pages_mode", "hand_over_to_app", "follow_deep_link"]


def in_legacy_pages_mode() -> bool:
    """True when this run was started by Streamlit's auto-discovery instead of app.py.

    Always False under AppTest, which reruns page scripts on their own by design.
    """
    return bool(PagesManager.uses_pages_directory) and not config.get_option("global.appTest")


def hand_over_to_app(page_path: str) -> None:
    """Run app.py (which registers the navigation), then come back to `page_path`.

    The query string travels with the route: for links such as `/join?code=...` or
    `/facilitator?t=...` it is the whole point of the link, and a switch drops it.
    """
    ui_state().route = (page_path, st.query_params.to_dict())
    st.switch_page("app.py")


def follow_deep_link() -> None:
    """Called by app.py after `st.navigation`: finish a hand-over started by a page."""
    route, ui_state().route = ui_state().route, None
    if route:
        target, query = route
        st.switch_page(target, query_params=query or None)
