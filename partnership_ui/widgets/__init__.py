"""Widgets shared by several page bodies: the questionnaire, the result view, the downloads."""
