from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from training.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, LogoutForm, SetPasswordForm
from training.extensions import db, limiter
from training.models import TokenPurpose, User
from training.policy import PUBLIC, SIGNED_IN, permission
from training.services import accounts, email_change, password_reset, throttle
from training.web import i18n
from training.web.after_response import run_after
from training.web.forms import ConfirmForm
from training.web.links import issue_password_reset_link
from training.web.request_actor import actor_from_request
from training.web.settings import mail_settings
from training.web.views import refusals_shown, safe_next

bp = Blueprint("auth", __name__, template_folder="templates")


def _start_session(person: User) -> None:
    """Sign in on a fresh session: nothing (not even the form token) carries over from before sign-in,
    except the language chosen on the sign-in page, which becomes the person's own when they had none
    (so what is made for them later, as a certificate or an email, speaks it too)."""
    chosen_language = i18n.supported(session.get(i18n.SESSION_KEY))
    session.clear()
    login_user(person)
    if chosen_language:
        session[i18n.SESSION_KEY] = chosen_language
        if not i18n.supported(person.preferred_language):
            accounts.set_preferred_language(person, chosen_language)
            db.session.commit()


def _sign_in_limits() -> throttle.Limits:
    config = current_app.config
    return throttle.Limits(
        per_account_and_address=config["LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"],
        per_account=config["LOGIN_FAILURES_PER_ACCOUNT"],
        per_address=config["LOGIN_FAILURES_PER_IP"],
    )


@bp.route("/login", methods=["GET", "POST"])
@permission(PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = accounts.authenticate(
            form.email.data,
            form.password.data,
            request.remote_addr or "",
            _sign_in_limits(),
        )
        if result.user is not None:
            _start_session(result.user)
            return redirect(safe_next(request.args.get("next")))
        if result.wait_seconds:
            minutes = max(1, round(result.wait_seconds / 60))
            flash(
                ngettext(
                    "Too many failed sign-in attempts. For your security, signing in is paused: "
                    "try again in about %(num)d minute.",
                    "Too many failed sign-in attempts. For your security, signing in is paused: "
                    "try again in about %(num)d minutes.",
                    minutes,
                ),
                "error",
            )
            status = 429
        else:
            flash(_("That email and password do not match an active account."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@permission(SIGNED_IN)
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        accounts.sign_out(current_user)  # a saved copy of this session's cookie stops working too
        logout_user()
        session.clear()
        flash(_("You are signed out."), "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@permission(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with refusals_shown(form):
            accounts.change_password(
                current_user, form.current_password.data, form.password.data, actor=actor_from_request()
            )
            # The session token changed: keep this session signed in (the user itself, not the proxy to it).
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@permission(PUBLIC)
def welcome(token: str):
    """First-time access: an invitation link lets a new person choose their password."""

    def signed_in(person: User) -> ResponseReturnValue:
        _start_session(person)
        flash(_("Your password is set. Welcome to Recognize & Report."), "success")
        return redirect(url_for("home.index"))

    return _choose_password(token, TokenPurpose.INVITATION, "auth/welcome.html", signed_in)


def _choose_password(
    token: str, purpose: TokenPurpose, page: str, then: Callable[[User], ResponseReturnValue]
) -> ResponseReturnValue:
    """The page a single-use link opens to choose a password: 404 when the link does not work; once a
    good password is chosen, the link is used up and ``then(person)`` answers."""
    key = current_app.config["SECRET_KEY"]
    access = accounts.find_valid_token(token, purpose, signing_key=key)
    if access is None:
        return render_template("auth/link_invalid.html", reset=purpose == TokenPurpose.PASSWORD_RESET), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        with refusals_shown(form):
            person = accounts.redeem_token(
                token, purpose, form.password.data, signing_key=key, address=request.remote_addr
            )
            return then(person)
    return render_template(page, form=form, person=access.user)


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/password/forgot", methods=["GET", "POST"])
@permission(PUBLIC)
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # Whether the address has an account, and the mail, are dealt with after the answer is sent:
        # every request gets the same page after the same work, whatever the address.
        address, minutes = form.email.data, current_app.config["PASSWORD_RESET_MINUTES"]
        answer = make_response(render_template("auth/forgot_sent.html", minutes=minutes))
        actor, mail = actor_from_request(), mail_settings()
        return run_after(
            answer,
            lambda: password_reset.request_reset(address, issue_password_reset_link, minutes, mail=mail, actor=actor),
        )
    return render_template("auth/forgot.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@permission(PUBLIC)
def reset_password(token: str):
    """A reset link lets its holder choose a new password once; every session of the account ends."""

    def signed_out(_person: User) -> ResponseReturnValue:
        logout_user()
        flash(_("Your password is changed. Sign in with your new password."), "success")
        return redirect(url_for("auth.login"))

    return _choose_password(token, TokenPurpose.PASSWORD_RESET, "auth/reset.html", signed_out)


@bp.route("/account/email/<token>", methods=["GET", "POST"])
@permission(PUBLIC)
def confirm_email(token: str):
    """A link sent to a new address: pressing the button makes it the account's sign-in address.

    Opening the link changes nothing (mail scanners open links); only the POST does.
    """
    key = current_app.config["SECRET_KEY"]
    pending = email_change.find_pending(token, signing_key=key)
    if pending is None:
        return render_template("auth/email_link_invalid.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        with refusals_shown():
            person = email_change.confirm(token, signing_key=key, address=request.remote_addr)
            flash(_("Your sign-in address is now %(email)s.", email=person.email), "success")
            return redirect(url_for("home.index" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm_email.html", form=form, pending=pending)
