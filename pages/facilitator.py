"""Facilitator page (`/facilitator`, `/facilitator?t=<token>`): create and run a workshop."""

from partnership_ui import bootstrap
from partnership_ui.views.facilitator import render_facilitator_page

bootstrap("facilitator")
render_facilitator_page()
