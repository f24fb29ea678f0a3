"""Issuing, renewing, revoking and finding certificates.

A certificate is issued inside the transaction that grades the passing attempt, rendered once,
signed once, and stored with its SHA-256; every download returns those exact bytes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from training.extensions import db
from training.models import (
    Attempt,
    Certificate,
    Course,
    CourseVersion,
    JobFunction,
    Organization,
    ReportingContact,
    User,
    utcnow,
)
from training.services import audit, card_text, contacts, i18n, pdf, serials, signing, text
from training.services.dates import add_months
from training.services.errors import ServiceError
from training.services.i18n import gettext as _

DATE_FORMAT = "%-d %B %Y"


@dataclass(frozen=True)
class IssueOutcome:
    certificate: Certificate | None
    message: str = ""


@dataclass(frozen=True)
class CertificateSettings:
    """What issuing takes from the deployment: the templates, the signing key, the renewal window, and
    the address a certificate's QR code points to. The web and command-line side builds it."""

    templates: str  # CERTIFICATE_TEMPLATES, a folder
    signing_key_file: str  # SIGNING_KEY_FILE and SIGNING_CERT_FILE; when either is empty, a local key
    signing_cert_file: str
    signing_key_password: str
    local_signing_folder: Path  # where the local key is made and kept
    renewal_window: timedelta  # RENEWAL_WINDOW_DAYS before expiry
    verify_url: Callable[[str], str]  # a serial's public verification address


def _templates(settings: CertificateSettings) -> pdf.TemplateFolder:
    return _template_folder(settings.templates)


@functools.lru_cache(maxsize=8)
def _template_folder(folder: str) -> pdf.TemplateFolder:
    """One per folder, so templates are compiled once (Jinja still reloads a template whose file changed)."""
    return pdf.TemplateFolder(Path(folder))


def signer(settings: CertificateSettings):
    """The configured signing key, or the local one (made on first use)."""
    key_file, cert_file = settings.signing_key_file, settings.signing_cert_file
    if not key_file or not cert_file:
        key_path, cert_path = signing.ensure_local_key(
            settings.local_signing_folder, "Recognize & Report certificate signing (local)"
        )
        key_file, cert_file = str(key_path), str(cert_path)
    return signing.load_signer(key_file, cert_file, settings.signing_key_password)


def latest_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The person's newest certificate for a course that is not revoked."""
    return db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.user_id == user_id, Certificate.course_id == course_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.expires_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class CertificateTarget:
    """Which course a passed attempt certifies and the certificate it renews, or ``why_not`` it certifies none."""

    course: Course | None = None
    version: CourseVersion | None = None
    renews: Certificate | None = None
    why_not: str = ""


def certificate_target(attempt: Attempt, settings: CertificateSettings) -> CertificateTarget:
    """Which course a passed attempt certifies, or why it certifies nothing.

    A course that renews another (the refresher) issues the renewed course's certificate, but only
    in the renewal window before expiry, or after expiry, of a certificate the person already holds.
    """
    version = attempt.course_version
    if not version.renews_slug:
        return CertificateTarget(attempt.course, version)
    renewed = db.session.scalar(sa.select(Course).where(Course.slug == version.renews_slug))
    if renewed is None or renewed.current_version is None:
        return CertificateTarget(why_not=_("The course this refresher renews is not published."))
    held = latest_certificate(attempt.user_id, renewed.id)
    if held is None:
        return CertificateTarget(
            why_not=_(
                "The refresher renews a certificate you already hold. Take the full course to earn your first one."
            )
        )
    window = settings.renewal_window
    if held.expires_at - window > utcnow():
        opens = i18n.moment(held.expires_at - window, "d MMMM y")
        return CertificateTarget(
            why_not=_("Your certificate is not due for renewal yet: the refresher renews it from %(day)s.", day=opens)
        )
    return CertificateTarget(renewed, renewed.current_version, held)


def issue_for_attempt(
    attempt: Attempt, settings: CertificateSettings, issued_at: datetime | None = None
) -> IssueOutcome:
    """Issue the certificate a passed attempt earns. Runs in the grading transaction; the caller commits.

    ``issued_at`` is for building demo history only; real issues are dated now.
    """
    target = certificate_target(attempt, settings)
    if target.why_not:
        return IssueOutcome(None, target.why_not)
    course, version, renews = target.course, target.version, target.renews
    assert course is not None
    assert version is not None
    holder = db.session.get(User, attempt.user_id)
    assert holder is not None
    org = holder.organization
    issued_at = issued_at or utcnow()
    serial = serials.new_serial()
    certificate = Certificate(
        serial=serial,
        user_id=holder.id,
        organization_id=org.id,
        course_id=course.id,
        course_version_id=version.id,
        content_hash=version.content_hash,
        attempt_id=attempt.id,
        renews_id=renews.id if renews else None,
        issued_at=issued_at,
        expires_at=add_months(issued_at, version.valid_months),
        holder_name=holder.full_name,
        employee_number=holder.employee_number,
        job_function=holder.job_function,
        organization_name=org.name,
        course_title=version.title,
        version_label=version.version_label,
    )
    signed = render_signed_certificate(certificate, org, settings)
    certificate.pdf = signed
    certificate.pdf_sha256 = hashlib.sha256(signed).hexdigest()
    db.session.add(certificate)
    db.session.flush()  # the unique attempt_id refuses a second certificate here
    return IssueOutcome(certificate)


