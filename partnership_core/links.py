"""The app's addresses: its base URL as people reach it, and every link it hands out.

Links carry a secret or a code in their query string (`?draft=`, `?code=`, `?p=`, `?t=`);
the pages read the same parameter names from here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from .workshop import format_join_code

__all__ = [
    "PUBLIC_URL_ENV",
    "DEFAULT_BASE_URL",
    "PAGE_PATHS",
    "JOIN_PATH",
    "FACILITATOR_PATH",
    "DRAFT_PARAM",
    "CODE_PARAM",
    "PARTICIPANT_PARAM",
    "FACILITATOR_PARAM",
    "app_base_url",
    "draft_link",
    "join_link",
    "resume_link",
    "facilitator_link",
]

# Behind a proxy the server cannot know the address people type; this overrides it.
PUBLIC_URL_ENV = "PARTNERSHIP_FIT_PUBLIC_URL"
DEFAULT_BASE_URL = "http://localhost:8501"
JOIN_PATH = "join"
FACILITATOR_PATH = "facilitator"
# The last path segment of every page of the app (app.py gives them as `url_path`).
PAGE_PATHS = ("home", "setup", "questionnaire", "results", FACILITATOR_PATH, JOIN_PATH)
DRAFT_PARAM = "draft"
CODE_PARAM = "code"
PARTICIPANT_PARAM = "p"
FACILITATOR_PARAM = "t"


def app_base_url(current_url: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The app's address without a trailing slash or page path.

    Args:
        current_url: the address the browser shows now (None when unknown).
        environ: where `PARTNERSHIP_FIT_PUBLIC_URL` is looked up; it wins when set.
    """
    configured = environ.get(PUBLIC_URL_ENV, "").strip()
    if configured:
        return configured.rstrip("/")
    if not current_url:
        return DEFAULT_BASE_URL
    parts = urlsplit(current_url)
    path = parts.path.rstrip("/")
    # Drop the current page's own segment, keeping any server.baseUrlPath prefix.
    head, _, last = path.rpartition("/")
    if last in PAGE_PATHS:
        path = head
    return f"{parts.scheme}://{parts.netloc}{path}"


def draft_link(base: str, token: str) -> str:
    """The address that brings a person back to their solo draft."""
    return f"{base}/?{DRAFT_PARAM}={quote(token)}"


def join_link(base: str, code: str) -> str:
    """The address (and QR code) that opens the join form with the code filled in."""
    return f"{base}/{JOIN_PATH}?{CODE_PARAM}={quote(format_join_code(code))}"


def resume_link(base: str, participant_token: str) -> str:
    """A participant's personal address: their answers on any device."""
    return f"{base}/{JOIN_PATH}?{PARTICIPANT_PARAM}={quote(participant_token)}"


def facilitator_link(base: str, facilitator_token: str) -> str:
    """The facilitator's private address: the workshop's controls and results."""
    return f"{base}/{FACILITATOR_PATH}?{FACILITATOR_PARAM}={quote(facilitator_token)}"
