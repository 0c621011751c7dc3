"""Home: what the tool does, and the ways in."""

from pathlib import Path

import streamlit as st

from partnership_core.assessment import parse_assessment
from partnership_core.errors import PartnershipFitError
from partnership_ui import bootstrap, notify
from partnership_ui.autosave import render_draft_status
from partnership_ui.data import bank_set
from partnership_ui.session import open_assessment, start_over, work_in_progress
from partnership_ui.state import solo_state

bootstrap()
_PAGES = Path(__file__).resolve().parent

st.title("Partnership Fit")
st.markdown(
    "Two to six organisations thinking about working together can use this tool to find out "
    "whether they are ready to partner. Each side rates the same statements, level by level: "
    "**entry** (values, motives, purpose), **decision** (expectations, scope, risk and reward) "
    "and **operational** (how you will decide, talk, learn and part). You then see the partners "
    "side by side, where they differ, and what to talk about first."
)
st.caption(
    "For partnership leads, boards and facilitators of non-profits, businesses and public bodies."
)

with st.container(border=True):
    st.markdown("##### :material/person: Assess on my own")
    st.markdown(
        "Answer for your organisation, then import your partner's answers or estimate them."
    )
    if work_in_progress():
        st.page_link(
            "pages/questionnaire.py",
            label="Continue the assessment in progress",
            icon=":material/arrow_forward:",
        )
    st.page_link("pages/setup.py", label="Set up an assessment", icon=":material/tune:")
    if solo_state().started:
        render_draft_status()
        if st.session_state.get("home_confirm_over"):
            st.warning(
                "Start over? This deletes every answer of the assessment in progress and its "
                "saved link. Download the assessment first if you want to keep it.",
                icon=":material/warning:",
            )
            c1, c2 = st.columns(2)
            if c1.button("Delete my answers and start over", key="home_over_yes", type="primary"):
                st.session_state["home_confirm_over"] = False
                problem = start_over()
                if problem:
                    st.session_state["home_over_problem"] = problem
                else:
                    notify("Started over: the previous answers and their link are deleted.")
                st.rerun()
            if c2.button("Keep my answers", key="home_over_no"):
                st.session_state["home_confirm_over"] = False
                st.rerun()
        elif st.button("Start over", key="home_start_over", icon=":material/restart_alt:"):
            st.session_state["home_confirm_over"] = True
            st.rerun()
    if problem := st.session_state.pop("home_over_problem", None):
        st.warning(problem, icon=":material/warning:")

with st.container(border=True):
    st.markdown("##### :material/groups: Workshop")
    st.markdown(
        "Each participant answers on their own device; the facilitator reveals the results."
    )
    if (_PAGES / "facilitator.py").exists():
        st.page_link(
            "pages/facilitator.py",
            label="Run a workshop (facilitator)",
            icon=":material/co_present:",
        )
    join = next((p for p in ("join.py", "participant.py") if (_PAGES / p).exists()), None)
    if join:
        st.page_link(f"pages/{join}", label="Join a workshop", icon=":material/login:")
    if not (_PAGES / "facilitator.py").exists() and join is None:
        st.caption("Workshops are not available in this installation.")

with st.container(border=True):
    st.markdown("##### :material/folder_open: Open a saved assessment")
    upload = st.file_uploader(
        "Assessment file (.json) downloaded from this tool",
        type=["json"],
        key="home_upload",
        help="Use the file from 'Download the assessment' on the results page.",
    )
    if upload is not None:
        try:
            assessment = parse_assessment(upload.getvalue(), source=upload.name)
            bank_set(tuple(assessment.banks))  # unknown banks fail here, before anything changes
        except PartnershipFitError as exc:
            st.error(f"{exc}", icon=":material/error:")
            st.caption("Nothing was changed. Choose another file, or keep working.")
        else:
            replace = not work_in_progress() or st.button(
                "Replace the assessment in progress with this file",
                key="home_replace",
                type="primary",
            )
            if not replace:
                st.warning(
                    "You have answers in progress. Opening this file replaces them; download "
                    "them first from the questionnaire or results page if you want to keep them.",
                    icon=":material/warning:",
                )
            else:
                open_assessment(assessment, f"Opened '{assessment.name}'.")
                st.switch_page("pages/results.py")

with st.container(border=True):
    st.markdown("##### :material/lightbulb: Not sure yet?")
    if st.button("Explore a worked example", key="home_example", icon=":material/science:"):
        try:
            from partnership_core.example import example_assessment

            example = example_assessment()
        except PartnershipFitError as exc:
            st.error(f"The example could not be loaded: {exc}")
        else:
            if work_in_progress():
                st.warning("Download your answers first: the example would replace them.")
            else:
                open_assessment(example, f"Opened the worked example '{example.name}'.")
                st.switch_page("pages/results.py")
