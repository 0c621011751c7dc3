"""The app's addresses: its base URL as people reach it, and every link it hands out.

Links carry a secret or a code in their query string (`?draft=`, `?code=`, `?k=`, `?p=`,
`?t=`, `?r=`); the pages read the same parameter names from here. A join address on this
machine's loopback interface works for nobody else: `is_loopback` and `network_address`
let the facilitator's page say so and what to use instead.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from .workshop import format_join_code

__all__ = [
    "PUBLIC_URL_ENV",
    "DEFAULT_BASE_URL",
    "PAGE_PATHS",
    "JOIN_PATH",
    "FACILITATOR_PATH",
    "ROOM_PATH",
    "DRAFT_PARAM",
    "CODE_PARAM",
    "JOIN_KEY_PARAM",
    "PARTICIPANT_PARAM",
    "FACILITATOR_PARAM",
    "ROOM_PARAM",
    "STEP_PARAM",
    "PARTNER_PARAM",
    "app_base_url",
    "draft_link",
    "join_link",
    "partner_join_link",
    "resume_link",
    "facilitator_link",
    "room_link",
    "is_loopback",
    "network_address",
]

# Behind a proxy the server cannot know the address people type; this overrides it.
PUBLIC_URL_ENV = "PARTNERSHIP_FIT_PUBLIC_URL"
DEFAULT_BASE_URL = "http://localhost:8501"
JOIN_PATH = "join"
FACILITATOR_PATH = "facilitator"
ROOM_PATH = "room"
# The last path segment of every page of the app (app.py gives them as `url_path`).
PAGE_PATHS = (
    "home",
    "setup",
    "questionnaire",
    "results",
    FACILITATOR_PATH,
    JOIN_PATH,
    ROOM_PATH,
)
DRAFT_PARAM = "draft"
CODE_PARAM = "code"
JOIN_KEY_PARAM = "k"
PARTICIPANT_PARAM = "p"
FACILITATOR_PARAM = "t"
ROOM_PARAM = "r"
STEP_PARAM = "step"  # the questionnaire step a participant is on, so a reload resumes there
PARTNER_PARAM = "for"  # the organisation an invitation's link picks in the join form


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


def join_link(base: str, code: str, join_key: str | None = None) -> str:
    """The address (and QR code) that opens the join form with the code filled in; with the
    workshop's `join_key` it also gets past the wrong-code slow-down."""
    link = f"{base}/{JOIN_PATH}?{CODE_PARAM}={quote(format_join_code(code))}"
    return f"{link}&{JOIN_KEY_PARAM}={quote(join_key)}" if join_key else link


def partner_join_link(base: str, code: str, join_key: str | None, partner_id: str) -> str:
    """The join link sent to one partner of an invitation: it picks their organisation."""
    return f"{join_link(base, code, join_key)}&{PARTNER_PARAM}={quote(partner_id)}"


def resume_link(base: str, participant_token: str) -> str:
    """A participant's personal address: their answers on any device."""
    return f"{base}/{JOIN_PATH}?{PARTICIPANT_PARAM}={quote(participant_token)}"


def facilitator_link(base: str, facilitator_token: str) -> str:
    """The facilitator's private address: the workshop's controls and results."""
    return f"{base}/{FACILITATOR_PATH}?{FACILITATOR_PARAM}={quote(facilitator_token)}"


def room_link(base: str, room_token: str, join_key: str | None = None) -> str:
    """The projector's address: the room view, which carries no facilitator power; with the
    `join_key` its QR code joins past the wrong-code slow-down."""
    link = f"{base}/{ROOM_PATH}?{ROOM_PARAM}={quote(room_token)}"
    return f"{link}&{JOIN_KEY_PARAM}={quote(join_key)}" if join_key else link


def is_loopback(base: str) -> bool:
    """True when `base` names this machine only (localhost, 127.x, ::1): phones cannot open it."""
    host = (urlsplit(base).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def network_address() -> str | None:
    """This machine's address on the local network (e.g. 192.168.1.20), or None.

    A UDP socket "connected" to a private address picks the interface a packet would leave
    by; no packet is sent, so it works offline, on venue Wi-Fi without internet too.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if ipaddress.ip_address(address).is_loopback else address
