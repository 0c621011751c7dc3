"""AppTest: two sessions (two tabs, two devices) on one `?draft=` link keep both people's
answers, and the session whose copy was refreshed is told so."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import rating_keys, start_app, start_solo
from streamlit.testing.v1 import AppTest
from test_app_drafts import _reload

from partnership_ui.autosave import REFRESHED_NOTICE
from partnership_ui.state import SOLO_KEY


@pytest.fixture(autouse=True)
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("PARTNERSHIP_FIT_DATABASE_URL", url)
    return url


def _answers(at: AppTest) -> dict[str, int | str]:
    built = at.session_state[SOLO_KEY].build()
    return {a.statement: a.rating for a in built.answers}


def test_two_sessions_on_one_draft_link_keep_both_answers() -> None:
    first = start_solo(start_app())
    token = first.query_params["draft"]
    second = _reload(token)
    keys = rating_keys(first)
    assert rating_keys(second) == keys  # both on the same questionnaire step
    given = {}
    for i, (session, key) in enumerate(zip([first, second, first, second], keys[:4], strict=True)):
        rating = 1 + i
        session.radio(key=key).set_value(rating).run()
        assert not session.exception, session.exception
        given[key.split("|")[1]] = rating
    assert _answers(_reload(token)) == given
    assert REFRESHED_NOTICE in "\n".join(i.value for i in [*second.info, *second.success])
