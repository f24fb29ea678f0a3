"""The learner's journey: courses, modules, the final quiz and its result."""

from flask import Blueprint

bp = Blueprint("learn", __name__, template_folder="templates")

from training.learn import routes  # noqa: E402,F401
