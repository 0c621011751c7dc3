"""AppTest: each partner's sector asked in solo set-up and in the workshop's create form."""

from __future__ import annotations

import json
from pathlib import Path

from app_helpers import all_text, fill_setup, goto, start_app, start_solo
from streamlit.testing.v1 import AppTest

from partnership_core.bank import PartnershipType, Sector
from partnership_core.workshop import WorkshopService
from partnership_ui.state import SOLO_KEY

ROOT = Path(__file__).resolve().parents[2]
FACILITATOR = str(ROOT / "pages" / "facilitator.py")
TRISECTOR = ("City Council", "Shelter Now", "FreshMart")
SECTORS = ("government", "nonprofit", "business")


def test_setup_asks_sectors_and_the_type_follows_from_them() -> None:
    at = goto(start_app(), "setup")
    assert [at.selectbox(key=f"setup_sector_{i}").value for i in range(2)] == [None, None]
    assert "Say each partner's sector" in all_text(at)
    fill_setup(at, partners=TRISECTOR, sectors=("government", "nonprofit", "business"))
    assert not [s for s in at.selectbox if s.key == "setup_type"]
    assert "Say each partner's sector" not in all_text(at)
    assert "from the sectors: Trisector" in all_text(at)
    at.button(key="setup_start").click().run()
    assert not at.exception and not at.error
    assessment = at.session_state[SOLO_KEY].assessment
    assert assessment.partnership_type is PartnershipType.TRISECTOR
    assert [p.sector for p in assessment.partners] == [
        Sector.GOVERNMENT,
        Sector.NONPROFIT,
        Sector.BUSINESS,
    ]


def test_setup_fills_the_sectors_the_type_settles() -> None:
    at = goto(start_app(), "setup")
    fill_setup(at, ptype="government-nonprofit", sectors=("government",))
    at.button(key="setup_start").click().run()
    assessment = at.session_state[SOLO_KEY].assessment
    assert [p.sector for p in assessment.partners] == [Sector.GOVERNMENT, Sector.NONPROFIT]
    # Set-up shows the settled sector when the person comes back.
    goto(at, "setup")
    assert at.selectbox(key="setup_sector_1").value == Sector.NONPROFIT
    data = json.loads(assessment.model_dump_json())
    assert data["partners"][1]["sector"] == "nonprofit"


def test_workshop_create_form_asks_sectors(data_dir: Path) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=60).run()
    at.text_input(key="pf_ws_new_name").set_value("Warm homes")
    at.number_input(key="pf_ws_new_count").set_value(3).run()
    for i, (name, sector) in enumerate(zip(TRISECTOR, SECTORS, strict=True)):
        at.text_input(key=f"pf_ws_new_partner_{i}").set_value(name)
        at.selectbox(key=f"pf_ws_new_sector_{i}").set_value(sector)
    at.run()
    assert "from the sectors: Trisector" in "\n".join(c.value for c in at.caption)
    at.button(key="pf_ws_create").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    token = at.query_params["t"]
    token = token[0] if isinstance(token, list) else token
    svc = WorkshopService.from_environment()
    try:
        workshop = svc.dashboard(token).workshop
    finally:
        svc.close()
    assert workshop.partnership_type is PartnershipType.TRISECTOR
    assert [p.sector for p in workshop.partners] == [
        Sector.GOVERNMENT,
        Sector.NONPROFIT,
        Sector.BUSINESS,
    ]


def test_questionnaire_names_the_other_partner_as_plain_text() -> None:
    at = start_solo(start_app(), partners=("Northfield Food Bank", "**Evil** Corp"))
    labels = [r.label for r in at.radio if r.key and r.key.endswith("cc-values|rating")]
    assert labels == [
        r"**We believe the core values of \*\*Evil\*\* Corp fit well with our own\.**"
    ]


def test_questionnaire_with_three_partners_says_the_other_partners() -> None:
    at = start_solo(start_app(), partners=TRISECTOR)
    labels = [r.label for r in at.radio if r.key and r.key.endswith("cc-values|rating")]
    assert labels and "core values of the other partners fit" in labels[0]


