"""The `flask` commands, one module per area; `flask --app app <command> --help` explains each.

Each module adds its commands to ``bp`` when imported; ``create_app`` registers ``bp``.
"""

from training.commands import audit, backup, bench, content, demo, mail, people, settings  # noqa: F401 (they add to bp)
from training.commands.base import bp

__all__ = ["bp"]
