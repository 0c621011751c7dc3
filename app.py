"""Partnership Fit: the entry file only sets the page frame and routes.

Every page calls `partnership_ui.bootstrap(page_name)` itself, because with a folder named
`pages/` Streamlit may run a page script without this file (AppTest reruns, a deep link as
the very first request after start-up).
"""

import streamlit as st

from partnership_ui.gc_tuning import freeze_after_warm_up
from partnership_ui.routing import follow_deep_link

st.set_page_config(
    page_title="Partnership Fit",
    page_icon=":material/handshake:",
    layout="centered",
    initial_sidebar_state="collapsed",
)

PAGES = {
    "Assess": [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/setup.py", title="Set-up", icon=":material/tune:", url_path="setup"),
        st.Page(
            "pages/questionnaire.py",
            title="Questionnaire",
            icon=":material/checklist:",
            url_path="questionnaire",
        ),
        st.Page(
            "pages/results.py", title="Results", icon=":material/insights:", url_path="results"
        ),
    ],
    "Workshop": [
        st.Page(
            "pages/facilitator.py",
            title="Run a workshop",
            icon=":material/groups:",
            url_path="facilitator",
        ),
        st.Page("pages/join.py", title="Join a workshop", icon=":material/login:", url_path="join"),
        st.Page(
            "pages/room.py",
            title="Room view",
            icon=":material/co_present:",
            url_path="room",
            visibility="hidden",
        ),
    ],
}

page = st.navigation(PAGES, position="top")
freeze_after_warm_up()
follow_deep_link()
page.run()
