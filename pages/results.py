"""Results: the verdict first, then each level, the partners side by side and the agenda."""

import streamlit as st

from partnership_core.errors import PartnershipFitError
from partnership_core.scoring import score_assessment
from partnership_ui import bootstrap
from partnership_ui.autosave import render_draft_status
from partnership_ui.components import render_downloads, render_result
from partnership_ui.data import bank_set
from partnership_ui.state import solo_state

bootstrap()
solo = solo_state()

if not solo.started:
    st.title("Results")
    st.info("There is nothing to show yet: set up and answer an assessment, or open a saved one.")
    st.page_link("pages/home.py", label="Go to Home", icon=":material/home:")
    st.stop()

try:
    assessment = solo.build()
    banks = bank_set(tuple(assessment.banks))
    result = score_assessment(assessment, banks)
except PartnershipFitError as exc:
    st.error(f"The results could not be worked out: {exc}", icon=":material/error:")
    st.stop()

st.title(assessment.name)
render_result(result, assessment, banks)
st.subheader("Keep or share")
render_downloads(assessment)
st.page_link("pages/questionnaire.py", label="Back to the answers", icon=":material/edit:")
render_draft_status()
