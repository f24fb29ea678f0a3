"""The manager's workspace: their own organization's staff."""

from flask import Blueprint

bp = Blueprint("manage", __name__, template_folder="templates")

from training.manage import dashboard, exports, imports, routes, settings  # noqa: E402,F401
