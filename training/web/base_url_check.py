"""Say so when the app is reached at another address than BASE_URL.

Invitation and password links, reminder emails, the QR code and verification address printed on every
certificate all use BASE_URL, and an issued certificate can never be changed. When the address in the
browser differs (another host, port or scheme, as seen through ProxyFix when PROXY_COUNT is set), the
log says so once per process and address, and a signed-in admin sees a notice on the page.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_login import current_user

from training.policy import sees_deployment_warnings

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
# Requests that people do not make: a load balancer's health check reaches the app at its own address.
IGNORED_ENDPOINTS = frozenset({"static", "home.healthz"})
# A Host header is the client's to choose: remember (and log) only so many different ones.
MAX_ADDRESSES_LOGGED = 20
_WARNED = "base_url_warned"


def is_loopback(hostname: str) -> bool:
    """localhost, 127.x.x.x or ::1: an address that reaches only the machine it is typed on."""
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of ``url``; every loopback name counts as one host. None if unreadable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not host:
        return None
    if is_loopback(host):
        host = "loopback"
    return scheme, host, port or DEFAULT_PORTS.get(scheme, 0)


def base_url_is_loopback(base_url: str) -> bool:
    return is_loopback((urlsplit(base_url).hostname or "").lower())


def warn_at_start_up(app: Flask) -> None:
    """In production, links to a loopback address work only on the server itself."""
    if app.testing or app.config.get("APP_ENV") != "production":
        return
    base_url = app.config["BASE_URL"]
    if base_url_is_loopback(base_url):
        log.warning(
            "BASE_URL is %s, a loopback address: links in emails, QR codes and certificates will point "
            "to it and work only on this server. Set BASE_URL to the address people use.",
            base_url,
        )


def _compare_with_base_url() -> None:
    if request.endpoint in IGNORED_ENDPOINTS:
        return
    base_url = current_app.config["BASE_URL"]
    reached = request.host_url.rstrip("/")
    if origin(reached) == origin(base_url):
        return
    g.base_url_mismatch = reached
    warned: set[str] = current_app.extensions[_WARNED]
    if reached in warned or len(warned) >= MAX_ADDRESSES_LOGGED:
        return
    warned.add(reached)
    log.warning(
        "This app was reached at %r but BASE_URL is %s: links in emails, QR codes and certificates "
        "will point to %s. Set BASE_URL to the address people use.",
        reached,
        base_url,
        base_url,
    )


def _notice() -> dict[str, object]:
    """The mismatch, for the page, only when the signed-in person runs the platform."""
    reached = g.get("base_url_mismatch")
    if reached is None or not sees_deployment_warnings(current_user):
        return {}
    return {"base_url_notice": {"reached": reached, "base_url": current_app.config["BASE_URL"]}}


def register(app: Flask) -> None:
    app.extensions[_WARNED] = set()
    app.before_request(_compare_with_base_url)
    app.context_processor(_notice)
    warn_at_start_up(app)
