"""Importing a partner's exported file, a part of the questionnaire overview: which partner
is which, and what becomes of an estimate, are confirmed before anything is imported."""

from __future__ import annotations

import streamlit as st

from partnership_core.errors import PartnershipFitError
from partnership_core.solo import estimates_at_stake
from partnership_core.text import join_names, plural, possessive

from .. import notify
from ..literal import literal
from ..session import ImportPreview, import_partner_file, preview_partner_file
from ..state import solo_state

__all__ = ["render_partner_import"]

_KEEP, _REPLACE = "keep", "replace"
_SKIP = ""  # no partner id is empty


def render_partner_import(partner_id: str, name: str) -> None:
    """The file uploader for `partner_id`'s answers, then the import (asked first when a
    name only resembles one here or an estimate would be affected)."""
    key = f"q_import_{partner_id}"
    upload = st.file_uploader(
        f"Import {literal(possessive(name))} exported assessment (.json)",
        type=["json"],
        key=key,
        help=f"Ask {literal(name)} to set up the same partnership, answer for their "
        "organisation and download the assessment. Names that differ a little are matched "
        "after you confirm them.",
    )
    if upload is None:
        return
    data = upload.getvalue()
    try:
        preview = preview_partner_file(data, upload.name)
        if not preview.must_ask:
            _imported(key, import_partner_file(data, upload.name))
            return
    except PartnershipFitError as exc:
        _refused(exc)
        return
    mapping, keep = _confirmation(key, preview)
    if st.button("Import these answers", key=f"{key}_confirm", type="primary"):
        try:
            names = import_partner_file(data, upload.name, mapping=mapping, keep_estimates=keep)
        except PartnershipFitError as exc:
            _refused(exc)
        else:
            _imported(key, names)


def _refused(exc: PartnershipFitError) -> None:
    st.error(literal(exc), icon=":material/error:")
    st.caption("Nothing was changed; your answers are kept.")


def _imported(key: str, names: list[str]) -> None:
    notify(f"Imported the answers of {literal(join_names(names))}.")
    for k in [k for k in st.session_state if str(k).startswith(key)]:
        del st.session_state[k]
    st.rerun()


def _confirmation(key: str, preview: ImportPreview) -> tuple[dict[str, str], bool]:
    """The partner chosen for each of the file's partners, and whether to keep estimates."""
    assessment = solo_state().build()
    own = solo_state().own_partner
    names = {p.id: p.name for p in assessment.partners if p.id != own}
    options = [_SKIP, *names]
    st.info(
        "Check who is who before importing: nothing is imported until you confirm.",
        icon=":material/fact_check:",
    )
    mapping: dict[str, str] = {}
    for match in preview.matches:
        chosen = st.selectbox(
            f"In the file, '{literal(match.file_name)}' ({plural(match.answers, 'answer')}) is",
            options=options,
            index=options.index(match.proposed or _SKIP),
            format_func=lambda pid: names.get(pid, "not a partner of this assessment (skip)"),
            key=f"{key}_map_{match.file_partner}",
        )
        if chosen != _SKIP:
            mapping[match.file_partner] = chosen
    at_stake = estimates_at_stake(assessment, mapping.values())
    if not at_stake:
        return mapping, False
    choice = st.radio(
        f"You estimated {literal(join_names(at_stake))} earlier. Their real answers",
        options=[_KEEP, _REPLACE],
        format_func=lambda c: (
            "go beside the estimate (the results use the real answers)"
            if c == _KEEP
            else "replace the estimate (the estimate is deleted)"
        ),
        key=f"{key}_estimate",
    )
    return mapping, choice == _KEEP
