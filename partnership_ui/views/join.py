"""The participant's side of a workshop: join with a code, answer blind, see the reveal.

`pages/join.py` only calls `render_join_page()`. The participant's personal token lives in
the URL (`?p=`), so a reload, another tab or another device resumes where they were; the
answers live in the database, written the moment they change.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from partnership_core import links
from partnership_core.assessment import Answer
from partnership_core.errors import PartnershipFitError, StorageError, WorkshopError
from partnership_core.text import normalise_name, plural
from partnership_core.workshop import (
    ParticipantView,
    WorkshopService,
    WorkshopState,
    format_join_code,
)

from ..context import base_url, client_key
from ..data import bank_set, workshop_service
from ..state import JoinState, join_state
from ..widgets.questionnaire import render_questionnaire
from ..widgets.result_view import WORKSHOP_SECTIONS, render_result_view
from .workshop_common import scored_or_error, show_error, show_invalid_link

__all__ = ["render_join_page", "WAIT_POLL"]

_Q_PREFIX = "pf_ws_q_"
WAIT_POLL = "3s"


def render_join_page() -> None:
    """The whole join page: the join form, or the participant's questionnaire / results."""
    state = join_state()
    try:
        svc = workshop_service()
    except PartnershipFitError as exc:
        show_error(exc)
        return
    token = st.query_params.get(links.PARTICIPANT_PARAM) or state.token
    if token:
        _participant(svc, state, token)
    else:
        _join_form(svc, state)


# ---------------------------------------------------------------------------- joining


def _join_form(svc: WorkshopService, state: JoinState) -> None:
    st.title("Join a workshop")
    url_code = st.query_params.get(links.CODE_PARAM)
    # Arriving by link or QR code: look the code up once, so people go straight to step 2.
    if url_code and state.auto_looked_up != url_code and state.info is None:
        state.auto_looked_up = url_code
        st.session_state["pf_ws_code"] = url_code
        _lookup(svc, state, url_code)
    if state.info is None:
        _code_form(svc, state)
    else:
        _partner_form(svc, state)


def _code_form(svc: WorkshopService, state: JoinState) -> None:
    st.markdown("Type the code the facilitator shows on the screen.")
    with st.form("pf_ws_code_form", border=False):
        st.text_input(
            "Workshop code",
            placeholder="ABCDE-FGHJK",
            max_chars=24,
            key="pf_ws_code",
        )
        submitted = st.form_submit_button("Find the workshop", type="primary")
    if submitted:
        code = (st.session_state.get("pf_ws_code") or "").strip()
        if not code:
            state.notice = "Type the workshop code first."
        elif _lookup(svc, state, code):
            st.rerun()
    if state.notice:
        show_error(WorkshopError(state.notice))
        state.notice = None


def _partner_form(svc: WorkshopService, state: JoinState) -> None:
    info = state.info
    assert info is not None
    st.markdown(f"### {info.name}")
    st.caption(f"Code {format_join_code(state.code or '')}")
    if info.state != WorkshopState.OPEN:
        st.warning(
            "The facilitator is not taking new participants right now "
            + (
                "(answering is locked)."
                if info.state == WorkshopState.LOCKED
                else "(results are out)."
            )
            + " Ask them to unlock the workshop, then try again.",
            icon=":material/lock:",
        )
    partner_ids = [p.id for p in info.partners]
    names = {p.id: p.name for p in info.partners}
    with st.form("pf_ws_join_form", border=True):
        st.radio(
            "Which organisation do you answer for?",
            options=partner_ids,
            index=None,
            format_func=names.__getitem__,
            key="pf_ws_partner",
        )
        st.text_input("Your name (as the others will see it)", max_chars=200, key="pf_ws_name")
        submitted = st.form_submit_button("Join", type="primary")
    if st.button("Use another code", key="pf_ws_other_code", type="tertiary"):
        state.info, state.code = None, None
        st.query_params.pop(links.CODE_PARAM, None)
        st.rerun()
    if submitted:
        _join(svc, state)


