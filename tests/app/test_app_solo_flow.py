"""AppTest: the whole solo flow, level by level, as the user sees it."""

from __future__ import annotations

import json

from app_helpers import (
    PARTNERS,
    all_text,
    answer_step,
    complete_questionnaire,
    goto,
    progress_text,
    rating_keys,
    shown,
    start_app,
    start_solo,
)

from partnership_core.assessment import (
    Answer,
    Assessment,
    Partner,
    Respondent,
    dump_assessment,
    parse_assessment,
)
from partnership_core.bank import PartnershipType, load_bank_set
from partnership_core.results import VERDICT_LABELS
from partnership_core.scoring import score_assessment
from partnership_ui.state import SOLO_KEY
from partnership_ui.widgets.questionnaire import importance_key
from partnership_ui.widgets.questionnaire_layout import statement_container_key

BANKS = load_bank_set(["three-levels"])
N_OTHER = len(BANKS.applicable(PartnershipType.OTHER))


def _score(at) -> tuple[Assessment, object]:
    assessment = at.session_state[SOLO_KEY].build()
    return assessment, score_assessment(assessment, BANKS)


def test_full_solo_flow_with_an_estimate_ends_in_results() -> None:
    at = start_solo(start_app())
    assert at.subheader[0].value == "① Entry level"
    assert _characteristics(at)[0] == "Cultural compatibility"
    assert "answering for **Northfield Food Bank**" in all_text(at)
    assert progress_text(at).startswith(f"0 of {N_OTHER} statements answered")

    seen_levels: list[str] = []
    answered = 0
    for _ in range(40):
        seen_levels.append(at.subheader[0].value.split(" · ")[0])
        answered += answer_step(at, 4)
        button = at.button(key="q_me_next")
        done = button.label == "Finish my answers"
        button.click().run()
        assert not at.exception
        if done:
            break
    assert answered == N_OTHER
    # One step per level, in the framework's order, each visited once.
    assert seen_levels == ["① Entry level", "② Decision level", "③ Operational level"]

    # Overview: own answers complete; the partner has none yet.
    text = all_text(at)
    assert f"Amara: {N_OTHER} of {N_OTHER} statements (answers)" in text
    at.button(key="q_estimate_p2").click().run()
    assert not at.exception
    assert any("Estimate for Harvest Grocers" in w.value for w in at.warning)
    complete_questionnaire(at, "q_est-p2_", rating=2)
    assert "Harvest Grocers (estimate)" in all_text(at)

    at.button(key="q_results").click().run()
    assert not at.exception
    goto(at, "results")
    assessment, result = _score(at)
    assert result.uses_estimates
    assert at.title[0].value == "Food bank and grocer"
    alerts = [*at.error, *at.warning, *at.info, *at.success]
    overall = shown(next(a.value for a in alerts if a.value.startswith("**Overall:")))
    assert result.overall_label in overall and result.headline in overall
    assert any(result.next_step in shown(m.value) for m in at.markdown)
    # A card per level with its verdict in words (icons alongside, never colour alone).
    cards = [m.value for m in at.markdown if m.value.startswith("#### :material/")]
    assert len(cards) == 3
    for card, level in zip(cards, sorted(result.levels, key=lambda lv: lv.order), strict=True):
        assert level.name in card and VERDICT_LABELS[level.verdict] in card
    # Estimates are labelled in the text and in every chart legend.
    assert any("**estimate**" in w.value for w in at.warning)
    assert "Harvest Grocers (estimate)" in all_text(at)
    charts = at.get("plotly_chart")
    assert len(charts) >= 4
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        names = {t.get("name") for t in spec["data"]}
        if "Northfield Food Bank" in names:
            assert "Harvest Grocers (estimate)" in names
    # The agenda with prompts, and the method explainer.
    assert any(s.value == "What to talk about first" for s in at.subheader)
    if result.agenda:
        assert at.expander, "agenda items are expandable"
        assert any(shown(e.label).startswith(f"1. {result.agenda[0].text}") for e in at.expander)
    assert any(e.label == "How these scores work" for e in at.expander)
    assert at.get("download_button")


