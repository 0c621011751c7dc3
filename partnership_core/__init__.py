"""Partnership Fit core: question banks, assessments, scoring, figures and reports.

Pure Python; never imports streamlit.
"""

from .assessment import Assessment, load_assessment, parse_assessment
from .bank import BankSet, QuestionBank, load_bank, load_bank_set, load_banks
from .errors import PartnershipFitError

__all__ = [
    "Assessment",
    "BankSet",
    "PartnershipFitError",
    "QuestionBank",
    "load_assessment",
    "load_bank",
    "load_bank_set",
    "load_banks",
    "parse_assessment",
]