def test_three_partners_get_one_guess_per_other_partner() -> None:
    at = start_solo(start_app(), partners=TRISECTOR, predict=True)
    qid = "three-levels:cc-values"
    rating = next(r for r in at.radio if r.key and r.key.endswith(f"{qid}|rating"))
    rating.set_value(4).run()
    prefix = rating.key.removesuffix("rating")
    guesses = [s for s in at.selectbox if s.key and s.key.startswith(f"{prefix}prediction:")]
    labels = [s.label for s in guesses]
    assert labels == [
        "Your guess: how would Shelter Now rate this?",
        "Your guess: how would FreshMart rate this?",
    ]
    guesses[0].set_value(5).run()
    at.selectbox(key=guesses[1].key).set_value(2).run()
    assert not at.exception
    solo = at.session_state[SOLO_KEY]
    answer = solo.answers_of(solo.own_respondent)[qid]
    assert answer.predictions == {"p2": 5, "p3": 2}
    assert answer.prediction is None


def test_two_partners_keep_one_guess() -> None:
    at = start_solo(start_app(), predict=True)
    rating = next(r for r in at.radio if r.key and r.key.endswith("cc-values|rating"))
    rating.set_value(4).run()
    prefix = rating.key.removesuffix("rating")
    assert [s.key for s in at.selectbox if s.key and s.key.startswith(prefix)] == [
        f"{prefix}prediction"
    ]


def test_setup_offers_a_short_session_with_its_count_and_time() -> None:
    at = goto(start_app(), "setup")
    fill_setup(at)
    full = next(c.value for c in at.caption if "statements to answer" in c.value)
    at.toggle(key="setup_core").set_value(True)
    at.checkbox(key="setup_importance").uncheck().run()
    short = next(c.value for c in at.caption if "statements to answer" in c.value)
    assert short == "11 statements to answer, about 3 minutes." and short != full
    at.button(key="setup_start").click().run()
    goto(at, "questionnaire")
    assert not at.exception
    assert "of 11 statements answered" in at.get("progress")[0].proto.text
    assert not [r for r in at.radio if r.key and r.key.endswith("|importance")]
    plan = at.session_state[SOLO_KEY].assessment.plan
    assert plan.core_only and not plan.ask_importance


def test_workshop_create_form_shows_count_and_time(data_dir: Path) -> None:
    at = AppTest.from_file(FACILITATOR, default_timeout=60).run()
    caption = next(c.value for c in at.caption if c.value.startswith("Each person answers"))
    assert "statements, about" in caption and "minutes." in caption


def _framework_view_script() -> None:
    from partnership_core.assessment import Answer
    from partnership_core.bank import load_bank_set
    from partnership_core.example import example_assessment
    from partnership_core.scoring import score_assessment
    from partnership_ui.widgets.result_view import SOLO_SECTIONS, render_result_view

    chosen = ["three-levels", "nonprofit-elements"]
    banks = load_bank_set(chosen)
    base = example_assessment()
    extra = [
        Answer(respondent=r.id, statement=q, rating=4)
        for r in base.respondents
        for q in banks.applicable(base.partnership_type)
        if q.startswith("nonprofit-elements:")
    ]
    assessment = base.model_copy(update={"banks": chosen, "answers": base.answers + extra})
    result = score_assessment(assessment, banks)
    render_result_view(result, assessment, sections=SOLO_SECTIONS, key_prefix="t_")


def test_result_view_shows_each_framework_as_itself() -> None:
    at = AppTest.from_function(_framework_view_script, default_timeout=60).run()
    assert not at.exception, at.exception
    assert "Each framework as itself" in [s.value for s in at.subheader]
    rows = [m.value for m in at.markdown if m.value.startswith("- Shared vision and purpose")]
    assert len(rows) == 1 and "Northfield Regional Food Bank 75" in rows[0]
