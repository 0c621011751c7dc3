"""Invitation by link: "Invite your partner(s)" on the solo side, and the owner's page of a
workshop without a room (each partner's link, the code and the QR code, progress per partner,
"Open the results now").

The owner's page is the facilitator page (`?t=`) of that workshop: `facilitator.py` calls
`render_invitation` where a room's workshop shows its room controls. The partner's side is
the ordinary join page, whose link here already picks the partner's organisation.
"""

from __future__ import annotations

import streamlit as st

from partnership_core import links
from partnership_core.assessment import Assessment
from partnership_core.errors import PartnershipFitError, WorkshopError
from partnership_core.results import AssessmentResult
from partnership_core.text import join_names, plural
from partnership_core.workshop import (
    Dashboard,
    ParticipantView,
    PartnerProgress,
    WorkshopService,
    WorkshopState,
    format_join_code,
)
from partnership_core.workshop.invite import opening_rule, owner_token, waiting_for

from ..autosave import save_draft
from ..context import base_url
from ..data import bank_set, workshop_service
from ..literal import literal
from ..push import watch_room
from ..state import facilitator_state, forget_workshop_state, solo_state
from ..widgets.downloads import DownloadKeys, render_downloads
from .facilitator_room import render_headcounts, render_people
from .workshop_common import (
    fresh_dashboard,
    kept_open_expander,
    qr_png,
    reveal_and_rerun,
    show_error,
)

__all__ = [
    "INVITED",
    "INVITE_POLL",
    "render_invitation",
    "render_invite_entry",
    "render_shared_downloads",
    "waiting_note",
]

INVITE_POLL = "3s"
INVITED = (
    "Answer for your own organisation, on this device and in your own time: each answer is "
    "saved as you give it. Nobody sees anyone's answers until every partner has finished "
    "or the person who invited you opens the results; then everyone invited sees them."
)
_PARTNER_DOWNLOAD_KEYS = DownloadKeys(
    json="pf_inv_export", prepare="pf_inv_report_make", pdf="pf_inv_pdf", html="pf_inv_html"
)


# ---------------------------------------------------------------------------- solo side


def render_invite_entry() -> None:
    """The solo assessment's way to a shared one: a box with the "Invite" button."""
    solo = solo_state()
    if not solo.started:
        return
    with st.container(border=True, key="pf_invite_entry"):
        st.subheader(":material/send: Invite your partner(s)")
        st.markdown(
            "Send each partner organisation a link. Their people answer for their own "
            "organisation, on their own devices and in their own time, without seeing your "
            "answers. You see who has answered and how far; the results open to everyone "
            "invited once every partner has finished, or when you open them."
        )
        invited = facilitator_state().invitations.get(_solo_key())
        if invited:
            st.markdown(
                "You have sent an invitation from this assessment: follow who has answered, "
                "and see the shared results, on its page."
            )
            if st.button("Open the shared assessment", type="primary", key="pf_invite_open_own"):
                _open_owner_page(invited)
            return
        st.caption(
            "Your own answers go with the invitation. Your estimates of the partners stay "
            "in this assessment: the shared one compares their real answers."
        )
        if st.button("Invite your partner(s)", type="primary", key="pf_invite_start"):
            _invite()


def _invite() -> None:
    solo = solo_state()
    try:
        created = workshop_service().invite_partners(
            solo.build(),
            solo.own_respondent,
            owner_finished=solo.own_respondent in solo.finished,
        )
    except PartnershipFitError as exc:
        show_error(exc)
        return
    sent = facilitator_state().invitations
    forget_workshop_state()  # nothing of another workshop this session opened
    state = facilitator_state()
    state.invitations = {**sent, _solo_key(): created.facilitator_token}
    save_draft()  # the draft remembers the invitation: a reload finds its page again
    state.message = (
        "Your invitation is ready. Send each partner their link below, and bookmark this "
        "page: its address is your private key to the shared assessment."
    )
    _open_owner_page(created.facilitator_token)


def _solo_key() -> str:
    """Which solo assessment this is, for the invitations this session sent."""
    assessment = solo_state().assessment
    return assessment.created_at.isoformat() if assessment is not None else ""


def _open_owner_page(token: str) -> None:
    st.switch_page("pages/facilitator.py", query_params={links.FACILITATOR_PARAM: token})


# ---------------------------------------------------------------------------- owner's page


