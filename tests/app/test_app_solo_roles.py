"""AppTest: answers belong to people (changing "You answer for" moves none), partner files
imported after the person confirms who is who and what becomes of an estimate, estimates
that start from the guesses given, Home's "Continue your assessment" and the worked example
beside work in progress."""

from __future__ import annotations

import pytest
from app_helpers import (
    PARTNERS,
    all_text,
    answer_step,
    goto,
    progress_text,
    rating_keys,
    shown,
    start_app,
    start_solo,
)
from test_app_solo_flow import _partner_export

from partnership_core.bank import PartnershipType, load_bank_set
from partnership_core.example import example_assessment
from partnership_core.scoring import score_assessment
from partnership_ui import draft_cookie
from partnership_ui.state import DRAFT_KEY, SOLO_KEY, UI_KEY
from partnership_ui.widgets.questionnaire import questionnaire_pages

BANKS = load_bank_set(["three-levels"])


def _answers_by_partner(at) -> dict[str, int]:
    assessment = at.session_state[SOLO_KEY].build()
    partner_of = {r.id: r.partner for r in assessment.respondents}
    counts: dict[str, int] = {}
    for a in assessment.answers:
        counts[partner_of[a.respondent]] = counts.get(partner_of[a.respondent], 0) + 1
    return counts


def _own_selectbox(at):
    return next(s for s in at.selectbox if s.label == "You answer for")


def test_changing_who_you_answer_for_moves_no_answer() -> None:
    at = start_solo(start_app())
    n = answer_step(at, 4)
    goto(at, "setup")
    _own_selectbox(at).set_value(1).run()
    warning = shown(" ".join(w.value for w in at.warning))
    assert "Saving changes who you answer for" in warning
    assert f"The {n} answers given for {PARTNERS[0]} stay with {PARTNERS[0]}." in warning
    assert at.button(key="setup_start").label == f"Answer for {PARTNERS[1]} from now on"
    assert _answers_by_partner(at) == {"p1": n}  # nothing moved before saving

    at.button(key="setup_start").click().run()
    assert not at.exception, at.exception
    notice = f"You now answer for {PARTNERS[1]}. The {n} answers given for {PARTNERS[0]}"
    assert any(notice in shown(s.value) for s in at.success)
    goto(at, "questionnaire")
    assert f"answering for **{PARTNERS[1]}**" in all_text(at)
    assert progress_text(at).startswith("0 of")  # Harvest's questionnaire shows no answer
    assert all(at.radio(key=k).value is None for k in rating_keys(at))
    assert _answers_by_partner(at) == {"p1": n}
    # The overview opens only the current role's answers; the other role is set-up's.
    _overview(at)
    assert [b.key for b in at.button if b.key.startswith("q_edit_")] == ["q_edit_me-p2"]
    assert "choose this organisation in set-up again" in all_text(at)

    # Back to the food bank: its answers are there again, still its own.
    goto(at, "setup")
    _own_selectbox(at).set_value(0).run()
    assert f"Your {n} earlier answers for {PARTNERS[0]} are back." in shown(
        " ".join(w.value for w in at.warning)
    )
    at.button(key="setup_start").click().run()
    goto(at, "questionnaire")
    assert progress_text(at).startswith(f"{n} of")
    assert _answers_by_partner(at) == {"p1": n}


def _overview(at):
    at.button(key="q_overview").click().run()
    assert not at.exception, at.exception
    return at


def test_a_partner_named_differently_is_imported_once_the_person_confirms() -> None:
    at = _overview(start_solo(start_app()))
    before = _answers_by_partner(at)
    at.file_uploader(key="q_import_p2").upload(
        "harvest.json", _partner_export(("northfield food bank", "Harvest Grocers Ltd"))
    ).run()
    assert not at.exception, at.exception
    assert "nothing is imported until you confirm" in " ".join(i.value for i in at.info)
    choice = at.selectbox(key="q_import_p2_map_y")
    assert choice.label.startswith("In the file, 'Harvest Grocers Ltd'")
    assert choice.value == "p2"  # proposed, not yet taken
    assert _answers_by_partner(at) == before
    at.button(key="q_import_p2_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Imported the answers of Harvest Grocers" in s.value for s in at.success)
    assert _answers_by_partner(at).get("p2") == len(BANKS.applicable(PartnershipType.OTHER))


