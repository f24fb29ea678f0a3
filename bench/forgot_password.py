"""Benchmark: does "forgot password" answer as fast for an existing account as for an unknown address?

    .venv/bin/python -m bench.forgot_password [-n 60]

Builds a throwaway SQLite database with N people and a local SMTP server, then asks for reset links
through the real route, alternating an existing account and an unknown address. Prints the median
time until the answer for each, and their ratio (1.00 means an asker learns nothing from the time).
The lookup, link and mail happen after the answer (when the server closes the response): their
median is printed too, for information.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "benchmark-only")


class _Sink:
    """SMTP handler that accepts every message and keeps none."""

    async def handle_DATA(self, server, session, envelope) -> str:
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="requests per path (default 60)")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade

    from training import create_app
    from training.extensions import db
    from training.models import Organization, OrgKind, Role, User

    smtp = Controller(_Sink(), hostname="127.0.0.1", port=_free_port())
    smtp.start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-forgot-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port,
        }
    )
    with app.app_context():
        upgrade()
        org = Organization(name="Bench Air", kind=OrgKind.AIRLINE.value, country="KE")
        db.session.add(org)
        db.session.flush()
        for n in range(args.n):
            person = User(organization_id=org.id, email=f"bench{n}@example.test", full_name=f"Bench {n}")
            person.set_roles([Role.LEARNER])
            db.session.add(person)
        db.session.commit()

    client = app.test_client()
    page = client.get("/password/forgot").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    timings: dict[str, list[float]] = {"existing account": [], "unknown address": []}
    after: list[float] = []
    for n in range(args.n):
        for path, email in (("existing account", f"bench{n}@example.test"), ("unknown address", f"ghost{n}@x.test")):
            start = time.perf_counter()
            response = client.post("/password/forgot", data={"email": email, "csrf_token": token})
            response.get_data()
            timings[path].append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
            start = time.perf_counter()
            response.close()  # what the server does once the answer is sent
            after.append(time.perf_counter() - start)
    smtp.stop()

    known, unknown = (_median_ms(timings[p]) for p in ("existing account", "unknown address"))
    print(f"forgot password, median time to answer over {args.n} requests each:")
    print(f"  existing account {known:7.2f} ms   unknown address {unknown:7.2f} ms   ratio {known / unknown:.2f}")
    print(f"  work after the answer (lookup, link, mail): median {_median_ms(after):.2f} ms")


if __name__ == "__main__":
    main()
