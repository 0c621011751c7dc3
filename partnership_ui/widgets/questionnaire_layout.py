"""What the questionnaire needs from the browser beyond Streamlit's own layout: the rating
scale as one row on a wide screen and one list on a phone, and every new step opening at its
top with the keyboard focus on its first statement.

Both are scoped to elements the questionnaire marks with a key (`STATEMENT_KEY_PREFIX`), so
nothing else in the app changes.
"""

from __future__ import annotations

import json
import re

import streamlit as st

__all__ = ["STATEMENT_KEY_PREFIX", "open_step_at_top", "statement_container_key", "style_scale"]

# Streamlit gives a keyed container the CSS class `st-key-<key>`.
STATEMENT_KEY_PREFIX = "pfq-"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
# Below this width the six options become one vertical list (phones held upright).
_NARROW_PX = 640

_GROUP = f'div[class*="st-key-{STATEMENT_KEY_PREFIX}"] [data-testid="stRadioGroup"]'
_SCALE_CSS = f"""
<style>
{_GROUP} {{
  display: grid;
  grid-template-columns: repeat(6, minmax(0, 1fr));
  align-items: start;
  gap: 0.25rem 0.75rem;
  width: 100%;
}}
{_GROUP} > div {{ display: flex; align-items: flex-start; min-width: 0; margin: 0; }}
{_GROUP} [data-testid="stRadioOption"] {{ align-items: flex-start; margin: 0; }}
@media (max-width: {_NARROW_PX}px) {{
  {_GROUP} {{ grid-template-columns: 1fr; gap: 0; }}
  {_GROUP} [data-testid="stRadioOption"] {{ min-height: 2.75rem; align-items: center; }}
}}
</style>
"""

# Runs once per step change (its text carries the step and a move counter, and Streamlit
# redraws an html element only when its text changes). It waits for the new step to be drawn,
# puts the page at its top and the focus on the target statement's first option.
_OPEN_AT_TOP_JS = """
<script>
(() => {
  const target = %s;
  const atTop = %s;
  const stamp = %s;  // the step change this script belongs to
  const option = () => {
    const box = document.querySelector('div.st-key-' + target);
    return box === null ? null : box.querySelector('input[type="radio"]');
  };
  let tries = 0;
  const settle = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const busy = app !== null && app.getAttribute('data-test-script-state') === 'running';
    const stale = document.querySelectorAll('[data-stale="true"]').length > 0;
    const first = option();
    if ((busy || stale || first === null) && tries++ < 150) {
      setTimeout(settle, 20);
      return;
    }
    window.scrollTo(0, 0);
    const main = document.querySelector('[data-testid="stMain"]');
    if (main !== null) main.scrollTop = 0;
    if (first !== null) first.focus({preventScroll: atTop});
  };
  settle();
})();
</script>
"""


def statement_container_key(key_prefix: str, respondent_id: str, qid: str) -> str:
    """The key of the box around one statement (a valid CSS class name once prefixed)."""
    return STATEMENT_KEY_PREFIX + _UNSAFE.sub("-", f"{key_prefix}{respondent_id}-{qid}")


def style_scale() -> None:
    """The rating scale as one row of six on a wide screen, one list on a narrow one."""
    st.html(_SCALE_CSS)


def open_step_at_top(target_key: str, stamp: str, *, at_top: bool = True) -> None:
    """Scroll the page to its top and focus the statement in the box `target_key`.

    Args:
        target_key: key of the statement's box (`statement_container_key`).
        stamp: changes with every step change, so the script runs once per change.
        at_top: keep the page at its top; False lets the browser scroll to the statement
            (a statement further down the step, such as the first unanswered one).
    """
    script = _OPEN_AT_TOP_JS % (json.dumps(target_key), json.dumps(at_top), json.dumps(stamp))
    st.html(script, unsafe_allow_javascript=True)
