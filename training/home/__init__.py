"""The signed-in person's home page and the health check."""

from training.home.routes import bp

__all__ = ["bp"]
