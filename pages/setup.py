"""Set-up: the partnership, its partners, the question banks and who is answering."""

from partnership_ui import bootstrap
from partnership_ui.views.setup import render_setup_page

bootstrap("setup")
render_setup_page()
