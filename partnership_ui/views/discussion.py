"""The facilitator's discussion mode: walk the ranked agenda, record agreements and actions.

The item the facilitator is on is the room's current item (`set_discussion_item`): the room
view and the phones follow it, with the timer the facilitator starts. Agreements are saved
against the version this page showed and actions removed by their id, so a second tab with
an older copy is refused with a message instead of overwriting or removing the wrong one.

For each agenda item the room agrees one rating. Where the partners cannot agree, the
facilitator ticks "could not agree": the disagreement is recorded and the most cautious of
the partners' positions is taken (the rule is the core's `cautious_agreed_rating`, the
positions its `partner_positions`), so the record never looks better than the weakest view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from partnership_core.assessment import (
    Action,
    AgreedItem,
    Assessment,
    cautious_agreed_rating,
    partner_positions,
)
from partnership_core.bank import AnswerScale
from partnership_core.errors import PartnershipFitError
from partnership_core.results import AgendaItem, AssessmentResult
from partnership_core.text import format_score, join_names, normalise_name
from partnership_core.workshop import Discussion, WorkshopService

from ..data import bank_set
from ..literal import literal
from ..state import discussion_state
from ..widgets.result_view import partner_label
from .workshop_common import timer_left

__all__ = ["render_discussion", "render_actions"]


def render_discussion(
    svc: WorkshopService, token: str, assessment: Assessment, result: AssessmentResult
) -> None:
    """Draw the current agenda item with its agreement form and its actions."""
    state = discussion_state()
    agenda = result.agenda
    try:
        discussion = svc.discussion(token)
    except PartnershipFitError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    agreed = {a.statement: a for a in discussion.agreed}
    if state.message:
        st.success(literal(state.message), icon=":material/check_circle:")
        state.message = None
    if state.error:
        st.error(literal(state.error), icon=":material/error:")
        state.error = None
    if not agenda:
        st.success(
            "Nothing on the agenda: no statement shows a gap or a shared shortfall worth a "
            "discussion. Record any actions below.",
            icon=":material/check_circle:",
        )
        render_actions(svc, token, discussion, statement=None)
        return

    done = sum(1 for item in agenda if item.statement in agreed)
    st.progress(done / len(agenda), text=f"{done} of {len(agenda)} agenda items agreed")
    state.index = min(max(state.index, 0), len(agenda) - 1)
    jump_key = "pf_ws_agenda_jump"
    if st.session_state.get(jump_key) != state.index:
        st.session_state[jump_key] = state.index
    # Labels stay the same whatever is recorded: a selectbox whose option labels change
    # between reruns can hand its callback a stale label instead of the option.
    st.selectbox(
        "Agenda item",
        options=list(range(len(agenda))),
        format_func=lambda i: (
            f"{agenda[i].rank}. {agenda[i].characteristic_name}: {agenda[i].text[:70]}"
        ),
        key=jump_key,
        on_change=_jump,
        args=(jump_key, len(agenda)),
    )
    item = agenda[state.index]
    _follow(svc, token, discussion, item.statement)
    _render_item(svc, token, assessment, result, item, discussion)

    c1, c2 = st.columns(2)
    c1.button(
        "← Previous item",
        key="pf_ws_agenda_prev",
        disabled=state.index == 0,
        on_click=_step,
        args=(-1,),
        width="stretch",
    )
    c2.button(
        "Next item →",
        key="pf_ws_agenda_next",
        disabled=state.index >= len(agenda) - 1,
        on_click=_step,
        args=(1,),
        width="stretch",
    )


def _follow(svc: WorkshopService, token: str, discussion: Discussion, statement: str) -> None:
    """Make the item on this page the room's current item, then offer its timer."""
    if discussion.room.current_statement != statement:
        try:
            room = svc.set_discussion_item(token, statement)
        except PartnershipFitError as exc:
            st.error(str(exc), icon=":material/error:")
            return
    else:
        room = discussion.room
    left = timer_left(room)
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    minutes = c1.number_input(
        "Timer for this item (minutes)",
        min_value=1,
        max_value=240,
        value=5,
        step=1,
        key="pf_ws_timer_minutes",
    )
    if left:
        c2.button(
            f"Stop the timer ({left // 60}:{left % 60:02d} left)",
            key="pf_ws_timer_stop",
            on_click=_set_timer,
            args=(svc, token, statement, None),
            width="stretch",
        )
    else:
        c2.button(
            "Start the timer",
            icon=":material/timer:",
            key="pf_ws_timer_start",
            on_click=_set_timer,
            args=(svc, token, statement, int(minutes) * 60),
            width="stretch",
        )


