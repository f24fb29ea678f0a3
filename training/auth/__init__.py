"""Signing in and out, passwords, and the first-time welcome link."""

from training.auth.routes import bp

__all__ = ["bp"]
