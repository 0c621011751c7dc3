"""The room view for the projector (`/room?r=<room token>`): what the whole room may see.

It carries no facilitator power and never shows the facilitator's link: the code and the QR
code to join, progress per partner (people's names only when the workshop shows them on
shared screens), then after the reveal the overall result, the level of the item under
discussion and the item itself with its timer, as the facilitator steps through the agenda.

A small fragment asks whether anything changed (one read) and redraws the page only when it
did: every `ROOM_POLL`, for the progress, and at once when this process changes the room
(a lock, the reveal, the item under discussion: `push`). The item's timer counts down in
the browser (`workshop_common.render_current_item`).
"""

from __future__ import annotations

import streamlit as st

from partnership_core import links
from partnership_core.errors import PartnershipFitError, WorkshopError
from partnership_core.results import AssessmentResult
from partnership_core.text import plural
from partnership_core.workshop import PartnerProgress, RoomView, WorkshopService, WorkshopState

from ..context import base_url
from ..data import workshop_service
from ..literal import literal
from ..push import watch_room
from ..widgets.result_view import Section, render_result_view
from .workshop_common import ROOM_POLL, qr_png, render_current_item, scored_or_error, show_error

__all__ = ["render_room_page", "room_fingerprint"]

# Scoped to this page's own container: the other pages keep their size and column.
_ROOM_CSS = """
<style>
.stMainBlockContainer { max-width: 100%; padding-left: 3rem; padding-right: 3rem; }
.st-key-pf_room p, .st-key-pf_room li { font-size: 1.6rem; line-height: 1.4; }
.st-key-pf_room h1 { font-size: 3.4rem; }
.st-key-pf_room h3 { font-size: 2.4rem; }
.st-key-pf_room [data-testid="stMetricValue"] { font-size: 3.2rem; }
.st-key-pf_room [data-testid="stMetricLabel"] p { font-size: 1.5rem; white-space: normal; }
.st-key-pf_room [data-testid="stCaptionContainer"] p { font-size: 1.3rem; }
.pf-room-code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 700;
  font-size: clamp(2.5rem, 4.6vw, 6.5rem); letter-spacing: .04em; line-height: 1.1;
  white-space: nowrap; text-align: center; }
</style>
"""


def room_fingerprint(view: RoomView) -> tuple[object, ...]:
    """What the projected page depends on: when it is unchanged, nothing is redrawn."""
    return (view.room, tuple(view.partners), tuple(view.people))


def render_room_page() -> None:
    """The whole room view, or why it cannot be shown."""
    st.set_page_config(layout="wide")
    st.markdown(_ROOM_CSS, unsafe_allow_html=True)
    token = st.query_params.get(links.ROOM_PARAM)
    if not token:
        st.title("Room view")
        st.info(
            "The room view opens from the facilitator's page: choose "
            "“Open the room view” there and put that tab on the projector.",
            icon=":material/co_present:",
        )
        return
    try:
        svc = workshop_service()
        view = svc.room_view(token)
    except WorkshopError as exc:
        st.title("Room view")
        show_error(exc)
        return
    except PartnershipFitError as exc:
        show_error(exc)
        return
    with st.container(key="pf_room"):
        _room(svc, token, view, st.query_params.get(links.JOIN_KEY_PARAM))
    _watch(token, view.workshop.workshop_id, room_fingerprint(view))


@st.fragment(run_every=ROOM_POLL)
def _watch(token: str, workshop_id: str, shown: tuple[object, ...]) -> None:
    """Redraw the page only when what it shows has changed."""
    watch_room(workshop_id)
    try:
        view = workshop_service().room_view(token)
    except PartnershipFitError:
        return  # keep the picture; the next poll tries again
    if room_fingerprint(view) != shown:
        st.rerun(scope="app")


def _room(svc: WorkshopService, token: str, view: RoomView, join_key: str | None) -> None:
    st.title(literal(view.workshop.name))
    if view.room.state == WorkshopState.REVEALED:
        _revealed(svc, token, view)
        return
    if view.room.state == WorkshopState.LOCKED:
        st.warning(
            "Answering is paused by the facilitator; answers given so far are kept.",
            icon=":material/lock:",
        )
    invite, progress = st.columns([1, 1], gap="large")
    with invite:
        _invite(view, join_key)
    with progress:
        _progress(view)


def _invite(view: RoomView, join_key: str | None) -> None:
    """The code and the QR code; the QR's link carries the join key the room link brought
    (a key that only joins, published by the QR code anyway)."""
    st.markdown("Join on your phone or laptop with the code")
    st.markdown(f'<div class="pf-room-code">{view.join_code}</div>', unsafe_allow_html=True)
    link = links.join_link(base_url(), view.join_code, join_key)
    st.image(qr_png(link, scale=10), caption="Scan to join", width=420)
    st.caption(f"Or open {literal(base_url())}/{links.JOIN_PATH} and type the code.")


def _progress(view: RoomView) -> None:
    st.subheader("Who has answered")
    for partner in view.partners:
        _partner_row(partner)
    if view.people:
        st.markdown(
            "  \n".join(
                f"{literal(p.name)} ({literal(p.partner_name)}): "
                + ("finished" if p.finished else f"{p.answered} of {p.total}")
                for p in view.people
            )
        )


def _partner_row(partner: PartnerProgress) -> None:
    with st.container(border=True):
        st.markdown(f"**{literal(partner.name)}**")
        of = f" of {partner.expected} expected" if partner.expected else ""
        st.markdown(
            f"{plural(partner.joined, 'person', 'people')} joined{of} · {partner.finished} finished"
        )
        share = partner.answered / partner.possible if partner.possible else 0.0
        st.progress(min(share, 1.0), text=f"{share:.0%} of their answers given")


def _revealed(svc: WorkshopService, token: str, view: RoomView) -> None:
    scored = scored_or_error(lambda: svc.room_results(token), view.workshop.anonymity)
    if scored is None:
        return
    assessment, result = scored
    # What the room talks about now comes first; the verdict stays in sight below it.
    render_current_item(view.room, result, tuple(assessment.banks))
    render_result_view(result, assessment, sections=(Section.OVERALL,), key_prefix="pf_room_")
    _levels(result, view.room.current_statement)


def _levels(result: AssessmentResult, current: str | None) -> None:
    """The level of the item under discussion; all three while no item is chosen."""
    item = next((i for i in result.agenda if i.statement == current), None)
    levels = sorted(result.levels, key=lambda lv: lv.order)
    shown = [lv for lv in levels if item is None or lv.id == item.level]
    cols = st.columns(len(shown))
    for col, level in zip(cols, shown, strict=True):
        with col.container(border=True):
            st.markdown(f"### {level.order}. {literal(level.name)}: {literal(level.verdict_label)}")
            st.markdown(literal(level.explanation))
            for ch in level.characteristics:
                band = ch.band_label if ch.assessed else "not assessed"
                st.markdown(f"- {literal(ch.name)}: {literal(band)}")
