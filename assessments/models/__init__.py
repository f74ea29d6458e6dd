"""Organisations, people, and their self-assessments against the Tool D1 checklist.

A package, one module per subject; Django finds the models through the names
imported here.
"""

from .assessment import (
    ACTION_MAX_LENGTH,
    CHECKLIST_ORDER,
    COMPETENCY_ANSWERED,
    COMPETENCY_NUMBER_ANSWERED,
    DUE_DATE_VALIDATORS,
    EARLIEST_DUE_DATE,
    LATEST_DUE_DATE,
    OWNER_MAX_LENGTH,
    THEME_ANSWERED,
    Answer,
    Assessment,
    CompetencyReview,
    EvidenceReference,
    Transition,
)
from .assignments import Assignment
from .bands import LevelBand
from .challenges import Challenge
from .deadlines import ReviewDeadline, SubmissionDeadline, check_deadline
from .emails import EmailPreference, SentReminder
from .organisations import Cycle, Membership, Organisation

__all__ = [
    "ACTION_MAX_LENGTH", "CHECKLIST_ORDER", "COMPETENCY_ANSWERED", "COMPETENCY_NUMBER_ANSWERED",
    "DUE_DATE_VALIDATORS", "EARLIEST_DUE_DATE", "LATEST_DUE_DATE", "OWNER_MAX_LENGTH", "THEME_ANSWERED",
    "Answer", "Assessment", "Assignment", "Challenge", "CompetencyReview", "Cycle", "EmailPreference",
    "EvidenceReference", "LevelBand", "Membership", "Organisation", "ReviewDeadline", "SentReminder",
    "SubmissionDeadline", "Transition", "check_deadline",
]
