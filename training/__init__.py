"""Recognize & Report: trains aviation front-line staff to recognize and report human trafficking."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, flash, redirect, request
from flask_babel import lazy_gettext
from flask_login import login_url
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from training.config import ConfigurationError, SettingsCheck, check_settings, create_private_sqlite_file, read_config
from training.extensions import MIGRATIONS_DIR, csrf, db, limiter, login_manager, migrate
from training.web.ids import DatabaseIdConverter, SerialConverter

# With keep_bad_settings, what stands in for a setting the app could not even start with.
_STAND_INS: dict[str, dict[str, Any]] = {
    "DATABASE_URL": {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SQLALCHEMY_ENGINE_OPTIONS": {}},
    "RATELIMIT_STORAGE_URI": {"RATELIMIT_STORAGE_URI": "memory://"},
}


def create_app(config: dict[str, Any] | None = None, *, keep_bad_settings: bool = False) -> Flask:
    """Build the application. ``config`` overrides settings read from the environment.

    Every setting is checked first (training/config.py): any that cannot work stops it with a
    ConfigurationError, one line naming the setting and what is wrong. With ``keep_bad_settings`` the
    app is built all the same (an in-memory stand-in for a database or throttling address it could not
    use) so that `flask check-config` can show the settings and list every problem.
    """
    app = Flask(__name__, instance_relative_config=True)
    settings, problems = read_config(Path(app.instance_path))
    settings.update(config or {})
    problems += check_settings(settings)
    app.extensions["settings_check"] = SettingsCheck(settings=dict(settings), problems=tuple(problems))
    if problems and not keep_bad_settings:
        raise ConfigurationError(problems)
    for problem in problems:
        settings.update(_STAND_INS.get(problem.setting, {}))
    app.config.update(settings)
    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("weasyprint", "fontTools", "pyhanko"):
        logging.getLogger(chatty).setLevel(logging.WARNING)

    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    _init_extensions(app)
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    app.url_map.converters["serial"] = SerialConverter
    _register_blueprints(app)

    from training.web import base_url_check, errors, i18n, input_guard, security_headers

    i18n.register(app)
    _register_template_context(app)
    errors.register(app)
    security_headers.register(app)
    input_guard.register(app)
    base_url_check.register(app)
    _check_every_route_has_a_permission(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from training.models import User

    @login_manager.unauthorized_handler
    def sign_in_first() -> Response:
        # The home address itself needs no explanation: the sign-in page is what a visitor expects there.
        if request.path != "/":
            flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, next_url=request.url))

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # Roles in the same query: every signed-in request needs them (one statement instead of two).
        query = sa.select(User).options(joinedload(User.role_rows)).where(User.session_token == session_token)
        user = db.session.scalars(query).unique().one_or_none()
        return user if user is not None and user.active else None

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _tune_sqlite(db.engine)


def _tune_sqlite(engine: sa.Engine) -> None:
    """Foreign keys on, write-ahead log and a busy timeout so readers and a writer can coexist."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if ":memory:" not in str(engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from training.admin import bp as admin_bp
    from training.audit import bp as audit_bp
    from training.auth import bp as auth_bp
    from training.certify import bp as certify_bp
    from training.commands import bp as commands_bp
    from training.home import bp as home_bp
    from training.learn import bp as learn_bp
    from training.manage import bp as manage_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(certify_bp)
    app.register_blueprint(manage_bp, url_prefix="/manage")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(commands_bp)  # the flask commands, no routes


def _register_template_context(app: Flask) -> None:
    from flask_login import current_user

    from training.policy import abilities_of

    @app.context_processor
    def _abilities() -> dict[str, object]:
        """The navigation follows what the person may do, decided by the policy module."""
        return {"nav_abilities": {a.value for a in abilities_of(current_user)}}


def _check_every_route_has_a_permission(app: Flask) -> None:
    """Refuse to start if a view was added without an explicit @permission."""
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "permission")
    ]
    if missing:
        raise RuntimeError("routes without @permission: " + ", ".join(sorted(missing)))
