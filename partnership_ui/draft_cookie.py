"""The same browser finds its draft from the plain address: the draft's token in a cookie.

The token of the `?draft=` link is kept in a first-party cookie of this app, so that Home
can offer "Continue your assessment" without the long link. The server reads it from the
request that opened the session (`st.context.cookies`); the browser writes it from a
one-line script (`st.html` with JavaScript allowed), as the maintained cookie components
for Streamlit do from their frame. The long link still works on another device.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import streamlit as st

from partnership_core.errors import PartnershipFitError

from .data import draft_store
from .state import draft_state, ui_state

__all__ = ["COOKIE_NAME", "remembered_token", "keep_in_browser", "sync_browser_cookie"]

COOKIE_NAME = "pf_draft"
# Draft tokens are URL-safe base64 (`secrets.token_urlsafe`); anything else is not ours.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,200}")
_DEFAULT_KEEP = timedelta(days=90)


def remembered_token() -> str | None:
    """The draft token this browser sent when the session opened, if it is one of ours."""
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def keep_in_browser(token: str | None) -> None:
    """Ask for the browser to keep `token` from now on (None: to forget it)."""
    ui = ui_state()
    ui.cookie_token = token if token is None or _TOKEN.fullmatch(token) else None
    ui.cookie_chosen = True


def sync_browser_cookie() -> None:
    """Every run of a solo page: the current draft's token is the one to keep, and the
    browser is told whenever that differs from the cookie it sent.

    Once told, the script is drawn on every run until the session ends, because the
    server only sees the cookie sent when the session opened; the browser does not run an
    unchanged script again, and runs a changed one (a new draft, or Start over) at once.
    """
    token = draft_state().token
    if token is not None:
        keep_in_browser(token)
    ui = ui_state()
    if not ui.cookie_chosen:
        return
    if not ui.cookie_told and ui.cookie_token == remembered_token():
        return  # the browser holds it already, and nothing was told since
    if ui.cookie_token is None:
        cookie = f"{COOKIE_NAME}=; path=/; max-age=0; SameSite=Lax"
    else:
        seconds = int(_keep_for().total_seconds())
        cookie = f"{COOKIE_NAME}={ui.cookie_token}; path=/; max-age={seconds}; SameSite=Lax"
    # The script is ours alone: the token was checked to be URL-safe base64 above.
    st.html(
        f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True
    )
    ui.cookie_told = True


def _keep_for() -> timedelta:
    """As long as the database keeps an untouched draft."""
    try:
        return draft_store().retention
    except PartnershipFitError:
        return _DEFAULT_KEEP
