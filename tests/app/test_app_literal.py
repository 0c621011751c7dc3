"""AppTest: text a person typed or a file carried is shown literally, never as Markdown.

Each construct Streamlit's Markdown knows (emphasis, colour, LaTeX, links, images, HTML,
emoji and icon short codes, headings, lists, tables) goes through `literal` into every kind
of element that reads Markdown, and comes out as exactly the typed text with no markup
character left unescaped. Then the solo flow is driven with partners and a respondent
named with such constructs, and no element of set-up, questionnaire or results carries
them raw. (The browser test tests/browser/test_e2e_literal.py checks the rendered page and
that nothing is fetched.)
"""

from __future__ import annotations

import re

import pytest
from app_helpers import complete_questionnaire, goto, shown, start_app, start_solo
from streamlit.testing.v1 import AppTest

from partnership_ui.literal import literal

CONSTRUCTS = {
    "emphasis": "**bold** _it_ ~~gone~~ `code`",
    "colour": ":red[Red Corp] :blue-background[x]",
    "latex": "$x^2$ and $$\\int f$$",
    "link": "[Your session expired: log in again](http://example.invalid/login)",
    "autolink": "<http://example.invalid> www.example.invalid https://x.invalid/p?q=1",
    "e-mail": "write to ada@example.invalid",
    "image": "![pixel](http://127.0.0.1:9/pixel.png)",
    "html": "<img src=x onerror=alert(1)><b>bold</b>",
    "short code": ":smile: :material/home: :rocket:",
    "heading and list": "# Title\n- item\n1. first",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |",
    "escapes": "a \\*literal\\* backslash \\ and &amp;",
}

# Characters that start markup in CommonMark or in Streamlit's extensions.
_MARKUP = set("\\`*_{}[]()#+-.!|~<>$:=^&\"'")


_BARE_ADDRESS = re.compile(r"(?i)(https?|ftp)\\?:|www\\?\.|[\w.+-]@")


def _unescaped_markup(source: str) -> list[str]:
    """Markup characters of `source` that no backslash escapes."""
    found, i = [], 0
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source) and source[i + 1] in _MARKUP:
            i += 2
            continue
        if source[i] in _MARKUP:
            found.append(source[i])
        i += 1
    return found


def _page(texts: dict[str, str]) -> None:
    import streamlit as st

    from partnership_ui.literal import literal

    for name, text in texts.items():
        shown = literal(text)
        st.title(shown)
        st.subheader(shown)
        st.markdown(shown)
        st.caption(shown)
        st.info(shown)
        st.warning(shown)
        st.error(shown)
        st.success(shown)
        st.metric(shown, 1)
        with st.expander(shown):
            st.text_input(shown, key=f"in_{name}", help=shown)
        st.tabs([shown])


def _sources(at: AppTest) -> list[str]:
    """The Markdown source of every text element and label on the page."""
    values = [e.value for e in (*at.title, *at.subheader, *at.markdown, *at.caption)]
    values += [e.value for e in (*at.info, *at.warning, *at.error, *at.success)]
    values += [e.label for e in (*at.metric, *at.expander, *at.tabs)]
    for kind in (at.text_input, at.radio, at.button, at.checkbox, at.selectbox, at.text_area):
        values += [w.label for w in kind] + [w.help for w in kind if getattr(w, "help", None)]
    return values


@pytest.mark.parametrize("construct", list(CONSTRUCTS))
def test_each_construct_appears_literally_in_every_element(construct: str) -> None:
    text = CONSTRUCTS[construct]
    at = AppTest.from_function(_page, args=({construct: text},)).run()
    assert not at.exception
    sources = [s for s in _sources(at) if s]
    assert len(sources) >= 13
    for source in sources:
        assert _unescaped_markup(source) == [], (construct, source)
        # GFM links bare addresses after parsing, escaped or not: none may be left whole.
        assert not _BARE_ADDRESS.search(source), (construct, source)
        # A title or label keeps one line; line breaks inside a body stay line breaks.
        assert shown(source).replace("  \n", "\n") == text, (construct, source)


def test_literal_leaves_plain_words_alone() -> None:
    assert literal("Northfield Food Bank") == "Northfield Food Bank"


PARTNER_A = "**Evil** :red[Corp] $x^2$"
PARTNER_B = "![px](http://127.0.0.1:9/p.png) <b>B</b>"
RESPONDENT = "[Log in again](http://example.invalid) :smile:"
RAW = (PARTNER_A, PARTNER_B, RESPONDENT)


def _assert_only_literal(at: AppTest, where: str) -> None:
    sources = _sources(at)
    for source in sources:
        for raw in RAW:
            assert raw not in source, (where, source)
    text = shown("\n".join(sources))
    assert any(raw in text for raw in RAW), (where, "the names should be on the page")


def test_names_with_markup_stay_literal_on_setup_questionnaire_and_results() -> None:
    at = start_solo(
        start_app(),
        name="The $LaTeX$ **partnership**",
        partners=(PARTNER_A, PARTNER_B),
        respondent=RESPONDENT,
    )
    _assert_only_literal(at, "questionnaire")
    complete_questionnaire(at, "q_me_")
    goto(at, "questionnaire")
    _assert_only_literal(at, "overview")
    goto(at, "results")
    _assert_only_literal(at, "results")
    goto(at, "setup")
    assert not at.exception
