"""The reusable questionnaire: one characteristic per step, level by level.

Used by the solo flow and by the workshop participant page. The caller owns the answers:
it hands in a dict of them (which the questionnaire keeps current while it is drawn) and
learns about every change through `on_change`, which carries the changed answer at the
moment it happens, so the caller can keep and save exactly that.

Example::

    render_questionnaire(
        banks=bank_set,
        statement_ids=bank_set.applicable(assessment.partnership_type),
        answers=my_answers,                 # dict[qualified id, Answer], kept current
        respondent_id="r1",
        key_prefix="ws_",                   # unique per questionnaire on the page
        ask_prediction=True,
        on_change=lambda answer, qid: save(answer, qid),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from partnership_core.assessment import NOT_SURE, Answer, Importance
from partnership_core.bank import AnswerScale, BankSet, LevelId, QuestionnaireStep

from ..literal import literal
from ..state import QuestionnaireNav, questionnaire_nav

__all__ = [
    "QuestionnaireOutcome",
    "render_questionnaire",
    "widget_key",
]

_RATINGS: tuple[int | str, ...] = (1, 2, 3, 4, 5, NOT_SURE)
_IMPORTANCE_LABELS = {Importance.LOW: "Low", Importance.MEDIUM: "Medium", Importance.HIGH: "High"}
# Shown as an icon with the level name, so a level is never told apart by colour alone.
_LEVEL_ICONS = {LevelId.ENTRY: "①", LevelId.DECISION: "②", LevelId.OPERATIONAL: "③"}


@dataclass(frozen=True)
class QuestionnaireOutcome:
    """What the questionnaire looks like after this run."""

    answered: int
    total: int
    step: int
    steps: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def widget_key(key_prefix: str, respondent_id: str, qid: str, part: str) -> str:
    """Session-state key of one control (`part`: rating, importance, prediction, comment)."""
    return f"{key_prefix}{respondent_id}|{qid}|{part}"


def render_questionnaire(
    *,
    banks: BankSet,
    statement_ids: list[str],
    answers: dict[str, Answer],
    respondent_id: str,
    key_prefix: str,
    ask_prediction: bool = False,
    ask_importance: bool = True,
    on_change: Callable[[Answer | None, str], None] | None = None,
    read_only: bool = False,
    on_finish: Callable[[], None] | None = None,
    finish_label: str = "Finish",
    other_partner_label: str = "the other partner",
    statement_text: Callable[[str], str] | None = None,
    other_partners: Sequence[tuple[str, str]] = (),
) -> QuestionnaireOutcome:
    """Draw the questionnaire step the respondent is on, with navigation and progress.

    Args:
        banks: the bank set the statements come from.
        statement_ids: qualified ids to ask (e.g. `banks.applicable(type)`), in bank order.
        answers: qualified id -> Answer of this respondent; kept current on every change.
        respondent_id: written into new answers; also part of every widget key.
        key_prefix: makes widget keys unique; also names the navigation state.
        ask_prediction: also ask how the other partner(s) would rate each statement.
        ask_importance: also ask how much each statement matters.
        on_change: called with (new answer or None, qualified id) as soon as an answer
            changes (rating, importance, prediction or comment).
        read_only: show the answers without letting them change.
        on_finish: called (in a button callback) when the respondent finishes the last step,
            after confirming if some statements are unanswered.
        finish_label: text of the button on the last step.
        other_partner_label: how predictions name the other side ("Acme", "your partner").
        statement_text: a statement's text as this respondent is asked it, from its qualified
            id (`BankSet.text_for` with the answering partner); the bank's text without it.
        other_partners: (id, name) of each other partner; with two or more, a guess is
            asked about each of them (`Answer.predictions`), else one guess.

    Returns:
        Counts of answered and total statements and the current step.
    """
    steps = banks.steps(statement_ids)
    nav = questionnaire_nav(key_prefix)
    total = sum(len(s.statement_ids) for s in steps)
    if not steps:
        st.info("There are no statements to answer for this partnership type and question bank.")
        return QuestionnaireOutcome(0, 0, 0, 0)
    nav.step = min(max(nav.step, 0), len(steps) - 1)
    answered = sum(1 for s in steps for q in s.statement_ids if q in answers)
    _progress_and_jump(steps, nav, answered, total, key_prefix)
    step = steps[nav.step]
    _step_header(step)
    context = _Statements(
        banks,
        answers,
        respondent_id,
        key_prefix,
        ask_prediction,
        on_change,
        read_only,
        other_partner_label,
        statement_text or (lambda qid: banks.text_for(qid)),
        tuple(other_partners) if len(other_partners) >= 2 else (),
        ask_importance,
    )
    for qid in step.statement_ids:
        _render_statement(context, qid)
    _render_navigation(steps, nav, answers, key_prefix, on_finish, finish_label)
    return QuestionnaireOutcome(answered, total, nav.step, len(steps))


@dataclass(frozen=True)
class _Statements:
    """What every statement of one questionnaire is drawn with."""

    banks: BankSet
    answers: dict[str, Answer]
    respondent_id: str
    key_prefix: str
    ask_prediction: bool
    on_change: Callable[[Answer | None, str], None] | None
    read_only: bool
    other_label: str
    text_of: Callable[[str], str]
    # (id, name) of each other partner to guess about one by one; empty: one guess for all.
    guess_each: tuple[tuple[str, str], ...]
    ask_importance: bool


def _progress_and_jump(
    steps: list[QuestionnaireStep],
    nav: QuestionnaireNav,
    answered: int,
    total: int,
    key_prefix: str,
) -> None:
    jump_key = f"{key_prefix}jump"
    if st.session_state.get(jump_key) != nav.step:
        st.session_state[jump_key] = nav.step
    st.progress(
        answered / total,
        text=f"{answered} of {total} statements answered · step {nav.step + 1} of {len(steps)}",
    )
    st.selectbox(
        "Jump to a step",
        options=list(range(len(steps))),
        format_func=lambda i: _step_option(steps[i], i),
        key=jump_key,
        on_change=_on_jump,
        args=(nav, jump_key),
    )


def _step_header(step: QuestionnaireStep) -> None:
    st.subheader(f"{_LEVEL_ICONS.get(step.level.id, '')} {step.title}")
    st.markdown(step.characteristic.meaning)
    with st.expander(f"Why {step.characteristic.name.lower()} matters"):
        st.markdown(step.characteristic.why_it_matters)
        st.caption(f"**{step.level.name}.** {step.level.description}")


def _step_option(step: QuestionnaireStep, index: int) -> str:
    # Option labels must not change between reruns: Streamlit matches the chosen option by
    # its label, so a label with a live answer count would stop matching after an answer.
    return f"{index + 1}. {step.title}"


def _on_jump(nav: QuestionnaireNav, jump_key: str) -> None:
    value = st.session_state[jump_key]
    if isinstance(value, int):
        nav.step = value
        nav.confirm_level = None


def _push(key: str, value: object) -> None:
    """Make a control show the stored answer (its widget state may have been dropped)."""
    if st.session_state.get(key) != value:
        st.session_state[key] = value


_PARTS = ("rating", "importance", "prediction", "comment")


def _render_statement(context: _Statements, qid: str) -> None:
    bank, statement = context.banks.statements[qid]
    scale = bank.scale
    answer = context.answers.get(qid)
    parts = (*_PARTS, *(_guess_part(pid) for pid, _ in context.guess_each))
    keys = {p: widget_key(context.key_prefix, context.respondent_id, qid, p) for p in parts}
    _push(keys["rating"], answer.rating if answer else None)
    _push(keys["importance"], answer.importance if answer else None)
    _push(keys["prediction"], answer.prediction if answer else None)
    for pid, _ in context.guess_each:
        _push(keys[_guess_part(pid)], answer.prediction_about(pid) if answer else None)
    _push(keys["comment"], (answer.comment or "") if answer else "")
    cb_args = (context, qid, keys)
    with st.container(border=True):
        st.radio(
            f"**{literal(context.text_of(qid))}**",
            options=_RATINGS,
            index=None,
            format_func=lambda r: scale.not_sure if r == NOT_SURE else scale.option(r),
            horizontal=True,
            key=keys["rating"],
            help=statement.hint,
            disabled=context.read_only,
            on_change=_on_answer,
            args=cb_args,
        )
        _render_details(context, scale, keys, cb_args, no_rating=answer is None)


def _render_details(
    context: _Statements,
    scale: AnswerScale,
    keys: dict[str, str],
    cb_args: tuple[object, ...],
    *,
    no_rating: bool,
) -> None:
    """Importance, the guess about the other side and a comment: once a rating is given."""
    locked = context.read_only or no_rating
    cols = st.columns(2 if context.ask_prediction and context.ask_importance else 1)
    if context.ask_importance:
        cols[0].radio(
            "How much does this matter to you?",
            options=list(Importance),
            index=None,
            format_func=lambda i: _IMPORTANCE_LABELS[i],
            horizontal=True,
            key=keys["importance"],
            disabled=locked,
            help="Rate the statement first." if no_rating else None,
            on_change=_on_answer,
            args=cb_args,
        )
    guesses = [(keys["prediction"], context.other_label)]
    if context.guess_each:
        guesses = [(keys[_guess_part(pid)], name) for pid, name in context.guess_each]
    for key, about in guesses if context.ask_prediction else ():
        cols[-1].selectbox(
            f"Your guess: how would {literal(about)} rate this?",
            options=[1, 2, 3, 4, 5],
            index=None,
            placeholder="No guess",
            format_func=scale.option,
            key=key,
            disabled=locked,
            on_change=_on_answer,
            args=cb_args,
        )
    with st.expander("Comment (optional)"):
        st.text_area(
            "Comment on this statement",
            key=keys["comment"],
            max_chars=2000,
            disabled=locked,
            placeholder="Rate the statement first." if no_rating else "",
            on_change=_on_answer,
            args=cb_args,
        )


def _on_answer(context: _Statements, qid: str, keys: dict[str, str]) -> None:
    """Widget callback: turn the controls of one statement into an Answer and report it."""
    rating = st.session_state.get(keys["rating"])
    if rating is None:
        new: Answer | None = None
        context.answers.pop(qid, None)
    else:
        comment = (st.session_state.get(keys["comment"]) or "").strip() or None
        new = Answer(
            respondent=context.respondent_id,
            statement=qid,
            rating=rating,
            importance=st.session_state.get(keys["importance"]),
            prediction=None if context.guess_each else st.session_state.get(keys["prediction"]),
            predictions=_guesses(context, keys),
            comment=comment,
        )
        context.answers[qid] = new
    if context.on_change is not None:
        context.on_change(new, qid)


def _guess_part(partner_id: str) -> str:
    return f"prediction:{partner_id}"


def _guesses(context: _Statements, keys: dict[str, str]) -> dict[str, int] | None:
    """The guess about each other partner, when they are asked one by one."""
    given = {
        pid: guess
        for pid, _ in context.guess_each
        if (guess := st.session_state.get(keys[_guess_part(pid)])) is not None
    }
    return given or None


def _unanswered(
    step_list: list[QuestionnaireStep], answers: dict[str, Answer]
) -> list[tuple[int, str]]:
    return [(i, q) for i, s in step_list for q in s.statement_ids if q not in answers]


def _render_navigation(
    steps: list[QuestionnaireStep],
    nav: QuestionnaireNav,
    answers: dict[str, Answer],
    key_prefix: str,
    on_finish: Callable[[], None] | None,
    finish_label: str,
) -> None:
    step = steps[nav.step]
    last = nav.step == len(steps) - 1
    ends_level = last or steps[nav.step + 1].level.id != step.level.id
    level_steps = [(i, s) for i, s in enumerate(steps) if s.level.id == step.level.id]
    missing = _unanswered(level_steps, answers)

    if nav.confirm_level == step.level.id and ends_level and missing:
        _confirm_unanswered(step, nav, missing, len(steps), key_prefix, on_finish, finish_label)
        return

    c1, c2 = st.columns(2)
    c1.button(
        "← Back",
        key=f"{key_prefix}back",
        disabled=nav.step == 0,
        on_click=_goto,
        args=(nav, nav.step - 1),
        width="stretch",
    )
    if ends_level and missing:
        label = finish_label if last else f"Finish the {step.level.name.lower()} →"
        c2.button(
            label,
            key=f"{key_prefix}next",
            type="primary",
            on_click=_ask_confirm,
            args=(nav, step.level.id),
            width="stretch",
        )
    else:
        label = finish_label if last else "Next →"
        c2.button(
            label,
            key=f"{key_prefix}next",
            type="primary",
            on_click=_advance,
            args=(nav, len(steps), on_finish),
            width="stretch",
        )


def _confirm_unanswered(
    step: QuestionnaireStep,
    nav: QuestionnaireNav,
    missing: list[tuple[int, str]],
    n_steps: int,
    key_prefix: str,
    on_finish: Callable[[], None] | None,
    finish_label: str,
) -> None:
    """Leaving a level with statements unanswered: go back to them, or go on anyway."""
    st.warning(
        f"{len(missing)} statement(s) at the {step.level.name.lower()} are not answered yet. "
        "Unanswered statements make the result less certain. Go back and answer them, "
        "or continue and come back later.",
        icon=":material/warning:",
    )
    c1, c2 = st.columns(2)
    c1.button(
        "Go to the first unanswered statement",
        key=f"{key_prefix}goto_missing",
        on_click=_goto,
        args=(nav, missing[0][0]),
        width="stretch",
    )
    c2.button(
        finish_label if nav.step == n_steps - 1 else "Continue anyway",
        key=f"{key_prefix}confirm_next",
        type="primary",
        on_click=_advance,
        args=(nav, n_steps, on_finish),
        width="stretch",
    )


def _goto(nav: QuestionnaireNav, step: int) -> None:
    nav.step = max(step, 0)
    nav.confirm_level = None


def _ask_confirm(nav: QuestionnaireNav, level_id: str) -> None:
    nav.confirm_level = level_id


def _advance(nav: QuestionnaireNav, n_steps: int, on_finish: Callable[[], None] | None) -> None:
    nav.confirm_level = None
    if nav.step >= n_steps - 1:
        if on_finish is not None:
            on_finish()
    else:
        nav.step += 1
