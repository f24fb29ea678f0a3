"""The signed-in person's home page and the health check."""

from flask import Blueprint

bp = Blueprint("home", __name__, template_folder="templates")

from training.home import routes  # noqa: E402,F401