def _join(svc: WorkshopService, state: JoinState) -> None:
    partner = st.session_state.get("pf_ws_partner")
    name = normalise_name(st.session_state.get("pf_ws_name") or "")
    if partner is None:
        st.error("Choose the organisation you answer for.", icon=":material/error:")
        return
    if not name:
        st.error(
            "Give your name, so the facilitator can tell who has finished.",
            icon=":material/error:",
        )
        return
    try:
        session = svc.join(state.code or "", partner, name, client_key())
    except PartnershipFitError as exc:
        show_error(exc)
        return
    state.token = session.participant_token
    state.info = None
    st.query_params.clear()
    st.query_params[links.PARTICIPANT_PARAM] = session.participant_token
    st.rerun()


def _lookup(svc: WorkshopService, state: JoinState, code: str) -> bool:
    try:
        state.info = svc.lookup_code(code, client_key())
    except PartnershipFitError as exc:
        state.info = None
        state.notice = str(exc)
        if isinstance(exc, StorageError):
            state.auto_looked_up = None
        return False
    state.code = code
    return True


# ---------------------------------------------------------------------------- participant


def _participant(svc: WorkshopService, state: JoinState, token: str) -> None:
    if st.query_params.get(links.PARTICIPANT_PARAM) != token:
        st.query_params[links.PARTICIPANT_PARAM] = token
    if state.hold_retry:
        state.hold_retry = False
    else:
        _flush_pending(svc, state, token)
    try:
        view = svc.participant(token)
    except WorkshopError as exc:
        show_invalid_link(
            "Join a workshop",
            exc,
            button="Join with a code",
            key="pf_ws_restart",
            note="If you have a workshop code, you can join again with it.",
            forget=lambda: setattr(state, "token", None),
        )
        return
    except PartnershipFitError as exc:
        show_error(exc)
        return
    state.token = token
    if state.loaded_for != token:
        state.answers = dict(view.own_answers)
        state.pending.clear()
        state.loaded_for = token

    _greeting(view, token)
    if view.state == WorkshopState.REVEALED:
        _revealed(svc, token)
    elif view.finished:
        _handed_in(svc, token, view.state)
    else:
        _answering(svc, state, token, view)


def _greeting(view: ParticipantView, token: str) -> None:
    info = view.workshop
    partner_name = next((p.name for p in info.partners if p.id == view.respondent.partner), "")
    st.title(info.name)
    st.markdown(f"You answer for **{partner_name}** as **{view.respondent.name}**.")
    with st.container(border=True):
        st.markdown(
            ":material/bookmark: **Your personal link** — bookmark it to come back on any device. "
            "Keep it to yourself: it opens your answers."
        )
        st.code(links.resume_link(base_url(), token), language=None, wrap_lines=True)


def _handed_in(svc: WorkshopService, token: str, shown: WorkshopState) -> None:
    st.success(
        "Thank you — your answers are in. The results appear here when the facilitator "
        "reveals them.",
        icon=":material/check_circle:",
    )
    if shown == WorkshopState.OPEN:
        st.button(
            "Change my answers",
            key="pf_ws_reopen",
            on_click=_reopen,
            args=(svc, token),
        )
    _wait_for_change(svc, token, shown, finished=True)


def _answering(svc: WorkshopService, state: JoinState, token: str, view: ParticipantView) -> None:
    info = view.workshop
    locked = view.state == WorkshopState.LOCKED
    if locked:
        st.warning(
            "The facilitator has paused answering. Your answers so far are saved; this page "
            "carries on by itself when answering opens again.",
            icon=":material/lock:",
        )
        _wait_for_change(svc, token, view.state, finished=False)
    _save_indicator(state)
    others = [p.name for p in info.partners if p.id != view.respondent.partner]
    banks = bank_set(tuple(info.banks))
    render_questionnaire(
        banks=banks,
        statement_ids=list(info.statements),
        answers=state.answers,
        respondent_id=view.respondent.id,
        key_prefix=_Q_PREFIX,
        ask_prediction=info.ask_predictions,
        on_change=lambda answer, qid: _on_change(svc, token, answer, qid),
        read_only=locked,
        on_finish=lambda: _on_finish(svc, token),
        finish_label="Finish and hand in",
        other_partner_label=" / ".join(others) or "the other partner",
        statement_text=lambda qid: banks.text_for(qid, view.respondent.partner, info),
        other_partners=[(p.id, p.name) for p in info.partners if p.id != view.respondent.partner],
    )


