"""AppTest flows of a workshop in a real room: the projector's room view, people management,
switching organisation, stale copies, the loopback warning, phones following the room.

Workshops are created through the service (the creation form has its own tests) and every
outcome is checked in the database through the service, not only on the page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from partnership_core.assessment import AgreedItem, Answer
from partnership_core.bank import SPINE_BANK_ID, load_bank_set
from partnership_core.links import PUBLIC_URL_ENV
from partnership_core.workshop import WorkshopCreated, WorkshopService, WorkshopState
from partnership_ui.views.room import room_fingerprint
from partnership_ui.widgets.questionnaire import widget_key

ROOT = Path(__file__).resolve().parents[2]
FACILITATOR = str(ROOT / "pages" / "facilitator.py")
JOIN = str(ROOT / "pages" / "join.py")
ROOM = str(ROOT / "pages" / "room.py")
Q_PREFIX = "pf_ws_q_"
PARTNERS = ["Northfield Food Bank", "Harvest Market", "City Council"]


@pytest.fixture()
def svc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WorkshopService:
    monkeypatch.delenv("PARTNERSHIP_FIT_DATABASE_URL", raising=False)
    monkeypatch.setenv("PARTNERSHIP_FIT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(PUBLIC_URL_ENV, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    service = WorkshopService.from_environment()
    yield service
    service.close()
    st.cache_resource.clear()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _walk(node: Any) -> list[Any]:
    found = [node]
    for child in getattr(node, "children", {}).values():
        found += _walk(child)
    return found


def everything(at: AppTest) -> str:
    """Every element's full protobuf as text: labels, values, link and image addresses."""
    return "\n".join(str(getattr(n, "proto", "")) for n in _walk(at._tree))


def timer_shown(at: AppTest) -> str:
    """The item's timer as first drawn (it counts down in the browser from there)."""
    html = [e.proto.body for e in at.get("html") if 'role="timer"' in e.proto.body]
    return re.sub(r"<[^>]+>", "", html[0].split("<script>")[0]).strip() if html else ""


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [t.value for t in at.title] + [s.value for s in at.subheader]
    for kind in (at.success, at.warning, at.info, at.error):
        parts += [e.value for e in kind]
    return "\n".join(parts)


def new_workshop(
    svc: WorkshopService, *, hide_names: bool = True, auto_reveal: bool = False, **kwargs: Any
) -> WorkshopCreated:
    return svc.create_workshop(
        "Surplus food programme",
        "other",
        [SPINE_BANK_ID],
        PARTNERS,
        auto_reveal=auto_reveal,
        anonymity={"hide_names": hide_names},
        **kwargs,
    )


def partner_ids(svc: WorkshopService, created: WorkshopCreated) -> list[str]:
    return [p.id for p in svc.dashboard(created.facilitator_token).workshop.partners]


def joined(svc: WorkshopService, created: WorkshopCreated, partner: str, name: str) -> str:
    return svc.join(created.join_code, partner, name, f"test:{name}").participant_token


def answer_everything(svc: WorkshopService, token: str, rating: int, finish: bool = True) -> None:
    view = svc.participant(token)
    for q in view.workshop.statements:
        svc.save_answer(token, Answer(respondent=view.respondent.id, statement=q, rating=rating))
    if finish:
        svc.finish(token)


