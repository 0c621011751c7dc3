"""The facilitator's side of a workshop: create, invite, watch progress, reveal, discuss, export.

`pages/facilitator.py` only calls `render_facilitator_page()`. The facilitator's secret token
lives in the URL (`?t=`): that link is the only key to the workshop's controls and results.
The same link also deletes the workshop for good, after the join code is typed as a check.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import streamlit as st

from partnership_core import links
from partnership_core.assessment import MAX_PARTNERS, MIN_PARTNERS, Assessment, parse_assessment
from partnership_core.bank import (
    PARTNERSHIP_TYPE_LABELS,
    SPINE_BANK_ID,
    LevelId,
    PartnershipType,
    QuestionBank,
)
from partnership_core.errors import PartnershipFitError, WorkshopError
from partnership_core.plan import SessionPlan, planned_statements, session_minutes
from partnership_core.results import AssessmentResult
from partnership_core.sectors import partnership_type_for
from partnership_core.text import name_key, normalise_name, plural
from partnership_core.workshop import (
    Dashboard,
    ParticipantProgress,
    WorkshopService,
    WorkshopState,
    normalise_join_code,
)
from partnership_core.workshop.rules import left_out_note, plan_summary, planned_answers

from .. import notify
from ..context import base_url
from ..data import available_banks, bank_set, workshop_service
from ..literal import literal
from ..privacy import render_expiry_warning
from ..push import watch_room
from ..state import facilitator_state, forget_workshop_state
from ..widgets.downloads import DownloadKeys, render_downloads
from ..widgets.result_view import WORKSHOP_SECTIONS, render_result_view
from ..widgets.sector import sector_input
from .discussion import render_discussion
from .facilitator_room import (
    auto_reveal_caption,
    create_options,
    render_create_options,
    render_failed_saves,
    render_headcounts,
    render_people,
    render_private_link,
    render_reachability,
    render_room_link,
)
from .invitation import render_invitation
from .workshop_common import (
    fresh_dashboard,
    kept_open_expander,
    qr_png,
    reveal_and_rerun,
    scored_or_error,
    show_error,
    show_invalid_link,
)

__all__ = [
    "DASHBOARD_POLL",
    "token_from_link",
    "render_facilitator_page",
]

DASHBOARD_POLL = "3s"
_COUNTERS_PER_ROW = 3
_DOWNLOAD_KEYS = DownloadKeys(
    json="pf_ws_export",
    prepare="pf_ws_report_make",
    pdf="pf_ws_report_pdf",
    html="pf_ws_report_html",
)
_VIEWS = {
    "results": ":material/insights: Results",
    "discussion": ":material/forum: Discussion",
    "export": ":material/download: Export and files",
}


def token_from_link(text: str) -> str | None:
    """The facilitator token in a pasted link (`...?t=TOKEN`) or a bare token, else None."""
    text = text.strip()
    if not text:
        return None
    if "?" in text or "://" in text:
        values = parse_qs(urlsplit(text).query).get(links.FACILITATOR_PARAM)
        return values[0] if values else None
    return text if re.fullmatch(r"[A-Za-z0-9_-]{16,128}", text) else None


def render_facilitator_page() -> None:
    """The whole facilitator page: the creation form, or the workshop behind `?t=`."""
    try:
        svc = workshop_service()
    except PartnershipFitError as exc:
        show_error(exc)
        return
    token = st.query_params.get(links.FACILITATOR_PARAM)
    if not token:
        _create_form(svc)
        return
    try:
        dash = svc.dashboard(token)
    except WorkshopError as exc:
        show_invalid_link(
            "Facilitate a workshop",
            exc,
            button="Create a new workshop instead",
            key="pf_ws_new_instead",
        )
        return
    except PartnershipFitError as exc:
        show_error(exc)
        return
    render_expiry_warning(token)
    state = facilitator_state()
    st.title(literal(dash.workshop.name))
    if state.message:
        st.success(state.message, icon=":material/check_circle:")
        state.message = None
    st.caption(plan_summary(dash.workshop))
    render_private_link(token, dash.workshop.has_room)
    state.just_created = False
    join_key = render_room_link(svc, token) if dash.workshop.has_room else None
    if dash.state == WorkshopState.REVEALED:
        _revealed(svc, token, dash)
    elif not dash.workshop.has_room:
        render_invitation(svc, token, dash)
    else:
        render_reachability()
        _invite(dash, join_key)
        st.subheader("Who is answering")
        _dashboard_fragment(token, dash.workshop.workshop_id, dash.state.value)
        with kept_open_expander("People expected per partner", "pf_ws_expected_open"):
            render_headcounts(svc, token, dash)
        with kept_open_expander("Add an offline participant's file", "pf_ws_import_open"):
            _import_form(svc, token, dash)
    _delete_section(svc, token, dash)


# ---------------------------------------------------------------------------- creation


def _create_form(svc: WorkshopService) -> None:
    st.title("Facilitate a workshop")
    st.markdown(
        "Everyone answers on their own phone or laptop, without seeing the others' answers. "
        "When you reveal, the room looks at the comparison together and agrees what to do."
    )
    state = facilitator_state()
    try:
        banks = available_banks()
    except PartnershipFitError as exc:
        show_error(exc)
        return
    with st.container(border=True):
        st.text_input(
            "Name of the partnership",
            max_chars=200,
            placeholder="e.g. Food bank × grocery chain: surplus food programme",
            key="pf_ws_new_name",
        )
        st.selectbox(
            "Type of partnership",
            options=list(PartnershipType),
            format_func=PARTNERSHIP_TYPE_LABELS.__getitem__,
            index=list(PartnershipType).index(PartnershipType.OTHER),
            key="pf_ws_new_type",
        )
        st.multiselect(
            "Question banks",
            options=list(banks),
            default=[SPINE_BANK_ID] if SPINE_BANK_ID in banks else [],
            format_func=lambda b: banks[b].title,
            key="pf_ws_new_banks",
            help="The three-level framework is the default; the others add questions.",
        )
        count = st.number_input(
            "Number of partner organisations",
            min_value=MIN_PARTNERS,
            max_value=MAX_PARTNERS,
            value=max(len(state.partner_names), MIN_PARTNERS),
            step=1,
            key="pf_ws_new_count",
        )
        cols = st.columns(2)
        for i in range(int(count)):
            cols[i % 2].text_input(f"Partner {i + 1}", max_chars=200, key=f"pf_ws_new_partner_{i}")
        _sector_fields(int(count))
        st.toggle(
            "Also ask everyone to guess how the other side will answer",
            value=False,
            key="pf_ws_new_predict",
            help="Guesses show where the partners misread each other.",
        )
        st.toggle(
            "Reveal automatically when the people expected have finished",
            value=False,
            key="pf_ws_new_auto",
        )
        render_create_options(int(count))
        _session_plan_fields()
        _session_estimate(banks, int(count))
        clicked = st.button("Create the workshop", type="primary", key="pf_ws_create")
    if clicked:
        _create(svc, int(count))
    _open_existing()


def _sector_fields(count: int) -> None:
    """Each partner's sector; once all are said, the partnership type follows from them."""
    cols = st.columns(2)
    for i in range(count):
        with cols[i % 2]:
            sector_input(f"Sector, organisation {i + 1}", None, f"pf_ws_new_sector_{i}")
    derived = partnership_type_for(
        [st.session_state.get(f"pf_ws_new_sector_{i}") for i in range(count)]
    )
    if derived is not None:
        st.caption(
            f"Type of partnership, from the sectors: {PARTNERSHIP_TYPE_LABELS[derived]} "
            "(used whatever type is chosen above)."
        )


