"""Questionnaire: answer level by level for your organisation, then add your partners'."""

from functools import partial

import streamlit as st

from partnership_core.assessment import dump_assessment
from partnership_core.errors import PartnershipFitError
from partnership_core.solo import estimated_partners
from partnership_ui import bootstrap, notify
from partnership_ui.autosave import answer_changed, render_draft_status
from partnership_ui.components import file_stem
from partnership_ui.data import bank_set
from partnership_ui.questionnaire import render_questionnaire
from partnership_ui.session import (
    answer_count,
    finish_respondent,
    import_partner_file,
    start_estimate,
)
from partnership_ui.state import solo_state

bootstrap()
solo = solo_state()

if not solo.started or solo.assessment is None:
    st.title("Questionnaire")
    st.info("Set up the assessment first: name the partners and say who is answering.")
    st.page_link("pages/setup.py", label="Go to set-up", icon=":material/tune:")
    st.stop()

assessment = solo.assessment
try:
    banks = bank_set(tuple(assessment.banks))
except PartnershipFitError as exc:
    st.error(f"{exc}")
    st.stop()
statement_ids = banks.applicable(assessment.partnership_type)
partner_names = {p.id: p.name for p in assessment.partners}


def _set_active(respondent_id: str | None) -> None:
    solo.active_respondent = respondent_id


active = solo.active_respondent
if active is not None and any(r.id == active for r in assessment.respondents):
    respondent = solo.respondent(active)
    partner = partner_names[respondent.partner]
    st.title(assessment.name)
    if respondent.is_estimate:
        st.warning(
            f"**Estimate for {partner}.** Answer as you expect {partner} would. The results "
            "label these answers as an estimate.",
            icon=":material/psychology:",
        )
    else:
        st.markdown(f"**{respondent.name}**, answering for **{partner}**.")
    others = [n for pid, n in partner_names.items() if pid != respondent.partner]
    render_questionnaire(
        banks=banks,
        statement_ids=statement_ids,
        answers=solo.answers_of(active),
        respondent_id=active,
        key_prefix=f"q_{active}_",
        ask_prediction=solo.ask_prediction and not respondent.is_estimate,
        on_change=answer_changed,
        on_finish=partial(finish_respondent, active),
        finish_label="Finish the estimate" if respondent.is_estimate else "Finish my answers",
        other_partner_label=" and ".join(others) if len(others) < 3 else "the other partners",
    )
    st.button(
        "Overview of all partners",
        key="q_overview",
        icon=":material/list:",
        on_click=_set_active,
        args=(None,),
    )
    render_draft_status(compact=True)
    st.stop()

# ---------------------------------------------------------------- overview of the partners
st.title(assessment.name)
st.markdown("Answers for each partner. Every partner needs answers before the results mean much.")
guessed = estimated_partners(assessment)
total = len(statement_ids)
own = solo.respondent(solo.own_respondent).partner if solo.own_respondent else None

for pid, name in partner_names.items():
    respondents = [r for r in assessment.respondents if r.partner == pid]
    with st.container(border=True):
        label = f"{name} (estimate)" if pid in guessed else name
        st.markdown(f"##### {label}")
        answered_any = False
        for r in respondents:
            n = answer_count(r.id, statement_ids)
            answered_any |= n > 0
            kind = "estimate" if r.is_estimate else "answers"
            st.markdown(f"{r.name}: {n} of {total} statements ({kind})")
            if not r.id.startswith("imp-"):
                st.button(
                    "Edit the estimate" if r.is_estimate else "Edit my answers",
                    key=f"q_edit_{r.id}",
                    icon=":material/edit:",
                    on_click=_set_active,
                    args=(r.id,),
                )
        if pid == own:
            continue
        if not answered_any or pid in guessed:
            upload = st.file_uploader(
                f"Import {name}'s exported assessment (.json)",
                type=["json"],
                key=f"q_import_{pid}",
                help=f"Ask {name} to set up the same partnership, answer for their "
                "organisation and download the assessment.",
            )
            if upload is not None:
                try:
                    added = import_partner_file(upload.getvalue(), upload.name)
                except PartnershipFitError as exc:
                    st.error(f"{exc}", icon=":material/error:")
                    st.caption("Nothing was changed; your answers are kept.")
                else:
                    notify(f"Imported the answers of {', '.join(added)}.")
                    del st.session_state[f"q_import_{pid}"]
                    st.rerun()
            if pid not in guessed:
                st.button(
                    f"Or answer as you expect {name} would (estimate)",
                    key=f"q_estimate_{pid}",
                    icon=":material/psychology:",
                    on_click=start_estimate,
                    args=(pid,),
                )

current = solo.build()
c1, c2 = st.columns(2)
c1.download_button(
    "Download to send to your partner",
    data=dump_assessment(current),
    file_name=f"{file_stem(current.name)}.json",
    mime="application/json",
    key="q_download",
    icon=":material/download:",
    on_click="ignore",
    help="Your partner can import this file, or open it from Home.",
)
st.page_link("pages/setup.py", label="Change the set-up", icon=":material/tune:")
if c2.button("See the results", key="q_results", type="primary", icon=":material/insights:"):
    st.switch_page("pages/results.py")
render_draft_status()
