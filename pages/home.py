"""Home: what the tool does, and the ways in."""

from partnership_ui import bootstrap
from partnership_ui.views.home import render_home_page

bootstrap("home")
render_home_page()
