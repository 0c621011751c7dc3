"""What the workshop page bodies share: the QR code, scoring, the item under discussion
with its timer, and how problems are shown."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

import segno
import streamlit as st

from partnership_core.assessment import Assessment
from partnership_core.errors import PartnershipFitError
from partnership_core.results import AssessmentResult
from partnership_core.scoring import score_assessment
from partnership_core.workshop import (
    AnonymityOptions,
    Dashboard,
    Discussion,
    RoomState,
    WorkshopService,
    scoring_rules,
)

from ..data import bank_set
from ..literal import literal
from ..state import facilitator_state

__all__ = [
    "ROOM_POLL",
    "fresh_dashboard",
    "kept_open_expander",
    "qr_png",
    "render_current_item",
    "render_discussion_record",
    "score",
    "scored_or_error",
    "show_error",
    "show_invalid_link",
    "timer_left",
]

# How often the projected room view asks whether anything changed (one read): its progress
# moves with every answer, which is not pushed; room changes are (`push`).
ROOM_POLL = "2s"


@st.cache_data(max_entries=32, show_spinner=False)
def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes (medium error correction, quiet zone of 2)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2, dark="#111111")
    return buffer.getvalue()


def score(assessment: Assessment, anonymity: AnonymityOptions) -> AssessmentResult:
    """Score a workshop's assessment on its own banks, as its anonymity options allow (no
    spread inside a partner from fewer ratings than the minimum group size)."""
    return score_assessment(assessment, bank_set(tuple(assessment.banks)), scoring_rules(anonymity))


def scored_or_error(
    load: Callable[[], Assessment], anonymity: AnonymityOptions
) -> tuple[Assessment, AssessmentResult] | None:
    """The revealed assessment from `load` and its result, or None after showing why not."""
    try:
        assessment = load()
        return assessment, score(assessment, anonymity)
    except PartnershipFitError as exc:
        show_error(exc)
        return None


def fresh_dashboard(svc: WorkshopService, token: str, shown_state: str) -> Dashboard | None:
    """The dashboard now, for a fragment that polls it; None after showing why not. When
    the state changed elsewhere (locked, revealed by itself) the whole page is redrawn."""
    try:
        dash = svc.dashboard(token)
    except PartnershipFitError as exc:
        show_error(exc)
        return None
    if dash.state.value != shown_state:
        st.rerun(scope="app")
    return dash


def kept_open_expander(label: str, key: str):  # noqa: ANN201 - a Streamlit container
    """An expander whose open state the server keeps.

    The elements above it come and go (a one-off notice, the link box that opens once), and
    a plain expander then closes on the next rerun, hiding the error its form just raised.
    """
    return st.expander(label, key=key, on_change="rerun")


def show_error(exc: PartnershipFitError) -> None:
    """The one way a workshop page reports a user-fixable problem: its message, no traceback."""
    st.error(literal(exc), icon=":material/error:")


def reveal_and_rerun(svc: WorkshopService, token: str, message: str) -> None:
    """The facilitator's (or owner's) reveal: final, so the whole page is drawn again."""
    try:
        svc.reveal(token)
    except PartnershipFitError as exc:
        show_error(exc)
        return
    facilitator_state().message = message
    st.rerun(scope="app")


def show_invalid_link(
    title: str,
    exc: PartnershipFitError,
    *,
    button: str,
    key: str,
    note: str | None = None,
    forget: Callable[[], None] | None = None,
) -> None:
    """A link whose token is unknown: say why, and offer a fresh start without it."""
    st.title(title)
    show_error(exc)
    if note:
        st.markdown(note)
    if st.button(button, key=key, type="primary"):
        if forget is not None:
            forget()
        st.query_params.clear()
        st.rerun()


def timer_left(room: RoomState, now: datetime | None = None) -> int | None:
    """Seconds left on the current item's timer (0 when it has run out); None: no timer."""
    if room.timer_started_at is None or room.timer_seconds is None:
        return None
    started = room.timer_started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    elapsed = ((now or datetime.now(UTC)) - started).total_seconds()
    return max(int(room.timer_seconds - elapsed + 0.999), 0)


def _clock(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


# Counts down in the browser from the seconds left when the page was drawn: a timer that
# reran on the server every second cost a run per second on every phone of the room. The
# page is redrawn (pushed) when the facilitator starts, stops or changes the item.
_COUNTDOWN = """
<p id="%(id)s" role="timer"><strong>%(text)s</strong> for this item</p>
<script>
(() => {
  const id = %(id_json)s;
  const end = performance.now() + %(left)d * 1000;
  const clock = (s) => Math.floor(s / 60) + ":" + String(s %% 60).padStart(2, "0");
  let shown = null;
  let tries = 0;
  const tick = () => {
    if (shown === null) {
      shown = document.getElementById(id);
      if (shown === null) {
        if (tries++ < 100) setTimeout(tick, 50);
        return;
      }
    }
    if (!shown.isConnected) return;  // redrawn since: the new timer counts on
    const left = Math.max(Math.ceil((end - performance.now()) / 1000), 0);
    shown.querySelector("strong").textContent =
      left > 0 ? clock(left) + " left" : "Time is up";
    if (left > 0) setTimeout(tick, 250);
  };
  tick();
})();
</script>
"""


def _countdown(left: int) -> None:
    """The item's timer, `left` seconds from now, counting down in the browser."""
    element_id = f"pf-timer-{secrets.token_hex(6)}"  # one per drawing: an old copy may linger
    text = f"{_clock(left)} left" if left else "Time is up"
    values = {"id": element_id, "id_json": json.dumps(element_id), "text": text, "left": left}
    st.html(_COUNTDOWN % values, unsafe_allow_javascript=True)


def render_current_item(room: RoomState, result: AssessmentResult, banks: tuple[str, ...]) -> None:
    """The statement under discussion now (as the facilitator chose it) with its timer."""
    if room.current_statement is None:
        st.caption("The facilitator has not picked an item to discuss yet.")
        return
    found = bank_set(banks).statements.get(room.current_statement)
    text = found[1].text if found else room.current_statement
    item = next((i for i in result.agenda if i.statement == room.current_statement), None)
    with st.container(border=True, key="pf_current_item"):
        where = f"{item.characteristic_name} · {item.level.value} level" if item else ""
        st.caption("Now discussing" + (f" · {literal(where)}" if where else ""))
        st.markdown(f"### {literal(text)}")
        left = timer_left(room)
        if left is not None:
            _countdown(left)


def render_discussion_record(discussion: Discussion, banks: tuple[str, ...]) -> None:
    """What was agreed and the actions so far, as a participant or the room follows them."""
    if not discussion.agreed and not discussion.actions:
        return
    statements = bank_set(banks).statements
    st.subheader("Agreed so far")
    for item in discussion.agreed:
        found = statements.get(item.statement)
        text = found[1].text if found else item.statement
        flag = " (could not agree; the more cautious rating was taken)" if item.disagreement else ""
        st.markdown(f"- {literal(text)}: **{item.agreed_rating}**{flag}")
    for entry in discussion.actions:
        action = entry.action
        due = f", due {action.due.isoformat()}" if action.due else ""
        st.markdown(f"- Action: **{literal(action.title)}** — {literal(action.owner)}{due}")
