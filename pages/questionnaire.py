"""Questionnaire: answer level by level for your organisation, then add your partners'."""

from partnership_ui import bootstrap
from partnership_ui.views.questionnaire import render_questionnaire_page

bootstrap("questionnaire")
render_questionnaire_page()
