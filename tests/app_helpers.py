"""Helpers for the AppTest tests of the solo pages (not a test module)."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PARTNERS = ("Northfield Food Bank", "Harvest Grocers")


def start_app() -> AppTest:
    """app.py run once (Home), with no exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    """Show `pages/<page>.py`. AppTest keeps requesting the page last passed to switch_page,
    so tests call this after every in-app `st.switch_page` too."""
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """What a person reads for Markdown source: backslash escapes (`literal`) undone and
    the invisible word joiners that keep addresses from becoming links left out."""
    return _ESCAPED.sub(r"\1", markdown).replace("\u2060", "")


def markdown_text(at: AppTest) -> str:
    return shown("\n".join(m.value for m in at.markdown))


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown]
    parts += [e.value for kind in (at.error, at.warning, at.info, at.success) for e in kind]
    parts += [t.value for t in at.title] + [s.value for s in at.subheader]
    parts += [c.value for c in at.caption]
    return shown("\n".join(parts))


def fill_setup(
    at: AppTest,
    *,
    name: str = "Food bank and grocer",
    partners: tuple[str, ...] = PARTNERS,
    respondent: str = "Amara",
    predict: bool = False,
    ptype: str | None = None,
    sectors: tuple[str, ...] = (),
) -> AppTest:
    """Fill the set-up form (on the set-up page) without pressing start."""
    at.text_input(key="setup_name").set_value(name)
    if len(partners) != 2:
        at.number_input(key="setup_count").set_value(len(partners)).run()
    for i, p in enumerate(partners):
        at.text_input(key=f"setup_partner_{i}").set_value(p)
    at.text_input(key="setup_respondent").set_value(respondent)
    if predict:
        at.checkbox(key="setup_predict").check()
    if ptype is not None:
        at.selectbox(key="setup_type").set_value(ptype)
    for i, sector in enumerate(sectors):
        at.selectbox(key=f"setup_sector_{i}").set_value(sector)
    at.run()
    assert not at.exception, at.exception
    return at


def start_solo(at: AppTest, **kwargs: object) -> AppTest:
    """Set up and land on the questionnaire."""
    goto(at, "setup")
    fill_setup(at, **kwargs)  # type: ignore[arg-type]
    at.button(key="setup_start").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return goto(at, "questionnaire")


def rating_keys(at: AppTest) -> list[str]:
    return [r.key for r in at.radio if r.key and r.key.endswith("|rating")]


def answer_step(at: AppTest, rating: int | str = 4) -> int:
    """Rate every statement of the current step; returns how many."""
    keys = rating_keys(at)
    for key in keys:
        at.radio(key=key).set_value(rating)
    at.run()
    assert not at.exception, at.exception
    return len(keys)


def progress_text(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def complete_questionnaire(at: AppTest, prefix: str, rating: int | str = 4) -> int:
    """Answer every step of the questionnaire drawn with `prefix` and finish it."""
    total = 0
    for _ in range(40):
        total += answer_step(at, rating)
        button = at.button(key=f"{prefix}next")
        finishing = button.label.startswith("Finish") and "level" not in button.label
        button.click().run()
        assert not at.exception, at.exception
        if finishing:
            return total
    raise AssertionError("the questionnaire did not end")