def render_signed_certificate(certificate: Certificate, org: Organization, settings: CertificateSettings) -> bytes:
    """The signed PDF of ``certificate``, whose fields are all set; nothing is stored.

    Issuing stores these bytes with their SHA-256, and they are never rendered again for that certificate.
    """
    logo = db.session.scalar(sa.select(Organization.logo).where(Organization.id == org.id))
    context = {
        **_shown_on_both(certificate, settings),
        "employee_number": certificate.employee_number or "",
        "job_function": JobFunction(certificate.job_function).label,
        "logo_data_uri": pdf.image_data_uri(logo, org.logo_mime),
        "version_label": certificate.version_label,
        "content_hash_short": certificate.content_hash[:12],
        "issued_on": certificate.issued_at.strftime(DATE_FORMAT),
    }
    return _render_signed(
        settings,
        "certificate.html",
        context,
        title=f"Certificate {certificate.serial}: {certificate.course_title}",
        subject=f"{certificate.holder_name}, {certificate.organization_name}: {certificate.course_title} "
        f"(version {certificate.version_label}), valid until {context['expires_on']}",
        reason=f"Certificate {certificate.serial} issued",
    )


def wallet_card(certificate: Certificate, settings: CertificateSettings) -> bytes:
    """A credit-card-sized PDF with the serial, QR code and all the organization's reporting contacts,
    signed like the certificate.

    Rendered on request (contacts change); the certificate PDF itself is never re-rendered. The contacts
    flow over as many card-sized panels as they need, so nothing on the card is ever cut off.
    """
    context = {
        **_shown_on_both(certificate, settings),
        "contacts": [_card_contact(c) for c in contacts.contacts_of(certificate.organization_id)],
    }
    return _render_signed(
        settings,
        "wallet-card.html",
        context,
        title=f"Wallet card {certificate.serial}",
        subject=f"{certificate.holder_name}: how to report",
        reason=f"Wallet card for certificate {certificate.serial}",
    )


def _shown_on_both(certificate: Certificate, settings: CertificateSettings) -> dict[str, object]:
    """What the certificate and the wallet card both show: who, which course, until when, and where
    (and by which QR code) anyone can check it."""
    url = settings.verify_url(certificate.serial)
    return {
        "holder_name": certificate.holder_name,
        "organization_name": certificate.organization_name,
        "course_title": certificate.course_title,
        "expires_on": certificate.expires_at.strftime(DATE_FORMAT),
        "serial": certificate.serial,
        "verify_url": url,
        "qr_data_uri": pdf.qr_data_uri(url),
        "platform_name": "Recognize & Report",
    }


def _render_signed(
    settings: CertificateSettings, template: str, context: dict[str, object], *, title: str, subject: str, reason: str
) -> bytes:
    """``template`` rendered to PDF with its metadata, and signed with the configured key."""
    rendered = _templates(settings).render(
        template, context, metadata={"title": title, "author": "Recognize & Report", "subject": subject}
    )
    return signing.sign_pdf(rendered, signer(settings), reason=reason)


def _card_contact(contact: ReportingContact) -> dict[str, object]:
    """A contact for the card: each text also cut into parts, numbers and addresses to keep on one line."""
    return {
        "name": contact.name,
        "channel": contacts.CHANNELS.get(contact.channel, contact.channel),
        "value": contact.value,
        "when_to_use": contact.when_to_use,
        "name_parts": card_text.split(contact.name),
        "value_parts": card_text.split(contact.value),
        "when_parts": card_text.split(contact.when_to_use),
    }


def find_by_serial(serial: str) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))


def pdf_bytes(certificate: Certificate) -> bytes:
    return db.session.scalar(sa.select(Certificate.pdf).where(Certificate.id == certificate.id)) or b""


# What each stored PDF is, by its SHA-256: the bytes of an issued certificate never change.
_standards: dict[str, str] = {}


def pdf_standard(certificate: Certificate) -> str:
    """Which standards the certificate's PDF meets, read from the stored file itself (once per process)."""
    said = _standards.get(certificate.pdf_sha256)
    if said is None:
        said = pdf.describe(pdf_bytes(certificate))
        if len(_standards) >= 10_000:
            _standards.clear()
        _standards[certificate.pdf_sha256] = said
    return said


@dataclass(frozen=True)
class StoredPdf:
    data: bytes
    filename: str
    sha256: str


def download(certificate: Certificate, *, actor: audit.Actor) -> StoredPdf:
    """The stored PDF, with the download on record (who took which certificate's evidence, when).

    Everything is read before the commit, which would otherwise make the certificate reload itself.
    """
    stored = StoredPdf(pdf_bytes(certificate), f"certificate-{certificate.serial}.pdf", certificate.pdf_sha256)
    audit.record_about("certificate.downloaded", certificate, actor=actor)
    db.session.commit()
    return stored


def matches_issued(certificate: Certificate, uploaded: bytes) -> bool:
    return hashlib.sha256(uploaded).hexdigest() == certificate.pdf_sha256


def revoke(certificate: Certificate, reason: str, now: datetime | None = None, *, actor: audit.Actor) -> None:
    """Revoke for ``reason``; ``actor`` (who must be a person) is recorded as the one who revoked it."""
    if actor.user is None:
        raise ServiceError(_("A certificate is revoked by a person."))
    reason = text.one_line(reason)
    if not reason:
        raise ServiceError({"reason": _("Say why the certificate is revoked; the reason is kept on record.")})
    if len(reason) > 500:
        raise ServiceError({"reason": _("Use at most %(max)s characters.", max=500)})
    if problem := text.hidden_character_problem(reason):
        raise ServiceError({"reason": problem})
    if certificate.revoked_at is not None:
        raise ServiceError(_("This certificate is already revoked."))
    certificate.revoked_at = now or utcnow()
    certificate.revoked_by_id = actor.user.id
    certificate.revoke_reason = reason
    audit.record_about("certificate.revoked", certificate, actor=actor, details={"reason": reason})
    db.session.commit()


def certificates_of(user_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            sa.select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.issued_at.desc())
        )
    )
