"""Set-up: the partnership, its partners, the question banks and who is answering."""

from __future__ import annotations

import streamlit as st

from partnership_core.assessment import MAX_PARTNERS, MIN_PARTNERS
from partnership_core.bank import (
    PARTNERSHIP_TYPE_LABELS,
    LevelId,
    PartnershipType,
    QuestionBank,
)
from partnership_core.errors import PartnershipFitError
from partnership_core.plan import planned_statements, session_minutes
from partnership_core.sectors import partnership_type_for
from partnership_core.solo import role_change_message
from partnership_core.text import NAME_MAX_LENGTH, normalise_name, plural

from ..autosave import save_draft
from ..data import available_banks, bank_set
from ..literal import literal
from ..session import apply_setup, pending_role_change
from ..state import SetupState, setup_state, solo_state
from ..widgets.sector import sector_input

__all__ = ["render_setup_page"]


def render_setup_page() -> None:
    setup = setup_state()
    started = solo_state().started
    st.title("Set up the assessment")
    if started:
        st.info(
            "An assessment is in progress. Changes here keep every answer with the "
            "organisation it was given for (answers from question banks you remove are "
            "dropped).",
            icon=":material/info:",
        )
    try:
        banks_available = available_banks()
    except PartnershipFitError as exc:
        st.error(f"The question banks could not be loaded: {literal(exc)}")
        st.stop()
    _partnership_fields(setup, banks_available)
    _respondent_fields(setup)
    _session_fields(setup)
    _statement_count(setup)
    label = "Save and continue" if started else "Start the questionnaire"
    change = pending_role_change(setup)
    if change is not None:
        label = f"Answer for {change.chosen} from now on"
        st.warning(
            f"**Saving changes who you answer for.** {literal(role_change_message(change))}",
            icon=":material/swap_horiz:",
        )
    if st.button(label, key="setup_start", type="primary", icon=":material/arrow_forward:"):
        try:
            apply_setup(setup)
        except PartnershipFitError as exc:
            st.error(literal(exc), icon=":material/error:")
        else:
            st.switch_page("pages/questionnaire.py")
    # The widgets above have just updated the set-up: keep it before the person reloads.
    save_draft()


def _partnership_fields(setup: SetupState, banks_available: dict[str, QuestionBank]) -> None:
    setup.name = _name_input(
        "Name of the partnership",
        setup.name,
        "setup_name",
        "e.g. Food bank and grocer: surplus food",
    )
    _partner_fields(setup)
    _partnership_type_field(setup)
    setup.bank_ids = st.multiselect(
        "Question banks",
        options=list(banks_available),
        default=[b for b in setup.bank_ids if b in banks_available],
        format_func=lambda b: banks_available[b].title,
        key="setup_banks",
        help="The three-level bank is the default. The others add questions from related "
        "frameworks; every answer is still shown level by level.",
    )
    with st.expander("About the question banks"):
        for bank in banks_available.values():
            st.markdown(f"**{bank.title}** — {bank.description}")


def _partnership_type_field(setup: SetupState) -> None:
    """The type follows from the sectors once all are said; until then it is chosen."""
    derived = partnership_type_for(setup.sectors)
    if derived is not None:
        setup.partnership_type = derived
        st.caption(
            f"Type of partnership, from the sectors: {PARTNERSHIP_TYPE_LABELS[derived]}.",
        )
        return
    types = list(PartnershipType)
    setup.partnership_type = st.selectbox(
        "Type of partnership",
        options=types,
        index=types.index(PartnershipType(setup.partnership_type)),
        format_func=lambda t: PARTNERSHIP_TYPE_LABELS[t],
        key="setup_type",
        help="Some statements only apply to some types, e.g. power balance for government and "
        "non-profit partners. Say every partner's sector and the type follows from them.",
    )


def _name_input(label: str, value: str, key: str, placeholder: str) -> str:
    return st.text_input(
        label, value=value, key=key, max_chars=NAME_MAX_LENGTH, placeholder=placeholder
    )


def _partner_fields(setup: SetupState) -> None:
    count = int(
        st.number_input(
            "Number of partners",
            min_value=MIN_PARTNERS,
            max_value=MAX_PARTNERS,
            value=len(setup.partner_names),
            step=1,
            key="setup_count",
        )
    )
    names = (setup.partner_names + [""] * MAX_PARTNERS)[:count]
    sectors = (list(setup.sectors) + [None] * MAX_PARTNERS)[:count]
    for i in range(count):
        if i % 2 == 0:  # a row per pair, so reading and tab order stay 1, 2, 3... on a phone
            cols = st.columns(2)
        with cols[i % 2]:
            names[i] = _name_input(
                f"Partner {i + 1}", names[i], f"setup_partner_{i}", "Organisation name"
            )
            sectors[i] = sector_input(
                f"Sector, organisation {i + 1}", sectors[i], f"setup_sector_{i}"
            )
    setup.partner_names = names
    setup.sectors = sectors
    if None in sectors:
        st.caption(
            "Say each partner's sector: statements are then worded for the side that answers, "
            "and the type of partnership follows from the sectors."
        )


def _respondent_fields(setup: SetupState) -> None:
    st.subheader("Who is answering")
    setup.respondent_name = _name_input(
        "Your name or role",
        setup.respondent_name,
        "setup_respondent",
        "e.g. Amara, head of partnerships",
    )
    count = len(setup.partner_names)
    setup.own_partner = min(setup.own_partner, count - 1)
    labels = [normalise_name(n) or f"Partner {i + 1}" for i, n in enumerate(setup.partner_names)]
    # Streamlit matches a chosen option by its label; the labels are the names typed above, so
    # the control gets a new key whenever they change (the choice is kept in `setup`).
    setup.own_partner = st.selectbox(
        "You answer for",
        options=list(range(count)),
        index=setup.own_partner,
        format_func=lambda i: labels[i],
        key=f"setup_own_{abs(hash(tuple(labels)))}",
    )
    setup.predict = st.checkbox(
        "Also guess how the other partner(s) would answer each statement",
        value=setup.predict,
        key="setup_predict",
        help="Comparing your guesses with their real answers shows where you misread each other.",
    )


def _session_fields(setup: SetupState) -> None:
    """A shorter session: fewer levels or the core set, importance switched off."""
    with st.expander("Length of the session"):
        setup.core_only = st.toggle(
            "Core set only (at least one statement per characteristic)",
            value=setup.core_only,
            key="setup_core",
        )
        chosen = st.multiselect(
            "Levels to assess",
            options=list(LevelId),
            default=setup.levels,
            format_func=lambda level: level.value.capitalize(),
            key="setup_levels",
        )
        setup.levels = chosen or list(LevelId)
        setup.ask_importance = st.checkbox(
            "Ask how much each characteristic matters",
            value=setup.ask_importance,
            key="setup_importance",
        )


def _statement_count(setup: SetupState) -> None:
    if not setup.bank_ids:
        return
    try:
        banks = bank_set(tuple(setup.bank_ids))
    except PartnershipFitError as exc:
        st.error(literal(exc))
        return
    plan = setup.plan()
    n = len(planned_statements(banks, PartnershipType(setup.partnership_type), plan))
    minutes = session_minutes(n, plan, len(setup.partner_names) - 1)
    st.caption(f"{plural(n, 'statement')} to answer, about {plural(minutes, 'minute')}.")
