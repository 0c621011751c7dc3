"""AppTest: a solo assessment shared by link, as the owner and the partner see it.

The owner invites from the solo results, lands on their page of a workshop without a room
(partner link, code, QR, progress per partner, "Open the results now"); the partner opens
their link, which picks their organisation, answers blind and sees the results once open.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import all_text, goto, shown, start_app
from streamlit.testing.v1 import AppTest

from partnership_core.assessment import Answer
from partnership_core.bank import PartnershipType, load_bank_set
from partnership_core.plan import SessionPlan, planned_statements
from partnership_core.solo import OWN_RESPONDENT, add_estimate_respondent, new_assessment
from partnership_core.workshop import WorkshopService, WorkshopState
from partnership_core.workshop.invite import owner_token
from partnership_ui.state import DRAFT_KEY, SOLO_KEY

ROOT = Path(__file__).resolve().parents[2]
JOIN = str(ROOT / "pages" / "join.py")
FACILITATOR = str(ROOT / "pages" / "facilitator.py")
CORE = SessionPlan(core_only=True, ask_importance=False, ask_guesses=False)
STATEMENTS = planned_statements(load_bank_set(["three-levels"]), PartnershipType.OTHER, CORE)


@pytest.fixture()
def svc(data_dir: Path) -> WorkshopService:
    service = WorkshopService.from_environment()
    yield service
    service.close()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _solo_assessment():
    base = new_assessment(
        name="Surplus food programme",
        partnership_type=PartnershipType.OTHER,
        partner_names=["Northfield Food Bank", "Harvest Grocers"],
        bank_ids=["three-levels"],
        respondent_name="Amara",
        own_partner=0,
        plan=CORE,
    )
    base, estimate = add_estimate_respondent(base, "p2", "Amara")
    answers = [Answer(respondent=OWN_RESPONDENT, statement=q, rating=5) for q in STATEMENTS]
    answers += [Answer(respondent=estimate, statement=q, rating=1) for q in STATEMENTS]
    return base.model_copy(update={"answers": answers})


def _invite() -> tuple[AppTest, str]:
    """The owner's session: solo results, then "Invite"; returns it on the owner's page."""
    at = start_app()
    solo = at.session_state[SOLO_KEY]
    solo.load(_solo_assessment())
    solo.own_respondent = OWN_RESPONDENT
    solo.finished = {OWN_RESPONDENT}
    goto(at, "results")
    assert "Invite your partner(s)" in all_text(at)
    ok(at.button(key="pf_invite_start").click().run())
    token = at.query_params.get("t")
    token = token[0] if isinstance(token, list) else token
    assert token, [e.value for e in at.error]
    # The click's own run already shows the owner's page, with its one-off notice.
    assert "Your invitation is ready" in all_text(at)
    return goto(at, "facilitator"), token


def _codes(at: AppTest) -> list[str]:
    return [c.value for c in at.code]


def _partner_link(at: AppTest) -> str:
    return next(c for c in _codes(at) if "/join?" in c and "for=p2" in c)


def _open_link(link: str) -> AppTest:
    at = AppTest.from_file(JOIN, default_timeout=60)
    for pair in link.split("?", 1)[1].split("&"):
        name, _, value = pair.partition("=")
        at.query_params[name] = value.replace("%2D", "-")
    return ok(at.run())


def test_owner_page_shares_the_partner_link_not_the_private_one(svc: WorkshopService) -> None:
    at, token = _invite()
    text = all_text(at)
    assert "Invite Harvest Grocers" in text
    assert "Invite Northfield Food Bank" not in text  # the owner's own organisation
    link = _partner_link(at)
    assert token not in link and "k=" in link
    # The private link appears once, in its closed box; no room view for a shared assessment.
    assert [c for c in _codes(at) if token in c] == [c for c in _codes(at) if "?t=" in c]
    assert len([c for c in _codes(at) if token in c]) == 1
    assert any(e.label.endswith("Your private link (not the one to send)") for e in at.expander)
    assert not [b for b in at.get("link_button") if "room view" in b.proto.label]
    assert at.get("imgs") or at.get("image")
    assert "Your answers for Northfield Food Bank" in text
    assert f"{len(STATEMENTS)} of {len(STATEMENTS)}, handed in" in text
    progress = [p.proto.text for p in at.get("progress")]
    assert any("Harvest Grocers: nobody has started yet" in shown(t) for t in progress)
    assert any(
        "once someone from Northfield Food Bank and someone from Harvest Grocers have finished"
        in shown(c.value)
        for c in at.caption
    )
    dash = svc.dashboard(token)
    assert dash.workshop.has_room is False
    assert [p.name for p in dash.participants] == ["Amara"]


def test_partner_link_picks_their_organisation_and_they_answer_blind(
    svc: WorkshopService,
) -> None:
    owner, token = _invite()
    partner = _open_link(_partner_link(owner))
    assert partner.radio(key="pf_ws_partner").value == "p2"
    assert partner.title[0].value == "You are invited to answer"
    assert "Nobody sees anyone's answers until every partner has finished" in all_text(partner)
    partner.text_input(key="pf_ws_name").set_value("Ben")
    ok(partner.button(key="FormSubmitter:pf_ws_join_form-Join").click().run())
    mine = partner.query_params.get("p")
    mine = mine[0] if isinstance(mine, list) else mine
    assert mine and mine != owner_token(token)
    text = all_text(partner)
    assert "You answer for **Harvest Grocers** as **Ben**." in text
    assert "Amara" not in text  # nothing of the owner, let alone their answers
    for q in STATEMENTS[:2]:
        svc.save_answer(mine, Answer(respondent="x", statement=q, rating=2))
    ok(owner.run())
    progress = [shown(p.proto.text) for p in owner.get("progress")]
    assert any(
        f"Harvest Grocers: 1 started, 0 finished · 2 of {len(STATEMENTS)} answers given" in t
        for t in progress
    )
    for q in STATEMENTS[2:]:
        svc.save_answer(mine, Answer(respondent="x", statement=q, rating=2))
    assert svc.finish(mine) is WorkshopState.REVEALED
    ok(partner.run())
    text = all_text(partner)
    assert "Everyone invited can now see the results." in text
    assert partner.get("download_button")  # the partner keeps the results too
    ok(owner.run())
    assert any(c.value.startswith("Revealed at") for c in owner.caption)
    assert "2 people from 2 organisations" in all_text(owner)


def test_a_partner_who_hands_in_early_waits_for_the_owner(svc: WorkshopService) -> None:
    owner, token = _invite()
    # The owner reopens their own answers: now the results wait for them as well.
    svc.finish(owner_token(token), finished=False)
    partner = _open_link(_partner_link(owner))
    partner.text_input(key="pf_ws_name").set_value("Ben")
    ok(partner.button(key="FormSubmitter:pf_ws_join_form-Join").click().run())
    mine = partner.query_params.get("p")
    mine = mine[0] if isinstance(mine, list) else mine
    assert svc.finish(mine) is WorkshopState.OPEN
    ok(partner.run())
    assert "once every partner has finished, or when the person who invited you" in (
        all_text(partner)
    )
    ok(owner.run())
    assert "Finish your answers" in [b.proto.label for b in owner.get("link_button")]


def test_owner_opens_the_results_before_the_partner_finished(svc: WorkshopService) -> None:
    owner, token = _invite()
    assert owner.button(key="pf_invite_open").disabled
    owner.checkbox(key="pf_invite_anyway").check()
    ok(owner.run())
    assert (
        "Open although Harvest Grocers has not finished"
        in owner.checkbox(key="pf_invite_anyway").label
    )
    ok(owner.button(key="pf_invite_open").click().run())
    assert svc.dashboard(token).state is WorkshopState.REVEALED
    assert "The results are open to everyone invited." in all_text(owner)


def test_inviting_without_own_answers_says_what_to_do(svc: WorkshopService) -> None:
    at = start_app()
    solo = at.session_state[SOLO_KEY]
    assessment = _solo_assessment()
    solo.load(assessment)
    solo.own_respondent = "est-p2"  # nobody answering for their own organisation
    goto(at, "results")
    ok(at.button(key="pf_invite_start").click().run())
    assert any("Say who you are" in e.value for e in at.error)
    assert not at.query_params.get("t")


def test_back_on_the_solo_results_the_invitation_is_reopened_not_sent_again(
    svc: WorkshopService,
) -> None:
    at, token = _invite()
    goto(at, "results")
    assert not [b for b in at.button if b.key == "pf_invite_start"]
    assert "You have sent an invitation from this assessment" in all_text(at)
    ok(at.button(key="pf_invite_open_own").click().run())
    again = at.query_params.get("t")
    assert (again[0] if isinstance(again, list) else again) == token
    goto(at, "facilitator")
    assert "Invite Harvest Grocers" in all_text(at)
    assert len(svc.dashboard(token).participants) == 1


def test_after_a_reload_the_draft_finds_its_invitation_again(svc: WorkshopService) -> None:
    at, token = _invite()
    draft_token = at.session_state[DRAFT_KEY].token
    assert draft_token
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.query_params["draft"] = draft_token
    ok(again.run())
    goto(again, "results")
    assert not [b for b in again.button if b.key == "pf_invite_start"]
    ok(again.button(key="pf_invite_open_own").click().run())
    reopened = again.query_params.get("t")
    assert (reopened[0] if isinstance(reopened, list) else reopened) == token
    assert len(svc.dashboard(token).participants) == 1


def test_another_solo_assessment_can_send_its_own_invitation(svc: WorkshopService) -> None:
    at, _ = _invite()
    at.session_state[SOLO_KEY].load(
        _solo_assessment().model_copy(update={"name": "Another programme"})
    )
    goto(at, "results")
    assert [b for b in at.button if b.key == "pf_invite_start"]


def test_owner_page_stands_when_the_owner_removed_themselves(svc: WorkshopService) -> None:
    at, token = _invite()
    [owner] = svc.dashboard(token).participants
    svc.remove_participant(token, owner.respondent_id)
    ok(at.run())
    text = all_text(at)
    assert "Invite Harvest Grocers" in text and "Invite Northfield Food Bank" in text
    assert "Your answers for" not in text
