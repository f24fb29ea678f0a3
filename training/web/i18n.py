"""The interface language: which one a request is served in, the switcher, and the page direction.

A person's own choice wins (saved on their account, or in the session before they sign in), then
their organization's default, then the browser's Accept-Language, then English (the source).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

from training.services import i18n as service_i18n
from training.services.i18n import LANGUAGES, RIGHT_TO_LEFT, SOURCE_LANGUAGE

SESSION_KEY = "language"

babel = Babel()


def supported(code: str | None) -> str | None:
    """``code`` when it is one of the app's languages, else None."""
    return code if code in LANGUAGES else None


def select_language() -> str:
    """The language this request is served in (outside a request, as in a command: the source)."""
    if not has_request_context():
        return SOURCE_LANGUAGE
    if current_user.is_authenticated:
        own = supported(current_user.preferred_language)
        if own:
            return own
    chosen = supported(session.get(SESSION_KEY))
    if chosen:
        return chosen
    if current_user.is_authenticated:
        default = supported(current_user.organization.default_language)
        if default:
            return default
    return request.accept_languages.best_match(list(LANGUAGES)) or SOURCE_LANGUAGE


def current_language() -> str:
    return str(get_locale() or SOURCE_LANGUAGE)


def catalog_directory() -> Path:
    """The app's compiled catalogs (the first of Flask-Babel's translation directories)."""
    configured = current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0]
    return Path(current_app.root_path) / configured


def direction(code: str) -> str:
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


def register(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_language)
    service_i18n.use_language_of(current_language)  # the services speak the request's language
    service_i18n.use_catalogs_of(catalog_directory)
    # {% trans %} blocks fold their white space, so a message reads the same in the catalog as on the page.
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.context_processor
    def _language() -> dict[str, object]:
        code = current_language()
        return {"page_language": code, "page_direction": direction(code), "languages": LANGUAGES}
