"""What the browser tells about this session: the address it shows and who is typing."""

from __future__ import annotations

import streamlit as st

from partnership_core.links import app_base_url

from .state import session_client_id

__all__ = ["base_url", "client_key"]


def _context_value(name: str) -> str | None:
    try:
        value = getattr(st.context, name)
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and value else None


def base_url() -> str:
    """The app's address as people reach it (see `partnership_core.links.app_base_url`)."""
    return app_base_url(_context_value("url"))


def client_key() -> str:
    """Who is typing join codes, for the wrong-code slow-down: the IP address when known.

    Keyed by address rather than browser session, so that opening a new tab does not reset
    the count; a random per-session key is the fallback when the address is unknown.
    """
    ip = _context_value("ip_address")
    return f"ip:{ip}" if ip else f"session:{session_client_id()}"
