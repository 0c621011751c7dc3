"""Typed session state: one object per concern, created in one place (`init_state`).

Widget keys are only a view of these objects. Answers live here, so they survive a
page switch (Streamlit forgets the state of widgets that are not on the page) and a
rerun of any page in any order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from partnership_core.assessment import Answer, Assessment
from partnership_core.bank import SPINE_BANK_ID, PartnershipType

__all__ = [
    "SETUP_KEY",
    "SOLO_KEY",
    "UI_KEY",
    "DRAFT_KEY",
    "DraftState",
    "SetupState",
    "SoloState",
    "UiState",
    "QuestionnaireNav",
    "init_state",
    "setup_state",
    "replace_setup",
    "solo_state",
    "ui_state",
    "draft_state",
    "questionnaire_nav",
    "questionnaire_navs",
]

SETUP_KEY = "pf_setup"
SOLO_KEY = "pf_solo"
UI_KEY = "pf_ui"
DRAFT_KEY = "pf_draft"
MAX_PARTNERS = 6


@dataclass
class SetupState:
    """What the set-up page asks; kept so the form shows it again when the user comes back."""

    name: str = ""
    partnership_type: PartnershipType = PartnershipType.OTHER
    partner_names: list[str] = field(default_factory=lambda: ["", ""])
    bank_ids: list[str] = field(default_factory=lambda: [SPINE_BANK_ID])
    respondent_name: str = ""
    own_partner: int = 0
    predict: bool = False


@dataclass
class SoloState:
    """The assessment one person is working on alone.

    `assessment` holds partners, respondents, type and banks; its answers are kept in
    `answers` (respondent id -> qualified statement id -> Answer) while they are being
    edited, and joined back by `build()`.
    """

    assessment: Assessment | None = None
    answers: dict[str, dict[str, Answer]] = field(default_factory=dict)
    own_respondent: str | None = None
    active_respondent: str | None = None
    ask_prediction: bool = False
    finished: set[str] = field(default_factory=set)
    # Bumped by every change to the assessment or its answers: autosave compares it with
    # the revision it last wrote instead of comparing every answer on every rerun.
    revision: int = 0

    def touch(self) -> None:
        """Record that the assessment or an answer changed (so autosave writes it)."""
        self.revision += 1

    @property
    def started(self) -> bool:
        return self.assessment is not None

    def respondent(self, respondent_id: str) -> Any:
        assert self.assessment is not None
        return next(r for r in self.assessment.respondents if r.id == respondent_id)

    def answers_of(self, respondent_id: str) -> dict[str, Answer]:
        """The live answer dict of a respondent (created empty on first use)."""
        return self.answers.setdefault(respondent_id, {})

    def build(self) -> Assessment:
        """The complete, validated assessment with every answer given so far."""
        assert self.assessment is not None, "no assessment started"
        known = {r.id for r in self.assessment.respondents}
        answers = [a for rid, by_q in self.answers.items() if rid in known for a in by_q.values()]
        data = self.assessment.model_dump(exclude={"answers"})
        data["answers"] = [a.model_dump() for a in answers]
        return Assessment.model_validate(data)

    def load(self, assessment: Assessment) -> None:
        """Replace the working copy with an assessment (opened or merged)."""
        self.assessment = assessment.model_copy(update={"answers": []})
        self.answers = {}
        for a in assessment.answers:
            self.answers.setdefault(a.respondent, {})[a.statement] = a
        ids = {r.id for r in assessment.respondents}
        self.finished &= ids
        if self.own_respondent not in ids:
            self.own_respondent = next(
                (r.id for r in assessment.respondents if not r.is_estimate), None
            )
        if self.active_respondent not in ids:
            self.active_respondent = None


@dataclass
class UiState:
    """Messages carried across a page switch (shown once on the next page)."""

    notice: str | None = None


@dataclass
class DraftState:
    """The solo draft kept in the database (see `partnership_ui.autosave`).

    `token` is the secret of the `?draft=` link; `saved` what was last written (revision
    and UI position), so an unchanged rerun writes nothing; `problem` the reason saving
    does not work right now (shown as a warning), `failed_at` when it last failed.
    """

    token: str | None = None
    saved: tuple[int, str] | None = None
    problem: str | None = None
    failed_at: float | None = None
    link_checked: bool = False
    message: str | None = None
    page: str | None = None


@dataclass
class QuestionnaireNav:
    """Where a questionnaire is: the step shown and a pending confirmation."""

    step: int = 0
    confirm_level: str | None = None


def init_state() -> None:
    """Create every state object that is missing. Idempotent: every page calls it."""
    st.session_state.setdefault(SETUP_KEY, SetupState())
    st.session_state.setdefault(SOLO_KEY, SoloState())
    st.session_state.setdefault(UI_KEY, UiState())
    st.session_state.setdefault(DRAFT_KEY, DraftState())


def setup_state() -> SetupState:
    init_state()
    return st.session_state[SETUP_KEY]


def replace_setup(setup: SetupState) -> None:
    """Show other set-up values (after opening a file); the widgets pick them up."""
    init_state()
    st.session_state[SETUP_KEY] = setup
    for key in [k for k in st.session_state if str(k).startswith("setup_")]:
        del st.session_state[key]  # drop widget values so the new set-up shows


def solo_state() -> SoloState:
    init_state()
    return st.session_state[SOLO_KEY]


def ui_state() -> UiState:
    init_state()
    return st.session_state[UI_KEY]


def draft_state() -> DraftState:
    init_state()
    return st.session_state[DRAFT_KEY]


def questionnaire_nav(key_prefix: str) -> QuestionnaireNav:
    """Navigation state of the questionnaire drawn with `key_prefix`."""
    return st.session_state.setdefault(f"{key_prefix}nav", QuestionnaireNav())


def questionnaire_navs() -> dict[str, QuestionnaireNav]:
    """Every questionnaire's navigation state by key prefix (e.g. "q_me_")."""
    return {
        str(k)[: -len("nav")]: v
        for k, v in st.session_state.items()
        if str(k).endswith("nav") and isinstance(v, QuestionnaireNav)
    }
