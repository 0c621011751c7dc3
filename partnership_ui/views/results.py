"""Results: the verdict first, then each level, the partners side by side and the agenda."""

from __future__ import annotations

import streamlit as st

from partnership_core.errors import PartnershipFitError
from partnership_core.scoring import score_assessment

from ..data import bank_set
from ..literal import literal
from ..state import solo_state
from ..widgets.downloads import DownloadKeys, render_downloads
from ..widgets.result_view import SOLO_SECTIONS, render_result_view
from .invitation import render_invite_entry

__all__ = ["render_results_page"]

_DOWNLOAD_KEYS = DownloadKeys(
    json="res_dl_json", prepare="res_prepare_report", pdf="res_dl_pdf", html="res_dl_html"
)


def render_results_page() -> None:
    solo = solo_state()
    if not solo.started:
        st.title("Results")
        st.info(
            "There is nothing to show yet: set up and answer an assessment, or open a saved one."
        )
        st.page_link("pages/home.py", label="Go to Home", icon=":material/home:")
        return
    try:
        assessment = solo.build()
        banks = bank_set(tuple(assessment.banks))
        result = score_assessment(assessment, banks)
    except PartnershipFitError as exc:
        st.error(f"The results could not be worked out: {literal(exc)}", icon=":material/error:")
        return
    st.title(literal(assessment.name))
    render_result_view(result, assessment, sections=SOLO_SECTIONS, key_prefix="res_")
    st.subheader("Keep or share")
    render_downloads(
        assessment,
        result,
        banks,
        keys=_DOWNLOAD_KEYS,
        json_label="Download the assessment (JSON)",
        json_help="Keep this file: open it again from Home, or send it to your partner.",
    )
    render_invite_entry()
    st.page_link("pages/questionnaire.py", label="Back to the answers", icon=":material/edit:")
