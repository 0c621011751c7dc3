"""The summary report people take away: a PDF and a self-contained printable HTML page.

Pure Python (no streamlit). `build_report_model` gathers everything the report shows as
plain data; `render_pdf` and `render_html` draw that same data; `write_report` does it all
for a file name.

The two renderers are imported on first use: the PDF one brings fpdf2 (a quarter of a second
to import), which neither the HTML page nor the report model needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ReportError
from .model import PAPER_SIZES, ReportData, build_report_model

if TYPE_CHECKING:
    from ..assessment import Assessment
    from ..bank import BankSet
    from .html import render_html
    from .pdf import render_pdf

__all__ = [
    "ReportData",
    "ReportError",
    "REPORT_SUFFIXES",
    "build_report_model",
    "render_html",
    "render_pdf",
    "write_report",
]

REPORT_SUFFIXES = (".pdf", ".html")
_RENDERERS = {"render_html": "html", "render_pdf": "pdf"}


def __getattr__(name: str) -> Any:
    if name in _RENDERERS:
        from importlib import import_module

        return getattr(import_module(f".{_RENDERERS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def write_report(
    assessment: Assessment, banks: BankSet, output_path: Path | str, paper: str = "A4"
) -> Path:
    """Score the assessment and write its summary report; the format follows the suffix.

    Args:
        assessment: the assessment to report on.
        banks: its question banks (`load_bank_set(assessment.banks)`).
        output_path: a `.pdf` or `.html` file; its folder must exist.
        paper: "A4" or "Letter".

    Returns:
        The path written.

    Raises:
        ReportError: unsupported suffix or paper size, or the file cannot be written.
    """
    path = Path(output_path)
    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ReportError(
            f"{path}: cannot write a report as '{path.suffix or '(no suffix)'}'; "
            "name the file .pdf or .html."
        )
    if str(paper).upper() not in PAPER_SIZES:
        raise ReportError(f"Unknown paper size '{paper}'; choose A4 or Letter.")
    data = build_report_model(assessment, banks)
    if suffix == ".pdf":
        from .pdf import render_pdf

        content = render_pdf(data, paper)
    else:
        from .html import render_html

        content = render_html(data, paper).encode("utf-8")
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise ReportError(f"{path}: cannot be written ({exc.strerror}).") from None
    return path
