"""AppTest: every solo page renders, alone and through app.py; Home and Set-up errors."""

from __future__ import annotations

import json

import pytest
from app_helpers import ROOT, all_text, fill_setup, goto, shown, start_app

from partnership_core.assessment import dump_assessment
from partnership_core.bank import PartnershipType, load_bank_set
from partnership_core.example import example_assessment
from partnership_ui.state import SETUP_KEY, SOLO_KEY, UI_KEY


@pytest.mark.parametrize("page", ["home", "setup", "questionnaire", "results"])
def test_page_sets_itself_up_when_app_py_did_not_run(page: str) -> None:
    """Under AppTest (and on a deep link as the first request) Streamlit runs a page script
    without app.py. Each page creates the state it needs itself (bootstrap)."""
    at = start_app()
    for key in (SETUP_KEY, SOLO_KEY, UI_KEY):
        del at.session_state[key]
    goto(at, page)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    for key in (SETUP_KEY, SOLO_KEY, UI_KEY):
        assert key in at.session_state
    at.run()  # and again: the set-up is idempotent
    assert not at.exception


def test_home_explains_and_offers_every_way_in() -> None:
    at = start_app()
    assert at.title[0].value == "Partnership Fit"
    text = all_text(at)
    assert "ready to partner" in text
    for heading in ("Assess on my own", "Workshop", "Open a saved assessment"):
        assert heading in text
    # The main ways in are buttons (the first one primary), each opening its page.
    assert at.button(key="home_setup").label == "Set up an assessment"
    assert at.button(key="home_setup").proto.type == "primary"
    ways_in = {"home_setup": "Set up the assessment", "home_join": "Join a workshop"}
    if (ROOT / "pages" / "facilitator.py").exists():
        ways_in["home_facilitate"] = "Facilitate a workshop"
    for key, title in ways_in.items():
        opened = start_app()
        opened.button(key=key).click().run()
        assert not opened.exception, opened.exception
        assert opened.title[0].value.startswith(title), (key, opened.title[0].value)
    assert at.file_uploader(key="home_upload").label.startswith("Assessment file")


def test_pages_reached_through_app_keep_running_after_reruns() -> None:
    """The AppTest trap: after the first run only page scripts run; pages still work."""
    at = start_app()
    for page in ("setup", "questionnaire", "results", "home"):
        goto(at, page)
        at.run()
        assert not at.exception, (page, at.exception)
        assert at.title


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"hello": 1}', "not a Partnership Fit assessment"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (
            json.dumps(
                {"format": "partnership-fit/assessment", "format_version": 1, "name": "x"}
            ).encode(),
            "partners",
        ),
    ],
)
def test_home_upload_errors_are_shown_and_nothing_changes(content: bytes, message: str) -> None:
    at = start_app()
    before = at.session_state[SOLO_KEY]
    at.file_uploader(key="home_upload").upload("broken.json", content, "application/json").run()
    assert not at.exception, at.exception
    errors = shown(" ".join(e.value for e in at.error))
    assert message in errors
    assert "broken.json" in errors or "assessment" in errors
    assert at.title[0].value == "Partnership Fit"  # still on Home
    assert at.session_state[SOLO_KEY] is before and not before.started


def test_home_upload_unknown_bank_is_an_error() -> None:
    data = json.loads(dump_assessment(example_assessment()))
    data["banks"] = ["no-such-bank"]
    data["answers"] = []
    at = start_app()
    at.file_uploader(key="home_upload").upload("x.json", json.dumps(data).encode()).run()
    assert not at.exception
    assert "no-such-bank" in shown(" ".join(e.value for e in at.error))


def test_home_opens_a_saved_assessment_in_results() -> None:
    example = example_assessment()
    at = start_app()
    at.file_uploader(key="home_upload").upload("saved.json", dump_assessment(example).encode())
    at.run()
    assert not at.exception, at.exception
    assert shown(at.title[0].value) == example.name  # switched to results
    goto(at, "results")
    assert shown(at.title[0].value) == example.name
    assert any("Overall:" in e.value for e in [*at.error, *at.warning, *at.info, *at.success])
    solo = at.session_state[SOLO_KEY]
    assert solo.build().answers == example.answers


def test_home_asks_before_replacing_work_in_progress() -> None:
    from app_helpers import answer_step, start_solo

    at = start_app()
    start_solo(at)
    answer_step(at, 3)
    goto(at, "home")
    at.file_uploader(key="home_upload").upload(
        "saved.json", dump_assessment(example_assessment()).encode()
    )
    at.run()
    assert not at.exception
    assert at.title[0].value == "Partnership Fit"
    assert any("replaces them" in w.value for w in at.warning)
    solo = at.session_state[SOLO_KEY]
    assert solo.assessment.name == "Food bank and grocer"
    at.button(key="home_replace").click().run()
    assert not at.exception
    assert at.session_state[SOLO_KEY].assessment.name == example_assessment().name


def test_worked_example_opens_results() -> None:
    at = start_app()
    at.button(key="home_example").click().run()
    assert not at.exception, at.exception
    assert shown(at.title[0].value) == example_assessment().name
    assert at.get("plotly_chart")


