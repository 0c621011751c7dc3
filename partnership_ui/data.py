"""Cached loaders and shared services, keyed by plain arguments (bank ids, database URL)."""

from __future__ import annotations

import os

import streamlit as st

from partnership_core.bank import BankSet, QuestionBank, load_bank_set, load_banks
from partnership_core.drafts import DraftStore
from partnership_core.storage import DATABASE_URL_ENV, database_url_from_environment
from partnership_core.workshop import WorkshopService

__all__ = ["available_banks", "bank_set", "database_url", "draft_store", "workshop_service"]


@st.cache_resource(max_entries=1, show_spinner=False)
def available_banks() -> dict[str, QuestionBank]:
    """Every shipped question bank by id, spine first (shared by all sessions; read-only)."""
    return load_banks()


@st.cache_resource(max_entries=16, show_spinner=False)
def bank_set(bank_ids: tuple[str, ...]) -> BankSet:
    """The bank set of an assessment (frozen models: safe to share between sessions)."""
    return load_bank_set(list(bank_ids))


def _secret_database_url() -> str:
    try:
        value = st.secrets.get(DATABASE_URL_ENV)
    except Exception:  # noqa: BLE001 - st.secrets raises when there is no (valid) secrets.toml
        return ""
    return value.strip() if isinstance(value, str) else ""


def database_url() -> str:
    """The database both solo drafts and workshops use, as a SQLAlchemy URL.

    In order: the `PARTNERSHIP_FIT_DATABASE_URL` environment variable; the same key in
    `.streamlit/secrets.toml` (how Streamlit hosting passes secrets); else a SQLite file in
    `PARTNERSHIP_FIT_DATA_DIR` (default ./data).
    """
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        return from_env
    return _secret_database_url() or database_url_from_environment()


@st.cache_resource(max_entries=4, show_spinner=False)
def _draft_store(url: str) -> DraftStore:
    # Keyed by the URL, so pointing the environment at another database (tests) gets a store
    # on that database rather than a stale one. A StorageError is not cached: the next call
    # tries again (autosave spaces those tries out).
    return DraftStore(url)


def draft_store() -> DraftStore:
    """The process-wide solo draft store (raises StorageError if the database is unusable)."""
    return _draft_store(database_url())


@st.cache_resource(max_entries=4, show_spinner=False)
def _workshop_service(url: str) -> WorkshopService:
    # One per database per process: the service is thread-safe and holds the connection pool.
    return WorkshopService(url)


def workshop_service() -> WorkshopService:
    """The process-wide workshop service (raises StorageError if the database is unusable)."""
    return _workshop_service(database_url())
