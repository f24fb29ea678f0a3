"""Throttling of failed sign-ins: per account from one network address, per account, per address.

A stranger who knows someone's email address must not be able to lock them out, so an account's
failures are first counted per (account, address) pair: five wrong passwords from one address pause
that address for that account only. A much higher per-account ceiling still stops guessing spread
over many addresses, and the per-address limit stops one address trying many accounts.

Counts live in the rate-limit storage (RATELIMIT_STORAGE_URI), so with Redis they are shared by
every worker and host. The store holds no personal data: addresses are hashed.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse

from training.extensions import limiter

NAMESPACE = "login-failure"


@dataclass(frozen=True)
class Limits:
    """The three limits, as rate strings like "5/15 minutes" (the LOGIN_FAILURES_* settings)."""

    per_account_and_address: str
    per_account: str
    per_address: str


def _account_key(email: str) -> str:
    # Hash the address so the rate-limit store holds no personal data.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _counters(email: str, ip: str, limits: Limits) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    """Each limit with the identifiers of the counter it applies to."""
    account, address = _account_key(email), ip or "unknown"
    return [
        (parse(limits.per_account_and_address), ("pair", account, address)),
        (parse(limits.per_account), ("account", account)),
        (parse(limits.per_address), ("address", address)),
    ]


def seconds_until_allowed(email: str, ip: str, limits: Limits) -> int:
    """0 when a sign-in to ``email`` from ``ip`` may be tried; otherwise how long to wait."""
    strategy = limiter.limiter
    wait = 0.0
    for item, keys in _counters(email, ip, limits):
        if not strategy.test(item, NAMESPACE, *keys):
            reset_at, _remaining = strategy.get_window_stats(item, NAMESPACE, *keys)
            wait = max(wait, reset_at - time.time(), 1)
    return math.ceil(wait)


def record_failure(email: str, ip: str, limits: Limits) -> None:
    strategy = limiter.limiter
    for item, keys in _counters(email, ip, limits):
        strategy.hit(item, NAMESPACE, *keys)


def clear_after_success(email: str, ip: str, limits: Limits) -> None:
    """Forget the failures from this address after a successful sign-in from it.

    The per-account ceiling keeps counting: failures from elsewhere are not forgiven by the owner's
    sign-in, or a guesser spread over many addresses would start afresh each time.
    """
    item, keys = _counters(email, ip, limits)[0]
    limiter.limiter.clear(item, NAMESPACE, *keys)