def test_setup_requires_a_name_and_distinct_partners() -> None:
    at = goto(start_app(), "setup")
    at.button(key="setup_start").click().run()
    assert not at.exception
    assert "name" in at.error[0].value.lower()
    fill_setup(at, partners=("Acme", " acme "))
    at.button(key="setup_start").click().run()
    assert not at.exception
    assert "both called" in at.error[0].value
    assert at.title[0].value == "Set up the assessment"  # stayed, nothing lost
    assert at.text_input(key="setup_partner_0").value == "Acme"
    fill_setup(at, partners=("Acme", ""))
    at.button(key="setup_start").click().run()
    assert "Partner 2 needs a name" in at.error[0].value
    fill_setup(at, respondent="")
    at.button(key="setup_start").click().run()
    assert "who is answering" in at.error[0].value


def test_setup_allows_up_to_six_partners() -> None:
    at = goto(start_app(), "setup")
    at.number_input(key="setup_count").set_value(6).run()
    assert not at.exception
    assert [t.key for t in at.text_input if t.key.startswith("setup_partner_")] == [
        f"setup_partner_{i}" for i in range(6)
    ]
    assert at.number_input(key="setup_count").max == 6
    assert at.number_input(key="setup_count").min == 2


def test_setup_type_selects_type_specific_statements() -> None:
    banks = load_bank_set(["three-levels"])
    at = goto(start_app(), "setup")
    labels = at.selectbox(key="setup_type").options
    assert "Government – non-profit" in labels and len(labels) == len(PartnershipType)
    for ptype in (PartnershipType.OTHER, PartnershipType.GOVERNMENT_NONPROFIT):
        at.selectbox(key="setup_type").set_value(ptype).run()
        n = len(banks.applicable(ptype))
        assert any(f"{n} statements" in c.value for c in at.caption), ptype
    assert len(banks.applicable(PartnershipType.OTHER)) < len(
        banks.applicable(PartnershipType.GOVERNMENT_NONPROFIT)
    )


def test_setup_offers_every_shipped_bank_with_the_spine_by_default() -> None:
    at = goto(start_app(), "setup")
    banks = at.multiselect(key="setup_banks")
    assert banks.value == ["three-levels"]
    assert len(banks.options) == len(list((ROOT / "questions").glob("*.yaml")))


def test_results_offer_json_and_summary_downloads() -> None:
    at = start_app()
    at.button(key="home_example").click().run()
    goto(at, "results")
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Download the assessment (JSON)"]
    at.button(key="res_prepare_report").click().run()
    assert not at.exception, at.exception
    assert not [e for e in at.error if "summary" in e.value], [e.value for e in at.error]
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == [
        "Download the assessment (JSON)",
        "Download the summary (PDF)",
        "Download the summary (web page)",
    ]


def test_results_say_why_and_keep_the_agenda_short() -> None:
    from partnership_core.scoring import score_assessment

    at = start_app()
    at.button(key="home_example").click().run()
    goto(at, "results")
    example = example_assessment()
    result = score_assessment(example, load_bank_set(example.banks))
    text = all_text(at)
    assert any(s.value == "Why this verdict" for s in at.subheader)
    decisive = [f for f in result.findings if f.effect is not None]
    assert decisive and decisive[0].sentence in text
    labels = [shown(e.label) for e in at.expander]
    assert [f"{i.rank}. {i.text}" for i in result.talk_first] == [
        label for label in labels if label.split(". ", 1)[0].isdigit()
    ]
    assert f"about {result.talk_first_minutes} minutes" in text
    for group in result.agenda_groups:
        assert any(label.startswith(f"{group.characteristic_name} (") for label in labels)
    # Numbers beside a level are its weakest characteristic, never an average above it.
    for level in result.levels:
        if level.compatibility is not None:
            assert f"Weakest characteristic {level.compatibility:.0f}/100" in text
    assert not any(c.value.startswith("Compatibility") for c in at.caption)
    misreadings = [f.sentence for f in result.findings if f.rule == "misreading"]
    assert misreadings and all(m in text for m in misreadings)
    coverage = next(d.value for d in at.dataframe if "Rated" in d.value.columns)
    assert list(coverage["Partner"]) == list(result.partner_names.values())


def _view_script(bank: str) -> None:
    from partnership_core.bank import load_bank_set
    from partnership_core.example import example_assessment
    from partnership_core.scoring import score_assessment
    from partnership_ui.widgets.result_view import SOLO_SECTIONS, render_result_view

    example = example_assessment()
    assessment = example.model_copy(update={"banks": [bank], "answers": []})
    result = score_assessment(assessment, load_bank_set([bank]))
    render_result_view(result, assessment, sections=SOLO_SECTIONS, key_prefix="t_")


def test_characteristics_no_bank_asks_about_are_named() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_view_script, args=("cross-sector",), default_timeout=60).run()
    assert not at.exception, at.exception
    text = all_text(at)
    assert "Termination: not assessed" in text
    banks = load_bank_set(["cross-sector"])
    example_type = PartnershipType.BUSINESS_NONPROFIT
    asked = {banks.spine_characteristic(q).id for q in banks.applicable(example_type)}
    missing = [c.name for c in banks.spine.characteristics if c.id not in asked]
    assert "Termination" in missing
    assert f"Not assessed with the chosen question banks: {', '.join(missing)}." in text
