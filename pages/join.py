"""Participant page (`/join`, `/join?code=ABCDE-FGHJK`, `/join?p=<token>`): join and answer."""

from partnership_ui import bootstrap
from partnership_ui.workshop_join import render_join_page

bootstrap()
render_join_page()
