"""The deployment's settings, read from the app's config in the shapes the services take them.

Services know nothing of Flask: the web pages and the command line build these (in an application
context) and pass them on. They are built on each call, so a changed setting takes effect at once.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import current_app

from training.services.issuing import CertificateSettings
from training.services.mailer import MailSettings
from training.web.links import verify_url


def certificate_settings() -> CertificateSettings:
    config = current_app.config
    return CertificateSettings(
        templates=config["CERTIFICATE_TEMPLATES"],
        signing_key_file=config["SIGNING_KEY_FILE"],
        signing_cert_file=config["SIGNING_CERT_FILE"],
        signing_key_password=config["SIGNING_KEY_PASSWORD"],
        local_signing_folder=Path(current_app.instance_path) / "signing",
        renewal_window=timedelta(days=config["RENEWAL_WINDOW_DAYS"]),
        verify_url=verify_url,
    )


def mail_settings() -> MailSettings:
    config = current_app.config
    return MailSettings(
        server=config["MAIL_SERVER"],
        port=config["MAIL_PORT"],
        username=config["MAIL_USERNAME"],
        password=config["MAIL_PASSWORD"],
        use_tls=config["MAIL_USE_TLS"],
        sender=config["MAIL_FROM"],
    )
