"""Record the app's security-relevant acts in the audit trail, inside the act's own transaction.

Services call ``note`` just before they commit, so the event and the change it describes are
written together or not at all. Who did it and from which address come from the current request
(nobody signed in: "anonymous"; no request, as in a CLI command: the system), unless given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from training.models import AuditEvent, User
from training.services import audit

_FROM_REQUEST: Any = object()


def note(
    action: str,
    *,
    organization_id: int | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: Mapping[str, Any] | None = None,
    actor: User | None = _FROM_REQUEST,
) -> AuditEvent:
    """Append one event; the caller commits. ``actor`` defaults to whoever is signed in."""
    return audit.record(
        action,
        **_who(actor),
        organization_id=organization_id,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def note_many(entries: list[audit.Entry], *, actor: User | None = _FROM_REQUEST) -> int:
    """Append a batch of events by the same actor (e.g. an import's invitation links); the caller commits."""
    return audit.record_many(entries, **_who(actor))


def _who(actor: User | None) -> dict[str, Any]:
    """The actor and address for an event: from the request unless an actor is given."""
    ip = request.remote_addr if has_request_context() else None
    if actor is _FROM_REQUEST:
        actor = _signed_in_user()
        if actor is None and has_request_context():
            return {"actor": audit.Actor(None, ip, visitor=True)}
    return {"actor": audit.Actor(actor, ip)}


def _signed_in_user() -> User | None:
    if not has_request_context():
        return None
    user = current_user._get_current_object()  # the real User, not the proxy
    return user if getattr(user, "is_authenticated", False) else None
