"""Error pages: 403, 404, 405, 429 and 500, as HTML, or JSON for JSON clients."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from training.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your account does not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is nothing here, or you do not have access to it.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Upload too large"), _l("The file is larger than this site accepts.")),
    429: (_l("Too many requests"), _l("Please wait a moment before trying again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again in a moment.")),
}


def _render(code: int, detail: str | None = None):
    title, message = (
        str(words) for words in MESSAGES.get(code, (_("Error"), _("The request could not be completed.")))
    )
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"error": title, "message": detail or message}), code
    if request_ctx.url_adapter is None:  # a request no URL can be built for (an invalid Host): plain text
        return Response(f"{title}: {detail or message}\n", code, mimetype="text/plain")
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return _render(400, _("The form expired or was sent from elsewhere. Go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        # A description of our own (abort(400, "...")) is shown; a default one (Werkzeug's English) is not.
        own = error.description if error.description != type(error).description else None
        return _render(error.code, own if error.code in (400, 429) else None)

    @app.errorhandler(500)
    def _unexpected(error: Exception):
        # Unhandled exceptions arrive here (and are logged by Flask) unless TESTING propagates them.
        db.session.rollback()
        return _render(500)
