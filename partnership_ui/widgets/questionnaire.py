"""The reusable questionnaire: one page per level, each characteristic's statements under
its own heading, with how much the characteristic matters asked once, after its statements.

Used by the solo flow and by the workshop participant page. The caller owns the answers:
it hands in a dict of them (which the questionnaire keeps current while it is drawn) and
learns about every change through `on_change`, which carries the changed answer at the
moment it happens, so the caller can keep and save exactly that.

A page per level (three Next clicks for the default bank, not eleven) keeps the framework's
order, entry before decision before operational, and the confirmation when a level is left
unanswered. Each statement, each importance question, the progress and the step buttons are
fragments: a rating, guess, comment or importance click redraws its own fragment, the
progress and the step buttons only, not the page around them (the caller's `render_status`
is drawn with the progress, so it stays current); moving to another step redraws the page.

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
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from partnership_core.assessment import NOT_SURE, Answer, Importance
from partnership_core.bank import AnswerScale, BankSet, Level, LevelId, QuestionnaireStep
from partnership_core.text import plural

from ..literal import literal
from ..state import QuestionnaireNav, questionnaire_nav
from .questionnaire_layout import open_step_at_top, statement_container_key, style_scale

__all__ = [
    "QuestionnaireOutcome",
    "QuestionnairePage",
    "importance_key",
    "questionnaire_pages",
    "render_questionnaire",
    "widget_key",
]

_RATINGS: tuple[int | str, ...] = (1, 2, 3, 4, 5, NOT_SURE)
_IMPORTANCE = "importance"
_IMPORTANCE_LABELS = {Importance.LOW: "Low", Importance.MEDIUM: "Medium", Importance.HIGH: "High"}
# Shown as an icon with the level name, so a level is never told apart by colour alone.
_LEVEL_ICONS = {LevelId.ENTRY: "①", LevelId.DECISION: "②", LevelId.OPERATIONAL: "③"}


@dataclass(frozen=True)
class QuestionnaireOutcome:
    """What the questionnaire looks like after this run (`step`: the page, one per level)."""

    answered: int
    total: int
    step: int
    steps: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class QuestionnairePage:
    """One step of the questionnaire: a level, with its characteristics in the spine's order."""

    level: Level
    characteristics: tuple[QuestionnaireStep, ...]

    @property
    def statement_ids(self) -> tuple[str, ...]:
        return tuple(q for c in self.characteristics for q in c.statement_ids)


def questionnaire_pages(banks: BankSet, statement_ids: list[str]) -> list[QuestionnairePage]:
    """The steps that ask `statement_ids`: one per level that has any, entry level first."""
    pages: list[QuestionnairePage] = []
    for step in banks.steps(statement_ids):
        if pages and pages[-1].level.id == step.level.id:
            last = pages.pop()
            pages.append(QuestionnairePage(last.level, (*last.characteristics, step)))
        else:
            pages.append(QuestionnairePage(step.level, (step,)))
    return pages


def widget_key(key_prefix: str, respondent_id: str, qid: str, part: str) -> str:
    """Session-state key of one statement's control (`part`: rating, prediction, comment)."""
    return f"{key_prefix}{respondent_id}|{qid}|{part}"


