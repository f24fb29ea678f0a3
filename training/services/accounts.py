"""Signing in, passwords and the single-use links that let people set one."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, URLSafeSerializer

from training.extensions import db
from training.models import AccessToken, TokenPurpose, User, utcnow
from training.services import audit, batches, guarded, passwords, throttle
from training.services.errors import ServiceError
from training.services.i18n import gettext as _


def normalize_email(raw: str) -> str:
    """Return the address in the form it is stored (lower case), or raise ServiceError."""
    normalized, problem = _normalized_email(raw.strip())
    if problem:
        raise ServiceError({"email": _("Enter a valid email address (%(problem)s).", problem=problem)})
    return normalized


@functools.lru_cache(maxsize=16384)
def _normalized_email(address: str) -> tuple[str, str]:
    """(address as stored, "") or ("", why not). Cached: an import checks each address several times."""
    try:
        # test_environment allows the reserved .test domain used by the demo accounts.
        result = validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        return "", str(exc)
    return result.normalized.lower(), ""


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(email: str, password: str, ip: str, limits: throttle.Limits) -> SignInResult:
    """Check a sign-in. Unknown address, wrong password and inactive account look the same."""
    email = email.strip().lower()
    wait = throttle.seconds_until_allowed(email, ip, limits)
    user = find_by_email(email)
    if wait:
        _note_failure(email, user, "throttled", ip)
        return SignInResult(None, wait)
    password_ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        throttle.record_failure(email, ip, limits)
        reason = "unknown account" if user is None else ("wrong password" if not password_ok else "deactivated")
        _note_failure(email, user, reason, ip)
        return SignInResult(None)
    throttle.clear_after_success(email, ip, limits)
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    audit.record_about("auth.sign_in", user, actor=audit.Actor(user, ip))
    db.session.commit()
    return SignInResult(user)


def _note_failure(email: str, user: User | None, reason: str, ip: str) -> None:
    """A refused sign-in goes into the trail, tied to the account's organization when it exists."""
    audit.record(
        "auth.sign_in_failed",
        actor=audit.Actor(None, ip, visitor=True),
        organization_id=user.organization_id if user else None,
        object_type="user" if user else None,
        object_id=user.id if user else None,
        details={"email": email[:254], "reason": reason},
    )
    db.session.commit()


def set_preferred_language(user: User, code: str) -> None:
    """The person's own choice of interface language (a code the web layer has checked)."""
    user.preferred_language = code


def sign_out(user: User) -> None:
    """End the person's session: the cookie, and every copy of it, no longer signs anyone in."""
    user.end_every_session()
    db.session.commit()


def set_password(user: User, new_password: str) -> None:
    """Set a new password (rules checked), and sign the person out of every other session."""
    problem = passwords.password_problem(new_password, email=user.email, name=user.full_name)
    if problem:
        raise ServiceError({"password": problem})
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    user.end_every_session()
    expire_links([user.id])  # a reset or invitation link asked for earlier must not undo this password


def change_password(user: User, current_password: str, new_password: str, *, actor: audit.Actor) -> None:
    if not passwords.verify_password(user.password_hash, current_password):
        raise ServiceError({"current_password": _("That is not your current password.")})
    if current_password == new_password:
        raise ServiceError({"password": _("Choose a password different from the current one.")})
    set_password(user, new_password)
    audit.record_about("account.password_changed", user, actor=actor)
    db.session.commit()


# --- single-use links -------------------------------------------------------------------


def expire_links(user_ids: list[int]) -> None:
    """Every unused invitation and password-reset link of these people stops working. The caller commits.

    Called whenever a password is set or an email address changes, so that no link sent earlier (or
    to the earlier address) can set a password afterwards.
    """
    now = utcnow()
    for part in batches.chunks(user_ids):
        db.session.execute(
            sa.update(AccessToken)
            .where(AccessToken.user_id.in_(part), AccessToken.used_at.is_(None), AccessToken.expires_at > now)
            .values(expires_at=now)
            .execution_options(synchronize_session=False)
        )


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _serializer(signing_key: str, purpose: TokenPurpose) -> URLSafeSerializer:
    return URLSafeSerializer(signing_key, salt=f"access-token:{purpose.value}")


