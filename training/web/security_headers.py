"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request, session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# Pages opened from a live single-use link: whoever reads them from a cache could use the link.
SIGN_IN_LINK_PAGES = frozenset({"auth.welcome", "auth.reset_password"})


def _never_store(endpoint: str | None) -> bool:
    """A response no browser or proxy may keep: every one to a signed-in session, and the link pages.

    Read from the session cookie itself (no query, so it holds even when the database is down); static
    files are the same for everyone and stay cacheable.
    """
    if endpoint in SIGN_IN_LINK_PAGES:
        return True
    return endpoint != "static" and "_user_id" in session  # where Flask-Login keeps who is signed in


def register(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if _never_store(request.endpoint) and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response
