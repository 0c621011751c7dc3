"""The facilitator's tools for a real room: the room view's link, the private link kept out
of sight, a warning when phones cannot reach the join address, the people expected per
partner, the anonymity options, and managing who is in the workshop.

`facilitator.py` calls each of these with one line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st

from partnership_core import links
from partnership_core.errors import PartnershipFitError
from partnership_core.text import join_names, plural
from partnership_core.workshop import (
    FAILED_SAVES_WINDOW,
    Dashboard,
    WorkshopService,
    WorkshopState,
)

from ..context import base_url
from ..literal import literal
from ..state import facilitator_state
from .workshop_common import show_error

__all__ = [
    "auto_reveal_caption",
    "render_failed_saves",
    "create_options",
    "render_create_options",
    "render_headcounts",
    "render_people",
    "render_private_link",
    "render_room_link",
    "render_reachability",
]

_HEADCOUNT_KEY = "pf_ws_new_expected_{}"
_DEFAULT_MIN_GROUP = 3


# ---------------------------------------------------------------------------- creation


def render_create_options(count: int) -> None:
    """The create form's inputs for the room: people expected per partner, anonymity."""
    st.markdown("**People expected per partner** (0: not known yet)")
    cols = st.columns(min(count, 3))
    for i in range(count):
        cols[i % len(cols)].number_input(
            f"People expected, organisation {i + 1}",
            min_value=0,
            max_value=500,
            value=0,
            step=1,
            key=_HEADCOUNT_KEY.format(i),
            help="The automatic reveal waits until this many people of every partner have "
            "finished; others who join do not hold it up.",
        )
    st.toggle(
        "Hide people's names on shared screens (the room view)",
        value=True,
        key="pf_ws_new_hide_names",
    )
    st.toggle(
        "Anonymous comments (exports and results name nobody)",
        value=False,
        key="pf_ws_new_anon_comments",
    )
    st.number_input(
        "Smallest group whose internal spread and comments are shown",
        min_value=1,
        max_value=50,
        value=_DEFAULT_MIN_GROUP,
        step=1,
        key="pf_ws_new_min_group",
        help="With fewer people for a partner, a colleague's rating could be worked out.",
    )


def create_options(count: int) -> dict[str, object]:
    """`create_workshop` keyword arguments from `render_create_options`' inputs."""
    counts = [int(st.session_state.get(_HEADCOUNT_KEY.format(i)) or 0) for i in range(count)]
    return {
        "expected_headcounts": counts if all(counts) else None,
        "anonymity": {
            "hide_names": bool(st.session_state.get("pf_ws_new_hide_names", True)),
            "anonymous_comments": bool(st.session_state.get("pf_ws_new_anon_comments")),
            "min_group_size": int(
                st.session_state.get("pf_ws_new_min_group") or _DEFAULT_MIN_GROUP
            ),
        },
    }


# ---------------------------------------------------------------------------- links


# The private link's box and warning: in a room, and for an invitation by link (no room).
_PRIVATE_LINK = {
    True: (
        ":material/key: Your facilitator link (private: not for the projector)",
        "This link opens the workshop's controls and, after the reveal, every answer. "
        "Bookmark it now and keep it to yourself: it is the only way back in. Never show "
        "this page on the projector: use the room view.",
    ),
    False: (
        ":material/key: Your private link (not the one to send)",
        "This link opens the shared assessment's controls and, once the results open, every "
        "answer. Bookmark it and keep it to yourself: it is the only way back in. Send each "
        "partner their own link, below.",
    ),
}


def render_private_link(token: str, has_room: bool = True) -> None:
    """The facilitator's own link, in a box that starts closed so it is never projected
    (nor sent, for an invitation by link)."""
    label, warning = _PRIVATE_LINK[has_room]
    with st.expander(label):
        st.warning(warning, icon=":material/lock:")
        st.code(links.facilitator_link(base_url(), token), language=None, wrap_lines=True)


def render_room_link(svc: WorkshopService, token: str) -> str | None:
    """The button that opens the room view in a new tab; returns the join key (or None)."""
    try:
        shared = svc.links(token)
    except PartnershipFitError as exc:
        show_error(exc)
        return None
    st.link_button(
        "Open the room view",
        links.room_link(base_url(), shared.room_token, shared.join_key),
        icon=":material/co_present:",
        type="primary",
        help="A page for the projector: the code, the QR code, progress and, after the "
        "reveal, the item being discussed. It has no controls and no private link.",
    )
    return shared.join_key


def render_reachability() -> None:
    """Warn when the join address is this machine's loopback: no phone can open it."""
    if os.environ.get(links.PUBLIC_URL_ENV, "").strip() or not links.is_loopback(base_url()):
        return
    address = links.network_address()
    port = _port(base_url())
    where = (
        f"This computer's address on the network looks like **{address}**: on the same "
        f"Wi-Fi, people can open http://{address}:{port}/join."
        if address
        else "This computer has no network address right now: connect it to the room's Wi-Fi."
    )
    st.warning(
        "Phones cannot open this join link: it points at **localhost**, which is each "
        f"phone itself. {where} Restart the app with `streamlit run app.py "
        "--server.address 0.0.0.0` so that other devices can reach it, and set "
        f"`{links.PUBLIC_URL_ENV}` to that address (e.g. "
        f"`{links.PUBLIC_URL_ENV}=http://{address or '192.168.1.20'}:{port}`) so that the "
        "code's link and QR code use it.",
        icon=":material/wifi_off:",
    )


