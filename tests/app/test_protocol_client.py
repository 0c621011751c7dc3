"""The capacity benchmark's protocol client against a real app server (no browser).

`benchmarks/st_protocol.py` speaks Streamlit's websocket protocol instead of driving
Chromium; `bench_capacity.py` trusts it to join and answer exactly as a person does. This
proves it once, untimed: the join form finds its widgets by label, the answer is in the
database afterwards, and the page says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from benchmarks.app_server import AppServer, free_port
from benchmarks.bench_capacity import Person, Plan, join, rate_one, rating_radios
from benchmarks.st_protocol import ProtocolSession
from partnership_core.bank import PartnershipType, load_bank_set, questionnaire_steps
from partnership_core.workshop import WorkshopService
from partnership_ui.literal import literal
from partnership_ui.push import FALLBACK_POLL_ENV

pytestmark = pytest.mark.slow  # also set by its folder; a real server takes seconds

PARTNERS = ["Northfield Food Bank", "Harvest Market Grocers"]
LOCKED = "The facilitator has paused answering"


def test_protocol_client_joins_and_answers_one_statement(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'partnership_fit.sqlite3'}"
    env = {"PARTNERSHIP_FIT_DATA_DIR": str(tmp_path), "PARTNERSHIP_FIT_DATABASE_URL": url}
    server = AppServer(free_port(), env, tmp_path / "server.log")
    with server.running(), contextlib.closing(WorkshopService(url)) as svc:
        created = svc.create_workshop(
            "Protocol check", PartnershipType.OTHER, ["three-levels"], PARTNERS
        )
        who = Person("Amara Okafor", PARTNERS[1])
        plan = Plan(pace=0.0, answers=1, deadline=time.monotonic() + 120, rng=random.Random(1))

        async def scenario() -> tuple[str, str, str]:
            session = ProtocolSession(server.base, "join", f"code={created.join_code}", timeout=60)
            try:
                await join(session, who)
                first = rating_radios(session)[0]
                option = await rate_one(session, who, first, plan)
                return session.query_string, first.label, option
            finally:
                await session.close()

        query, label, option = asyncio.run(scenario())
        dash = svc.dashboard(created.facilitator_token)
        view = svc.participant(parse_qs(query)["p"][0])

    assert who.error is None and who.saved == 1
    assert [(p.name, p.partner_name, p.answered) for p in dash.participants] == [
        ("Amara Okafor", PARTNERS[1], 1)
    ]
    [stored] = view.own_answers.values()
    steps = questionnaire_steps(load_bank_set(view.workshop.banks), view.workshop.statements)
    first_id = steps[0].statement_ids[0]
    assert stored.statement == first_id
    assert stored.rating == int(option.split(" ", 1)[0])
    # The statement as its reader sees it: the other partner named, shown as literal text.
    banks = load_bank_set(view.workshop.banks)
    shown = banks.text_for(first_id, view.respondent.partner, view.workshop)
    assert PARTNERS[0] in shown
    assert label == f"**{literal(shown)}**"


def test_a_lock_on_the_facilitator_page_is_pushed_to_a_waiting_phone(tmp_path: Path):
    """With the phones' own poll at 300 s, the lock reaches the phone only by a run the
    server starts by itself (partnership_ui/push.py), and the client sees that run."""
    url = f"sqlite:///{tmp_path / 'partnership_fit.sqlite3'}"
    env = {
        "PARTNERSHIP_FIT_DATA_DIR": str(tmp_path),
        "PARTNERSHIP_FIT_DATABASE_URL": url,
        FALLBACK_POLL_ENV: "300",
    }
    server = AppServer(free_port(), env, tmp_path / "server.log")
    with server.running(), contextlib.closing(WorkshopService(url)) as svc:
        created = svc.create_workshop(
            "Push check", PartnershipType.OTHER, ["three-levels"], PARTNERS
        )

        async def scenario() -> tuple[float, int, int]:
            fac = ProtocolSession(server.base, "facilitator", f"t={created.facilitator_token}")
            phone = ProtocolSession(server.base, "join", f"code={created.join_code}")
            try:
                await fac.open()
                await join(phone, Person("Amara Okafor", PARTNERS[1]))
                asked = phone.runs
                assert not phone.has_text(LOCKED) and phone.server_runs == 0
                start = time.monotonic()
                await fac.click("Lock answering")
                deadline = start + 20
                while not (await phone.server_run(deadline - start) and phone.has_text(LOCKED)):
                    assert time.monotonic() < deadline, "the lock was not pushed to the phone"
                return phone.finished_at - start, phone.server_runs, phone.runs - asked
            finally:
                await asyncio.gather(fac.close(), phone.close())

        seconds, pushed, asked = asyncio.run(scenario())
    assert pushed >= 1 and asked == 0  # the phone asked for nothing after joining
    assert seconds < 10, seconds
    print(f"lock to phone (pushed, protocol client): {seconds:.2f} s")