def test_unanswered_level_asks_for_confirmation() -> None:
    at = start_solo(start_app())
    keys = rating_keys(at)
    n_entry = sum(
        1
        for q in BANKS.applicable(PartnershipType.OTHER)
        if BANKS.spine_characteristic(q).level == "entry"
    )
    assert len(keys) == n_entry  # the whole entry level is one step
    for key in keys[:2]:
        at.radio(key=key).set_value(4).run()
    assert at.button(key="q_me_next").label == "Finish the entry level →"
    at.button(key="q_me_next").click().run()
    assert not at.exception
    warning = next(w.value for w in at.warning if "not answered yet" in w.value)
    assert warning.startswith(f"{n_entry - 2} statements at the entry level are not answered")
    assert at.subheader[0].value == "① Entry level"  # not moved on
    at.button(key="q_me_goto_missing").click().run()
    assert at.subheader[0].value == "① Entry level"
    # The page opens at the first unanswered statement (the third), not at its top.
    third = statement_container_key("q_me_", "me", keys[2].split("|")[1])
    assert json.dumps(third) in _scripts(at)[-1] and "const atTop = false" in _scripts(at)[-1]
    at.button(key="q_me_next").click().run()
    at.button(key="q_me_confirm_next").click().run()
    assert not at.exception
    assert at.subheader[0].value == "② Decision level"
    assert _characteristics(at)[0] == "Clear expectations"


def _characteristics(at) -> list[str]:
    """The characteristic headings of the step shown, in order."""
    return [m.value[5:] for m in at.markdown if m.value.startswith("#### ")]


def _scripts(at) -> list[str]:
    """The bodies of the scripts the page runs (the step-opening script)."""
    return [e.proto.body for e in at.get("html") if "<script>" in e.proto.body]


def test_complete_level_moves_on_without_asking() -> None:
    at = start_solo(start_app())
    answer_step(at, 5)
    at.button(key="q_me_next").click().run()
    assert not any("not answered yet" in w.value for w in at.warning)
    assert at.subheader[0].value.startswith("② Decision level")


def test_answers_survive_page_switches_and_reruns() -> None:
    at = start_solo(start_app(), predict=True)
    keys = rating_keys(at)
    answer_step(at, 2)
    importance = importance_key("q_me_", "me", BANKS.spine_characteristic(keys[0].split("|")[1]).id)
    at.radio(key=importance).set_value("high").run()
    prediction = keys[0].replace("|rating", "|prediction")
    at.selectbox(key=prediction).set_value(5).run()
    comment = keys[0].replace("|rating", "|comment")
    at.text_area(key=comment).input("We have not met their board yet.").run()
    at.button(key="q_me_next").click().run()
    before = progress_text(at)

    for page in ("home", "setup", "results", "questionnaire"):
        goto(at, page)
    at.run()
    assert progress_text(at) == before
    assert at.subheader[0].value == "② Decision level"  # same step
    at.selectbox(key="q_me_jump").set_value(0).run()
    assert [at.radio(key=k).value for k in keys] == [2] * len(keys)
    assert at.radio(key=importance).value == "high"
    assert at.selectbox(key=prediction).value == 5
    assert at.text_area(key=comment).value == "We have not met their board yet."

    saved = {a.statement: a for a in at.session_state[SOLO_KEY].build().answers}
    first = saved[keys[0].split("|")[1]]
    assert (first.rating, first.importance, first.prediction, first.comment) == (
        2,
        "high",
        5,
        "We have not met their board yet.",
    )