def _session_plan_fields() -> None:
    """A shorter session: fewer levels or the core set, importance switched off."""
    with st.expander("Length of the session"):
        st.toggle(
            "Core set only (at least one statement per characteristic)",
            value=False,
            key="pf_ws_new_core",
        )
        st.multiselect(
            "Levels to assess",
            options=list(LevelId),
            default=list(LevelId),
            format_func=lambda level: level.value.capitalize(),
            key="pf_ws_new_levels",
        )
        st.checkbox(
            "Ask how much each characteristic matters", value=True, key="pf_ws_new_importance"
        )


def _chosen_plan() -> SessionPlan:
    """The session plan the create form shows; guesses follow the guessing toggle."""
    return SessionPlan(
        levels=tuple(st.session_state.get("pf_ws_new_levels") or LevelId),
        core_only=bool(st.session_state.get("pf_ws_new_core", False)),
        ask_importance=bool(st.session_state.get("pf_ws_new_importance", True)),
        ask_guesses=bool(st.session_state.get("pf_ws_new_predict", False)),
    )


def _session_estimate(banks: dict[str, QuestionBank], count: int) -> None:
    """How many statements each person answers, and about how long it takes."""
    chosen = [b for b in st.session_state.get("pf_ws_new_banks") or [] if b in banks]
    if not chosen:
        return
    sectors = [st.session_state.get(f"pf_ws_new_sector_{i}") for i in range(count)]
    ptype = partnership_type_for(sectors) or PartnershipType(st.session_state["pf_ws_new_type"])
    plan = _chosen_plan()
    n = len(planned_statements(bank_set(tuple(chosen)), ptype, plan))
    minutes = session_minutes(n, plan, count - 1)
    st.caption(f"Each person answers {plural(n, 'statement')}, about {plural(minutes, 'minute')}.")


