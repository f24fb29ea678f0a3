"""Refuse requests carrying NUL characters in the path, query or form fields.

No legitimate text has them, and PostgreSQL cannot store or even compare them: left alone they
would turn a search or a sign-in into a server error. File uploads are checked by their parsers.
"""

from __future__ import annotations

from flask import Flask, abort, request


def register(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_characters() -> None:
        fields = [request.path, *request.args.values()]
        if request.method in ("POST", "PUT", "PATCH"):
            fields.extend(request.form.values())
        if any("\x00" in value for value in fields):
            abort(400, "The request contains a NUL character, which no field accepts.")
