"""What happens when a learner passes a course's final quiz: the certificate is issued.

Called inside the grading transaction, exactly once per passed attempt (the grade is claimed with
a guarded update, and the certificate's attempt id is unique).
"""

from __future__ import annotations

from training.models import Attempt
from training.services import issuing


def on_quiz_passed(attempt: Attempt) -> issuing.IssueOutcome:
    return issuing.issue_for_attempt(attempt)