def test_a_partner_left_out_of_the_mapping_is_not_imported() -> None:
    at = _overview(start_solo(start_app()))
    at.file_uploader(key="q_import_p2").upload(
        "harvest.json", _partner_export(("Northfield", "Harvest Grocers Ltd"))
    ).run()
    at.selectbox(key="q_import_p2_map_y").set_value("").run()
    at.button(key="q_import_p2_confirm").click().run()
    assert not at.exception
    assert "no answers from the partners chosen" in shown(" ".join(e.value for e in at.error))
    assert "p2" not in _answers_by_partner(at)


@pytest.mark.parametrize(("choice", "estimate_kept"), [("keep", True), ("replace", False)])
def test_importing_real_answers_asks_about_the_estimate(choice: str, estimate_kept: bool) -> None:
    at = _overview(start_solo(start_app()))
    at.button(key="q_estimate_p2").click().run()
    estimated = answer_step(at, 5)
    _overview(at)
    at.file_uploader(key="q_import_p2").upload("harvest.json", _partner_export(PARTNERS)).run()
    assert not at.exception, at.exception
    ids = {r.id for r in at.session_state[SOLO_KEY].build().respondents}
    assert "est-p2" in ids and not any(i.startswith("imp-") for i in ids)  # asked first
    question = at.radio(key="q_import_p2_estimate")
    assert shown(question.label).startswith("You estimated Harvest Grocers earlier.")
    assert question.value == "keep"
    question.set_value(choice).run()
    at.button(key="q_import_p2_confirm").click().run()
    assert not at.exception, at.exception
    built = at.session_state[SOLO_KEY].build()
    kept = [a for a in built.answers if a.respondent == "est-p2"]
    assert (len(kept) == estimated) is estimate_kept
    assert any(r.id.startswith("imp-") for r in built.respondents)
    # The results use the real answers; a kept estimate is not counted.
    goto(at, "results")
    assert not score_assessment(built, BANKS).uses_estimates
    assert "Harvest Grocers (estimate)" not in all_text(at)


def _answer_with_guesses(at, guess: int) -> int:
    keys = rating_keys(at)
    answer_step(at, 4)
    for key in keys:
        at.selectbox(key=key.replace("|rating", "|prediction")).set_value(guess)
    at.run()
    return len(keys)


def test_an_estimate_starts_from_the_guesses_and_speaks_for_the_partner() -> None:
    at = start_solo(start_app(), predict=True, sectors=("nonprofit", "business"))
    guessed = _answer_with_guesses(at, 2)
    _overview(at)
    at.button(key="q_estimate_p2").click().run()
    assert not at.exception, at.exception
    solo = at.session_state[SOLO_KEY]
    total = len(solo.build().answers) - guessed  # the guesses became the estimate's answers
    assert total == guessed
    notice = " ".join(s.value for s in at.success)
    assert f"Your {guessed} guesses about Harvest Grocers are filled in" in notice
    assert at.subheader[0].value == "② Decision level"  # opens at the gap: entry is guessed
    banner = shown(next(w.value for w in at.warning if "Estimate for" in w.value))
    assert "'we' and 'our' mean Harvest Grocers" in banner
    at.selectbox(key="q_est-p2_jump").set_value(0).run()
    assert [at.radio(key=k).value for k in rating_keys(at)] == [2] * guessed
    labels = [shown(r.label) for r in at.radio if r.key.endswith("|rating")]
    assert any("core values of Northfield Food Bank fit well with our own" in t for t in labels)
    # Each statement is worded for the estimated partner: its sector's wording too.
    steps = questionnaire_pages(BANKS, _planned(at))
    risk = next(i for i, s in enumerate(steps) if "three-levels:rr-reputation" in s.statement_ids)
    at.selectbox(key="q_est-p2_jump").set_value(risk).run()
    labels = " ".join(shown(r.label) for r in at.radio if r.key.endswith("|rating"))
    assert "would not draw public criticism of our firm" in labels
    assert "our supporters would not think less of us" not in labels