def importance_key(key_prefix: str, respondent_id: str, characteristic_id: str) -> str:
    """Session-state key of a characteristic's importance (it applies to its statements)."""
    return widget_key(key_prefix, respondent_id, f"characteristic:{characteristic_id}", _IMPORTANCE)


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
    render_status: Callable[[], None] | None = None,
) -> QuestionnaireOutcome:
    """Draw the questionnaire step the respondent is on, with navigation and progress.

    Args:
        banks: the bank set the statements come from.
        statement_ids: qualified ids to ask (e.g. `banks.applicable(type)`), in bank order.
        answers: qualified id -> Answer of this respondent; kept current on every change.
        respondent_id: written into new answers; also part of every widget key.
        key_prefix: makes widget keys unique; also names the navigation state.
        ask_prediction: also ask how the other partner(s) would rate each statement.
        ask_importance: also ask, once per characteristic, how much it matters (written
            into the answer to each of its statements).
        on_change: called with (new answer or None, qualified id) as soon as an answer
            changes (rating, importance, prediction or comment). It runs in a widget
            callback; calling `st.rerun()` there redraws the whole page instead of the
            changed statement, the progress and the step buttons only.
        read_only: show the answers without letting them change.
        on_finish: called (in a button callback) when the respondent finishes the last step,
            after confirming if some statements are unanswered.
        finish_label: text of the button on the last step.
        other_partner_label: how predictions name the other side ("Acme", "your partner").
        statement_text: a statement's text as this respondent is asked it, from its qualified
            id (`BankSet.text_for` with the answering partner); the bank's text without it.
        other_partners: (id, name) of each other partner; with two or more, a guess is
            asked about each of them (`Answer.predictions`), else one guess.
        render_status: draws a line above the progress (e.g. "saved"); redrawn with every
            answer, as the rest of the page is not.

    Returns:
        Counts of answered and total statements and the current step.
    """
    pages = questionnaire_pages(banks, statement_ids)
    nav = questionnaire_nav(key_prefix)
    if not pages:
        st.info("There are no statements to answer for this partnership type and question bank.")
        return QuestionnaireOutcome(0, 0, 0, 0)
    nav.step = min(max(nav.step, 0), len(pages) - 1)
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
        tuple(pages),
        _first_draw_of_step(key_prefix),
    )
    style_scale()
    _open_at_top(context, pages[nav.step], nav)
    _questionnaire_body(context, pages, nav, on_finish, finish_label, render_status)
    # Marked once the step is drawn: a run stopped half-way leaves the next one the first.
    st.session_state[_drawn_key(key_prefix)] = st.session_state.get(_moves_key(key_prefix), 0)
    return QuestionnaireOutcome(*_counts(pages, answers), nav.step, len(pages))


def _counts(pages: list[QuestionnairePage], answers: dict[str, Answer]) -> tuple[int, int]:
    """(answered, total) statements of the whole questionnaire."""
    ids = [q for p in pages for q in p.statement_ids]
    return sum(1 for q in ids if q in answers), len(ids)


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
    pages: tuple[QuestionnairePage, ...]
    # The step is drawn for the first time since it was opened (or since the page loaded).
    first_draw: bool

    def shown(self, statement_ids: Sequence[str]) -> bool:
        """Whether the step the respondent is on now asks any of `statement_ids`.

        A browser sends the values of every control it still holds with each request, and
        a request sent just before a step change (a fragment's timer, a click) reaches the
        server after it has drawn the new step and forgotten the old step's controls. The
        old values then look like changes, and their callbacks would save them again or,
        where the browser had already dropped a control, clear its answer.
        """
        on_step = self.page_shown().statement_ids
        return any(q in on_step for q in statement_ids)

    def page_shown(self) -> QuestionnairePage:
        """The step the respondent is on now."""
        step = questionnaire_nav(self.key_prefix).step
        return self.pages[min(max(step, 0), len(self.pages) - 1)]

    @property
    def progress_key(self) -> str:
        return f"{self.key_prefix}{self.respondent_id}|progress"

    @property
    def navigation_key(self) -> str:
        return f"{self.key_prefix}{self.respondent_id}|navigation"

    def fragment_key(self, qid: str) -> str:
        return widget_key(self.key_prefix, self.respondent_id, qid, "fragment")

    def box_key(self, qid: str) -> str:
        return statement_container_key(self.key_prefix, self.respondent_id, qid)

    def importance_key(self, characteristic_id: str) -> str:
        return importance_key(self.key_prefix, self.respondent_id, characteristic_id)


def _questionnaire_body(
    context: _Statements,
    pages: list[QuestionnairePage],
    nav: QuestionnaireNav,
    on_finish: Callable[[], None] | None,
    finish_label: str,
    render_status: Callable[[], None] | None,
) -> None:
    """The progress, the step's statements and the step buttons, each a fragment that an
    answer's callback can redraw on its own (see `_redraw`)."""
    _in_fragment(context.progress_key, _render_progress, pages, nav, context, render_status)
    _jump(pages, nav, context.key_prefix)
    page = pages[nav.step]
    st.subheader(f"{_LEVEL_ICONS.get(page.level.id, '')} {page.level.name}")
    st.caption(page.level.description)
    for step in page.characteristics:
        _characteristic_header(step)
        for qid in step.statement_ids:
            _in_fragment(context.fragment_key(qid), _render_statement, context, qid)
        if context.ask_importance:
            key = context.importance_key(step.characteristic.id)
            _in_fragment(f"{key}|fragment", _render_importance, context, step)
    _in_fragment(
        context.navigation_key,
        _render_navigation,
        pages,
        nav,
        context.answers,
        context.key_prefix,
        on_finish,
        finish_label,
    )


