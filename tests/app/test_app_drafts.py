"""AppTest: solo work in progress survives a reload (a new session opened with `?draft=`).

Each test runs on a SQLite database of its own (PARTNERSHIP_FIT_DATABASE_URL in tmp_path).
A "reload" is a NEW AppTest of app.py with the same query parameter: nothing carries over
but the database, exactly like a browser reload or a link opened the next day.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import (
    ROOT,
    all_text,
    answer_step,
    goto,
    progress_text,
    rating_keys,
    shown,
    start_app,
    start_solo,
)
from streamlit.testing.v1 import AppTest

from partnership_core.bank import load_bank_set
from partnership_core.drafts import DraftNotFoundError, DraftStore
from partnership_core.errors import StorageError
from partnership_core.example import example_assessment
from partnership_ui import autosave
from partnership_ui.state import DRAFT_KEY, SOLO_KEY
from partnership_ui.widgets.questionnaire import importance_key

URL_ENV = "PARTNERSHIP_FIT_DATABASE_URL"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv(URL_ENV, url)
    return url


def _reload(token: str) -> AppTest:
    """A fresh session on the app's address with `?draft=<token>`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["draft"] = token
    at.run()
    assert not at.exception, at.exception
    return at


def _token(at: AppTest) -> str:
    token = at.query_params["draft"]
    assert isinstance(token, str) and token
    return token


def _alerts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.warning, at.error) for e in kind)


def _importance(rating_key: str) -> str:
    """The importance control of the characteristic a rating's statement belongs to."""
    characteristic = load_bank_set(["three-levels"]).spine_characteristic(rating_key.split("|")[1])
    return importance_key("q_me_", "me", characteristic.id)


def _answer_some(at: AppTest) -> list[str]:
    """Whole first step at 4, then on step 2: first statement 2 with high importance,
    second 'not sure'. Returns the rating keys of step 2."""
    answer_step(at, 4)
    at.button(key="q_me_next").click().run()
    keys = rating_keys(at)
    at.radio(key=keys[0]).set_value(2).run()
    at.radio(key=_importance(keys[0])).set_value("high").run()
    at.radio(key=keys[1]).set_value("not_sure").run()
    assert not at.exception, at.exception
    return keys


def test_reload_brings_back_answers_and_the_step(db_url: str) -> None:
    at = start_solo(start_app())
    keys = _answer_some(at)
    token = _token(at)
    before_progress, before_step = progress_text(at), at.subheader[0].value
    before = at.session_state[SOLO_KEY].build()
    assert "Saved as you go" in all_text(at)

    again = _reload(token)  # opens Home, which continues on the questionnaire
    assert any("Welcome back" in s.value for s in again.success)
    assert progress_text(again) == before_progress
    assert again.subheader[0].value == before_step
    assert again.radio(key=keys[0]).value == 2
    assert again.radio(key=_importance(keys[0])).value == "high"
    assert again.radio(key=keys[1]).value == "not_sure"
    assert again.session_state[SOLO_KEY].build() == before
    assert again.query_params["draft"] == token
    assert not _alerts(again)

    # Answering goes on in the restored session, and a second reload has that too.
    again.radio(key=keys[2]).set_value(5).run()
    third = _reload(token)
    assert third.session_state[SOLO_KEY].build().answers == (
        again.session_state[SOLO_KEY].build().answers
    )
    assert progress_text(third) == progress_text(again)


def test_reload_keeps_setup_overview_and_estimate(db_url: str) -> None:
    at = start_solo(start_app(), predict=True)
    answer_step(at, 3)
    at.button(key="q_overview").click().run()
    at.button(key="q_estimate_p2").click().run()
    answer_step(at, 1)
    assert any("Estimate for Harvest Grocers" in w.value for w in at.warning)
    solo = at.session_state[SOLO_KEY]

    again = _reload(_token(at))
    restored = again.session_state[SOLO_KEY]
    assert restored.build() == solo.build()
    assert restored.active_respondent == "est-p2" == solo.active_respondent
    assert restored.ask_prediction is True
    assert any("Estimate for Harvest Grocers" in w.value for w in again.warning)
    goto(again, "setup")
    assert again.text_input(key="setup_name").value == "Food bank and grocer"
    assert again.text_input(key="setup_respondent").value == "Amara"
    assert again.checkbox(key="setup_predict").value is True


def test_reload_on_results_stays_on_results(db_url: str) -> None:
    at = start_app()
    at.button(key="home_example").click().run()
    assert not at.exception, at.exception
    goto(at, "results")
    token = _token(at)
    again = _reload(token)
    assert shown(again.title[0].value) == example_assessment().name
    assert again.get("plotly_chart")
    assert again.session_state[SOLO_KEY].build() == example_assessment()


def test_setup_typed_but_not_applied_is_kept(db_url: str) -> None:
    at = start_solo(start_app())
    goto(at, "setup")
    at.text_input(key="setup_name").set_value("Renamed partnership").run()
    again = _reload(_token(at))
    assert again.title[0].value == "Set up the assessment"
    assert again.text_input(key="setup_name").value == "Renamed partnership"


def test_unknown_link_says_so_and_the_app_works(db_url: str) -> None:
    at = _reload("no-such-draft-token")
    assert "not found" in _alerts(at)
    assert "draft" not in at.query_params
    assert not at.session_state[SOLO_KEY].started
    start_solo(at)
    assert "draft" in at.query_params  # a new draft of its own