def _planned(at) -> list[str]:
    from partnership_core.plan import planned_statements

    assessment = at.session_state[SOLO_KEY].assessment
    return planned_statements(BANKS, assessment.partnership_type, assessment.plan)


# ------------------------------------------------------------------ coming back


def test_home_offers_to_continue_the_draft_this_browser_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = start_solo(start_app())
    n = answer_step(at, 3)
    token = at.session_state[DRAFT_KEY].token
    assert at.session_state[UI_KEY].cookie_token == token  # the browser is told to keep it
    assert any(f"pf_draft={token}; path=/" in h.proto.body for h in at.get("html"))

    # Another day, the plain address in the same browser: the cookie names the draft.
    monkeypatch.setattr(draft_cookie, "remembered_token", lambda: token)
    fresh = start_app()
    assert not fresh.session_state[SOLO_KEY].started
    assert "Continue your assessment" in all_text(fresh)
    assert f"Food bank and grocer**: {n} answers so far" in all_text(fresh)
    button = fresh.button(key="home_continue")
    assert button.proto.type == "primary"
    button.click().run()
    assert not fresh.exception, fresh.exception
    assert fresh.session_state[SOLO_KEY].started
    assert len(fresh.session_state[SOLO_KEY].build().answers) == n
    assert fresh.query_params["draft"] == token  # the long link still names it


def test_a_forgotten_draft_is_not_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draft_cookie, "remembered_token", lambda: "x" * 32)
    at = start_app()
    assert "Continue your assessment" not in all_text(at)
    assert at.session_state[UI_KEY].cookie_chosen and at.session_state[UI_KEY].cookie_token is None


def test_start_over_tells_the_browser_to_forget_the_draft() -> None:
    at = start_solo(start_app())
    answer_step(at, 3)
    goto(at, "home")
    at.button(key="home_start_over").click().run()
    at.button(key="home_over_yes").click().run()
    assert not at.exception
    ui = at.session_state[UI_KEY]
    assert ui.cookie_chosen and ui.cookie_token is None
    scripts = [h.proto.body for h in at.get("html")]
    assert any("pf_draft=; path=/; max-age=0" in body for body in scripts), scripts


def test_the_worked_example_opens_beside_work_in_progress() -> None:
    at = start_solo(start_app())
    n = answer_step(at, 3)
    goto(at, "home")
    assert at.button(key="home_resume").proto.type == "primary"
    at.button(key="home_example").click().run()
    assert not at.exception, at.exception
    goto(at, "results")
    example = example_assessment()
    assert shown(at.title[0].value) == example.name
    assert "Your own assessment is kept" in " ".join(i.value for i in at.info)
    assert at.get("plotly_chart")
    solo = at.session_state[SOLO_KEY]
    assert solo.assessment.name == "Food bank and grocer" and len(solo.build().answers) == n
    at.button(key="res_close_example").click().run()
    assert not at.exception
    assert at.title[0].value == "Food bank and grocer"
    goto(at, "questionnaire")
    assert progress_text(at).startswith(f"{n} of")


def _cookie_script(token: str) -> None:
    from partnership_ui.draft_cookie import keep_in_browser, sync_browser_cookie

    keep_in_browser(token)
    sync_browser_cookie()


def test_only_a_draft_token_reaches_the_cookie_script() -> None:
    from streamlit.testing.v1 import AppTest

    bad = AppTest.from_function(_cookie_script, args=('x"; alert(1); "' * 2,)).run()
    assert not bad.exception
    assert not bad.get("html")  # not a token of ours: nothing is written
    good = AppTest.from_function(_cookie_script, args=("A" * 32,)).run()
    assert any(f"pf_draft={'A' * 32}; path=/; max-age=" in h.proto.body for h in good.get("html"))
