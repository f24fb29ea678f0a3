"""Work that runs once the answer has gone to the browser, so its duration tells the asker nothing.

The server calls a response's ``close()`` after sending the last byte (gunicorn, Werkzeug's server);
the work runs then, in a copy of the request's context (the same address and signed-in person for
the audit trail), with its own database session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Response, copy_current_request_context

from training.extensions import db

log = logging.getLogger(__name__)


def run_after(response: Response, work: Callable[[], None]) -> Response:
    """Run ``work`` after ``response`` is sent; a failure is logged (the answer has gone already)."""

    @copy_current_request_context
    def _run() -> None:
        try:
            work()
        except Exception:
            db.session.rollback()
            log.exception("work after the response failed")

    response.call_on_close(_run)
    return response