def _open_existing() -> None:
    with kept_open_expander("Open a workshop you already created", "pf_ws_open_open"):
        st.text_input(
            "Paste your facilitator link",
            key="pf_ws_open_link",
            placeholder="https://…/facilitator?t=…",
        )
        if not st.button("Open", key="pf_ws_open"):
            return
        found = token_from_link(st.session_state.get("pf_ws_open_link") or "")
        if found is None:
            st.error(
                "That is not a facilitator link. It looks like …/facilitator?t=… "
                "— copy the whole link you bookmarked.",
                icon=":material/error:",
            )
        else:
            st.query_params[links.FACILITATOR_PARAM] = found
            st.rerun()


def _create(svc: WorkshopService, count: int) -> None:
    name = normalise_name(st.session_state.get("pf_ws_new_name") or "")
    partner_names = [
        normalise_name(st.session_state.get(f"pf_ws_new_partner_{i}") or "") for i in range(count)
    ]
    bank_ids = list(st.session_state.get("pf_ws_new_banks") or [])
    problems = []
    if not name:
        problems.append("give the partnership a name")
    if not bank_ids:
        problems.append("choose at least one question bank")
    empty = [str(i + 1) for i, n in enumerate(partner_names) if not n]
    if empty:
        problems.append(f"name partner {', '.join(empty)}")
    keys = [name_key(n) for n in partner_names if n]
    if len(set(keys)) != len(keys):
        problems.append("give every partner its own name")
    if problems:
        st.error(
            "Before creating the workshop: " + "; ".join(problems) + ".", icon=":material/error:"
        )
        return
    try:
        created = svc.create_workshop(
            name,
            PartnershipType(st.session_state["pf_ws_new_type"]),
            bank_ids,
            partner_names,
            ask_predictions=bool(st.session_state.get("pf_ws_new_predict")),
            auto_reveal=bool(st.session_state.get("pf_ws_new_auto")),
            **create_options(count),
            sectors=[st.session_state.get(f"pf_ws_new_sector_{i}") for i in range(count)],
            plan=_chosen_plan(),
        )
    except PartnershipFitError as exc:
        show_error(exc)
        return
    state = facilitator_state()
    state.just_created = True
    state.message = (
        "Workshop created. Bookmark your private link (in the closed box below), then open "
        "the room view on the projector."
    )
    st.query_params.clear()
    st.query_params[links.FACILITATOR_PARAM] = created.facilitator_token
    st.rerun()


