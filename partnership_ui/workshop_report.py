"""Summary report downloads (PDF and HTML) for a revealed workshop, when the report module exists.

The report takes about a second to draw, so it is made on request ("Prepare"), kept for the
assessment it was made from, and offered as two download buttons.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass

import streamlit as st

from partnership_core.assessment import Assessment, dump_assessment
from partnership_core.errors import PartnershipFitError
from partnership_core.results import AssessmentResult

from .data import bank_set

__all__ = ["PreparedReport", "report_available", "render_report_downloads"]

_STATE_KEY = "pf_ws_report"


@dataclass(frozen=True)
class PreparedReport:
    """The report files for one exact version of the assessment."""

    fingerprint: str
    pdf: bytes
    html: bytes


def report_available() -> bool:
    """True when `partnership_core.report` can be imported (it is optional for this page)."""
    try:
        importlib.import_module("partnership_core.report")
    except ImportError:
        return False
    return True


def _fingerprint(assessment: Assessment) -> str:
    return hashlib.sha256(dump_assessment(assessment).encode("utf-8")).hexdigest()


def render_report_downloads(assessment: Assessment, result: AssessmentResult, slug: str) -> None:
    """A "Prepare the summary" button, then PDF and HTML download buttons."""
    if not report_available():
        return
    report = importlib.import_module("partnership_core.report")
    fingerprint = _fingerprint(assessment)
    prepared: PreparedReport | None = st.session_state.get(_STATE_KEY)
    if prepared is not None and prepared.fingerprint != fingerprint:
        prepared = None  # the workshop changed since (agreements, actions): make it again
    st.markdown("**Summary report** — verdict, charts, agenda, agreements and actions.")
    if prepared is None:
        if st.button("Prepare the summary (PDF and HTML)", key="pf_ws_report_make"):
            try:
                with st.spinner("Drawing the summary…"):
                    data = report.build_report_model(
                        assessment, bank_set(tuple(assessment.banks)), result
                    )
                    prepared = PreparedReport(
                        fingerprint=fingerprint,
                        pdf=report.render_pdf(data),
                        html=report.render_html(data).encode("utf-8"),
                    )
            except PartnershipFitError as exc:
                st.error(f"The summary could not be made: {exc}", icon=":material/error:")
                return
            st.session_state[_STATE_KEY] = prepared
    if prepared is None:
        return
    c1, c2 = st.columns(2)
    c1.download_button(
        "Summary (PDF)",
        data=prepared.pdf,
        file_name=f"{slug}-summary.pdf",
        mime="application/pdf",
        key="pf_ws_report_pdf",
        icon=":material/picture_as_pdf:",
    )
    c2.download_button(
        "Summary (HTML, printable)",
        data=prepared.html,
        file_name=f"{slug}-summary.html",
        mime="text/html",
        key="pf_ws_report_html",
        icon=":material/html:",
    )
