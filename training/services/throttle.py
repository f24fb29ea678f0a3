"""Throttling of failed sign-ins, per account and per network address.

Counts live in the rate-limit storage (RATELIMIT_STORAGE_URI), so with Redis they are shared by
every worker and host.
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import parse

from training.extensions import limiter


def _limit_items(per_account: str, per_ip: str):
    return parse(per_account), parse(per_ip)


def _account_key(email: str) -> str:
    # Hash the address so the rate-limit store holds no personal data.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def seconds_until_allowed(email: str, ip: str, *, per_account: str, per_ip: str) -> int:
    """0 when a sign-in may be tried; otherwise how long to wait."""
    account_limit, ip_limit = _limit_items(per_account, per_ip)
    strategy = limiter.limiter
    wait = 0.0
    for item, key in ((account_limit, _account_key(email)), (ip_limit, ip or "unknown")):
        if not strategy.test(item, "login-failure", key):
            reset_at, _remaining = strategy.get_window_stats(item, "login-failure", key)
            wait = max(wait, reset_at - time.time(), 1)
    return math.ceil(wait)


def record_failure(email: str, ip: str, *, per_account: str, per_ip: str) -> None:
    account_limit, ip_limit = _limit_items(per_account, per_ip)
    strategy = limiter.limiter
    strategy.hit(account_limit, "login-failure", _account_key(email))
    strategy.hit(ip_limit, "login-failure", ip or "unknown")


def clear_account(email: str, *, per_account: str) -> None:
    """Forget an account's failures after a successful sign-in."""
    limiter.limiter.clear(parse(per_account), "login-failure", _account_key(email))
