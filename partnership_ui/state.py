"""Typed session state: one object per concern, every one created here.

Widget keys are only a view of these objects. Answers live here, so they survive a
page switch (Streamlit forgets the state of widgets that are not on the page) and a
rerun of any page in any order. The solo objects are made by `init_state` on every run;
the workshop ones and the per-widget ones on first use, by the accessor that returns them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import streamlit as st

from partnership_core.assessment import (
    MAX_PARTNERS,
    MIN_PARTNERS,
    Answer,
    Assessment,
    Respondent,
)
from partnership_core.bank import SPINE_BANK_ID, LevelId, PartnershipType, Sector
from partnership_core.plan import SessionPlan
from partnership_core.sectors import infer_sectors
from partnership_core.workshop import WorkshopInfo

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
    "PreparedReport",
    "JoinState",
    "FacilitatorState",
    "DiscussionState",
    "WORKSHOP_STATE_KEYS",
    "init_state",
    "setup_state",
    "replace_setup",
    "solo_state",
    "ui_state",
    "draft_state",
    "questionnaire_nav",
    "questionnaire_navs",
    "set_questionnaire_step",
    "prepared_report",
    "keep_prepared_report",
    "join_state",
    "facilitator_state",
    "discussion_state",
    "session_client_id",
    "reset_solo",
    "reset_draft",
    "forget_workshop_state",
]

SETUP_KEY = "pf_setup"
SOLO_KEY = "pf_solo"
UI_KEY = "pf_ui"
DRAFT_KEY = "pf_draft"
_REPORT_KEY = "pf_report"
_JOIN_KEY = "pf_ws_join"
_FACILITATOR_KEY = "pf_ws_fac"
_DISCUSSION_KEY = "pf_ws_discussion"
_CLIENT_KEY = "pf_ws_client"
# Entries that hold a workshop's data (the agenda position, a prepared report with its
# answers): forgotten when the workshop is deleted. Widget values go by themselves once
# their widgets are no longer drawn.
WORKSHOP_STATE_KEYS = (_FACILITATOR_KEY, _DISCUSSION_KEY, _REPORT_KEY)


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
    # By position, like `partner_names`; None while a partner's sector is not yet said.
    sectors: list[Sector | None] = field(default_factory=lambda: [None, None])
    # The session's plan, apart from the guesses (`predict`).
    levels: list[LevelId] = field(default_factory=lambda: list(LevelId))
    core_only: bool = False
    ask_importance: bool = True

    def plan(self) -> SessionPlan:
        return SessionPlan(
            levels=tuple(self.levels) or tuple(LevelId),
            core_only=self.core_only,
            ask_importance=self.ask_importance,
            ask_guesses=self.predict,
        )

    @classmethod
    def from_assessment(cls, assessment: Assessment, own_partner: str | None) -> SetupState:
        """The set-up values that describe an opened assessment (so Set-up shows it)."""
        me = next((r for r in assessment.respondents if not r.is_estimate), None)
        ids = [p.id for p in assessment.partners]
        plan = assessment.plan or SessionPlan()
        return cls(
            name=assessment.name,
            partnership_type=assessment.partnership_type,
            partner_names=[p.name for p in assessment.partners],
            bank_ids=list(assessment.banks),
            respondent_name=me.name if me else "",
            own_partner=ids.index(own_partner) if own_partner in ids else 0,
            predict=any(a.has_prediction for a in assessment.answers),
            sectors=[p.sector for p in assessment.partners],
            levels=list(plan.levels),
            core_only=plan.core_only,
            ask_importance=plan.ask_importance,
        )

    def snapshot(self) -> dict[str, Any]:
        """The values as plain JSON data (kept with a solo draft)."""
        return {
            "name": self.name,
            "partnership_type": str(self.partnership_type),
            "partner_names": list(self.partner_names),
            "bank_ids": list(self.bank_ids),
            "respondent_name": self.respondent_name,
            "own_partner": int(self.own_partner),
            "predict": bool(self.predict),
            "sectors": [None if s is None else str(s) for s in self.sectors],
            "levels": [str(level) for level in self.levels],
            "core_only": bool(self.core_only),
            "ask_importance": bool(self.ask_importance),
        }

    @classmethod
    def from_snapshot(cls, data: Any) -> SetupState | None:
        """The values of a `snapshot()`, or None when missing or not as written."""
        if not isinstance(data, dict):
            return None
        try:
            names = [str(n) for n in data["partner_names"]]
            own = int(data["own_partner"])
            if not MIN_PARTNERS <= len(names) <= MAX_PARTNERS or not 0 <= own < len(names):
                return None
            return cls(
                name=str(data["name"]),
                partnership_type=PartnershipType(data["partnership_type"]),
                partner_names=names,
                bank_ids=[str(b) for b in data["bank_ids"]],
                respondent_name=str(data["respondent_name"]),
                own_partner=own,
                predict=bool(data["predict"]),
                sectors=[None if s is None else Sector(s) for s in data.get("sectors", [])],
                levels=[LevelId(level) for level in data.get("levels", list(LevelId))],
                core_only=bool(data.get("core_only", False)),
                ask_importance=bool(data.get("ask_importance", True)),
            )
        except (KeyError, TypeError, ValueError):
            return None


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
    # Bumped by every change to the assessment other than an answer (answers are written
    # one by one as they change): autosave compares it with the revision it last wrote.
    revision: int = 0

    def touch(self) -> None:
        """Record that the set-up, respondents or answers changed in bulk (autosave then
        writes the whole assessment)."""
        self.revision += 1

    def record_answer(self, respondent_id: str, statement: str, answer: Answer | None) -> None:
        """Keep one answer given (or cleared, None) in the questionnaire."""
        answers = self.answers.setdefault(respondent_id, {})
        if answer is None:
            answers.pop(statement, None)
        else:
            answers[statement] = answer

    @property
    def started(self) -> bool:
        return self.assessment is not None

    def respondent(self, respondent_id: str) -> Respondent:
        assert self.assessment is not None
        return next(r for r in self.assessment.respondents if r.id == respondent_id)

    @property
    def own_partner(self) -> str | None:
        """The partner the person working alone answers for (None before set-up)."""
        return self.respondent(self.own_respondent).partner if self.own_respondent else None

    def answers_of(self, respondent_id: str) -> dict[str, Answer]:
        """A copy of a respondent's answers (change them through `record_answer`)."""
        return dict(self.answers.get(respondent_id, {}))

    def build(self) -> Assessment:
        """The complete, validated assessment with every answer given so far."""
        assert self.assessment is not None, "no assessment started"
        known = {r.id for r in self.assessment.respondents}
        answers = [a for rid, by_q in self.answers.items() if rid in known for a in by_q.values()]
        data = self.assessment.model_dump(exclude={"answers"})
        data["answers"] = [a.model_dump() for a in answers]
        return Assessment.model_validate(data)

    def load(self, assessment: Assessment) -> None:
        """Replace the working copy with an assessment (opened or merged); sectors the
        partnership type settles are filled in (files from before sectors were asked)."""
        self.assessment = infer_sectors(assessment).model_copy(update={"answers": []})
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
    """What carries across reruns and page switches outside any one assessment.

    `notice` is shown once on the next page; `route` is a page (and its query) to go to
    once app.py has registered the navigation (see `routing`); `confirm_start_over` and
    `start_over_problem` belong to Home's "Start over"; `example_open` shows the worked
    example on Results beside the person's own work; `cookie_token` is the draft token the
    browser is to keep once `cookie_chosen`, `cookie_told` whether this session has told
    the browser anything yet (see `draft_cookie`).
    """

    notice: str | None = None
    route: tuple[str, dict[str, Any]] | None = None
    confirm_start_over: bool = False
    start_over_problem: str | None = None
    example_open: bool = False
    cookie_token: str | None = None
    cookie_chosen: bool = False
    cookie_told: bool = False


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
    # The draft's version this session last wrote or read, and the answers it changed that
    # are not written yet: another tab's writes in between are merged, never overwritten.
    version: int | None = None
    pending: dict[tuple[str, str], Answer | None] = field(default_factory=dict)


