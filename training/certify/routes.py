from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from training.certify.forms import RevokeForm, SerialForm, UploadForm
from training.extensions import limiter
from training.policy import (
    PUBLIC,
    SIGNED_IN,
    can_read_certificate,
    can_revoke_certificate,
    get_certificate_or_404,
    permission,
)
from training.services import issuing, serials
from training.web.request_actor import actor_from_request
from training.web.settings import certificate_settings
from training.web.views import refusals_shown

bp = Blueprint("certify", __name__, template_folder="templates")


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.route("/verify")
@permission(PUBLIC)
@limiter.limit(_verify_limit)
def verify_form():
    form = SerialForm(request.args)
    if request.args.get("serial"):
        try:
            canonical = serials.parse_serial(form.serial.data or "")
        except serials.SerialError as exc:
            form.serial.errors = [str(exc)]
            return render_template("certify/verify_form.html", form=form), 400
        return redirect(url_for("certify.verify", serial=canonical))
    return render_template("certify/verify_form.html", form=form)


@bp.route("/verify/<serial>", methods=["GET", "POST"])
@permission(PUBLIC)
@limiter.limit(_verify_limit)
def verify(serial: str):
    try:
        canonical = serials.parse_serial(serial)
    except serials.SerialError as exc:
        form = SerialForm(data={"serial": serial})
        form.serial.errors = [str(exc)]
        return render_template("certify/verify_form.html", form=form), 404
    if canonical != serial:
        return redirect(url_for("certify.verify", serial=canonical), 301)
    certificate = issuing.find_by_serial(canonical)
    if certificate is None:
        return render_template("certify/not_found.html", serial=canonical), 404
    upload = UploadForm()
    comparison = None
    status = 200
    if request.method == "POST":
        if upload.validate_on_submit():
            comparison = issuing.matches_issued(certificate, upload.pdf.data.read())
        else:
            status = 400
    return render_template(
        "certify/verify.html",
        certificate=certificate,
        status=certificate.status(),
        pdf_standard=issuing.pdf_standard(certificate),
        form=upload,
        comparison=comparison,
        may_revoke=current_user.is_authenticated and can_revoke_certificate(current_user, certificate),
    ), status


def _pdf_attachment(data: bytes, filename: str, **headers: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            **headers,
        },
    )


@bp.route("/certificates/<serial:serial>.pdf")
@permission(SIGNED_IN)
def download(serial: str):
    stored = issuing.download(
        get_certificate_or_404(current_user, serial, can_read_certificate), actor=actor_from_request()
    )
    return _pdf_attachment(stored.data, stored.filename, **{"X-Content-SHA256": stored.sha256})


@bp.route("/certificates/<serial:serial>/wallet-card.pdf")
@permission(SIGNED_IN)
def wallet_card(serial: str):
    certificate = get_certificate_or_404(current_user, serial, can_read_certificate)
    return _pdf_attachment(
        issuing.wallet_card(certificate, certificate_settings()), f"wallet-card-{certificate.serial}.pdf"
    )


@bp.route("/certificates/<serial:serial>/revoke", methods=["GET", "POST"])
@permission(SIGNED_IN)
def revoke(serial: str):
    certificate = get_certificate_or_404(current_user, serial, can_revoke_certificate)
    form = RevokeForm()
    if form.validate_on_submit():
        with refusals_shown(form):
            issuing.revoke(certificate, form.reason.data or "", actor=actor_from_request())
            flash(_("Certificate %(serial)s is revoked.", serial=certificate.serial), "success")
            return redirect(url_for("certify.verify", serial=certificate.serial))
    return render_template("certify/revoke.html", certificate=certificate, form=form)
