from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from training.extensions import csrf, db, limiter
from training.policy import PUBLIC, SIGNED_IN, Ability, can, permission
from training.services import accounts, issuing, overview, progress, quiz
from training.web import i18n
from training.web.views import safe_next

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@permission(SIGNED_IN)
def index():
    panels = {
        "learn": can(current_user, Ability.LEARN),
        "manage": can(current_user, Ability.MANAGE_ORG),
        "audit": can(current_user, Ability.AUDIT),
        "admin": can(current_user, Ability.ADMINISTER),
    }
    context: dict[str, object] = {"panels": panels}
    if panels["learn"]:
        standings = [s for s in progress.standings(current_user) if s.required or s.status != "not_started"]
        context["standings"] = standings
        context["next_tries"] = quiz.next_tries(current_user, [s.version.course for s in standings if s.quiz_failed])
        context["certificates"] = issuing.certificates_of(current_user.id)
    if panels["manage"]:
        context["org_summary"] = overview.staff_summary(current_user.organization_id)
    if panels["audit"]:
        context["overseen"] = overview.overseen_summary(current_user)
    if panels["admin"]:
        context["platform"] = overview.platform_summary()
    return render_template("home/index.html", **context)


@bp.route("/healthz")
@permission(PUBLIC)
@csrf.exempt
@limiter.exempt
def healthz():
    try:
        db.session.execute(db.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "not answering"}), 503
    return jsonify({"status": "ok"})


@bp.route("/language", methods=["POST"])
@permission(PUBLIC)
def choose_language():
    """The language switcher (a plain form on every page: it works without JavaScript)."""
    code = i18n.supported(request.form.get("language"))
    if code is None:
        abort(400)
    session[i18n.SESSION_KEY] = code
    if current_user.is_authenticated:
        accounts.set_preferred_language(current_user, code)
        db.session.commit()
    return redirect(safe_next(request.form.get("next")))