@dataclass
class QuestionnaireNav:
    """Where a questionnaire is: the step shown and a pending confirmation."""

    step: int = 0
    confirm_level: str | None = None


@dataclass(frozen=True)
class PreparedReport:
    """The summary report files made for one exact version of an assessment."""

    fingerprint: str
    pdf: bytes
    html: bytes


@dataclass
class JoinState:
    """One participant's session: the workshop found by code, then their own answers.

    `answers` is the questionnaire's live dict, loaded from the database once per token.
    `pending` holds changes the database refused (qid -> answer, or None for a cleared one);
    they are written again at the start of the next interaction, or by the page's poll.
    `versions`: statement -> version of the stored answer this page shows (0: none), sent
    with every save so that a stale tab cannot overwrite a newer answer.
    """

    code: str | None = None
    info: WorkshopInfo | None = None
    auto_looked_up: str | None = None
    token: str | None = None
    loaded_for: str | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    pending: dict[str, Answer | None] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    saved_at: datetime | None = None
    hold_retry: bool = False  # a write failed in this very interaction: retry on the next
    save_error: str | None = None
    notice: str | None = None


@dataclass
class FacilitatorState:
    """What the facilitator's page remembers between reruns (not the workshop itself)."""

    just_created: bool = False
    message: str | None = None
    import_round: int = 0  # bumping it empties the file uploader after a successful import
    partner_names: list[str] = field(default_factory=lambda: ["", ""])
    # Solo assessment (its `created_at`, ISO) -> the key of the invitation it sent.
    invitations: dict[str, str] = field(default_factory=dict)


