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
from babel.dates import format_date

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
from training.services import audit, card_text, contacts, i18n, pdf, serials, signing, text, translations
from training.services.dates import add_months
from training.services.errors import ServiceError
from training.services.i18n import gettext as _

# How the certificate and the wallet card write a date (a Babel pattern): "23 November 2025", "23 Novemba 2025".
DATE_PATTERN = "d MMMM y"


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
    language = holder_language(certificate)
    words = i18n.in_language(language)
    logo = db.session.scalar(sa.select(Organization.logo).where(Organization.id == org.id))
    context = {
        **_shown_on_both(certificate, settings, language),
        "employee_number": certificate.employee_number or "",
        "job_function": words.gettext(JobFunction(certificate.job_function).english_label),
        "logo_data_uri": pdf.image_data_uri(logo, org.logo_mime),
        "version_label": certificate.version_label,
        "content_hash_short": certificate.content_hash[:12],
        "issued_on": written_date(certificate.issued_at, language),
    }
    return _render_signed(
        settings,
        "certificate.html",
        context,
        language,
        title=words.gettext(
            "Certificate %(serial)s: %(course)s", serial=certificate.serial, course=certificate.course_title
        ),
        subject=words.gettext(
            "%(holder)s, %(organization)s: %(course)s (version %(version)s), valid until %(day)s",
            holder=certificate.holder_name,
            organization=certificate.organization_name,
            course=certificate.course_title,
            version=certificate.version_label,
            day=context["expires_on"],
        ),
        reason=f"Certificate {certificate.serial} issued",
    )


def holder_language(certificate: Certificate) -> str:
    """The language a certificate and its wallet card print in: the holder's own choice, else their
    organization's default, else English."""
    holder = db.session.get(User, certificate.user_id)
    return i18n.language_of(holder) if holder is not None else i18n.SOURCE_LANGUAGE


def written_date(moment: datetime, language: str) -> str:
    """A day as the certificate writes it in ``language``: "23 November 2025", "23 نوفمبر 2025"."""
    return format_date(moment.date(), DATE_PATTERN, locale=language)


def course_titles(certificate: Certificate, language: str) -> tuple[str, str]:
    """The course title to print in ``language``, and the English title to print beneath it: the translated
    title when the course version has a complete translation in that language, else the English title
    alone (and no second title)."""
    english = certificate.course_title
    if language == i18n.SOURCE_LANGUAGE:
        return english, ""
    version = db.session.get(CourseVersion, certificate.course_version_id)
    if version is None:
        return english, ""
    texts = translations.texts_for(version, language)
    if not texts.translated or texts.title == english:
        return english, ""
    return texts.title, english


def wallet_card(certificate: Certificate, settings: CertificateSettings) -> bytes:
    """A credit-card-sized PDF with the serial, QR code and all the organization's reporting contacts,
    signed like the certificate.

    Rendered on request (contacts change); the certificate PDF itself is never re-rendered. The contacts
    flow over as many card-sized panels as they need, so nothing on the card is ever cut off.
    """
    language = holder_language(certificate)
    words = i18n.in_language(language)
    context = {
        **_shown_on_both(certificate, settings, language),
        "contacts": [_card_contact(c, words) for c in contacts.contacts_of(certificate.organization_id)],
    }
    return _render_signed(
        settings,
        "wallet-card.html",
        context,
        language,
        title=words.gettext("Wallet card %(serial)s", serial=certificate.serial),
        subject=words.gettext("%(holder)s: how to report", holder=certificate.holder_name),
        reason=f"Wallet card for certificate {certificate.serial}",
    )


def _shown_on_both(certificate: Certificate, settings: CertificateSettings, language: str) -> dict[str, object]:
    """What the certificate and the wallet card both show: who, which course (in ``language``, with the
    English title beneath a translated one), until when, and where (and by which QR code) anyone can check it."""
    url = settings.verify_url(certificate.serial)
    title, english_title = course_titles(certificate, language)
    return {
        "holder_name": certificate.holder_name,
        "organization_name": certificate.organization_name,
        "course_title": title,
        "course_title_english": english_title,
        "expires_on": written_date(certificate.expires_at, language),
        "serial": certificate.serial,
        "verify_url": url,
        "qr_data_uri": pdf.qr_data_uri(url),
        "platform_name": "Recognize & Report",
    }


def _render_signed(
    settings: CertificateSettings,
    template: str,
    context: dict[str, object],
    language: str,
    *,
    title: str,
    subject: str,
    reason: str,
) -> bytes:
    """``template`` rendered to PDF in ``language`` with its metadata, and signed with the configured key."""
    rendered = _templates(settings).render(
        template,
        context,
        metadata={"title": title, "author": "Recognize & Report", "subject": subject},
        language=language,
    )
    return signing.sign_pdf(rendered, signer(settings), reason=reason)


def _card_contact(contact: ReportingContact, words: i18n.Words) -> dict[str, object]:
    """A contact for the card: each text also cut into parts, numbers and addresses to keep on one line."""
    return {
        "name": contact.name,
        "channel": words.gettext(contacts.CHANNELS[contact.channel])
        if contact.channel in contacts.CHANNELS
        else contact.channel,
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
_standards: dict[str, pdf.Standard] = {}


def pdf_standard(certificate: Certificate) -> pdf.Standard:
    """Which standards the certificate's PDF meets, read from the stored file itself (once per process);
    ``str()`` says it in the current language."""
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
