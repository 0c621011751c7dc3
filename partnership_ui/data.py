"""Cached loaders: the only place the UI caches, always around plain arguments."""

from __future__ import annotations

import streamlit as st

from partnership_core.bank import BankSet, QuestionBank, load_bank_set, load_banks

__all__ = ["available_banks", "bank_set"]


@st.cache_resource(max_entries=1, show_spinner=False)
def available_banks() -> dict[str, QuestionBank]:
    """Every shipped question bank by id, spine first (shared by all sessions; read-only)."""
    return load_banks()


@st.cache_resource(max_entries=16, show_spinner=False)
def bank_set(bank_ids: tuple[str, ...]) -> BankSet:
    """The bank set of an assessment (frozen models: safe to share between sessions)."""
    return load_bank_set(list(bank_ids))
