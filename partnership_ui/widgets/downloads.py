"""The one download flow: the assessment file, and the summary report (PDF and web page)
when the optional report package is installed.

Fed the result the page already computed: nothing is parsed or scored again. The report
takes about a second to draw, so it is made on request ("Prepare"), kept for the exact
assessment it was made from, and offered as two download buttons.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

import streamlit as st

from partnership_core.assessment import Assessment, dump_assessment
from partnership_core.bank import BankSet
from partnership_core.errors import PartnershipFitError
from partnership_core.results import AssessmentResult
from partnership_core.text import file_stem

from ..literal import literal
from ..state import PreparedReport, keep_prepared_report, prepared_report

__all__ = ["DownloadKeys", "report_module", "render_downloads"]


@dataclass(frozen=True)
class DownloadKeys:
    """Widget keys of one downloads block (a page may draw more than one)."""

    json: str
    prepare: str
    pdf: str
    html: str


@cache
def report_module() -> ModuleType | None:
    """`partnership_core.report` when it is installed and complete, else None (it is optional)."""
    try:
        report = importlib.import_module("partnership_core.report")
    except ImportError:
        return None
    needed = ("build_report_model", "render_pdf", "render_html")
    return report if all(hasattr(report, n) for n in needed) else None


def render_downloads(
    assessment: Assessment,
    result: AssessmentResult,
    banks: BankSet,
    *,
    keys: DownloadKeys,
    json_label: str,
    json_help: str,
    fallback_stem: str = "assessment",
) -> None:
    """A download button for the assessment file, then the summary report's buttons.

    Args:
        assessment: what the file holds and the report describes.
        result: `assessment` scored on `banks` (the report shows it).
        keys: the widget keys of this block.
        json_label, json_help: how the file button is worded on this page.
        fallback_stem: the file name when the assessment's name gives none.
    """
    stem = file_stem(assessment.name, fallback_stem)
    data = dump_assessment(assessment)
    st.download_button(
        json_label,
        data=data,
        file_name=f"{stem}.json",
        mime="application/json",
        key=keys.json,
        icon=":material/download:",
        help=json_help,
        on_click="ignore",
    )
    if report_module() is None:
        return
    fingerprint = hashlib.sha256(data.encode("utf-8")).hexdigest()
    prepared = prepared_report(keys.prepare)
    if prepared is None or prepared.fingerprint != fingerprint:
        # Not made yet, or the assessment changed since (answers, agreements, actions).
        if not st.button(
            "Prepare the summary report (PDF and web page)",
            key=keys.prepare,
            icon=":material/description:",
        ):
            return
        prepared = _prepare(assessment, result, banks, fingerprint)
        if prepared is None:
            return
        keep_prepared_report(keys.prepare, prepared)
    _report_buttons(prepared, stem, keys)


def _report_buttons(prepared: PreparedReport, stem: str, keys: DownloadKeys) -> None:
    c1, c2 = st.columns(2)
    for col, kind, content, key in (
        (c1, "pdf", prepared.pdf, keys.pdf),
        (c2, "html", prepared.html, keys.html),
    ):
        col.download_button(
            "Download the summary (PDF)" if kind == "pdf" else "Download the summary (web page)",
            data=content,
            file_name=f"{stem}-summary.{kind}",
            mime="application/pdf" if kind == "pdf" else "text/html",
            key=key,
            icon=":material/download:",
            on_click="ignore",
        )


def _prepare(
    assessment: Assessment, result: AssessmentResult, banks: BankSet, fingerprint: str
) -> PreparedReport | None:
    report = report_module()
    assert report is not None
    try:
        with st.spinner("Preparing the summary…"):
            model = report.build_report_model(assessment, banks, result)
            html = report.render_html(model)
            return PreparedReport(
                fingerprint=fingerprint,
                pdf=report.render_pdf(model),
                html=html if isinstance(html, bytes) else html.encode("utf-8"),
            )
    except PartnershipFitError as exc:
        st.error(f"The summary could not be made: {literal(exc)}", icon=":material/error:")
        return None
