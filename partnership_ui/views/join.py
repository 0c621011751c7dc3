"""The participant's side of a workshop: join with a code, answer blind, see the reveal.

`pages/join.py` only calls `render_join_page()`. The participant's personal token lives in
the URL (`?p=`), with the questionnaire step they are on (`&step=`), so a reload, another tab
or another device resumes where they were; the answers live in the database, written the
moment they change, each against the version this page showed.

A fragment reads the room's version (one small read, shared by the screens of a workshop)
and redraws the page only when it changed: a lock, an unlock, the reveal, the item under
discussion, an agreement or an action, someone removed or moved. A change made in this
process runs that fragment at once (`push`), so it reaches the phone within a rerun; the
fragment also runs by itself every `WAIT_POLL` (10 s), for changes made in another process.
An answer the database refused stays on the page, marked as not saved yet, and while there
is one the fragment runs every `RETRY_POLL` and sends it again until it is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import streamlit as st

from partnership_core import links
from partnership_core.assessment import Answer, Assessment
from partnership_core.errors import PartnershipFitError, StorageError, WorkshopError
from partnership_core.results import AssessmentResult
from partnership_core.text import normalise_name, plural
from partnership_core.workshop import (
    AnonymityOptions,
    ParticipantView,
    WorkshopService,
    WorkshopState,
    format_join_code,
)

from ..context import base_url, client_key
from ..data import bank_set, room_state, workshop_service
from ..literal import literal
from ..privacy import render_erase_own_answers
from ..push import fallback_poll, watch_room
from ..state import JoinState, join_state, set_questionnaire_step
from ..widgets.questionnaire import render_questionnaire
from ..widgets.result_view import WORKSHOP_SECTIONS, render_result_view
from .invitation import INVITED, render_shared_downloads, waiting_note
from .workshop_common import (
    render_current_item,
    render_discussion_record,
    score,
    show_error,
    show_invalid_link,
)

__all__ = ["render_join_page", "RETRY_POLL", "WAIT_POLL"]

_Q_PREFIX = "pf_ws_q_"
# Changes made in this process are pushed; the poll is for those made in another process
# and a safety net (see `push.fallback_poll`).
WAIT_POLL = fallback_poll()
# While answers wait to be saved, the fragment sends them again (at most every `_RETRY_GAP`).
RETRY_POLL = "1s"
_TRIED_AT = "pf_ws_saves_tried_at"  # time.monotonic() when the last try to save them ended
_RETRY_GAP = 1.5  # seconds: the poll sends pending answers again at most this often


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
    url_code = st.query_params.get(links.CODE_PARAM)
    # Arriving by link or QR code: look the code up once, so people go straight to step 2.
    if url_code and state.auto_looked_up != url_code and state.info is None:
        state.auto_looked_up = url_code
        st.session_state["pf_ws_code"] = url_code
        _lookup(svc, state, url_code)
    invited = state.info is not None and not state.info.has_room
    st.title("You are invited to answer" if invited else "Join a workshop")
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
    st.markdown(f"### {literal(info.name)}")
    st.caption(f"Code {format_join_code(state.code or '')}")
    if not info.has_room:
        st.markdown(INVITED)
    if info.state == WorkshopState.LOCKED:
        st.warning(
            "The facilitator is not taking new participants right now (answering is "
            "locked). Ask them to unlock the workshop, then try again.",
            icon=":material/lock:",
        )
    elif info.state == WorkshopState.REVEALED:
        st.warning(
            "The results are out, so joining this workshop is closed. Follow the "
            "discussion on the room's screen.",
            icon=":material/lock:",
        )
    partner_ids = [p.id for p in info.partners]
    names = {p.id: p.name for p in info.partners}
    invited_as = st.query_params.get(links.PARTNER_PARAM)  # an invitation's link picks it
    with st.form("pf_ws_join_form", border=True):
        st.radio(
            "Which organisation do you answer for?",
            options=partner_ids,
            index=partner_ids.index(invited_as) if invited_as in partner_ids else None,
            format_func=lambda pid: literal(names[pid]),
            key="pf_ws_partner",
        )
        st.text_input("Your name (as the others will see it)", max_chars=200, key="pf_ws_name")
        submitted = st.form_submit_button("Join", type="primary")
    if st.button("Use another code", key="pf_ws_other_code", type="tertiary"):
        state.info, state.code = None, None
        st.query_params.pop(links.CODE_PARAM, None)
        st.query_params.pop(links.JOIN_KEY_PARAM, None)
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
        session = svc.join(
            state.code or "",
            partner,
            name,
            client_key(),
            join_key=st.query_params.get(links.JOIN_KEY_PARAM),
        )
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
        state.info = svc.lookup_code(
            code, client_key(), join_key=st.query_params.get(links.JOIN_KEY_PARAM)
        )
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
        _resume_step()
        state.answers = dict(view.own_answers)
        state.versions = dict(view.answer_versions)
        state.pending.clear()
        state.loaded_for = token

    _greeting(view, token)
    if view.state == WorkshopState.REVEALED:
        _revealed(svc, token, view)
    elif view.finished:
        _handed_in(svc, token, view.state, view.workshop.has_room)
    else:
        _answering(svc, state, token, view)
    if view.room is not None:
        poll = _retry_poll if state.pending else _poll
        poll(token, view.workshop.workshop_id, view.room.version)


def _resume_step() -> None:
    """A new session (a reload, another device) starts at the step in the address."""
    raw = st.query_params.get(links.STEP_PARAM)
    if raw and raw.isdigit():
        set_questionnaire_step(_Q_PREFIX, int(raw) - 1)


def _remember_step(step: int) -> None:
    """Keep the step in the address (1-based, as shown), so a reload comes back to it."""
    if st.query_params.get(links.STEP_PARAM) != str(step + 1):
        st.query_params[links.STEP_PARAM] = str(step + 1)


def _greeting(view: ParticipantView, token: str) -> None:
    info = view.workshop
    partner_name = next((p.name for p in info.partners if p.id == view.respondent.partner), "")
    st.title(literal(info.name))
    st.markdown(
        f"You answer for **{literal(partner_name)}** as **{literal(view.respondent.name)}**."
    )
    with st.container(border=True):
        st.markdown(
            ":material/bookmark: **Your personal link** — bookmark it to come back on any device. "
            "Keep it to yourself: it opens your answers."
        )
        st.code(links.resume_link(base_url(), token), language=None, wrap_lines=True)


def _handed_in(svc: WorkshopService, token: str, shown: WorkshopState, has_room: bool) -> None:
    st.success(waiting_note(has_room), icon=":material/check_circle:")
    if shown == WorkshopState.OPEN:
        st.button(
            "Change my answers",
            key="pf_ws_reopen",
            on_click=_reopen,
            args=(svc, token),
        )


def _answering(svc: WorkshopService, state: JoinState, token: str, view: ParticipantView) -> None:
    info = view.workshop
    locked = view.state == WorkshopState.LOCKED
    if locked:
        st.warning(
            "The facilitator has paused answering. Your answers so far are saved; this page "
            "carries on by itself when answering opens again.",
            icon=":material/lock:",
        )
    if not locked and not view.own_answers and not state.answers:
        _switch_partner(svc, token, view)
    others = [p.name for p in info.partners if p.id != view.respondent.partner]
    banks = bank_set(tuple(info.banks))
    outcome = render_questionnaire(
        banks=banks,
        statement_ids=list(info.statements),
        answers=state.answers,
        respondent_id=view.respondent.id,
        key_prefix=_Q_PREFIX,
        ask_prediction=info.ask_predictions,
        ask_importance=info.plan is None or info.plan.ask_importance,
        on_change=lambda answer, qid: _on_change(svc, token, answer, qid),
        read_only=locked,
        on_finish=lambda: _on_finish(svc, token),
        finish_label="Finish and hand in",
        other_partner_label=" / ".join(others) or "the other partner",
        statement_text=lambda qid: banks.text_for(qid, view.respondent.partner, info),
        other_partners=[(p.id, p.name) for p in info.partners if p.id != view.respondent.partner],
        render_status=lambda: _save_indicator(state),
    )
    _remember_step(outcome.step)
    if not locked and view.own_answers:
        render_erase_own_answers(token)


def _switch_partner(svc: WorkshopService, token: str, view: ParticipantView) -> None:
    """Chose the wrong organisation? Switch, as long as nothing is answered yet."""
    others = {p.id: p.name for p in view.workshop.partners if p.id != view.respondent.partner}
    with st.expander("Chose the wrong organisation?"):
        target = st.radio(
            "Answer for",
            options=list(others),
            format_func=others.__getitem__,
            key="pf_ws_switch_to",
        )
        if st.button("Switch organisation", key="pf_ws_switch"):
            try:
                svc.switch_partner(token, target)
            except PartnershipFitError as exc:
                show_error(exc)
                return
            st.rerun()


def _save_indicator(state: JoinState) -> None:
    if state.pending:
        # Said plainly and kept in sight until the database takes them: nothing is lost
        # while this page stays open.
        count = len(state.pending)
        st.warning(
            f"{plural(count, 'answer')} NOT saved yet — retrying. "
            f"{'It is' if count == 1 else 'They are'} kept on this page and sent again every "
            "few seconds by itself; keep this page open until it says “Saved”.",
            icon=":material/sync_problem:",
        )
    elif state.save_error:
        st.warning(state.save_error, icon=":material/warning:")
        state.save_error = None  # a refusal is said once
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
    if state.loaded_for is None or state.pending:
        # The whole page: the stored answers again when this one cannot be kept; with
        # answers waiting to be saved, the poll that sends them again.
        st.rerun()


def _flush_pending(svc: WorkshopService, state: JoinState, token: str) -> None:
    """Write every unsaved change, oldest first; stop at the first storage failure."""
    if not state.pending:
        return
    try:
        _write_pending(svc, state, token)
    finally:
        st.session_state[_TRIED_AT] = time.monotonic()  # when the last try ended


def _write_pending(svc: WorkshopService, state: JoinState, token: str) -> None:
    for qid, answer in list(state.pending.items()):
        version = state.versions.get(qid, 0)
        try:
            if answer is None:
                svc.clear_answer(token, qid, version=version)
                state.versions.pop(qid, None)
            else:
                svc.save_answer(token, answer, version=version)
                state.versions[qid] = version + 1
        except StorageError:
            # Kept in `pending`: the indicator says so and the poll sends them again. The
            # rest are not tried now (each try waits for the database), only counted.
            svc.report_unsaved(token, [q for q in state.pending if q != qid])
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


@st.fragment(run_every=WAIT_POLL)
def _poll(token: str, workshop_id: str, shown_version: int) -> None:
    """Redraw the whole page when the room changed (lock, reveal, discussion, people): run
    at once by a push, else every `WAIT_POLL`."""
    _retry_and_redraw(token, workshop_id, shown_version)


@st.fragment(run_every=RETRY_POLL)
def _retry_poll(token: str, workshop_id: str, shown_version: int) -> None:
    """`_poll` while answers wait to be saved: send them again; redraw the whole page when
    they are in (it then shows `_poll`)."""
    if not join_state().pending:
        st.rerun(scope="app")
    _retry_and_redraw(token, workshop_id, shown_version)


def _retry_and_redraw(token: str, workshop_id: str, shown_version: int) -> None:
    watch_room(workshop_id)
    state = join_state()
    # Not again right after a try (the click's own, or this page run's): each try of a
    # database that refuses writes waits for its timeout.
    if state.pending and time.monotonic() - st.session_state.get(_TRIED_AT, 0.0) >= _RETRY_GAP:
        _flush_pending(workshop_service(), state, token)
        if not state.pending:
            st.rerun(scope="app")
    try:
        room = room_state(workshop_id, token)
    except WorkshopError:
        st.rerun(scope="app")  # this link no longer works (removed): the page says so
    except PartnershipFitError:
        return  # keep the page as it is; the next poll tries again
    # Versions only grow; the room shared with the other screens may be older than this page.
    if room.version > shown_version:
        st.rerun(scope="app")


@st.cache_resource(max_entries=8, ttl=900, show_spinner=False)
def _revealed_results(
    workshop_id: str,
    room_version: int,
    _load: Callable[[], Assessment],
    _anonymity: AnonymityOptions,
) -> tuple[Assessment, AssessmentResult]:
    """The revealed results, loaded and scored once per workshop and room version for every
    participant's page: the reveal redraws all of them at once, and each loading every
    answer made the reveal's cost grow with the square of the room. Every participant of a
    workshop is shown the same results, and whatever changes them moves the room version on
    (frozen models: safe to share). `_load` must be a participant's check that the workshop
    is revealed; what it raises is raised and nothing kept."""
    assessment = _load()
    return assessment, score(assessment, _anonymity)


def _revealed(svc: WorkshopService, token: str, view: ParticipantView) -> None:
    # Said before the results are scored and drawn: the phone shows the change at once.
    has_room = view.workshop.has_room
    opened = "The facilitator has revealed" if has_room else "Everyone invited can now see"
    st.success(f"{opened} the results.", icon=":material/celebration:")
    anonymity = view.workshop.anonymity
    try:
        if view.room is None:  # no version to share the results by
            assessment = svc.revealed_assessment_for_participant(token)
            result = score(assessment, anonymity)
        else:
            assessment, result = _revealed_results(
                view.workshop.workshop_id,
                view.room.version,
                lambda: svc.revealed_assessment_for_participant(token),
                anonymity,
            )
    except PartnershipFitError as exc:
        show_error(exc)
        return
    try:
        discussion = svc.participant_discussion(token)
    except PartnershipFitError as exc:
        show_error(exc)
        discussion = None
    if discussion is not None:
        if has_room:  # an invitation by link has nobody picking items in a room
            render_current_item(discussion.room, result, tuple(assessment.banks))
        render_discussion_record(discussion, tuple(assessment.banks))
    render_result_view(result, assessment, sections=WORKSHOP_SECTIONS, key_prefix="pf_ws_join_res_")
    if not has_room:
        render_shared_downloads(assessment, result)