def _set_timer(svc: WorkshopService, token: str, statement: str, seconds: int | None) -> None:
    try:
        svc.set_discussion_item(token, statement, timer_seconds=seconds)
    except PartnershipFitError as exc:
        discussion_state().error = str(exc)


def _jump(jump_key: str, count: int) -> None:
    value = st.session_state.get(jump_key)
    if isinstance(value, int) and 0 <= value < count:
        discussion_state().index = value


def _step(delta: int) -> None:
    discussion_state().index += delta


@dataclass(frozen=True)
class _Item:
    """One agenda statement as the agreement form needs it."""

    statement: str
    reverse: bool  # agreeing is the warning sign: the cautious rating is the higher one
    scale: AnswerScale
    positions: dict[str, int]  # partner id -> position (see `partner_positions`)
    partner_names: dict[str, str]


def _render_item(
    svc: WorkshopService,
    token: str,
    assessment: Assessment,
    result: AssessmentResult,
    item: AgendaItem,
    discussion: Discussion,
) -> None:
    existing = next((a for a in discussion.agreed if a.statement == item.statement), None)
    banks = bank_set(tuple(assessment.banks))
    reverse = banks.statements[item.statement][1].reverse
    context = _Item(
        statement=item.statement,
        reverse=reverse,
        scale=banks.scale_of(item.statement),
        positions=partner_positions(assessment, item.statement, reverse),
        partner_names=dict(result.partner_names),
    )
    _item_card(result, item, context)
    version = discussion.agreement_versions.get(item.statement, 0)
    _agreement_form(svc, token, context, existing, version)
    render_actions(svc, token, discussion, statement=item.statement)


def _item_card(result: AssessmentResult, item: AgendaItem, context: _Item) -> None:
    with st.container(border=True):
        st.caption(f"#{item.rank} · {item.characteristic_name} · {item.level.value} level")
        st.markdown(f"### {item.text}")
        st.markdown(literal(item.reason))
        cols = st.columns(max(len(result.partner_names), 1))
        for col, partner_id in zip(cols, result.partner_names, strict=True):
            score = item.scores.get(partner_id)
            position = context.positions.get(partner_id)
            col.metric(
                literal(partner_label(result, partner_id)),
                format_score(score) if score is None else f"{format_score(score)}/100",
                help="Score 0-100 (reverse-worded statements flipped).",
            )
            col.caption(
                "no rating"
                if position is None
                else f"their rating ≈ {context.scale.option(position)}"
            )
        if item.prompts:
            st.markdown("**To talk about**")
            for prompt in item.prompts:
                st.markdown(f"- {literal(prompt)}")


def _agreement_form(
    svc: WorkshopService, token: str, context: _Item, existing: AgreedItem | None, version: int
) -> None:
    key = f"pf_ws_agree|{context.statement}"
    with st.form(key=f"{key}|form", border=True):
        st.markdown("**What the partners agree**" + (" · ✓ recorded" if existing else ""))
        default = (
            existing.agreed_rating
            if existing
            else cautious_agreed_rating(3, True, context.positions, context.reverse)
        )
        st.radio(
            "Agreed rating",
            options=list(context.scale.labels),
            index=default - 1,
            format_func=context.scale.option,
            horizontal=True,
            key=f"{key}|rating",
        )
        st.checkbox(
            "The partners could not agree (record the disagreement and take the more cautious "
            "rating: "
            + (
                "the higher one, as this statement is a warning sign"
                if context.reverse
                else "the lower one"
            )
            + ")",
            value=existing.disagreement if existing else False,
            key=f"{key}|disagree",
        )
        st.text_area(
            "Notes",
            value=existing.notes if existing else "",
            max_chars=10000,
            key=f"{key}|notes",
        )
        st.form_submit_button(
            "Record agreement",
            type="primary",
            on_click=_record,
            args=(svc, token, key, context, version),
        )