@dataclass
class DiscussionState:
    """Where the facilitator is in the agenda, and the last outcome to show."""

    index: int = 0
    message: str | None = None
    error: str | None = None


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


def set_questionnaire_step(key_prefix: str, step: int) -> None:
    """Put the questionnaire drawn with `key_prefix` on `step` (e.g. after a reload)."""
    st.session_state[f"{key_prefix}nav"] = QuestionnaireNav(step=max(step, 0))


def prepared_report(key_prefix: str) -> PreparedReport | None:
    """The report last prepared by the downloads drawn with `key_prefix`, if any."""
    reports: dict[str, PreparedReport] = st.session_state.setdefault(_REPORT_KEY, {})
    return reports.get(key_prefix)


def keep_prepared_report(key_prefix: str, report: PreparedReport) -> None:
    """Keep the report just prepared (one per downloads widget, the latest only)."""
    st.session_state.setdefault(_REPORT_KEY, {})[key_prefix] = report


def join_state() -> JoinState:
    return st.session_state.setdefault(_JOIN_KEY, JoinState())


def facilitator_state() -> FacilitatorState:
    return st.session_state.setdefault(_FACILITATOR_KEY, FacilitatorState())


def discussion_state() -> DiscussionState:
    return st.session_state.setdefault(_DISCUSSION_KEY, DiscussionState())


def session_client_id() -> str:
    """A random id of this browser session, made on first use."""
    return st.session_state.setdefault(_CLIENT_KEY, uuid.uuid4().hex)


def reset_solo() -> None:
    """Forget the solo assessment, its set-up and every questionnaire's step and widgets."""
    st.session_state[SOLO_KEY] = SoloState()
    replace_setup(SetupState())
    for key in [k for k in st.session_state if str(k).startswith("q_")]:
        del st.session_state[key]


def reset_draft(page: str | None) -> None:
    """Forget the solo draft's token and status (its link was checked already)."""
    st.session_state[DRAFT_KEY] = DraftState(link_checked=True, page=page)


def forget_workshop_state() -> None:
    """Drop what this session holds of a workshop (after the workshop is deleted)."""
    for key in WORKSHOP_STATE_KEYS:
        st.session_state.pop(key, None)
