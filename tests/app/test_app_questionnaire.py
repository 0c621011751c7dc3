"""The reusable questionnaire renderer on its own (as the workshop pages use it), and the
pure solo helpers in `partnership_core.solo`."""

from __future__ import annotations

import json

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from partnership_core.assessment import Answer, Assessment, Partner, Respondent
from partnership_core.bank import PartnershipType, load_bank_set, questionnaire_steps
from partnership_core.errors import AssessmentFileError
from partnership_core.solo import (
    SetupError,
    add_estimate_respondent,
    carry_over,
    estimated_partners,
    merge_partner_file,
    new_assessment,
    validate_partner_names,
)
from partnership_ui.widgets.questionnaire import importance_key, questionnaire_pages, widget_key
from partnership_ui.widgets.questionnaire_layout import statement_container_key

BANKS = load_bank_set(["three-levels"])


def _script(read_only: bool) -> None:
    import streamlit as st

    from partnership_ui.data import bank_set
    from partnership_ui.widgets.questionnaire import render_questionnaire

    banks = bank_set(("three-levels",))
    answers = st.session_state.setdefault("answers", {})
    log = st.session_state.setdefault("log", [])
    outcome = render_questionnaire(
        banks=banks,
        statement_ids=banks.applicable("government-nonprofit"),
        answers=answers,
        respondent_id="r9",
        key_prefix="ws_",
        ask_prediction=False,
        on_change=lambda answer, qid: log.append((qid, answer.rating if answer else None)),
        read_only=read_only,
        on_finish=lambda: st.session_state.__setitem__("finished", True),
    )
    st.session_state["outcome"] = outcome