def _port(base: str) -> int:
    parts = urlsplit(base)
    return parts.port or (443 if parts.scheme == "https" else 8501)


# ---------------------------------------------------------------------------- progress


def auto_reveal_caption(dash: Dashboard) -> str:
    """What the automatic reveal waits for, true to its rule."""
    expected = dash.workshop.expected_headcounts
    partners = dash.workshop.partners
    if not all(p.id in expected for p in partners):
        return (
            "The results will appear by themselves once you set how many people each partner "
            "brings (under “People expected”) and that many have finished."
        )
    counts = join_names([f"{expected[p.id]} from {p.name}" for p in partners])
    return (
        f"The results appear by themselves once {counts} have finished; anyone else who "
        "joins does not hold them up."
    )


def render_failed_saves(dash: Dashboard) -> None:
    """Say when participants' answers could not be stored lately: how many still wait on
    their phones (which retry by themselves every few seconds), and how many tries failed."""
    if not dash.failed_saves:
        return
    minutes = int(FAILED_SAVES_WINDOW.total_seconds() // 60)
    tries = f"{plural(dash.failed_saves, 'save')} failed in the last {minutes} minutes"
    if not dash.unsaved_answers:
        st.info(f"{tries}; every answer has been saved since.", icon=":material/database:")
        return
    one_phone = dash.unsaved_people == 1
    phones = "one person's phone" if one_phone else f"{dash.unsaved_people} people's phones"
    them = "it" if dash.unsaved_answers == 1 else "them"
    keep = (
        f"The phone keeps {them} and sends {them} again by itself"
        if one_phone
        else f"The phones keep {them} and send {them} again by themselves"
    )
    st.warning(
        f"{plural(dash.unsaved_answers, 'answer')} could not be saved yet, on {phones}: the "
        f"database is refusing writes ({tries}). {keep}; check the server's disk and logs.",
        icon=":material/database:",
    )


def render_headcounts(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    """Change how many people each partner brings (drives the automatic reveal)."""
    expected = dash.workshop.expected_headcounts
    with st.form("pf_ws_expected_form", border=False):
        cols = st.columns(min(len(dash.workshop.partners), 3))
        for i, partner in enumerate(dash.workshop.partners):
            cols[i % len(cols)].number_input(
                literal(partner.name),
                min_value=1,
                max_value=500,
                value=expected.get(partner.id, 1),
                step=1,
                key=f"pf_ws_expected_{partner.id}",
            )
        saved = st.form_submit_button("Save the numbers")
    if not saved:
        return
    counts = {
        p.id: int(st.session_state.get(f"pf_ws_expected_{p.id}") or 1)
        for p in dash.workshop.partners
    }
    try:
        state = svc.set_expected_headcounts(token, counts)
    except PartnershipFitError as exc:
        show_error(exc)
        return
    facilitator_state().message = (
        "Numbers saved; everyone expected had finished, so the answers are revealed."
        if state == WorkshopState.REVEALED
        else "Numbers of people expected saved."
    )
    st.rerun()


# ---------------------------------------------------------------------------- people


def render_people(svc: WorkshopService, token: str, dash: Dashboard) -> None:
    """Remove a participant, or move them to another organisation (with or without their
    answers), after a confirmation."""
    people = {p.respondent_id: p for p in dash.participants if not p.offline}
    if not people:
        st.caption("Nobody has joined yet.")
        return
    who = st.selectbox(
        "Participant",
        options=list(people),
        index=None,
        format_func=lambda r: f"{people[r].name} ({people[r].partner_name})",
        key="pf_ws_people_who",
        placeholder="Choose a participant",
    )
    if who is None:
        return
    person = people[who]
    move, remove = st.columns(2, gap="large")
    with move:
        _move_form(svc, token, dash, person.respondent_id, person.partner_id, person.name)
    with remove:
        sure = st.checkbox(
            f"Remove {literal(person.name)} and their answers", key="pf_ws_people_rm_sure"
        )
        if st.button("Remove", key="pf_ws_people_rm", disabled=not sure, icon=":material/delete:"):
            _apply(
                lambda: svc.remove_participant(token, who), f"{literal(person.name)} was removed."
            )


def _move_form(
    svc: WorkshopService, token: str, dash: Dashboard, who: str, current: str, name: str
) -> None:
    others = {p.id: p.name for p in dash.workshop.partners if p.id != current}
    target = st.selectbox(
        "Move to",
        options=list(others),
        format_func=others.__getitem__,
        key="pf_ws_people_to",
    )
    keep = st.radio(
        "Their answers",
        options=[True, False],
        format_func=lambda k: "Keep them" if k else "Discard them (they answer again)",
        key="pf_ws_people_keep",
        horizontal=True,
    )
    sure = st.checkbox(
        f"Move {literal(name)} to {literal(others.get(target, ''))}", key="pf_ws_people_mv_sure"
    )
    if st.button("Move", key="pf_ws_people_mv", disabled=not sure, icon=":material/swap_horiz:"):
        _apply(
            lambda: svc.move_participant(token, who, target, keep_answers=bool(keep)),
            f"{literal(name)} now answers for {literal(others[target])}"
            + ("." if keep else "; their answers were discarded."),
        )


def _apply(change: Callable[[], object], done: str) -> None:
    try:
        change()
    except PartnershipFitError as exc:
        show_error(exc)
        return
    for key in ("pf_ws_people_who", "pf_ws_people_rm_sure", "pf_ws_people_mv_sure"):
        st.session_state.pop(key, None)
    facilitator_state().message = done
    st.rerun()
