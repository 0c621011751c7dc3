"""The facilitator's create form chooses a short session; the count shown follows the
choice, and the workshop created asks only those statements, without importance. The
dashboard states the plan, and an offline file answered in full adds the planned answers."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from partnership_core.assessment import Answer, Assessment, Partner, Respondent, dump_assessment
from partnership_core.bank import LevelId, PartnershipType, load_bank_set
from partnership_core.plan import SessionPlan, planned_statements, session_minutes
from partnership_core.workshop import WorkshopService
from partnership_ui.literal import literal

ROOT = Path(__file__).resolve().parents[2]
FACILITATOR = str(ROOT / "pages" / "facilitator.py")
JOIN = str(ROOT / "pages" / "join.py")


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _estimate(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Each person answers"))


def test_the_create_form_chooses_a_short_session(data_dir: Path) -> None:
    at = _ok(AppTest.from_file(FACILITATOR, default_timeout=60).run())
    full = _estimate(at)
    at.text_input(key="pf_ws_new_name").set_value("Surplus food programme")
    at.text_input(key="pf_ws_new_partner_0").set_value("Northfield Food Bank")
    at.text_input(key="pf_ws_new_partner_1").set_value("Harvest Market")
    at.toggle(key="pf_ws_new_core").set_value(True)
    at.multiselect(key="pf_ws_new_levels").set_value([LevelId.ENTRY])
    at.checkbox(key="pf_ws_new_importance").uncheck()
    _ok(at.run())
    banks = load_bank_set(["three-levels"])
    plan = SessionPlan(levels=(LevelId.ENTRY,), core_only=True, ask_importance=False)
    asked = planned_statements(banks, PartnershipType.OTHER, plan)
    short = _estimate(at)
    assert short != full and short.startswith(f"Each person answers {len(asked)} statement")

    _ok(at.button(key="pf_ws_create").click().run())
    token = at.query_params.get("t")
    token = token[0] if isinstance(token, list) else token
    assert token
    svc = WorkshopService.from_environment()
    try:
        board = svc.dashboard(token)
        assert board.workshop.statements == asked
        # Guesses are off unless the facilitator switches them on.
        assert board.workshop.plan == plan.model_copy(update={"ask_guesses": False})
        assert not board.workshop.ask_predictions
        partner = board.workshop.partners[0].id
        session = svc.join(board.join_code, partner, "Ana", "phone")
    finally:
        svc.close()
    joined = AppTest.from_file(JOIN, default_timeout=60)
    joined.query_params["p"] = session.participant_token
    _ok(joined.run())
    assert [r for r in joined.radio if r.key and r.key.endswith("|rating")]
    assert not [r for r in joined.radio if r.key and r.key.endswith("|importance")]


def test_the_dashboard_shows_the_plan_and_an_import_leaves_out_unplanned_answers(
    data_dir: Path,
) -> None:
    banks = load_bank_set(["three-levels"])
    ptype = PartnershipType.BUSINESS_NONPROFIT
    plan = SessionPlan(levels=(LevelId.ENTRY,), core_only=True, ask_importance=False)
    asked = planned_statements(banks, ptype, plan)
    everything = banks.applicable(ptype)
    svc = WorkshopService.from_environment()
    try:
        created = svc.create_workshop(
            "Surplus food", ptype, ["three-levels"], ["Food Bank", "Grocer"], plan=plan
        )
    finally:
        svc.close()
    at = AppTest.from_file(FACILITATOR, default_timeout=60)
    at.query_params["t"] = created.facilitator_token
    _ok(at.run())
    minutes = session_minutes(len(asked), plan, 1)
    assert (
        f"Session plan: the core set at entry level, {len(asked)} statements, about "
        f"{minutes} minutes per person. Each statement asks for a rating and a guess for "
        "each other partner."
    ) in [c.value for c in at.caption]

    offline = Assessment(
        name="Answered by post",
        partnership_type=ptype,
        banks=["three-levels"],
        partners=[Partner(id="x0", name="Food Bank"), Partner(id="x1", name="Grocer")],
        respondents=[Respondent(id="olga", name="Olga", partner="x0")],
        answers=[Answer(respondent="olga", statement=q, rating=4) for q in everything],
    )
    left_out = len(everything) - len(asked)
    at.file_uploader(key="pf_ws_import_0").upload("olga.json", dump_assessment(offline).encode())
    _ok(at.run())
    assert any(f"{left_out} answers to statements outside" in m.value for m in at.markdown)
    _ok(at.button(key="pf_ws_import_go_0").click().run())
    assert [s.value for s in at.success] == [
        f"Added 1 respondent(s) from {literal('olga.json')}. {left_out} answers to "
        "statements outside this workshop's session plan were left out."
    ]
    svc = WorkshopService.from_environment()
    try:
        board = svc.dashboard(created.facilitator_token)
    finally:
        svc.close()
    assert [(p.name, p.total) for p in board.participants] == [("Olga", len(asked))]
