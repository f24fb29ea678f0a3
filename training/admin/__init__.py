"""Platform administration: organizations, oversight links and people."""

from training.admin.routes import bp

__all__ = ["bp"]
