"""What happens when a learner passes a course's final quiz: the certificate is issued.

Called inside the grading transaction, exactly once per passed attempt (the grade is claimed with
a guarded update, and the certificate's attempt id is unique).
"""

from __future__ import annotations

from training.models import Attempt
from training.services import audit, issuing


def on_quiz_passed(
    attempt: Attempt, settings: issuing.CertificateSettings, *, actor: audit.Actor
) -> issuing.IssueOutcome:
    outcome = issuing.issue_for_attempt(attempt, settings)
    certificate = outcome.certificate
    if certificate is not None:
        audit.record_about(
            "certificate.issued",
            certificate,
            actor=actor,
            details={
                "holder_user_id": certificate.user_id,
                "course": certificate.course_title,
                "version": certificate.version_label,
                "attempt_id": attempt.id,
                "pdf_sha256": certificate.pdf_sha256,
                "renews_certificate_id": certificate.renews_id,
            },
        )
    return outcome
