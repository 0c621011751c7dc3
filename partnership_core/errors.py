"""One error hierarchy: pages and the CLI catch `PartnershipFitError` and show its message."""

from __future__ import annotations

__all__ = [
    "PartnershipFitError",
    "QuestionBankError",
    "AssessmentFileError",
    "StorageError",
    "WorkshopError",
    "ReportError",
]


class PartnershipFitError(Exception):
    """Base class of every error a user can cause; its message says what to do next."""


class QuestionBankError(PartnershipFitError):
    """A question bank file is missing, malformed or inconsistent."""


class AssessmentFileError(PartnershipFitError):
    """An assessment file (JSON) cannot be read or does not match the format."""


class StorageError(PartnershipFitError):
    """The database could not be reached or refused a write."""


class WorkshopError(PartnershipFitError):
    """A workshop action is not allowed (wrong code, locked, not revealed, ...)."""


class ReportError(PartnershipFitError):
    """The summary could not be produced."""
