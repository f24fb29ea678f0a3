"""Who is acting in the current request, for the services that record it in the audit trail."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from training.services.audit import Actor


def actor_from_request() -> Actor:
    """The signed-in user (or an anonymous visitor) and the client's address."""
    user = current_user._get_current_object()  # the real User, not the proxy
    if getattr(user, "is_authenticated", False):
        return Actor(user, request.remote_addr)
    return Actor(None, request.remote_addr, visitor=True)
