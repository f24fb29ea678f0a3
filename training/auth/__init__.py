"""Signing in and out, passwords, and the first-time welcome link."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from training.auth import routes  # noqa: E402,F401  (registers the views)
