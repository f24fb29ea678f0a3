"""With Redis as the rate-limit store, failed sign-ins are counted across worker processes."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
import redis

from training.models import Role

WORKER = textwrap.dedent(
    """
    import re, sys
    sys.path.insert(0, {root!r})
    from tests.helpers import make_app
    app = make_app({db!r}, RATELIMIT_STORAGE_URI={storage!r})
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    for password in sys.argv[1:]:
        response = client.post("/login", data={{"email": {email!r}, "password": password,
                                                 "csrf_token": token.group(1)}})
        print(response.status_code)
    """
)


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def _worker(code: str, *passwords: str) -> list[int]:
    done = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", code, *passwords], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [int(line) for line in done.stdout.split()]


@pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379")
@pytest.mark.slow  # two worker processes and a Redis server
def test_two_worker_processes_share_the_failure_count(database_url, make_org, make_user):
    email = f"shared-{uuid.uuid4().hex[:8]}@example.test"
    make_user(make_org(), Role.LEARNER, email=email)
    root = str(Path(__file__).resolve().parent.parent)
    storage = "redis://127.0.0.1:6379/15"
    redis.Redis(host="127.0.0.1", port=6379, db=15).flushdb()  # database 15 is the tests' own
    code = WORKER.format(root=root, db=database_url, storage=storage, email=email)
    # Worker A sees five failures; worker B, a separate process, then refuses even the right password.
    assert _worker(code, *["wrong password here"] * 5) == [401] * 5
    assert _worker(code, "correct horse battery staple") == [429]
    # With per-process memory storage, the second worker would not know (what Redis is for).
    memory = WORKER.format(root=root, db=database_url, storage="memory://", email=email)
    assert _worker(memory, "correct horse battery staple") == [302]