# ---------------------------------------------------------------------------- before reveal


def _invite(dash: Dashboard, join_key: str | None) -> None:
    """What the room sees: the code in large type, the join link and its QR code (whose
    join key gets past the wrong-code slow-down)."""
    link = links.join_link(base_url(), dash.join_code, join_key)
    with st.container(border=True):
        st.markdown(
            '<div style="text-align:center">Join on your phone or laptop with the code</div>'
            '<div class="pf-join-code" style="text-align:center;font-family:ui-monospace,'
            "SFMono-Regular,Menlo,monospace;font-weight:700;font-size:clamp(2rem,9vw,4.5rem);"
            f'letter-spacing:.06em;line-height:1.15;white-space:nowrap">{dash.join_code}</div>',
            unsafe_allow_html=True,
        )
        left, right = st.columns([3, 2], vertical_alignment="center")
        with left:
            st.markdown("Scan the QR code, or open this link:")
            st.markdown(f"[{link}]({link})")
        with right:
            st.image(qr_png(link), caption="Scan to join")


@st.fragment(run_every=DASHBOARD_POLL)
def _dashboard_fragment(token: str, workshop_id: str, shown_state: str) -> None:
    """Live progress, redrawn every few seconds on its own, and at once when the room
    changes in this process (an automatic reveal: `push`); the rest of the page stays.
    "Manage people" is redrawn with it, so that whoever the progress shows can be chosen."""
    watch_room(workshop_id)
    svc = workshop_service()
    dash = fresh_dashboard(svc, token, shown_state)
    if dash is None:
        return
    render_failed_saves(dash)
    _progress(dash)
    _lock_and_reveal(svc, token, dash)
    with kept_open_expander("Manage people: remove or move someone", "pf_ws_people_open"):
        render_people(svc, token, dash)


def _progress(dash: Dashboard) -> None:
    """Who joined and finished, per partner and per person."""
    people = dash.participants
    done = sum(1 for p in people if p.finished)
    joined, finished = st.columns(2)
    joined.metric("Joined", len(people))
    finished.metric("Finished", f"{done} of {len(people)}")
    partners = dash.workshop.partners
    # At most three counters a row: five or more side by side cut "0/2 done" to "0/2 d…".
    for start in range(0, len(partners), _COUNTERS_PER_ROW):
        row = st.columns(_COUNTERS_PER_ROW)
        for col, partner in zip(row, partners[start : start + _COUNTERS_PER_ROW], strict=False):
            mine = [p for p in people if p.partner_id == partner.id]
            col.metric(literal(partner.name), f"{sum(p.finished for p in mine)}/{len(mine)} done")
    missing = [
        p.name for p in dash.workshop.partners if not any(x.partner_id == p.id for x in people)
    ]
    if missing:
        st.caption("Nobody has joined yet for: " + literal(", ".join(missing)))
    if not people:
        st.info(
            "Nobody has joined yet. Show the code above to the room.",
            icon=":material/hourglass_empty:",
        )
    elif dash.workshop.anonymity.hide_names:
        # Names stay on the facilitator's own screen; this box starts closed.
        with st.expander("Each person's progress, by name (not for the projector)"):
            _people_table(people)
    else:
        _people_table(people)
    if dash.state == WorkshopState.OPEN and dash.workshop.auto_reveal:
        st.caption(literal(auto_reveal_caption(dash)))


def _people_table(people: list[ParticipantProgress]) -> None:
    now = datetime.now(UTC)
    st.dataframe(
        [
            {
                "Name": p.name + (" (file)" if p.offline else ""),
                "Organisation": p.partner_name,
                "Progress": p.answered / p.total if p.total else 0.0,
                "Answered": f"{p.answered}/{p.total}",
                "Finished": "✓ finished" if p.finished else "answering",
                "Last active": _ago(now, p.last_seen),
            }
            for p in people
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "Progress": st.column_config.ProgressColumn(
                "Progress", min_value=0.0, max_value=1.0, format="percent"
            )
        },
    )


