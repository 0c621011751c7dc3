"""Partnership Fit: the entry file only sets the page frame and routes.

Every page calls `partnership_ui.bootstrap()` itself, because with a folder named `pages/`
Streamlit may run a page script without this file (AppTest reruns, a deep link as the
very first request after start-up).
"""

from pathlib import Path

import streamlit as st

from partnership_ui.routing import follow_deep_link

st.set_page_config(
    page_title="Partnership Fit",
    page_icon=":material/handshake:",
    layout="centered",
    initial_sidebar_state="collapsed",
)

_ROOT = Path(__file__).resolve().parent

assess = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/setup.py", title="Set-up", icon=":material/tune:", url_path="setup"),
    st.Page(
        "pages/questionnaire.py",
        title="Questionnaire",
        icon=":material/checklist:",
        url_path="questionnaire",
    ),
    st.Page("pages/results.py", title="Results", icon=":material/insights:", url_path="results"),
]
# The workshop pages are built alongside; register whichever exist.
_WORKSHOP = [
    ("pages/facilitator.py", "Run a workshop", ":material/groups:", "facilitator"),
    ("pages/join.py", "Join a workshop", ":material/login:", "join"),
    ("pages/participant.py", "Participant", ":material/person:", "participant"),
]
workshop = [
    st.Page(path, title=title, icon=icon, url_path=url)
    for path, title, icon, url in _WORKSHOP
    if (_ROOT / path).exists()
]

page = st.navigation(
    {"Assess": assess, "Workshop": workshop} if workshop else assess, position="top"
)
follow_deep_link()
page.run()