def page(path: str, **params: str) -> AppTest:
    at = AppTest.from_file(path, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return ok(at.run())


# ---------------------------------------------------------------------------- the room view


def test_room_view_shows_code_qr_and_progress_but_no_secret_and_no_names(svc: WorkshopService):
    created = new_workshop(svc, expected_headcounts=[2, 2, 2])
    food, market, _ = partner_ids(svc, created)
    ann = joined(svc, created, food, "Ann Example")
    joined(svc, created, market, "Bob Example")
    answer_everything(svc, ann, 4)
    room = page(ROOM, r=created.room_token, k=created.join_key)
    full = everything(room)
    assert created.facilitator_token not in full
    assert "/facilitator" not in full and "?t=" not in full
    assert "Ann Example" not in full and "Bob Example" not in full
    text = shown(room)
    assert svc.dashboard(created.facilitator_token).join_code in full
    assert len(room.get("image")) == 1  # the QR code
    for name in PARTNERS:
        assert name in text
    assert "1 person joined of 2 expected · 1 finished" in text
    assert "0 people joined of 2 expected · 0 finished" in text
    assert not room.button and not room.get("link_button")  # no controls at all


def test_room_view_names_people_only_when_the_workshop_allows(svc: WorkshopService):
    created = new_workshop(svc, hide_names=False)
    joined(svc, created, partner_ids(svc, created)[0], "Ann Example")
    room = page(ROOM, r=created.room_token)
    assert "Ann Example (Northfield Food Bank): 0 of" in shown(room)
    assert created.facilitator_token not in everything(room)


def test_room_view_follows_lock_reveal_and_the_current_item(svc: WorkshopService):
    created = new_workshop(svc)
    token = created.facilitator_token
    people = [
        joined(svc, created, p, f"Person {i}") for i, p in enumerate(partner_ids(svc, created))
    ]
    room = page(ROOM, r=created.room_token)
    svc.set_locked(token, True)
    ok(room.run())
    assert "Answering is paused" in shown(room)
    svc.set_locked(token, False)
    for i, person in enumerate(people):
        answer_everything(svc, person, 1 + 2 * i)
    svc.reveal(token)
    ok(room.run())
    text = shown(room)
    assert "not picked an item" in text
    assert "Entry level" in text or "entry level" in text.lower()
    assert "Person 0" not in everything(room)
    item = svc.assessment(token).answers[0].statement
    svc.set_discussion_item(token, item, timer_seconds=300)
    ok(room.run())
    statement = load_bank_set([SPINE_BANK_ID]).statements[item][1].text
    text = shown(room)
    assert "Now discussing" in text and statement.split()[0] in text
    assert re.fullmatch(r"[45]:\d\d left for this item", timer_shown(room))
    assert token not in everything(room)


def test_room_view_without_or_with_a_wrong_token_says_where_to_get_one(svc: WorkshopService):
    assert "Open the room view" in shown(page(ROOM))
    wrong = page(ROOM, r="not-a-room-token-at-all")
    assert wrong.error


def test_room_poll_redraws_only_when_something_changed(svc: WorkshopService):
    created = new_workshop(svc)
    first = room_fingerprint(svc.room_view(created.room_token))
    assert room_fingerprint(svc.room_view(created.room_token)) == first
    joined(svc, created, partner_ids(svc, created)[0], "Ann")
    assert room_fingerprint(svc.room_view(created.room_token)) != first


# ---------------------------------------------------------------------------- facilitator


def test_facilitator_page_opens_the_room_view_and_keeps_its_link_closed(svc: WorkshopService):
    created = new_workshop(svc)
    fac = page(FACILITATOR, t=created.facilitator_token)
    (button,) = fac.get("link_button")
    assert f"/room?r={created.room_token}" in button.proto.url
    assert created.facilitator_token not in button.proto.url
    private = next(e for e in fac.expander if "facilitator link" in e.label)
    assert not private.proto.expanded


def test_loopback_join_address_warns_with_what_to_do(svc: WorkshopService, monkeypatch):
    created = new_workshop(svc)
    fac = page(FACILITATOR, t=created.facilitator_token)
    warning = " ".join(w.value for w in fac.warning)
    assert "localhost" in warning
    assert PUBLIC_URL_ENV in warning and "--server.address 0.0.0.0" in warning
    monkeypatch.setenv(PUBLIC_URL_ENV, "http://192.168.1.20:8501")
    fac = page(FACILITATOR, t=created.facilitator_token)
    assert "localhost" not in " ".join(w.value for w in fac.warning)
    assert "http://192.168.1.20:8501/join?code=" in shown(fac)


def test_facilitator_removes_a_stray_and_moves_someone_without_answers(svc: WorkshopService):
    created = new_workshop(svc)
    token = created.facilitator_token
    food, market, _ = partner_ids(svc, created)
    joined(svc, created, food, "Ann")
    stray = joined(svc, created, market, "Stray")
    bob = joined(svc, created, food, "Bob")
    answer_everything(svc, bob, 3, finish=False)
    people = {p.name: p.respondent_id for p in svc.dashboard(token).participants}
    fac = page(FACILITATOR, t=token)

    fac.selectbox(key="pf_ws_people_who").set_value(people["Stray"])
    ok(fac.run())
    assert fac.button(key="pf_ws_people_rm").disabled
    fac.checkbox(key="pf_ws_people_rm_sure").check()
    ok(fac.run())
    ok(fac.button(key="pf_ws_people_rm").click().run())
    assert [p.name for p in svc.dashboard(token).participants] == ["Ann", "Bob"]
    assert "Stray was removed." in shown(fac)
    assert svc.room_view(created.room_token).partners[1].joined == 0
    with pytest.raises(Exception, match="not valid|no longer"):
        svc.participant(stray)

    fac.selectbox(key="pf_ws_people_who").set_value(people["Bob"])
    ok(fac.run())
    fac.selectbox(key="pf_ws_people_to").set_value(market)
    fac.radio(key="pf_ws_people_keep").set_value(False)
    fac.checkbox(key="pf_ws_people_mv_sure").check()
    ok(fac.run())
    ok(fac.button(key="pf_ws_people_mv").click().run())
    moved = svc.participant(bob)
    assert moved.respondent.partner == market and moved.own_answers == {}
    assert "Bob now answers for Harvest Market; their answers were discarded." in shown(fac)


def test_headcounts_from_the_create_form_drive_the_automatic_reveal(svc: WorkshopService):
    at = page(FACILITATOR)
    at.text_input(key="pf_ws_new_name").set_value("Surplus food programme")
    at.text_input(key="pf_ws_new_partner_0").set_value("Northfield Food Bank")
    at.text_input(key="pf_ws_new_partner_1").set_value("Harvest Market")
    at.toggle(key="pf_ws_new_auto").set_value(True)
    at.number_input(key="pf_ws_new_expected_0").set_value(1)
    at.number_input(key="pf_ws_new_expected_1").set_value(1)
    at.toggle(key="pf_ws_new_hide_names").set_value(False)
    at.number_input(key="pf_ws_new_min_group").set_value(2)
    ok(at.button(key="pf_ws_create").click().run())
    token = at.query_params["t"]
    token = token[0] if isinstance(token, list) else token
    dash = svc.dashboard(token)
    food, market = [p.id for p in dash.workshop.partners]
    assert dash.workshop.expected_headcounts == {food: 1, market: 1}
    assert not dash.workshop.anonymity.hide_names and dash.workshop.anonymity.min_group_size == 2
    assert (
        "once 1 from Northfield Food Bank and 1 from Harvest Market have finished; anyone "
        "else who joins does not hold them up."
    ) in shown(at).replace("\\", "")
    code = dash.join_code
    svc.join(code, food, "Stray", "k")  # joins, never finishes
    ann = svc.join(code, food, "Ann", "k").participant_token
    answer_everything(svc, ann, 4)
    assert svc.dashboard(token).state == WorkshopState.OPEN
    cy = svc.join(code, market, "Cy", "k").participant_token
    answer_everything(svc, cy, 2)
    assert svc.dashboard(token).state == WorkshopState.REVEALED  # the stray did not block it


def test_stale_second_tab_cannot_remove_another_action(svc: WorkshopService):
    from partnership_core.assessment import Action

    created = new_workshop(svc)
    token = created.facilitator_token
    for i, p in enumerate(partner_ids(svc, created)):
        answer_everything(svc, joined(svc, created, p, f"P{i}"), 1 + 2 * i)
    svc.reveal(token)
    svc.add_action(token, Action(title="First", owner="Ann"))
    svc.add_action(token, Action(title="Second", owner="Cy"))
    old, new = page(FACILITATOR, t=token), page(FACILITATOR, t=token)
    for tab in (old, new):
        ok(tab.button_group(key="pf_ws_view").set_value("discussion").run())
    first = next(b.key for b in new.button if b.key and b.key.startswith("pf_ws_action_rm|0|"))
    ok(new.button(key=first).click().run())
    ok(old.button(key=first).click().run())  # this tab still shows "First"
    assert [a.title for a in svc.assessment(token).workshop.actions] == ["Second"]
    assert "not in the list any more" in " ".join(e.value for e in old.error)


def test_stepping_through_the_agenda_sets_the_room_item(svc: WorkshopService):
    created = new_workshop(svc)
    token = created.facilitator_token
    for i, p in enumerate(partner_ids(svc, created)):
        answer_everything(svc, joined(svc, created, p, f"P{i}"), 1 + 2 * i)
    svc.reveal(token)
    fac = page(FACILITATOR, t=token)
    ok(fac.button_group(key="pf_ws_view").set_value("discussion").run())
    first = svc.discussion(token).room.current_statement
    assert first is not None
    ok(fac.button(key="pf_ws_timer_start").click().run())
    room = svc.discussion(token).room
    assert room.current_statement == first and room.timer_seconds == 300
    ok(fac.button(key="pf_ws_agenda_next").click().run())
    room = svc.discussion(token).room
    assert room.current_statement not in (None, first) and room.timer_seconds is None


# ---------------------------------------------------------------------------- participants


def test_participant_switches_organisation_before_answering_only(svc: WorkshopService):
    created = new_workshop(svc)
    food, market, _ = partner_ids(svc, created)
    token = joined(svc, created, food, "Ann")
    phone = page(JOIN, p=token)
    phone.radio(key="pf_ws_switch_to").set_value(market)
    ok(phone.button(key="pf_ws_switch").click().run())
    view = svc.participant(token)
    assert view.respondent.partner == market
    assert "Harvest Market" in shown(phone)
    qid = view.workshop.statements[0]
    phone.radio(key=widget_key(Q_PREFIX, view.respondent.id, qid, "rating")).set_value(4)
    ok(phone.run())
    assert not [r for r in phone.radio if r.key == "pf_ws_switch_to"]


def test_a_stale_tab_is_told_its_answer_was_not_saved(svc: WorkshopService):
    created = new_workshop(svc)
    token = joined(svc, created, partner_ids(svc, created)[0], "Ann")
    laptop, phone = page(JOIN, p=token), page(JOIN, p=token)
    view = svc.participant(token)
    key = widget_key(Q_PREFIX, view.respondent.id, view.workshop.statements[0], "rating")
    ok(phone.radio(key=key).set_value(4).run())
    ok(laptop.radio(key=key).set_value(2).run())
    warning = " ".join(w.value for w in laptop.warning)
    assert "NOT saved" in warning and "older copy" in warning
    assert svc.participant(token).own_answers[view.workshop.statements[0]].rating == 4
    assert laptop.radio(key=key).value == 4  # the page shows the stored answer again
    ok(laptop.radio(key=key).set_value(5).run())  # and saves on top of it
    assert svc.participant(token).own_answers[view.workshop.statements[0]].rating == 5


def test_a_click_while_locked_says_it_was_not_saved(svc: WorkshopService):
    created = new_workshop(svc)
    token = joined(svc, created, partner_ids(svc, created)[0], "Ann")
    phone = page(JOIN, p=token)
    svc.set_locked(created.facilitator_token, True)
    view = svc.participant(token)
    key = widget_key(Q_PREFIX, view.respondent.id, view.workshop.statements[0], "rating")
    ok(phone.radio(key=key).set_value(3).run())
    warning = " ".join(w.value for w in phone.warning)
    assert "NOT saved" in warning and "locked" in warning
    assert svc.participant(token).own_answers == {}


def test_reload_resumes_at_the_step_in_the_address(svc: WorkshopService):
    created = new_workshop(svc)
    token = joined(svc, created, partner_ids(svc, created)[0], "Ann")
    phone = page(JOIN, p=token)
    assert phone.query_params["step"] in ("1", ["1"])
    ok(phone.button(key=f"{Q_PREFIX}next").click().run())  # the entry level, unanswered:
    ok(phone.button(key=f"{Q_PREFIX}confirm_next").click().run())  # go on anyway
    step = phone.query_params["step"]
    step = step[0] if isinstance(step, list) else step
    assert step != "1"
    again = page(JOIN, p=token, step=step)
    assert again.selectbox(key=f"{Q_PREFIX}jump").value == int(step) - 1


def test_phone_shows_the_current_item_timer_agreements_and_actions(svc: WorkshopService):
    from partnership_core.assessment import Action, AgreedItem

    created = new_workshop(svc)
    token = created.facilitator_token
    people = [joined(svc, created, p, f"P{i}") for i, p in enumerate(partner_ids(svc, created))]
    for i, person in enumerate(people):
        answer_everything(svc, person, 1 + 2 * i)
    svc.reveal(token)
    item = svc.assessment(token).answers[0].statement
    svc.set_discussion_item(token, item, timer_seconds=120)
    svc.record_agreement(token, AgreedItem(statement=item, agreed_rating=2), version=0)
    svc.add_action(token, Action(title="Draft a pilot plan", owner="Harvest Market"))
    phone = page(JOIN, p=people[0])
    text = shown(phone)
    assert "Now discussing" in text
    assert re.fullmatch(r"[12]:\d\d left for this item", timer_shown(phone))
    assert "Agreed so far" in text and "Draft a pilot plan" in text.replace("\\", "")


def test_the_dashboard_says_when_saves_are_failing(svc: WorkshopService, monkeypatch):
    from partnership_core.errors import StorageError
    from partnership_core.workshop.repository import UnitOfWork

    created = new_workshop(svc)
    token = joined(svc, created, partner_ids(svc, created)[0], "Ann")
    fac = page(FACILITATOR, t=created.facilitator_token)
    assert "could not be saved" not in " ".join(w.value for w in fac.warning)
    phone = page(JOIN, p=token)
    view = svc.participant(token)
    real = UnitOfWork.__call__

    def refuse_answers(self: UnitOfWork, work: Any, *, failed: str, write: bool = True) -> Any:
        if failed.startswith("Your answer was"):  # saves only: the page itself still loads
            raise StorageError(f"{failed} The disk is full.")
        return real(self, work, failed=failed, write=write)

    monkeypatch.setattr(UnitOfWork, "__call__", refuse_answers)
    key = widget_key(Q_PREFIX, view.respondent.id, view.workshop.statements[0], "rating")
    ok(phone.radio(key=key).set_value(3).run())
    assert "NOT saved" in " ".join(w.value for w in phone.warning)
    ok(fac.run())
    assert "1 answer could not be saved" in " ".join(w.value for w in fac.warning)


def _split_room(svc: WorkshopService, min_group_size: int) -> WorkshopCreated:
    """Two people of the food bank far apart (one comments), three of the market too."""
    created = svc.create_workshop(
        "Surplus food programme",
        "other",
        [SPINE_BANK_ID],
        PARTNERS,
        anonymity={"min_group_size": min_group_size},
    )
    food, market, council = partner_ids(svc, created)
    people = [(food, "Hana Okafor", 5), (food, "Hugo Berg", 1), (council, "Cy Lund", 3)]
    people += [(market, "Mo Ali", 5), (market, "Mei Chen", 1), (market, "Max Roy", 3)]
    for partner, name, rating in people:
        token = joined(svc, created, partner, name)
        view = svc.participant(token)
        for q in view.workshop.statements:
            comment = "Our board worries." if name == "Hana Okafor" else None
            answer = Answer(respondent=view.respondent.id, statement=q, rating=rating)
            svc.save_answer(token, answer.model_copy(update={"comment": comment}))
        svc.finish(token)
    svc.reveal(created.facilitator_token)
    return created


@pytest.mark.parametrize("min_group_size", [3, 2])
def test_results_hide_a_small_groups_spread_and_names(svc: WorkshopService, min_group_size: int):
    created = _split_room(svc, min_group_size)
    fac = page(FACILITATOR, t=created.facilitator_token)
    text, full = shown(fac), everything(fac)
    split_lines = [line for line in text.splitlines() if line.startswith("- ")]
    splits = [line for line in split_lines if "Northfield Food Bank ·" in line]
    if min_group_size == 3:  # the default: a group of two shows neither
        assert "Hana Okafor" not in full and "Hugo Berg" not in full
        assert not splits
        assert any("Harvest Market ·" in line for line in split_lines)  # three: shown
    else:
        assert "Hana Okafor" in full
        assert splits


def test_participants_share_one_load_of_the_revealed_results_per_room_version(
    svc: WorkshopService, monkeypatch: pytest.MonkeyPatch
):
    """The reveal redraws every phone at once: the results are loaded and scored once for
    all of them, and again once something that changes them moved the room version on."""
    created = new_workshop(svc)
    people = [
        joined(svc, created, partner, name)
        for partner, name in zip(partner_ids(svc, created), ["Ann", "Bo", "Cy"], strict=True)
    ]
    for rating, token in enumerate(people, start=2):
        answer_everything(svc, token, rating)
    svc.reveal(created.facilitator_token)
    loads: list[str] = []
    real = WorkshopService.revealed_assessment_for_participant

    def counted(self: WorkshopService, token: str):  # noqa: ANN202 - the real one's result
        loads.append(token)
        return real(self, token)

    monkeypatch.setattr(WorkshopService, "revealed_assessment_for_participant", counted)
    phones = [page(JOIN, p=token) for token in people]
    assert all("The facilitator has revealed the results." in shown(at) for at in phones)
    assert loads == people[:1]
    first = svc.participant(people[0]).workshop.statements[0]
    svc.record_agreement(created.facilitator_token, AgreedItem(statement=first, agreed_rating=3))
    ok(phones[1].run())
    assert loads == people[:2] and "Agreed so far" in shown(phones[1])
    ok(phones[2].run())
    assert loads == people[:2]
