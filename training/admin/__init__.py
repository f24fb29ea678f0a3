"""Platform administration: organizations, oversight links and people."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from training.admin import routes  # noqa: E402,F401
