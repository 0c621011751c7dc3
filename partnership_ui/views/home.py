"""Home: what the tool does, and the ways in (continue, solo, workshop, a saved file, the
example), each a button."""

from __future__ import annotations

import streamlit as st

from partnership_core.assessment import Assessment, parse_assessment
from partnership_core.errors import PartnershipFitError
from partnership_core.example import example_assessment
from partnership_core.text import plural

from .. import notify
from ..autosave import render_draft_status
from ..data import bank_set
from ..literal import literal
from ..privacy import render_privacy_note
from ..session import (
    continue_draft,
    open_assessment,
    remembered_draft,
    start_over,
    work_in_progress,
)
from ..state import solo_state, ui_state

__all__ = ["render_home_page"]


def render_home_page() -> None:
    st.title("Partnership Fit")
    st.markdown(
        "Two to six organisations thinking about working together can use this tool to find "
        "out whether they are ready to partner. Each side rates the same statements, level by "
        "level: **entry** (values, motives, purpose), **decision** (expectations, scope, risk "
        "and reward) and **operational** (how you will decide, talk, learn and part). You then "
        "see the partners side by side, where they differ, and what to talk about first."
    )
    st.caption(
        "For partnership leads, boards and facilitators of non-profits, businesses and public "
        "bodies."
    )
    remembered = _continue_box()
    _solo_box(remembered)
    _workshop_box()
    _open_file_box()
    _example_box()
    render_privacy_note()


def _continue_box() -> bool:
    """The draft this browser worked on last, found without its link (see `draft_cookie`);
    True when it is offered."""
    if solo_state().started:
        return False
    found = remembered_draft()
    if found is None:
        return False
    token, name, answers = found
    with st.container(border=True):
        st.markdown("##### :material/history: Continue your assessment")
        st.markdown(
            f"**{literal(name)}**: {plural(answers, 'answer')} so far. This browser keeps its "
            "link, so you can carry on where you left off."
        )
        st.button(
            "Continue your assessment",
            key="home_continue",
            type="primary",
            icon=":material/arrow_forward:",
            on_click=continue_draft,
            args=(token,),
        )
    return True


def _go(page: str) -> None:
    st.switch_page(f"pages/{page}.py")


def _solo_box(remembered: bool) -> None:
    """Set up (or change the set-up of) the solo assessment; `remembered`: Home offers to
    continue a draft, which is then the main action."""
    with st.container(border=True):
        st.markdown("##### :material/person: Assess on my own")
        st.markdown(
            "Answer for your organisation, then import your partner's answers or estimate them."
        )
        started = solo_state().started
        in_progress = work_in_progress()
        if in_progress and st.button(
            "Continue the assessment in progress",
            key="home_resume",
            type="primary",
            icon=":material/arrow_forward:",
        ):
            _go("questionnaire")
        if started:
            label = "Change the set-up"
        else:
            label = "Set up a new assessment" if remembered else "Set up an assessment"
        if st.button(
            label,
            key="home_setup",
            type="secondary" if in_progress or remembered else "primary",
            icon=":material/tune:",
        ):
            _go("setup")
        if started:
            render_draft_status()
            _start_over()
        ui = ui_state()
        if ui.start_over_problem:
            st.warning(literal(ui.start_over_problem), icon=":material/warning:")
            ui.start_over_problem = None


def _start_over() -> None:
    ui = ui_state()
    if not ui.confirm_start_over:
        if st.button("Start over", key="home_start_over", icon=":material/restart_alt:"):
            ui.confirm_start_over = True
            st.rerun()
        return
    st.warning(
        "Start over? This deletes every answer of the assessment in progress and its saved "
        "link. Download the assessment first if you want to keep it.",
        icon=":material/warning:",
    )
    c1, c2 = st.columns(2)
    if c1.button("Delete my answers and start over", key="home_over_yes", type="primary"):
        ui.confirm_start_over = False
        problem = start_over()
        if problem:
            ui.start_over_problem = problem
        else:
            notify("Started over: the previous answers and their link are deleted.")
        st.rerun()
    if c2.button("Keep my answers", key="home_over_no"):
        ui.confirm_start_over = False
        st.rerun()


def _workshop_box() -> None:
    with st.container(border=True):
        st.markdown("##### :material/groups: Workshop")
        st.markdown(
            "Each participant answers on their own device; the facilitator reveals the results."
        )
        c1, c2 = st.columns(2)
        with c1:
            if st.button(
                "Run a workshop (facilitator)", key="home_facilitate", icon=":material/co_present:"
            ):
                _go("facilitator")
        with c2:
            if st.button("Join a workshop", key="home_join", icon=":material/login:"):
                _go("join")


def _open_file_box() -> None:
    with st.container(border=True):
        st.markdown("##### :material/folder_open: Open a saved assessment")
        upload = st.file_uploader(
            "Assessment file (.json) downloaded from this tool",
            type=["json"],
            key="home_upload",
            help="Use the file from 'Download the assessment' on the results page.",
        )
        if upload is None:
            return
        try:
            assessment = parse_assessment(upload.getvalue(), source=upload.name)
            bank_set(tuple(assessment.banks))  # unknown banks fail here, before anything changes
        except PartnershipFitError as exc:
            st.error(literal(exc), icon=":material/error:")
            st.caption("Nothing was changed. Choose another file, or keep working.")
            return
        if work_in_progress() and not st.button(
            "Replace the assessment in progress with this file",
            key="home_replace",
            type="primary",
        ):
            st.warning(
                "You have answers in progress. Opening this file replaces them; download "
                "them first from the questionnaire or results page if you want to keep them.",
                icon=":material/warning:",
            )
            return
        _open(assessment, f"Opened '{literal(assessment.name)}'.")


def _example_box() -> None:
    with st.container(border=True):
        st.markdown("##### :material/lightbulb: Not sure yet?")
        if solo_state().started:
            st.caption("The example opens beside your assessment, which stays as it is.")
        if not st.button("Explore a worked example", key="home_example", icon=":material/science:"):
            return
        if solo_state().started:
            ui_state().example_open = True
            st.switch_page("pages/results.py")
        try:
            example = example_assessment()
        except PartnershipFitError as exc:
            st.error(f"The example could not be loaded: {literal(exc)}")
            return
        _open(example, f"Opened the worked example '{literal(example.name)}'.")


def _open(assessment: Assessment, message: str) -> None:
    open_assessment(assessment, message)
    st.switch_page("pages/results.py")
