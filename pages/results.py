"""Results: the verdict first, then each level, the partners side by side and the agenda."""

from partnership_ui import bootstrap
from partnership_ui.views.results import render_results_page

bootstrap("results")
render_results_page()
