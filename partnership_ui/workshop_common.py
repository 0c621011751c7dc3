"""What both workshop pages share: the service instance, links, the QR code and scoring.

The service is one per process (`st.cache_resource`), keyed by the environment variables
that choose the database, so a test that points `PARTNERSHIP_FIT_DATA_DIR` somewhere else
gets a service on that database rather than a stale one.
"""

from __future__ import annotations

import io
import os
import uuid
from urllib.parse import quote, urlsplit

import segno
import streamlit as st

from partnership_core.assessment import Assessment
from partnership_core.errors import PartnershipFitError
from partnership_core.results import AssessmentResult
from partnership_core.scoring import score_assessment
from partnership_core.workshop import format_join_code

from .data import bank_set, workshop_service

__all__ = [
    "FACILITATOR_PATH",
    "JOIN_PATH",
    "PUBLIC_URL_ENV",
    "workshop_service",
    "client_key",
    "base_url",
    "join_link",
    "resume_link",
    "facilitator_link",
    "qr_png",
    "score",
    "show_error",
]

JOIN_PATH = "join"
FACILITATOR_PATH = "facilitator"
# Behind a proxy the server cannot know the address people type; this overrides it.
PUBLIC_URL_ENV = "PARTNERSHIP_FIT_PUBLIC_URL"
_CLIENT_KEY = "pf_ws_client"


def client_key() -> str:
    """Who is typing join codes, for the wrong-code slow-down: the IP address when known.

    Keyed by address rather than browser session, so that opening a new tab does not reset
    the count; a random per-session key is the fallback when the address is unknown.
    """
    ip = None
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - st.context is unavailable outside a browser session
        ip = None
    if isinstance(ip, str) and ip:
        return f"ip:{ip}"
    return f"session:{st.session_state.setdefault(_CLIENT_KEY, uuid.uuid4().hex)}"


def base_url() -> str:
    """The app's address as people reach it, without a trailing slash or page path."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if configured:
        return configured.rstrip("/")
    url = ""
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        url = ""
    if not isinstance(url, str) or not url:
        return "http://localhost:8501"
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    # Drop the current page's own path segment, keeping any server.baseUrlPath prefix.
    head, _, last = path.rpartition("/")
    if last in (JOIN_PATH, FACILITATOR_PATH):
        path = head
    return f"{parts.scheme}://{parts.netloc}{path}"


def join_link(code: str) -> str:
    return f"{base_url()}/{JOIN_PATH}?code={quote(format_join_code(code))}"


def resume_link(participant_token: str) -> str:
    return f"{base_url()}/{JOIN_PATH}?p={quote(participant_token)}"


def facilitator_link(facilitator_token: str) -> str:
    return f"{base_url()}/{FACILITATOR_PATH}?t={quote(facilitator_token)}"


@st.cache_data(max_entries=32, show_spinner=False)
def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes (medium error correction, quiet zone of 2)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2, dark="#111111")
    return buffer.getvalue()


def score(assessment: Assessment) -> AssessmentResult:
    """Score a workshop's assessment on its own banks."""
    return score_assessment(assessment, bank_set(tuple(assessment.banks)))


def show_error(exc: PartnershipFitError) -> None:
    """The one way a workshop page reports a user-fixable problem: its message, no traceback."""
    st.error(str(exc), icon=":material/error:")
