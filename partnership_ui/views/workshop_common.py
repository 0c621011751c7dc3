"""What both workshop page bodies share: the QR code, scoring and how problems are shown."""

from __future__ import annotations

import io

import segno
import streamlit as st

from partnership_core.assessment import Assessment
from partnership_core.errors import PartnershipFitError
from partnership_core.results import AssessmentResult
from partnership_core.scoring import score_assessment

from ..data import bank_set

__all__ = ["qr_png", "score", "show_error"]


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
