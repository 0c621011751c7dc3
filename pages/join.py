"""Participant page (`/join`, `/join?code=ABCDE-FGHJK`, `/join?p=<token>`): join and answer."""

from partnership_ui import bootstrap
from partnership_ui.views.join import render_join_page

bootstrap("join")
render_join_page()
