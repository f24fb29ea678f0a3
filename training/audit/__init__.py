"""The auditor's workspace: read-only oversight of the organizations their authority oversees."""

from flask import Blueprint, abort, request

bp = Blueprint("audit", __name__, template_folder="templates")


@bp.before_request
def _read_only():
    """Every auditor page only reads: anything but GET or HEAD is refused."""
    if request.method not in ("GET", "HEAD"):
        abort(405)


from training.audit import routes, trail  # noqa: E402,F401