def test_database_unavailable_warns_and_keeps_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(URL_ENV, f"sqlite:///{blocker / 'db' / 'app.sqlite3'}")
    at = start_solo(start_app())
    assert "not being saved across reloads" in _alerts(at)
    assert "draft" not in at.query_params
    n = answer_step(at, 4)
    assert progress_text(at).startswith(f"{n} of ")
    for page in ("results", "home", "setup", "questionnaire"):
        goto(at, page)
        assert not at.exception
    assert "not being saved across reloads" in _alerts(at)
    assert len(at.session_state[SOLO_KEY].build().answers) == n
    assert "Traceback" not in all_text(at)


def test_failed_saves_warn_then_catch_up(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_solo(start_app())
    token = _token(at)

    def down(*_args, **_kwargs):
        raise StorageError("Your latest answer was not saved. The database is busy.")

    with monkeypatch.context() as mp:
        mp.setattr(DraftStore, "save", down)
        n = answer_step(at, 4)
        assert not at.exception
        assert "not being saved across reloads" in _alerts(at)
    monkeypatch.setattr(autosave, "RETRY_SECONDS", 0.0)
    at.run()  # the next run tries again and writes everything
    assert "not being saved" not in _alerts(at)
    assert len(_reload(token).session_state[SOLO_KEY].build().answers) == n


def test_start_over_deletes_the_draft(db_url: str) -> None:
    at = start_solo(start_app())
    answer_step(at, 4)
    token = _token(at)
    goto(at, "home")
    assert any(token in c.value for c in at.code)  # the copyable link
    at.button(key="home_start_over").click().run()
    assert "deletes every answer" in _alerts(at)
    at.button(key="home_over_no").click().run()
    assert at.session_state[SOLO_KEY].started  # nothing lost
    at.button(key="home_start_over").click().run()
    at.button(key="home_over_yes").click().run()
    assert not at.exception
    assert not at.session_state[SOLO_KEY].started
    assert at.session_state[DRAFT_KEY].token is None
    assert "draft" not in at.query_params
    assert any("Started over" in s.value for s in at.success)
    store = DraftStore(db_url)
    with pytest.raises(DraftNotFoundError):
        store.load(token)
    store.close()
    assert not _reload(token).session_state[SOLO_KEY].started


def test_database_url_from_secrets_when_no_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.setenv("PARTNERSHIP_FIT_DATA_DIR", str(tmp_path / "default"))
    secret_url = f"sqlite:///{tmp_path / 'from-secrets.sqlite3'}"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets[URL_ENV] = secret_url
    at.run()
    start_solo(at)
    store = DraftStore(secret_url)
    assert store.load(_token(at))[0].name == "Food bank and grocer"
    store.close()
    assert not (tmp_path / "default").exists()


def test_environment_wins_over_secrets(db_url: str, tmp_path: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets[URL_ENV] = f"sqlite:///{tmp_path / 'ignored.sqlite3'}"
    at.run()
    start_solo(at)
    store = DraftStore(db_url)
    assert store.load(_token(at))[0].name == "Food bank and grocer"
    store.close()
    assert not (tmp_path / "ignored.sqlite3").exists()


def test_an_answer_writes_only_that_answer(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_solo(start_app())
    calls: list[dict] = []
    real_save = DraftStore.save

    def spy(self, token, assessment=None, ui_state=None, *, changes=(), **merge):  # noqa: ANN001
        calls.append({"assessment": assessment, "changes": list(changes)})
        return real_save(self, token, assessment, ui_state, changes=changes, **merge)

    monkeypatch.setattr(DraftStore, "save", spy)
    key = rating_keys(at)[0]
    qid = key.split("|")[1]
    at.radio(key=key).set_value(2).run()
    assert not at.exception, at.exception
    answer_calls = [c for c in calls if c["changes"]]
    assert len(answer_calls) == 1 and answer_calls[0]["assessment"] is None
    (change,) = answer_calls[0]["changes"]
    assert (change.respondent, change.statement, change.answer.rating) == ("me", qid, 2)
    assert all(c["assessment"] is None for c in calls)  # nothing else was written whole
    restored = _reload(_token(at)).session_state[SOLO_KEY].build()
    assert [(a.statement, a.rating) for a in restored.answers] == [(qid, 2)]


def test_store_applies_answer_changes_to_the_stored_file(db_url: str) -> None:
    from partnership_core.drafts import AnswerChange

    example = example_assessment()
    store = DraftStore(db_url)
    token = store.create(example, {"page": "results"})
    first, second = example.answers[0], example.answers[1]
    changed = first.model_copy(update={"rating": 1 if first.rating != 1 else 2})
    store.save(
        token,
        ui_state={"page": "questionnaire"},
        changes=[
            AnswerChange(first.respondent, first.statement, changed),
            AnswerChange(second.respondent, second.statement, None),
        ],
    )
    loaded, ui = store.load(token)
    assert ui == {"page": "questionnaire"}
    assert loaded.answers[0] == changed
    assert second not in loaded.answers and len(loaded.answers) == len(example.answers) - 1
    with pytest.raises(ValueError, match="not in the saved draft"):
        store.save(token, changes=[AnswerChange("nobody", first.statement, None)])
    with pytest.raises(DraftNotFoundError):
        store.save("no-such-token", changes=[])
    store.close()
