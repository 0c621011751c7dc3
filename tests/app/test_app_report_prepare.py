"""AppTest: the summary report is built only when asked for (on a click, under a spinner),
once per version of the assessment, never on an ordinary rerun of the results page."""

from __future__ import annotations

import pytest
from app_helpers import goto, start_app

import partnership_core.report as report


def test_the_report_is_built_on_click_and_once_per_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    real = report.render_pdf

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "render_pdf", counted)
    at = start_app()
    at.button(key="home_example").click().run()
    goto(at, "results")
    at.run()
    assert calls == []  # drawing the results builds no report
    at.button(key="res_prepare_report").click().run()
    assert not at.exception and calls == [1]
    at.run()
    at.run()
    assert calls == [1]  # kept for this version of the assessment
