"""Certificates: public verification, downloads for those allowed, wallet cards and revocation."""

from flask import Blueprint

bp = Blueprint("certify", __name__, template_folder="templates")

from training.certify import routes  # noqa: E402,F401