def _save_indicator(state: JoinState) -> None:
    if state.save_error:
        st.warning(state.save_error, icon=":material/warning:")
    elif state.pending:
        st.warning(
            f"{plural(len(state.pending), 'answer')} "
            f"{'is' if len(state.pending) == 1 else 'are'} NOT saved yet; "
            f"{'it is' if len(state.pending) == 1 else 'they are'} retried with your next click.",
            icon=":material/warning:",
        )
    elif state.saved_at:
        st.caption(f"✓ Saved at {state.saved_at:%H:%M:%S}")
    else:
        # Same line as the "Saved" note, so the page does not jump on the first answer.
        st.caption("Each answer is saved the moment you give it.")


def _on_change(svc: WorkshopService, token: str, answer: Answer | None, qid: str) -> None:
    """Questionnaire callback: keep the change, write it now, retry it if the DB refuses."""
    state = join_state()
    if answer is None:
        state.answers.pop(qid, None)
    else:
        state.answers[qid] = answer
    state.pending[qid] = answer
    _flush_pending(svc, state, token)
    state.hold_retry = bool(state.pending)


def _flush_pending(svc: WorkshopService, state: JoinState, token: str) -> None:
    """Write every unsaved change, oldest first; stop at the first storage failure."""
    for qid, answer in list(state.pending.items()):
        try:
            if answer is None:
                svc.clear_answer(token, qid)
            else:
                svc.save_answer(token, answer)
        except StorageError as exc:
            state.save_error = (
                f"Your last answer was NOT saved: {exc} It is kept on this page and sent "
                "again with your next click."
            )
            return
        except PartnershipFitError as exc:
            # Locked, revealed or no longer valid: the change cannot be kept; show the
            # stored answers again rather than a draft that will never be saved.
            state.pending.clear()
            state.loaded_for = None
            state.save_error = f"Your answer was NOT saved: {exc}"
            return
        state.pending.pop(qid, None)
        state.saved_at = datetime.now()
    state.save_error = None


def _on_finish(svc: WorkshopService, token: str) -> None:
    state = join_state()
    _flush_pending(svc, state, token)
    if state.pending:
        state.save_error = (
            "You have answers that are NOT saved yet, so you are not handed in. "
            "Try again in a moment."
        )
        return
    try:
        svc.finish(token)
    except PartnershipFitError as exc:
        state.save_error = str(exc)


def _reopen(svc: WorkshopService, token: str) -> None:
    try:
        svc.finish(token, finished=False)
    except PartnershipFitError as exc:
        join_state().save_error = str(exc)


def _wait_for_change(
    svc: WorkshopService, token: str, shown: WorkshopState, *, finished: bool
) -> None:
    """Poll in the background; redraw the whole page when the workshop state changes."""
    _poll(svc, token, shown.value, finished)


@st.fragment(run_every=WAIT_POLL)
def _poll(svc: WorkshopService, token: str, shown: str, finished: bool) -> None:
    try:
        view = svc.participant(token)
    except PartnershipFitError:
        return  # keep the page as it is; the next poll tries again
    if view.state.value != shown or view.finished != finished:
        st.rerun(scope="app")


def _revealed(svc: WorkshopService, token: str) -> None:
    scored = scored_or_error(lambda: svc.revealed_assessment_for_participant(token))
    if scored is None:
        return
    assessment, result = scored
    st.success("The facilitator has revealed the results.", icon=":material/celebration:")
    render_result_view(result, assessment, sections=WORKSHOP_SECTIONS, key_prefix="pf_ws_join_res_")
    record = assessment.workshop
    if record and (record.agreed or record.actions):
        st.subheader("Agreed so far")
        texts = {i.statement: i.text for c in result.characteristics for i in c.items}
        for item in record.agreed:
            flag = (
                " (could not agree; the more cautious rating was taken)"
                if item.disagreement
                else ""
            )
            st.markdown(
                f"- {texts.get(item.statement, item.statement)}: **{item.agreed_rating}**{flag}"
            )
        for action in record.actions:
            due = f", due {action.due.isoformat()}" if action.due else ""
            st.markdown(f"- Action: **{action.title}** — {action.owner}{due}")
