"""What both workshop page bodies share: the QR code, scoring and how problems are shown."""

from __future__ import annotations

import io
from collections.abc import Callable

import segno
import streamlit as st

from partnership_core.assessment import Assessment
from partnership_core.errors import PartnershipFitError
from partnership_core.results import AssessmentResult
from partnership_core.scoring import score_assessment

from ..data import bank_set
from ..literal import literal

__all__ = ["qr_png", "score", "scored_or_error", "show_error", "show_invalid_link"]


@st.cache_data(max_entries=32, show_spinner=False)
def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes (medium error correction, quiet zone of 2)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2, dark="#111111")
    return buffer.getvalue()


def score(assessment: Assessment) -> AssessmentResult:
    """Score a workshop's assessment on its own banks."""
    return score_assessment(assessment, bank_set(tuple(assessment.banks)))


def scored_or_error(
    load: Callable[[], Assessment],
) -> tuple[Assessment, AssessmentResult] | None:
    """The revealed assessment from `load` and its result, or None after showing why not."""
    try:
        assessment = load()
        return assessment, score(assessment)
    except PartnershipFitError as exc:
        show_error(exc)
        return None


def show_error(exc: PartnershipFitError) -> None:
    """The one way a workshop page reports a user-fixable problem: its message, no traceback."""
    st.error(literal(exc), icon=":material/error:")


def show_invalid_link(
    title: str,
    exc: PartnershipFitError,
    *,
    button: str,
    key: str,
    note: str | None = None,
    forget: Callable[[], None] | None = None,
) -> None:
    """A link whose token is unknown: say why, and offer a fresh start without it."""
    st.title(title)
    show_error(exc)
    if note:
        st.markdown(note)
    if st.button(button, key=key, type="primary"):
        if forget is not None:
            forget()
        st.query_params.clear()
        st.rerun()
