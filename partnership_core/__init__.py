"""Partnership Fit core: question banks, assessments, scoring, figures and reports.

Pure Python; never imports streamlit.
"""

from .assessment import Assessment, dump_assessment, load_assessment, parse_assessment
from .bank import BankSet, QuestionBank, load_bank, load_bank_set, load_banks
from .errors import PartnershipFitError
from .example import example_assessment, example_workshop_assessment
from .results import AssessmentResult
from .scoring import score_assessment

__all__ = [
    "Assessment",
    "AssessmentResult",
    "BankSet",
    "PartnershipFitError",
    "QuestionBank",
    "dump_assessment",
    "example_assessment",
    "example_workshop_assessment",
    "load_assessment",
    "load_bank",
    "load_bank_set",
    "load_banks",
    "parse_assessment",
    "score_assessment",
]
