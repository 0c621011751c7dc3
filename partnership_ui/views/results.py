"""Results: the verdict first, then each level, the partners side by side and the agenda."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from partnership_core.assessment import Assessment
from partnership_core.bank import BankSet
from partnership_core.errors import PartnershipFitError
from partnership_core.example import example_assessment
from partnership_core.results import AssessmentResult
from partnership_core.scoring import score_assessment

from ..data import bank_set
from ..literal import literal
from ..state import solo_state, ui_state
from ..widgets.downloads import DownloadKeys, render_downloads
from ..widgets.result_view import SOLO_SECTIONS, render_result_view
from .invitation import render_invite_entry

__all__ = ["render_results_page"]

_DOWNLOAD_KEYS = DownloadKeys(
    json="res_dl_json", prepare="res_prepare_report", pdf="res_dl_pdf", html="res_dl_html"
)


def render_results_page() -> None:
    solo = solo_state()
    if ui_state().example_open:
        _worked_example()
        return
    if not solo.started:
        st.title("Results")
        st.info(
            "There is nothing to show yet: set up and answer an assessment, or open a saved one."
        )
        st.page_link("pages/home.py", label="Go to Home", icon=":material/home:")
        return
    scored = _scored(solo.build, "The results could not be worked out")
    if scored is None:
        return
    assessment, banks, result = scored
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


def _scored(
    load: Callable[[], Assessment], failed: str
) -> tuple[Assessment, BankSet, AssessmentResult] | None:
    """The assessment `load` gives, its banks and its result; None (said) if any fails."""
    try:
        assessment = load()
        banks = bank_set(tuple(assessment.banks))
        return assessment, banks, score_assessment(assessment, banks)
    except PartnershipFitError as exc:
        st.error(f"{failed}: {literal(exc)}", icon=":material/error:")
        return None


def _close_example() -> None:
    ui_state().example_open = False


def _worked_example() -> None:
    """The worked example beside the person's own assessment, which it leaves untouched."""
    scored = _scored(example_assessment, "The example could not be loaded")
    if scored is None:
        return
    example, _, result = scored
    st.title(literal(example.name))
    st.info(
        "This is the worked example. Your own assessment is kept as it is: go back to it "
        "whenever you like.",
        icon=":material/science:",
    )
    st.button(
        "Back to my assessment",
        key="res_close_example",
        type="primary",
        icon=":material/arrow_back:",
        on_click=_close_example,
    )
    render_result_view(result, example, sections=SOLO_SECTIONS, key_prefix="ex_")