def _lock_and_reveal(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    people = dash.participants
    c1, c2 = st.columns(2)
    locked = dash.state == WorkshopState.LOCKED
    if c1.button(
        "Unlock answering" if locked else "Lock answering",
        icon=":material/lock_open:" if locked else ":material/lock:",
        key="pf_ws_lock",
        width="stretch",
        help="Locked: nobody can join or change answers until you unlock.",
    ):
        try:
            svc.set_locked(token, not locked)
        except PartnershipFitError as exc:
            show_error(exc)
            return
        st.rerun(scope="app")
    unfinished = sum(1 for p in people if not p.finished)
    anyway = True
    if people and unfinished:
        anyway = c2.checkbox(
            f"Reveal although {unfinished} of {len(people)} have not finished",
            key="pf_ws_reveal_anyway",
        )
    if c2.button(
        "Reveal the answers",
        key="pf_ws_reveal",
        type="primary",
        width="stretch",
        disabled=not people or not anyway,
        help="Final: everyone sees all answers; nobody can change them afterwards.",
    ):
        reveal_and_rerun(svc, token, "Answers revealed.")


def _ago(now: datetime, then: datetime) -> str:
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(int((now - then).total_seconds()), 0)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def _import_form(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    st.markdown(
        "Someone who answered offline (with the solo assessment) can send you their exported "
        "`.json` file; their answers join this workshop as if they had answered here."
    )
    state = facilitator_state()
    upload = st.file_uploader(
        "Assessment file (.json)", type=["json"], key=f"pf_ws_import_{state.import_round}"
    )
    if upload is None:
        return
    try:
        offline = parse_assessment(upload.getvalue(), source=upload.name)
    except PartnershipFitError as exc:
        show_error(exc)
        return
    if not offline.respondents:
        st.error(
            f"{literal(upload.name)}: has no respondents, so there is nothing to add.",
            icon=":material/error:",
        )
        return
    workshop_partners = {p.id: p.name for p in dash.workshop.partners}
    by_name = {name_key(n): pid for pid, n in workshop_partners.items()}
    partner_map: dict[str, str] = {}
    _, left_out = planned_answers(dash.workshop, offline)
    st.markdown(
        f"**{literal(upload.name)}**: {plural(len(offline.respondents), 'respondent')}, "
        f"{plural(len(offline.answers), 'answer')}. {left_out_note(left_out, imported=False)}"
    )
    for partner in offline.partners:
        people = [r.name for r in offline.respondents if r.partner == partner.id]
        if not people:
            continue
        options = list(workshop_partners)
        default = by_name.get(name_key(partner.name))
        chosen = st.selectbox(
            f"{literal(', '.join(people))} answered for '{literal(partner.name)}' — add them to",
            options=options,
            index=options.index(default) if default in options else None,
            format_func=workshop_partners.__getitem__,
            key=f"pf_ws_import_map_{state.import_round}_{partner.id}",
        )
        if chosen:
            partner_map[partner.id] = chosen
    needed = {r.partner for r in offline.respondents}
    if st.button(
        "Add these answers to the workshop",
        key=f"pf_ws_import_go_{state.import_round}",
        disabled=not needed <= set(partner_map),
    ):
        try:
            added = svc.import_assessment(token, offline, partner_map)
        except PartnershipFitError as exc:
            show_error(exc)
            return
        state.import_round += 1
        note = left_out_note(left_out)
        state.message = f"Added {added} respondent(s) from {literal(upload.name)}. {note}".strip()
        st.rerun()


# ---------------------------------------------------------------------------- after reveal


def _revealed(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    scored = scored_or_error(lambda: svc.assessment(token), dash.workshop.anonymity)
    if scored is None:
        return
    assessment, result = scored
    revealed = dash.workshop.revealed_at
    st.caption(
        f"Revealed{f' at {revealed:%H:%M}' if revealed else ''} · {len(assessment.respondents)} "
        f"people from {len(assessment.partners)} organisations"
    )
    # A server-side choice rather than st.tabs: the view survives every rerun (recording an
    # agreement, the dashboard poll) and only the chosen view is drawn.
    view = st.segmented_control(
        "View",
        options=list(_VIEWS),
        format_func=_VIEWS.__getitem__,
        default="results",
        required=True,
        key="pf_ws_view",
        label_visibility="collapsed",
        width="stretch",
    )
    if view == "discussion":
        render_discussion(svc, token, assessment, result)
    elif view == "export":
        _export(assessment, result)
        with kept_open_expander("Add an offline participant's file", "pf_ws_import_open"):
            _import_form(svc, token, dash)
    else:
        render_result_view(
            result, assessment, sections=WORKSHOP_SECTIONS, key_prefix="pf_ws_fac_res_"
        )


def _export(assessment: Assessment, result: AssessmentResult) -> None:
    st.markdown(
        "The whole workshop — partners, everyone's answers, agreements and actions — as one "
        "assessment file. It opens again in this tool and in the command line. The summary "
        "report has the verdict, charts, agenda, agreements and actions."
    )
    render_downloads(
        assessment,
        result,
        bank_set(tuple(assessment.banks)),
        keys=_DOWNLOAD_KEYS,
        json_label="Download the workshop (.json)",
        json_help="Open it again from Home, or in the command line.",
        fallback_stem="workshop",
    )
    if assessment.workshop and assessment.workshop.actions:
        st.markdown("**All actions**")
        render_actions_table(assessment)


def render_actions_table(assessment: Assessment) -> None:
    """Every agreed action as a table (owner, due date)."""
    actions = assessment.workshop.actions if assessment.workshop else []
    st.dataframe(
        [
            {"Action": a.title, "Owner": a.owner, "Due": a.due.isoformat() if a.due else ""}
            for a in actions
        ],
        hide_index=True,
        width="stretch",
    )


# ---------------------------------------------------------------------------- deletion


def _delete_section(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    """Delete the workshop for good, once the facilitator has typed its join code."""
    with kept_open_expander(":material/delete_forever: Delete this workshop", "pf_ws_delete_open"):
        st.markdown(
            "Deleting removes **everything** stored for this workshop: every answer, every "
            "participant's name and comments, the agreements and the actions. Every "
            f"participant link and the join code **{dash.join_code}** stop working, and so "
            "does your facilitator link. This cannot be undone."
        )
        if dash.state == WorkshopState.REVEALED:
            st.markdown(
                "To keep a record, first download the workshop file and the summary under "
                "**Export and files**."
            )
        else:
            st.markdown(
                "The answers are still hidden, so nothing of them can be downloaded: reveal "
                "first and use **Export and files** if you want to keep a record."
            )
        with st.form("pf_ws_delete_form", border=False):
            st.text_input(
                f"To confirm, type the join code {dash.join_code}",
                key="pf_ws_delete_code",
                placeholder=dash.join_code,
            )
            confirmed = st.form_submit_button(
                "Delete the workshop for good",
                type="primary",
                icon=":material/delete_forever:",
            )
        if confirmed:
            _delete(svc, token, dash)


def _delete(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    typed = normalise_join_code(st.session_state.get("pf_ws_delete_code") or "")
    if typed != normalise_join_code(dash.join_code):
        st.error(
            f"The code typed does not match this workshop's join code {dash.join_code}; "
            "nothing was deleted. Type the code shown above to confirm.",
            icon=":material/error:",
        )
        return
    try:
        svc.delete_workshop(token)
    except PartnershipFitError as exc:
        show_error(exc)
        return
    forget_workshop_state()
    notify(
        f"The workshop “{literal(dash.workshop.name)}” and everything stored for it are deleted. "
        "Its links and join code no longer work."
    )
    # Without `?t=` the page shows the creation form; a stale link in the address bar
    # would only lead to "not valid" on the next reload.
    st.query_params.clear()
    st.rerun()
