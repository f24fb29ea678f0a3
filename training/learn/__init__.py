"""The learner's journey: courses, modules, the final quiz and its result."""

from training.learn.routes import bp

__all__ = ["bp"]
