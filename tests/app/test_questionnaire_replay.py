"""A late request from the browser replays the step it has just left (a real app server).

The browser sends the value of every control it holds with each request, a fragment's timer
included. A participant's page polls every second, so a poll sent between "Next" and the
new step reaching the browser carries the old step's controls: its ratings and the step
list's old value. By then the server has drawn the new step and forgotten the old step's
control values, so they look like changes. They must save nothing again and must not move
the participant back (which then showed the old step with empty controls, and the next
click cleared its answers: the "not answered yet" seen in full browser runs).

Spoken with Streamlit's own protocol (`benchmarks/st_protocol.py`), which can send exactly
that request; AppTest cannot run a fragment on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from urllib.parse import parse_qs

from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.app_server import AppServer, free_port
from benchmarks.bench_capacity import Person, join, rating_radios
from benchmarks.st_protocol import ProtocolSession
from partnership_core.bank import PartnershipType
from partnership_core.workshop import WorkshopService

PARTNERS = ["Northfield Food Bank", "Harvest Market Grocers"]
_JUMP = "Jump to a step"


def _step_heading(session: ProtocolSession) -> str:
    return next(e.heading.body for e in session.shown("heading") if e.heading.tag == "h3")


def test_a_poll_sent_before_a_step_change_replays_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'partnership_fit.sqlite3'}"
    env = {"PARTNERSHIP_FIT_DATA_DIR": str(tmp_path), "PARTNERSHIP_FIT_DATABASE_URL": url}
    server = AppServer(free_port(), env, tmp_path / "server.log")
    with server.running(), contextlib.closing(WorkshopService(url)) as svc:
        created = svc.create_workshop("Replay", PartnershipType.OTHER, ["three-levels"], PARTNERS)

        async def scenario() -> tuple[str, str, str, str]:
            session = ProtocolSession(server.base, "join", f"code={created.join_code}", timeout=60)
            try:
                await join(session, Person("Amara Okafor", PARTNERS[0]))
                first = rating_radios(session)[0]
                await session.choose(first.id, first.options[3])
                jump = session.widget("selectbox", _JUMP)
                # What the browser holds on the first step, as its poll would send it.
                held = [
                    WidgetState(id=first.id, string_value=first.options[3]),
                    WidgetState(id=jump.id, string_value=jump.options[0]),
                ]
                before = _step_heading(session)
                await session.click("Finish the", contains=True)
                await session.click("Continue anyway")
                after = _step_heading(session)
                poll = next(iter(session.auto_reruns))
                await session.rerun(held, fragment_id=poll)
                await session.rerun()  # the whole page, as the next step change would draw it
                return session.query_string, before, after, _step_heading(session)
            finally:
                await session.close()

        query, before, after, shown = asyncio.run(scenario())
        view = svc.participant(parse_qs(query)["p"][0])

    assert before != after
    assert shown == after  # still on the step the participant moved to
    assert [a.rating for a in view.own_answers.values()] == [4]
    assert list(view.answer_versions.values()) == [1]  # saved once, not again by the poll


def _step_button(session: ProtocolSession) -> str:
    """The label of the step's primary button (the one that moves on)."""
    labels = [e.button.label for e in session.shown("button")]
    return next(label for label in labels if label.startswith(("Next", "Finish the")))


def _unanswered_warning(session: ProtocolSession) -> str:
    found = [e.alert.body for e in session.shown("alert") if "not answered yet" in e.alert.body]
    return found[0] if found else ""


def test_the_step_buttons_follow_the_last_answer_of_a_step(tmp_path: Path) -> None:
    """A rating click redraws the step buttons only when they read differently; the click
    that answers the step's last statement must still turn "Finish the level" into "Next"."""
    url = f"sqlite:///{tmp_path / 'partnership_fit.sqlite3'}"
    env = {"PARTNERSHIP_FIT_DATA_DIR": str(tmp_path), "PARTNERSHIP_FIT_DATABASE_URL": url}
    server = AppServer(free_port(), env, tmp_path / "server.log")
    with server.running(), contextlib.closing(WorkshopService(url)) as svc:
        created = svc.create_workshop("Buttons", PartnershipType.OTHER, ["three-levels"], PARTNERS)

        async def scenario() -> list[str]:
            session = ProtocolSession(server.base, "join", f"code={created.join_code}", timeout=60)
            try:
                await join(session, Person("Amara Okafor", PARTNERS[0]))
                radios = rating_radios(session)
                seen = [_step_button(session)]
                for radio in radios[1:]:
                    await session.choose(radio.id, radio.options[3])
                    seen.append(_step_button(session))
                await session.click("Finish the", contains=True)  # one left: asked first
                warned = [_unanswered_warning(session)]
                await session.choose(radios[0].id, radios[0].options[3])
                warned.append(_unanswered_warning(session))
                seen.append(_step_button(session))
                await session.choose(radios[0].id, radios[0].options[1])  # a change of mind
                seen.append(_step_button(session))
                return seen, warned
            finally:
                await session.close()

        seen, warned = asyncio.run(scenario())

    assert len(seen) > 3
    assert all(label.startswith("Finish the") for label in seen[:-2]), seen
    assert seen[-2:] == ["Next →", "Next →"], seen
    assert warned[0].startswith("1 statement at the entry level is not answered yet"), warned
    assert warned[1] == "", warned  # the last answer took the warning away
