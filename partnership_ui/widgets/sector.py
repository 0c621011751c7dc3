"""The control that asks a partner's sector (set-up and the workshop's create form)."""

from __future__ import annotations

import streamlit as st

from partnership_core.bank import SECTOR_LABELS, Sector

__all__ = ["sector_input"]


def sector_input(label: str, value: Sector | None, key: str) -> Sector | None:
    """A partner's sector, or None while it is not said."""
    options: list[Sector | None] = [None, *Sector]
    return st.selectbox(
        label,
        options=options,
        index=options.index(value),
        format_func=lambda s: "Not said yet" if s is None else SECTOR_LABELS[s],
        key=key,
    )
