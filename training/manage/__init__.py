"""The manager's workspace: their own organization's staff."""

from training.manage import dashboard, exports, imports, settings  # noqa: F401  (their views add to bp)
from training.manage.routes import bp

__all__ = ["bp"]