def _app(read_only: bool = False) -> AppTest:
    at = AppTest.from_function(_script, args=(read_only,), default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def test_steps_follow_the_levels_and_skip_empty_characteristics() -> None:
    ids = BANKS.applicable(PartnershipType.OTHER)
    steps = questionnaire_steps(BANKS, ids)
    assert [s.level.order for s in steps] == sorted(s.level.order for s in steps)
    assert sum(len(s.statement_ids) for s in steps) == len(ids)
    only_entry = [q for q in ids if BANKS.spine_characteristic(q).level == "entry"]
    assert {s.level.id for s in questionnaire_steps(BANKS, only_entry)} == {"entry"}


def test_on_change_is_called_the_moment_an_answer_changes() -> None:
    at = _app()
    first = next(r.key for r in at.radio if r.key.endswith("|rating"))
    qid = first.split("|")[1]
    assert first == widget_key("ws_", "r9", qid, "rating")
    at.radio(key=first).set_value(3).run()
    assert at.session_state["log"] == [(qid, 3)]
    at.radio(key=first).set_value("not_sure").run()
    assert at.session_state["log"][-1] == (qid, "not_sure")
    answer = at.session_state["answers"][qid]
    assert isinstance(answer, Answer) and answer.respondent == "r9"
    assert at.session_state["outcome"].answered == 1
    # Importance is part of the same answer and reported too.
    characteristic = BANKS.spine_characteristic(qid).id
    at.radio(key=importance_key("ws_", "r9", characteristic)).set_value("low").run()
    assert at.session_state["answers"][qid].importance == "low"
    assert len(at.session_state["log"]) == 3


def test_finish_calls_on_finish_after_confirmation() -> None:
    at = _app()
    total = at.session_state["outcome"].steps
    at.selectbox(key="ws_jump").set_value(total - 1).run()
    assert at.button(key="ws_next").label == "Finish"
    at.button(key="ws_next").click().run()
    assert "finished" not in at.session_state  # asked first: items unanswered
    at.button(key="ws_confirm_next").click().run()
    assert at.session_state["finished"] is True


def test_read_only_disables_every_control() -> None:
    at = _app(read_only=True)
    rating = [r for r in at.radio if r.key.endswith("|rating")]
    assert rating and all(r.disabled for r in rating)
    assert all(t.disabled for t in at.text_area)
    assert not at.button(key="ws_next").disabled  # navigation still works


def test_every_control_has_a_visible_label() -> None:
    at = _app()
    for widget in [*at.radio, *at.selectbox, *at.text_area]:
        assert widget.label.strip(), widget.key
        assert widget.proto.label_visibility.value in (0, 1), widget.key  # unset or visible


GOV_NONPROFIT = BANKS.applicable("government-nonprofit")


def _ratings(at: AppTest) -> list[str]:
    return [r.key for r in at.radio if r.key.endswith("|rating")]


def _opening_scripts(at: AppTest) -> list[str]:
    return [e.proto.body for e in at.get("html") if "<script>" in e.proto.body]


def test_a_step_per_level_holds_every_statement_of_the_level() -> None:
    pages = questionnaire_pages(BANKS, GOV_NONPROFIT)
    assert [p.level.id for p in pages] == ["entry", "decision", "operational"]
    assert [q for p in pages for q in p.statement_ids] == [
        q for s in questionnaire_steps(BANKS, GOV_NONPROFIT) for q in s.statement_ids
    ]
    at = _app()
    assert at.session_state["outcome"].steps == 3
    assert [k.split("|")[1] for k in _ratings(at)] == list(pages[0].statement_ids)
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert headings == [f"#### {c.characteristic.name}" for c in pages[0].characteristics]


def test_importance_is_asked_once_per_characteristic_for_all_its_statements() -> None:
    at = _app()
    page = questionnaire_pages(BANKS, GOV_NONPROFIT)[0]
    asked = [r.key for r in at.radio if r.key.endswith("|importance")]
    assert asked == [importance_key("ws_", "r9", c.characteristic.id) for c in page.characteristics]
    first, second = page.characteristics[0], page.characteristics[1]
    a, b, c = first.statement_ids[:3]
    at.radio(key=widget_key("ws_", "r9", a, "rating")).set_value(4).run()
    at.radio(key=widget_key("ws_", "r9", b, "rating")).set_value(2).run()
    at.radio(key=asked[0]).set_value("high").run()
    answers = at.session_state["answers"]
    assert [answers[q].importance for q in (a, b)] == ["high", "high"]
    assert at.session_state["log"][-2:] == [(a, 4), (b, 2)]  # each change reported
    at.radio(key=widget_key("ws_", "r9", c, "rating")).set_value(5).run()  # rated after
    assert at.session_state["answers"][c].importance == "high"
    other = second.statement_ids[0]
    at.radio(key=widget_key("ws_", "r9", other, "rating")).set_value(5).run()
    assert at.session_state["answers"][other].importance is None  # its own characteristic
    assert at.radio(key=asked[0]).value == "high" and at.radio(key=asked[1]).value is None


def test_comment_boxes_belong_to_their_statement() -> None:
    at = _app()
    boxes = [e.key for e in at.expander if e.label == "Comment (optional)"]
    statements = [k.split("|")[1] for k in _ratings(at)]
    assert boxes == [widget_key("ws_", "r9", q, "comment") + "|box" for q in statements]
    at.button(key="ws_next").click().run()
    at.button(key="ws_confirm_next").click().run()
    after = [e.key for e in at.expander if e.label == "Comment (optional)"]
    assert after and not set(after) & set(boxes)


def test_the_opening_script_changes_with_every_step_change_only() -> None:
    at = _app()
    pages = questionnaire_pages(BANKS, GOV_NONPROFIT)
    [first] = _opening_scripts(at)
    assert json.dumps(statement_container_key("ws_", "r9", pages[0].statement_ids[0])) in first
    at.radio(key=_ratings(at)[0]).set_value(3).run()
    assert _opening_scripts(at) == [first]  # an answer does not move the page
    at.button(key="ws_next").click().run()
    at.button(key="ws_confirm_next").click().run()
    [second] = _opening_scripts(at)
    assert json.dumps(statement_container_key("ws_", "r9", pages[1].statement_ids[0])) in second
    assert "const atTop = true" in second
    at.button(key="ws_back").click().run()
    [back] = _opening_scripts(at)
    assert back not in (first, second)  # the same step again, a new change: runs again


# ---------------------------------------------------------------- pure solo helpers


def test_partner_names_must_be_given_and_distinct() -> None:
    assert validate_partner_names([" Acme  Ltd ", "Beta"]) == ["Acme Ltd", "Beta"]
    with pytest.raises(SetupError, match="Partner 2 needs a name"):
        validate_partner_names(["Acme", "  "])
    with pytest.raises(SetupError, match="both called"):
        validate_partner_names(["Acme", "ACME"])


def _setup(**kw: object) -> Assessment:
    args = dict(
        name="P",
        partnership_type=PartnershipType.OTHER,
        partner_names=["A", "B", "C"],
        bank_ids=["three-levels"],
        respondent_name="Me",
        own_partner=0,
    )
    args.update(kw)
    return new_assessment(**args)  # type: ignore[arg-type]


def test_new_assessment_and_estimates() -> None:
    a = _setup()
    assert [p.id for p in a.partners] == ["p1", "p2", "p3"]
    assert a.respondents[0].partner == "p1" and not a.respondents[0].is_estimate
    a2, rid = add_estimate_respondent(a, "p2", "Me")
    assert a2.respondents[-1].is_estimate and a2.respondents[-1].partner == "p2"
    assert add_estimate_respondent(a2, "p2", "Me") == (a2, rid)
    assert estimated_partners(a2) == {"p2"}
    with pytest.raises(SetupError, match="name"):
        _setup(name=" ")


def _export(names: list[str], answering: int, with_estimate: bool = False) -> Assessment:
    ids = BANKS.applicable(PartnershipType.OTHER)[:5]
    partners = [Partner(id=f"x{i}", name=n) for i, n in enumerate(names)]
    respondents = [Respondent(id="them", name="Them", partner=f"x{answering}")]
    answers = [Answer(respondent="them", statement=q, rating=2) for q in ids]
    if with_estimate:
        respondents.append(Respondent(id="g", name="G", partner="x0", is_estimate=True))
        answers += [Answer(respondent="g", statement=q, rating=5) for q in ids]
    return Assessment(name="T", partners=partners, respondents=respondents, answers=answers)


def test_merge_matches_partners_by_name_and_replaces_estimates() -> None:
    base, _ = add_estimate_respondent(_setup(), "p2", "Me")
    base = base.model_copy(
        update={
            "answers": [Answer(respondent="est-p2", statement="three-levels:cc-values", rating=5)]
        }
    )
    merged, names = merge_partner_file(base, _export(["a", " b "], 1, with_estimate=True), "p1")
    assert names == ["B"]
    imported = [r for r in merged.respondents if r.partner == "p2"]
    assert [r.is_estimate for r in imported] == [False]  # the estimate was replaced
    assert all(a.respondent != "est-p2" for a in merged.answers)
    assert len(merged.answers) == 5
    assert not any(r.partner == "p1" and r.id != "me" for r in merged.respondents)


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (_export(["Q", "R"], 1), "None of the partners"),
        (_export(["A", "B"], 0), "no answers from B"),  # only their view of us
    ],
)
def test_merge_mismatch_errors(other: Assessment, message: str) -> None:
    with pytest.raises(AssessmentFileError, match=message):
        merge_partner_file(_setup(), other, "p1")


