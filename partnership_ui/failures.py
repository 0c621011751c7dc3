"""No exception box reaches a person: the page shows a message, the server keeps the details.

`install_error_boundary()` (run by `bootstrap` on every page) hands Streamlit a handler for
anything a page body or a widget callback lets escape. The project's own errors
(`PartnershipFitError`) say what went wrong and what to do, so their message is shown. Anything
else is a bug: the server log gets the traceback under a short reference, the page only the
reference, so that a facilitator can quote it and the operator find it. `.streamlit/config.toml`
sets `client.showErrorDetails = "none"` for whatever slips past even this.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from partnership_core.errors import PartnershipFitError

from .literal import literal

__all__ = ["install_error_boundary", "new_reference", "show_failure"]

_LOG = logging.getLogger("partnership_fit.ui")
# Crockford's base32 without look-alikes (no I, L, O, U): easy to read out over the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_UNEXPECTED = (
    "Something went wrong (ref {ref}). Reload the page to carry on; your saved answers are "
    "kept. If it happens again, the facilitator can quote the reference {ref} to whoever "
    "runs this app."
)


def new_reference() -> str:
    """A short id that names one failure in the server log (5 characters)."""
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(5))


def show_failure(exc: BaseException) -> bool:
    """Show `exc` as a message on the page; True tells Streamlit not to draw its own box."""
    if isinstance(exc, PartnershipFitError):
        st.error(literal(str(exc)), icon=":material/error:")
        return True
    reference = new_reference()
    _LOG.error("Unexpected error, ref %s", reference, exc_info=exc)
    st.error(_UNEXPECTED.format(ref=reference), icon=":material/error:")
    return True


def install_error_boundary() -> None:
    """Route this session's uncaught page and callback errors to `show_failure`."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.on_script_error is not show_failure:
        ctx.on_script_error = show_failure