def render_invitation(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    """The owner's page before the results open: links, own answers, progress, controls."""
    try:
        join_key = svc.links(token).join_key
    except PartnershipFitError as exc:
        show_error(exc)
        return
    mine = _owner_view(svc, token)
    st.caption(
        "Shared by link: everyone answers for their own organisation, on their own device and "
        "in their own time. Nobody sees anyone else's answers until the results open."
    )
    own = mine.respondent.partner if mine is not None else None
    for partner in dash.workshop.partners:
        if partner.id != own:
            _partner_invite(dash, join_key, partner.id, partner.name)
    if mine is not None:
        _own_answers(mine, token)
    st.subheader("Who has answered")
    _progress_fragment(token, dash.workshop.workshop_id, dash.state.value)
    with st.expander("People expected per partner"):
        render_headcounts(svc, token, dash)


def _partner_invite(dash: Dashboard, join_key: str, partner_id: str, name: str) -> None:
    """One partner's link (it picks their organisation), the code and the QR code."""
    link = links.partner_join_link(base_url(), dash.join_code, join_key, partner_id)
    with st.container(border=True, key=f"pf_invite_{partner_id}"):
        st.markdown(f"**Invite {literal(name)}**")
        left, right = st.columns([3, 1], vertical_alignment="center")
        with left:
            st.markdown(f"Send this link to the people who answer for {literal(name)}:")
            st.code(link, language=None, wrap_lines=True)
            st.markdown(
                f"Or they open **{literal(base_url())}/join** and type the code "
                f"**{format_join_code(dash.join_code)}**."
            )
        with right:
            st.image(qr_png(link, scale=5), caption="Or scan", width=140)


def _owner_view(svc: WorkshopService, token: str) -> ParticipantView | None:
    """The owner's own answers; None once the owner removed themselves under "Manage
    people" (then every partner, theirs too, is invited like the others)."""
    try:
        return svc.participant(owner_token(token))
    except WorkshopError:
        return None
    except PartnershipFitError as exc:
        show_error(exc)
        return None


def _own_answers(mine: ParticipantView, token: str) -> None:
    total = len(mine.workshop.statements)
    done = sum(1 for q in mine.workshop.statements if q in mine.own_answers)
    partner = next(p.name for p in mine.workshop.partners if p.id == mine.respondent.partner)
    state = "handed in" if mine.finished else "not handed in yet"
    st.markdown(
        f"**Your answers for {literal(partner)}**: {done} of {total}, {state}. The others "
        "see them only when the results open."
    )
    st.link_button(
        "Review or change your answers" if mine.finished else "Finish your answers",
        links.resume_link(base_url(), owner_token(token)),
        icon=":material/edit:",
    )


@st.fragment(run_every=INVITE_POLL)
def _progress_fragment(token: str, workshop_id: str, shown_state: str) -> None:
    """Progress per partner, redrawn every few seconds; the page reloads once the results
    open by themselves (at once when that happens in this process: `push`)."""
    watch_room(workshop_id)
    svc = workshop_service()
    dash = fresh_dashboard(svc, token, shown_state)
    if dash is None:
        return
    for partner in dash.partners:
        _partner_progress(partner)
    st.caption(literal(opening_rule(dash.partners)))
    _open_now(svc, token, dash)
    # Redrawn with the progress, so that whoever has just joined can be chosen here too.
    with kept_open_expander("Manage people: remove or move someone", "pf_ws_people_open"):
        render_people(svc, token, dash)


def _partner_progress(p: PartnerProgress) -> None:
    if not p.joined:
        text = f"{p.name}: nobody has started yet"
    else:
        text = (
            f"{p.name}: {p.joined} started, {p.finished} finished · "
            f"{p.answered} of {plural(p.possible, 'answer')} given"
        )
    st.progress(p.answered / p.possible if p.possible else 0.0, text=literal(text))


def _open_now(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    """Open the results to everyone invited, also before everyone finished (final)."""
    waiting = waiting_for(dash.partners)
    anyway = True
    if waiting:
        verb = "has" if len(waiting) == 1 else "have"
        anyway = st.checkbox(
            f"Open although {literal(join_names(waiting))} {verb} not finished",
            key="pf_invite_anyway",
        )
    if st.button(
        "Open the results now",
        key="pf_invite_open",
        type="primary",
        disabled=not anyway or dash.state == WorkshopState.REVEALED,
        help="Final: everyone invited sees all answers; nobody can change them afterwards.",
    ):
        reveal_and_rerun(svc, token, "The results are open to everyone invited.")


# ---------------------------------------------------------------------------- partner's page


def waiting_note(has_room: bool) -> str:
    """What a participant who handed in reads while the answers are still hidden."""
    if has_room:
        return (
            "Thank you — your answers are in. The results appear here when the facilitator "
            "reveals them."
        )
    return (
        "Thank you — your answers are in. The results open here once every partner has "
        "finished, or when the person who invited you opens them. Keep your personal link to "
        "come back."
    )


def render_shared_downloads(assessment: Assessment, result: AssessmentResult) -> None:
    """After the results open, everyone invited can keep the file and the summary."""
    st.subheader("Keep the results")
    render_downloads(
        assessment,
        result,
        bank_set(tuple(assessment.banks)),
        keys=_PARTNER_DOWNLOAD_KEYS,
        json_label="Download the shared assessment (.json)",
        json_help="Open it again from Home, or in the command line.",
        fallback_stem="shared-assessment",
    )