def test_merge_refuses_other_banks() -> None:
    other = _export(["A", "B"], 1).model_copy(update={"banks": ["three-levels", "cross-sector"]})
    with pytest.raises(AssessmentFileError, match="same banks"):
        merge_partner_file(_setup(), other, "p1")


def test_carry_over_keeps_answers_that_still_fit() -> None:
    old, _ = add_estimate_respondent(_setup(), "p3", "Me")
    old = old.model_copy(
        update={
            "answers": [
                Answer(respondent="me", statement="three-levels:cc-values", rating=4),
                Answer(respondent="est-p3", statement="three-levels:cc-values", rating=2),
            ]
        }
    )
    fewer = _setup(partner_names=["A", "B"], name="Renamed")
    kept = carry_over(old, fewer)
    assert kept.name == "Renamed"
    assert [a.respondent for a in kept.answers] == ["me"]  # partner 3 is gone
    assert kept.created_at == old.created_at


def test_respondent_kind_is_typed_and_older_files_still_load() -> None:
    from partnership_core.assessment import RespondentKind, parse_assessment

    base, rid = add_estimate_respondent(_setup(), "p2", "Me")
    kinds = {r.id: r.kind for r in base.respondents}
    assert kinds == {"me": RespondentKind.ANSWERED, rid: RespondentKind.ESTIMATE}
    merged, _ = merge_partner_file(base, _export(["a", "b"], 1), "p1")
    assert [r.kind for r in merged.respondents if r.partner == "p2"] == [RespondentKind.IMPORTED]
    older = {
        "format": "partnership-fit/assessment",
        "format_version": 1,
        "name": "Old file",
        "partners": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "respondents": [
            {"id": "r1", "name": "R1", "partner": "a"},
            {"id": "r2", "name": "R2", "partner": "b", "is_estimate": True},
        ],
    }
    loaded = parse_assessment(__import__("json").dumps(older))
    assert [r.kind for r in loaded.respondents] == [
        RespondentKind.ANSWERED,
        RespondentKind.ESTIMATE,
    ]
    with pytest.raises(ValueError, match="kind and is_estimate disagree"):
        Respondent(id="x", name="X", partner="a", is_estimate=True, kind="imported")