def _in_fragment(key: str, draw: Callable[..., None], *args: object) -> None:
    """`draw(*args)` as a fragment named `key`: a widget in it reruns only the fragment."""
    st.fragment(draw, key=key)(*args)


def _redraw(context: _Statements, key: str, *, step_buttons: bool = False) -> None:
    """After an answer in a fragment rerun (a browser's click on a statement reruns only that
    statement's fragment), also redraw the progress, the step buttons when they now read
    differently (`step_buttons`), and nothing else.

    A full rerun (AppTest, or a client that names no fragment) draws everything anyway and is
    left as it is: a keyed rerun would replace it by the fragments named alone.
    """
    if not _in_fragment_run():
        return
    keys = [key, context.progress_key]
    if step_buttons:
        keys.append(context.navigation_key)
    try:
        st.rerun(keys)
    except StreamlitAPIException:
        st.rerun()  # a fragment named here is not known to this session: redraw the page


def _moves_key(key_prefix: str) -> str:
    return f"{key_prefix}moves"


def _drawn_key(key_prefix: str) -> str:
    """The step change (`_moves_key`) whose step has been drawn whole."""
    return f"{key_prefix}drawn"


def _first_draw_of_step(key_prefix: str) -> bool:
    moves = st.session_state.get(_moves_key(key_prefix), 0)
    return st.session_state.get(_drawn_key(key_prefix)) != moves


def _to_missing_key(key_prefix: str) -> str:
    return f"{key_prefix}to_missing"


def _open_at_top(context: _Statements, page: QuestionnairePage, nav: QuestionnaireNav) -> None:
    """After a step change, the new step opens at its top, focus on its first statement
    (on the first unanswered one when sent back to it)."""
    missing = [q for q in page.statement_ids if q not in context.answers]
    target = page.statement_ids[0]
    moves = st.session_state.get(_moves_key(context.key_prefix), 0)
    if st.session_state.get(_to_missing_key(context.key_prefix)) and missing:
        target = missing[0]
    open_step_at_top(
        context.box_key(target),
        f"{context.key_prefix}{nav.step}:{moves}",
        at_top=target == page.statement_ids[0],
    )


def _render_progress(
    pages: list[QuestionnairePage],
    nav: QuestionnaireNav,
    context: _Statements,
    render_status: Callable[[], None] | None,
) -> None:
    if render_status is not None:
        render_status()
    answered, total = _counts(pages, context.answers)
    st.progress(
        answered / total,
        text=f"{answered} of {total} statements answered · step {nav.step + 1} of {len(pages)}",
    )


def _jump(pages: list[QuestionnairePage], nav: QuestionnaireNav, key_prefix: str) -> None:
    jump_key = f"{key_prefix}jump"
    if st.session_state.get(jump_key) != nav.step:
        st.session_state[jump_key] = nav.step
    st.selectbox(
        "Jump to a step",
        options=list(range(len(pages))),
        format_func=lambda i: _step_option(pages[i], i),
        key=jump_key,
        on_change=_on_jump,
        args=(nav, jump_key, key_prefix),
    )


def _characteristic_header(step: QuestionnaireStep) -> None:
    st.markdown(f"#### {literal(step.characteristic.name)}")
    st.markdown(step.characteristic.meaning)
    with st.expander(f"Why {step.characteristic.name.lower()} matters"):
        st.markdown(step.characteristic.why_it_matters)


def _step_option(page: QuestionnairePage, index: int) -> str:
    # Option labels must not change between reruns: Streamlit matches the chosen option by
    # its label, so a label with a live answer count would stop matching after an answer.
    return f"{index + 1}. {page.level.name}"


def _on_jump(nav: QuestionnaireNav, jump_key: str, key_prefix: str) -> None:
    # The list sits outside every fragment, so choosing in it reruns the whole page; in a
    # fragment's run its value is the step the browser showed before the last step change
    # (see `_Statements.shown`), and following it would take the respondent back there.
    if _in_fragment_run():
        return
    value = st.session_state[jump_key]
    if isinstance(value, int):
        nav.step = value
        nav.confirm_level = None
        _moved(key_prefix)


def _in_fragment_run() -> bool:
    ctx = get_script_run_ctx()
    return ctx is not None and bool(ctx.fragment_ids_this_run)


def _push(context: _Statements, key: str, value: object) -> None:
    """Make a control show the stored answer.

    On a step's first draw (a step change, a reload) the value is always sent: the browser
    dropped its controls' values when it left the step, while the server may hold one that
    a late request replayed (see `_Statements.shown`); an equal value alone is not sent, so
    the control would show nothing and its next request would clear the answer.
    """
    first = context.first_draw and not _in_fragment_run()
    if first or st.session_state.get(key) != value:
        st.session_state[key] = value