def issue_token(
    user: User,
    purpose: TokenPurpose,
    *,
    signing_key: str,
    valid_for: timedelta,
    actor: audit.Actor,
) -> str:
    """Create a signed single-use token for a link; earlier unused links of that purpose die.

    The random secret inside is stored only as a hash; the signature means a token made with
    another key (or edited) is refused before the database is asked.
    """
    token = add_tokens([user], purpose, signing_key=signing_key, valid_for=valid_for, actor=actor)[0]
    db.session.commit()
    return token


def add_tokens(
    users: list[User],
    purpose: TokenPurpose,
    *,
    signing_key: str,
    valid_for: timedelta,
    actor: audit.Actor,
) -> list[str]:
    """``issue_token`` for many people at once (an import's new staff) in a few statements, whatever their
    number; the tokens come back in the order of ``users``. The caller commits."""
    if any(not user.active for user in users):
        raise ServiceError(_("This account is deactivated: reactivate it before sending a link."))
    if not users:
        return []
    now = utcnow()
    ids = [user.id for user in users]
    for part in batches.chunks(ids):
        db.session.execute(
            sa.update(AccessToken)
            .where(
                AccessToken.user_id.in_(part),
                AccessToken.purpose == purpose.value,
                AccessToken.used_at.is_(None),
            )
            .values(expires_at=now)
            .execution_options(synchronize_session=False)
        )
    secrets_made = [secrets.token_urlsafe(32) for _ in users]
    db.session.execute(
        sa.insert(AccessToken),
        [
            {
                "user_id": user.id,
                "purpose": purpose.value,
                "secret_hash": _hash_secret(secret),
                "expires_at": now + valid_for,
                "created_by_id": actor.user.id if actor.user is not None else None,
            }
            for user, secret in zip(users, secrets_made, strict=True)
        ],
    )
    audit.record_many(
        [
            audit.Entry(
                f"account.{purpose.value}_link_issued",
                organization_id=user.organization_id,
                object_type="user",
                object_id=user.id,
                details={"valid_days": valid_for.days},
            )
            for user in users
        ],
        actor=actor,
    )
    serializer = _serializer(signing_key, purpose)
    return [serializer.dumps(secret) for secret in secrets_made]


def find_valid_token(signed: str, purpose: TokenPurpose, *, signing_key: str) -> AccessToken | None:
    try:
        secret = _serializer(signing_key, purpose).loads(signed)
    except BadSignature:
        return None
    if not isinstance(secret, str):
        return None
    token = db.session.scalar(
        sa.select(AccessToken).where(
            AccessToken.secret_hash == _hash_secret(secret), AccessToken.purpose == purpose.value
        )
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.active:
        return None
    return token


def redeem_token(
    signed: str, purpose: TokenPurpose, new_password: str, *, signing_key: str, address: str | None
) -> User:
    """Use a link once to set a password. Raises ServiceError if it is unknown, used or expired."""
    token = find_valid_token(signed, purpose, signing_key=signing_key)
    if token is None:
        raise ServiceError(_("This link has expired or has already been used. Ask your manager for a new one."))
    set_password(token.user, new_password)
    # Mark used with a guarded UPDATE, so two simultaneous uses cannot both succeed.
    claimed = guarded.claim(
        sa.update(AccessToken).where(AccessToken.id == token.id, AccessToken.used_at.is_(None)).values(used_at=utcnow())
    )
    if not claimed:
        db.session.rollback()
        raise ServiceError(_("This link has already been used."))
    audit.record_about(
        f"account.{purpose.value}_link_used",
        token.user,
        actor=audit.Actor(token.user, address),  # the link speaks for its holder
    )
    db.session.commit()
    return token.user