def test_partner_names_reject_invisible_characters() -> None:
    with pytest.raises(SetupError, match="invisible"):
        validate_partner_names(["Acme\u200b", "Beta"])
    with pytest.raises(SetupError, match="both called"):
        validate_partner_names(["Acme  Ltd", "acme ltd"])


def test_steps_and_rating_labels_come_from_the_bank() -> None:
    ids = BANKS.applicable(PartnershipType.OTHER)
    assert BANKS.steps(ids) == questionnaire_steps(BANKS, ids)
    scale = BANKS.scale_of(ids[0])
    assert [scale.option(r) for r in (1, 5)] == ["1 · Strongly disagree", "5 · Strongly agree"]


def test_a_value_replayed_from_a_step_left_behind_changes_no_answer() -> None:
    """A browser sends every control it still holds with each request; one sent just before
    a step change arrives after the server has drawn the next step. The old step's values,
    or a control the browser has already emptied, must not save or clear an answer."""
    at = _app()
    first = next(r for r in at.radio if r.key.endswith("|rating"))
    qid = first.key.split("|")[1]
    first.set_value(3).run()
    stale = at.radio(key=first.key)._widget_state  # rated 3, as the browser held it
    emptied = WidgetState(id=stale.id)  # a control the browser dropped: no value
    at.button(key="ws_next").click().run()
    at.button(key="ws_confirm_next").click().run()
    assert at.session_state["outcome"].step == 1
    log = list(at.session_state["log"])
    for replayed in (emptied, stale):
        states = at._tree.get_widget_states()
        states.widgets.append(replayed)
        at._run(states)
        assert not at.exception, at.exception
        assert at.session_state["answers"][qid].rating == 3
        assert at.session_state["log"] == log
        assert at.session_state["outcome"].step == 1


def test_a_whole_step_sends_every_stored_answer_to_its_control() -> None:
    """Back on a step, each control is told its stored answer even when the server already
    holds that value (replayed by a late request), because the browser dropped its own when
    the step was left: told nothing, it would show no rating."""
    at = _app()
    first = next(r for r in at.radio if r.key.endswith("|rating"))
    first.set_value(4).run()
    stale = at.radio(key=first.key)._widget_state
    at.button(key="ws_next").click().run()
    at.button(key="ws_confirm_next").click().run()
    back = at.button(key="ws_back").click()
    states = at._tree.get_widget_states()
    states.widgets.append(stale)  # arrives with the click on Back
    at._run(states)
    assert not at.exception, at.exception
    assert at.session_state["outcome"].step == 0, back
    shown = at.radio(key=first.key)
    assert shown.value == 4
    assert shown.proto.set_value
