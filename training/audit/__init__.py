"""The auditor's workspace: read-only oversight of the organizations their authority oversees."""

from training.audit import trail  # noqa: F401  (their views add to bp)
from training.audit.routes import bp

__all__ = ["bp"]
