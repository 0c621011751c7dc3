"""Questionnaire: answer level by level for your organisation, then add your partners'."""

from __future__ import annotations

from functools import partial

import streamlit as st

from partnership_core.assessment import (
    Answer,
    Assessment,
    Respondent,
    RespondentKind,
    dump_assessment,
)
from partnership_core.bank import BankSet
from partnership_core.errors import PartnershipFitError
from partnership_core.plan import planned_statements
from partnership_core.solo import estimated_partners, is_own_role
from partnership_core.text import file_stem, join_names, plural

from ..autosave import SOLO_NAV_PREFIX, answer_changed, render_draft_status
from ..data import bank_set
from ..literal import literal
from ..session import answer_count, finish_respondent, start_estimate
from ..state import SoloState, draft_state, solo_state
from ..widgets.questionnaire import render_questionnaire
from .partner_import import render_partner_import

__all__ = ["render_questionnaire_page"]


def render_questionnaire_page() -> None:
    solo = solo_state()
    if not solo.started or solo.assessment is None:
        st.title("Questionnaire")
        st.info("Set up the assessment first: name the partners and say who is answering.")
        st.page_link("pages/setup.py", label="Go to set-up", icon=":material/tune:")
        return
    assessment = solo.assessment
    try:
        banks = bank_set(tuple(assessment.banks))
    except PartnershipFitError as exc:
        st.error(literal(exc))
        return
    statement_ids = planned_statements(banks, assessment.partnership_type, assessment.plan)
    active = solo.active_respondent
    if active is not None and any(r.id == active for r in assessment.respondents):
        _answer(solo, banks, statement_ids, solo.respondent(active))
    else:
        _overview(solo, assessment, statement_ids)


def _set_active(respondent_id: str | None) -> None:
    solo_state().active_respondent = respondent_id


def _partner_name(assessment: Assessment, partner_id: str) -> str:
    return next(p.name for p in assessment.partners if p.id == partner_id)


def _answer(
    solo: SoloState, banks: BankSet, statement_ids: list[str], respondent: Respondent
) -> None:
    """The questionnaire of one respondent (the person's own answers, or an estimate)."""
    assessment = solo.assessment
    assert assessment is not None
    partner = _partner_name(assessment, respondent.partner)
    estimate = respondent.kind is RespondentKind.ESTIMATE
    st.title(literal(assessment.name))
    if estimate:
        st.warning(
            f"**Estimate for {literal(partner)}.** Answer as you expect {literal(partner)} "
            f"would: each statement is worded from their side, so 'we' and 'our' mean "
            f"{literal(partner)}. The results label these answers as an estimate.",
            icon=":material/psychology:",
        )
    else:
        st.markdown(f"**{literal(respondent.name)}**, answering for **{literal(partner)}**.")
    others = [p.name for p in assessment.partners if p.id != respondent.partner]
    render_questionnaire(
        banks=banks,
        statement_ids=statement_ids,
        answers=solo.answers_of(respondent.id),
        respondent_id=respondent.id,
        key_prefix=f"{SOLO_NAV_PREFIX}{respondent.id}_",
        ask_prediction=solo.ask_prediction and not estimate,
        ask_importance=assessment.plan is None or assessment.plan.ask_importance,
        on_change=partial(_answer_changed, respondent.id),
        on_finish=partial(finish_respondent, respondent.id),
        finish_label="Finish the estimate" if estimate else "Finish my answers",
        other_partner_label=join_names(others) if len(others) < 3 else "the other partners",
        statement_text=lambda qid: banks.text_for(qid, respondent.partner, assessment),
        other_partners=[(p.id, p.name) for p in assessment.partners if p.id != respondent.partner],
    )
    st.button(
        "Overview of all partners",
        key="q_overview",
        icon=":material/list:",
        on_click=_set_active,
        args=(None,),
    )
    render_draft_status(compact=True)


def _answer_changed(respondent_id: str, answer: Answer | None, statement: str) -> None:
    """Keep and save the answer. An answer alone redraws only its part of the questionnaire;
    the whole page is redrawn when saving starts or stops failing (its warning sits outside
    the questionnaire) or another device's answers were merged in on the way."""
    before = (draft_state().problem, solo_state().revision)
    answer_changed(respondent_id, answer, statement)
    if (draft_state().problem, solo_state().revision) != before:
        st.rerun()


def _overview(solo: SoloState, assessment: Assessment, statement_ids: list[str]) -> None:
    """Every partner's answers so far, with the ways to add the missing ones."""
    st.title(literal(assessment.name))
    st.markdown(
        "Answers for each partner. Every partner needs answers before the results mean much."
    )
    guessed = estimated_partners(assessment)
    for partner in assessment.partners:
        with st.container(border=True):
            label = f"{literal(partner.name)}" + (" (estimate)" if partner.id in guessed else "")
            st.markdown(f"##### {label}")
            answered_any = _respondent_rows(assessment, partner.id, statement_ids)
            if partner.id == solo.own_partner:
                continue
            if not answered_any or partner.id in guessed:
                _import_or_estimate(partner.id, partner.name, partner.id in guessed)
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


def _respondent_rows(assessment: Assessment, partner_id: str, statement_ids: list[str]) -> bool:
    """A line per respondent of the partner, with an edit button; True if any answered."""
    answered_any = False
    for r in assessment.respondents:
        if r.partner != partner_id:
            continue
        n = answer_count(r.id, statement_ids)
        answered_any |= n > 0
        estimate = r.kind is RespondentKind.ESTIMATE
        kind = "estimate" if estimate else "answers"
        st.markdown(f"{literal(r.name)}: {n} of {plural(len(statement_ids), 'statement')} ({kind})")
        if is_own_role(r) and r.id != solo_state().own_respondent:
            # The person's answers for another organisation: open them by changing roles.
            st.caption("To change these answers, choose this organisation in set-up again.")
        elif r.kind is not RespondentKind.IMPORTED:
            st.button(
                "Edit the estimate" if estimate else "Edit my answers",
                key=f"q_edit_{r.id}",
                icon=":material/edit:",
                on_click=_set_active,
                args=(r.id,),
            )
    return answered_any


def _import_or_estimate(partner_id: str, name: str, guessed: bool) -> None:
    render_partner_import(partner_id, name)
    if not guessed:
        st.button(
            f"Or answer as you expect {literal(name)} would (estimate)",
            key=f"q_estimate_{partner_id}",
            icon=":material/psychology:",
            on_click=start_estimate,
            args=(partner_id,),
        )