_PARTS = ("rating", "prediction", "comment")


def _render_statement(context: _Statements, qid: str) -> None:
    bank, statement = context.banks.statements[qid]
    scale = bank.scale
    answer = context.answers.get(qid)
    parts = (*_PARTS, *(_guess_part(pid) for pid, _ in context.guess_each))
    keys = {p: widget_key(context.key_prefix, context.respondent_id, qid, p) for p in parts}
    keys["importance"] = context.importance_key(context.banks.spine_characteristic(qid).id)
    _push(context, keys["rating"], answer.rating if answer else None)
    _push(context, keys["prediction"], answer.prediction if answer else None)
    for pid, _ in context.guess_each:
        _push(context, keys[_guess_part(pid)], answer.prediction_about(pid) if answer else None)
    _push(context, keys["comment"], (answer.comment or "") if answer else "")
    cb_args = (context, qid, keys)
    with st.container(border=True, key=context.box_key(qid)):
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
            width="stretch",
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
    """The guess about the other side and a comment: once a rating is given."""
    locked = context.read_only or no_rating
    guesses = [(keys["prediction"], context.other_label)]
    if context.guess_each:
        guesses = [(keys[_guess_part(pid)], name) for pid, name in context.guess_each]
    for key, about in guesses if context.ask_prediction else ():
        st.selectbox(
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
    # Keyed by the statement, so a box opened here stays with this statement only.
    with st.expander("Comment (optional)", key=f"{keys['comment']}|box"):
        st.text_area(
            "Comment on this statement",
            key=keys["comment"],
            max_chars=2000,
            disabled=locked,
            placeholder="Rate the statement first." if no_rating else "",
            on_change=_on_answer,
            args=cb_args,
        )


def _shared_importance(context: _Statements, step: QuestionnaireStep) -> tuple[bool, object]:
    """(known, importance): the importance every answered statement of `step` carries."""
    given = {context.answers[q].importance for q in step.statement_ids if q in context.answers}
    if not given:
        return False, None
    return True, given.pop() if len(given) == 1 else None


def _render_importance(context: _Statements, step: QuestionnaireStep) -> None:
    """How much the characteristic matters: once, for all its statements (it orders the
    discussion agenda; the verdict does not depend on it)."""
    key = context.importance_key(step.characteristic.id)
    known, value = _shared_importance(context, step)
    if known:
        _push(context, key, value)
    with st.container(border=True):
        st.radio(
            f"How much does {step.characteristic.name.lower()} matter to you?",
            options=list(Importance),
            index=None,
            format_func=lambda i: _IMPORTANCE_LABELS[i],
            horizontal=True,
            key=key,
            disabled=context.read_only,
            help="Applies to every statement above. High puts these statements earlier "
            "on the discussion agenda; it does not change the verdict.",
            on_change=_on_importance,
            args=(context, step, key),
        )


def _on_importance(context: _Statements, step: QuestionnaireStep, key: str) -> None:
    """Widget callback: write the characteristic's importance into each answered statement."""
    if not context.shown(step.statement_ids):
        return  # a value replayed from a step left behind
    importance = st.session_state.get(key)
    for qid in step.statement_ids:
        answer = context.answers.get(qid)
        if answer is None or answer.importance == importance:
            continue
        new = answer.model_copy(update={"importance": importance})
        context.answers[qid] = new
        if context.on_change is not None:
            context.on_change(new, qid)
    _redraw(context, f"{key}|fragment")


def _on_answer(context: _Statements, qid: str, keys: dict[str, str]) -> None:
    """Widget callback: turn the controls of one statement into an Answer and report it."""
    if not context.shown((qid,)):
        return  # a value replayed from a step left behind: the stored answer stays
    was_answered = qid in context.answers
    rating = st.session_state.get(keys["rating"])
    if rating is None:
        new: Answer | None = None
        context.answers.pop(qid, None)
    else:
        comment = (st.session_state.get(keys["comment"]) or "").strip() or None
        importance = _importance_for(context, qid, keys["importance"])
        new = Answer(
            respondent=context.respondent_id,
            statement=qid,
            rating=rating,
            importance=importance,
            prediction=None if context.guess_each else st.session_state.get(keys["prediction"]),
            predictions=_guesses(context, keys),
            comment=comment,
        )
        context.answers[qid] = new
    if context.on_change is not None:
        context.on_change(new, qid)
    _redraw(
        context,
        context.fragment_key(qid),
        step_buttons=_step_buttons_change(context, was_answered=was_answered, now=new is not None),
    )


def _step_buttons_change(context: _Statements, *, was_answered: bool, now: bool) -> bool:
    """Whether the step buttons read differently after a statement was answered (`now`) or
    cleared: they say "Next" only once every statement of the step is answered, and the
    warning about unanswered statements counts them."""
    if was_answered == now:
        return False  # a changed rating, guess or comment: as many statements answered
    missing = sum(q not in context.answers for q in context.page_shown().statement_ids)
    confirming = questionnaire_nav(context.key_prefix).confirm_level is not None
    return confirming or missing == (0 if now else 1)


def _importance_for(context: _Statements, qid: str, key: str) -> Importance | None:
    """The characteristic's importance, else what the answer carried (set per statement in
    an older draft or file)."""
    if not context.ask_importance:
        return None
    old = context.answers.get(qid)
    return st.session_state.get(key) or (old.importance if old else None)


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


def _render_navigation(
    pages: list[QuestionnairePage],
    nav: QuestionnaireNav,
    answers: dict[str, Answer],
    key_prefix: str,
    on_finish: Callable[[], None] | None,
    finish_label: str,
) -> None:
    page = pages[nav.step]
    last = nav.step == len(pages) - 1
    missing = [q for q in page.statement_ids if q not in answers]
    moving = _Moving(nav, key_prefix, len(pages), on_finish)

    if nav.confirm_level == page.level.id and missing:
        _confirm_unanswered(page, moving, len(missing), finish_label if last else None)
        return

    c1, c2 = st.columns(2)
    c1.button(
        "← Back",
        key=f"{key_prefix}back",
        disabled=nav.step == 0,
        on_click=_goto,
        args=(moving, nav.step - 1),
        width="stretch",
    )
    if missing:
        label = finish_label if last else f"Finish the {page.level.name.lower()} →"
        on_click, args = _ask_confirm, (nav, page.level.id)
    else:
        label = finish_label if last else "Next →"
        on_click, args = _advance, (moving,)
    c2.button(
        label,
        key=f"{key_prefix}next",
        type="primary",
        on_click=on_click,
        args=args,
        width="stretch",
    )


@dataclass(frozen=True)
class _Moving:
    """What the step buttons need to move on: the navigation and how to end."""

    nav: QuestionnaireNav
    key_prefix: str
    n_steps: int
    on_finish: Callable[[], None] | None


def _confirm_unanswered(
    page: QuestionnairePage, moving: _Moving, missing: int, finish_label: str | None
) -> None:
    """Leaving a level with statements unanswered: go back to them, or go on anyway."""
    verb = "is" if missing == 1 else "are"
    st.warning(
        f"{plural(missing, 'statement')} at the {page.level.name.lower()} {verb} not answered "
        "yet. Unanswered statements make the result less certain. Go back and answer them, "
        "or continue and come back later.",
        icon=":material/warning:",
    )
    c1, c2 = st.columns(2)
    c1.button(
        "Go to the first unanswered statement",
        key=f"{moving.key_prefix}goto_missing",
        on_click=_goto,
        args=(moving, moving.nav.step, True),
        width="stretch",
    )
    c2.button(
        finish_label or "Continue anyway",
        key=f"{moving.key_prefix}confirm_next",
        type="primary",
        on_click=_advance,
        args=(moving,),
        width="stretch",
    )


def _moved(key_prefix: str, to_missing: bool = False) -> None:
    """Count a step change (the new step opens at its top) and redraw the whole page."""
    st.session_state[_moves_key(key_prefix)] = st.session_state.get(_moves_key(key_prefix), 0) + 1
    st.session_state[_to_missing_key(key_prefix)] = to_missing
    st.rerun()


def _goto(moving: _Moving, step: int, to_missing: bool = False) -> None:
    moving.nav.step = max(step, 0)
    moving.nav.confirm_level = None
    _moved(moving.key_prefix, to_missing)


def _ask_confirm(nav: QuestionnaireNav, level_id: str) -> None:
    nav.confirm_level = level_id


def _advance(moving: _Moving) -> None:
    nav = moving.nav
    nav.confirm_level = None
    if nav.step >= moving.n_steps - 1:
        if moving.on_finish is not None:
            moving.on_finish()
    else:
        nav.step += 1
    _moved(moving.key_prefix)