def test_not_sure_counts_as_answered_and_shows_in_coverage() -> None:
    at = start_solo(start_app())
    n = answer_step(at, "not_sure")
    assert progress_text(at).startswith(f"{n} of {N_OTHER}")
    at.radio(key=rating_keys(at)[0]).set_value(3).run()
    goto(at, "results")
    assert any("ratings given" in w.value for w in at.warning)  # coverage warning


def test_changing_setup_keeps_answers() -> None:
    at = start_solo(start_app())
    n = answer_step(at, 4)
    goto(at, "setup")
    at.text_input(key="setup_name").set_value("Renamed partnership").run()
    at.button(key="setup_start").click().run()
    assert not at.exception
    goto(at, "questionnaire")
    assert at.title[0].value == "Renamed partnership"
    assert progress_text(at).startswith(f"{n} of")


def _partner_export(names: tuple[str, str], rating: int = 2) -> bytes:
    ids = BANKS.applicable(PartnershipType.OTHER)
    assessment = Assessment(
        name="Their copy",
        partners=[Partner(id="x", name=names[0]), Partner(id="y", name=names[1])],
        respondents=[Respondent(id="dan", name="Daniel", partner="y")],
        answers=[Answer(respondent="dan", statement=q, rating=rating) for q in ids],
    )
    return dump_assessment(assessment).encode()


def test_import_partner_file_merges_their_answers() -> None:
    at = start_solo(start_app())
    complete_questionnaire(at, "q_me_", 4)
    upload = at.file_uploader(key="q_import_p2")
    upload.upload("harvest.json", _partner_export((PARTNERS[0].upper(), PARTNERS[1])))
    at.run()
    assert not at.exception, at.exception
    assert any("Imported the answers of Harvest Grocers" in s.value for s in at.success)
    assert f"Daniel: {N_OTHER} of {N_OTHER} statements (answers)" in all_text(at)
    assessment, result = _score(at)
    assert not result.uses_estimates
    assert {r.partner for r in assessment.respondents} == {"p1", "p2"}
    # What the download button exports re-opens with both partners' answers.
    assert at.get("download_button")[0].proto.label == "Download to send to your partner"
    assert len(parse_assessment(dump_assessment(assessment)).answers) == 2 * N_OTHER


def test_import_mismatched_file_is_a_clear_error() -> None:
    at = start_solo(start_app())
    answer_step(at, 4)
    at.button(key="q_overview").click().run()
    before = at.session_state[SOLO_KEY].build()
    at.file_uploader(key="q_import_p2").upload(
        "other.json", _partner_export(("Someone", "Else"))
    ).run()
    assert not at.exception
    error = shown(" ".join(e.value for e in at.error))
    assert "None of the partners in that file (Someone, Else)" in error
    assert at.session_state[SOLO_KEY].build().answers == before.answers
    at.file_uploader(key="q_import_p2").upload("bad.json", b"[1,").run()
    assert not at.exception
    assert "not valid JSON" in " ".join(e.value for e in at.error)


def test_predictions_show_perception_gaps() -> None:
    at = start_solo(start_app(), predict=True)
    for _ in range(40):
        keys = rating_keys(at)
        answer_step(at, 4)
        for key in keys:
            at.selectbox(key=key.replace("|rating", "|prediction")).set_value(5)
        at.run()
        button = at.button(key="q_me_next")
        done = button.label == "Finish my answers"
        button.click().run()
        if done:
            break
    at.file_uploader(key="q_import_p2").upload(
        "harvest.json", _partner_export(PARTNERS, rating=2)
    ).run()
    assert not at.exception
    goto(at, "results")
    assert any(s.value == "How well you predicted each other" for s in at.subheader)
    _, result = _score(at)
    assert result.perception_gaps


def test_results_without_an_assessment_says_what_to_do() -> None:
    at = goto(start_app(), "results")
    assert "nothing to show yet" in at.info[0].value
    at = goto(start_app(), "questionnaire")
    assert "Set up the assessment first" in at.info[0].value
