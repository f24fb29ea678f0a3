"""What happens when a learner passes a course's final quiz.

Called inside the grading transaction, exactly once per passed attempt. Certificates are issued
here (a later change); until then the pass itself, recorded on the attempt, is the record.
"""

from __future__ import annotations

from training.models import Attempt


def on_quiz_passed(attempt: Attempt) -> None:
    """Hook for issuing the certificate of a passed attempt (same transaction as the grade)."""
    return None
