"""AppTest: no exception box ever reaches a person.

The project's own errors show their message; anything else shows a short reference that
the server log carries with the traceback; the config keeps Streamlit's own details off.
"""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

import pytest
from app_helpers import ROOT, goto, start_app
from streamlit.config import ShowErrorDetailsConfigOptions

from partnership_core.errors import PartnershipFitError
from partnership_ui.literal import literal
from partnership_ui.views import home

REFERENCE = re.compile(r"Something went wrong \(ref ([0-9A-Z]{5})\)")


@pytest.fixture(autouse=True)
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("PARTNERSHIP_FIT_DATABASE_URL", url)
    return url


def _errors(at) -> str:  # noqa: ANN001
    return "\n".join(e.value for e in at.error)


def test_an_unexpected_error_shows_a_reference_and_logs_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("secret detail at /srv/app/partnership_ui/views/home.py")

    monkeypatch.setattr(home, "render_home_page", broken)
    with caplog.at_level(logging.ERROR, logger="partnership_fit.ui"):
        at = start_app()
    assert not at.exception
    found = REFERENCE.search(_errors(at))
    assert found, _errors(at)
    assert "secret detail" not in _errors(at) and "/srv/" not in _errors(at)
    logged = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert logged and "secret detail" in str(logged[0].exc_info[1])


def test_the_projects_own_error_shows_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    message = "This **file** is not an assessment: open another one."

    def refused() -> None:
        raise PartnershipFitError(message)

    monkeypatch.setattr(home, "render_home_page", refused)
    at = start_app()
    assert not at.exception
    assert _errors(at) == literal(message)
    assert not REFERENCE.search(_errors(at))


def test_an_error_on_a_later_rerun_is_caught_too(monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_app()
    monkeypatch.setattr(home, "render_home_page", lambda: (_ for _ in ()).throw(KeyError("x")))
    at.run()
    assert not at.exception and REFERENCE.search(_errors(at))


def test_a_broken_facilitator_link_shows_a_message() -> None:
    at = goto(start_app(), "facilitator")
    at.text_input(key="pf_ws_open_link").set_value("http://[::1").run()
    at.button(key="pf_ws_open").click().run()
    assert not at.exception, at.exception
    assert _errors(at)


def test_the_config_keeps_error_details_off_the_page() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    value = config["client"]["showErrorDetails"]
    assert value == ShowErrorDetailsConfigOptions.NONE.value
    assert value in {o.value for o in ShowErrorDetailsConfigOptions}