def _record(svc: WorkshopService, token: str, key: str, context: _Item, version: int) -> None:
    state = discussion_state()
    chosen = int(st.session_state[f"{key}|rating"])
    disagree = bool(st.session_state[f"{key}|disagree"])
    rating = cautious_agreed_rating(chosen, disagree, context.positions, context.reverse)
    notes = (st.session_state.get(f"{key}|notes") or "").strip()
    try:
        svc.record_agreement(
            token,
            AgreedItem(
                statement=context.statement,
                agreed_rating=rating,
                disagreement=disagree,
                notes=notes,
            ),
            version=version,
        )
    except PartnershipFitError as exc:
        state.error = str(exc)
        return
    label = context.scale.option(rating)
    if disagree and context.positions:
        cautious = [
            context.partner_names.get(p, p) for p, r in context.positions.items() if r == rating
        ]
        state.message = (
            "Recorded as a disagreement; the more cautious rating was taken: "
            f"{label} ({join_names(cautious)})."
        )
    else:
        state.message = f"Agreement recorded: {label}."
    # The recorded value wins over what the form showed before.
    st.session_state[f"{key}|rating"] = rating


def render_actions(
    svc: WorkshopService, token: str, discussion: Discussion, statement: str | None
) -> None:
    """The actions agreed so far (all of them) and a form to add one, linked to `statement`."""
    st.markdown("**Actions**")
    if not discussion.actions:
        st.caption("No actions yet.")
    for index, item in enumerate(discussion.actions):
        action = item.action
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        due = f", due {action.due.isoformat()}" if action.due else ""
        here = " · this item" if statement and action.statement == statement else ""
        c1.markdown(f"- **{literal(action.title)}** — {literal(action.owner)}{due}{here}")
        c2.button(
            "Remove",
            key=f"pf_ws_action_rm|{index}|{item.id}",
            on_click=_remove_action,
            args=(svc, token, item.id),
        )
    key = f"pf_ws_action|{statement or 'general'}"
    with st.form(key=f"{key}|form", clear_on_submit=True, border=True):
        st.markdown("**Add an action**")
        st.text_input("What will be done", max_chars=500, key=f"{key}|title")
        c1, c2 = st.columns(2)
        c1.text_input("Owner (person or organisation)", max_chars=200, key=f"{key}|owner")
        c2.date_input("Due date", value=None, min_value=date(2000, 1, 1), key=f"{key}|due")
        st.form_submit_button("Add action", on_click=_add_action, args=(svc, token, key, statement))


def _add_action(svc: WorkshopService, token: str, key: str, statement: str | None) -> None:
    state = discussion_state()
    title = (st.session_state.get(f"{key}|title") or "").strip()
    owner = normalise_name(st.session_state.get(f"{key}|owner") or "")
    due = st.session_state.get(f"{key}|due")
    if not title or not owner:
        state.error = "An action needs both what will be done and an owner; nothing was added."
        return
    try:
        svc.add_action(token, Action(title=title, owner=owner, due=due, statement=statement))
    except PartnershipFitError as exc:
        state.error = str(exc)
        return
    state.message = f"Action added: {title} ({owner})."


def _remove_action(svc: WorkshopService, token: str, action_id: str) -> None:
    state = discussion_state()
    try:
        svc.remove_action(token, action_id)
    except PartnershipFitError as exc:
        state.error = str(exc)
        return
    state.message = "Action removed."
