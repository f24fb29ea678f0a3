"""Things that happen at the same time: no duplicate, no lost record, and a clear answer for the loser.

Runs against the suite's database: SQLite (WAL, busy timeout) or PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.content_fixture import load_test_content
from tests.factories import IMPORT, preview_import
from tests.helpers import csrf_token, login, submit
from training.extensions import db
from training.models import OutboxMessage, Requirement, Role, StaffImport, User, utcnow
from training.services import reminders, staff_import
from training.web.settings import mail_settings

pytestmark = pytest.mark.slow  # races between threads and processes: left out of `make test-fast`


def _csv(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(staff_import.TEMPLATE_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def _at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released together; return their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # reported to the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _emails(app, org_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User.email).where(User.organization_id == org_id)))


def test_two_managers_confirming_overlapping_imports_at_once(app, make_org, make_user):
    org = make_org("Busy Air")
    first, second = app.test_client(), app.test_client()
    login(first, make_user(org, Role.MANAGER, email="one@busy.test").email)
    login(second, make_user(org, Role.MANAGER, email="two@busy.test").email)
    shared = [(f"crew{n}@busy.test", f"Crew {n}", f"B-{n}", "cabin_crew", "NBO") for n in range(30)]
    only_first = [("solo1@busy.test", "Solo One", "", "gate", "")]
    only_second = [("solo2@busy.test", "Solo Two", "", "gate", "")]
    url_a, print_a = preview_import(first, _csv(shared + only_first))
    url_b, print_b = preview_import(second, _csv(shared + only_second))
    token_a, token_b = csrf_token(first, IMPORT), csrf_token(second, IMPORT)

    results = _at_once(
        lambda: first.post(url_a, data={"csrf_token": token_a, "fingerprint": print_a}),
        lambda: second.post(url_b, data={"csrf_token": token_b, "fingerprint": print_b}),
    )
    statuses = [getattr(r, "status_code", r) for r in results]
    assert all(isinstance(s, int) and s < 500 for s in statuses), statuses

    emails = _emails(app, org.id)
    assert len(emails) == len(set(emails)), "a person was imported twice"
    for row in shared:
        assert row[0] in emails, f"{row[0]} lost"
    # Each import was applied whole or not at all: its own person is there exactly when it applied.
    with app.app_context():
        applied = dict(db.session.execute(sa.select(StaffImport.id, StaffImport.applied_at)).tuples().all())
    applied_a = applied[int(url_a.split("/")[-2])] is not None
    applied_b = applied[int(url_b.split("/")[-2])] is not None
    assert applied_a == ("solo1@busy.test" in emails)
    assert applied_b == ("solo2@busy.test" in emails)
    assert applied_a or applied_b
    # The one that lost said so plainly, and can simply be confirmed again.
    for client, url, fingerprint, done in ((first, url_a, print_a, applied_a), (second, url_b, print_b, applied_b)):
        if not done:
            again = submit(client, url, {"fingerprint": fingerprint}, form_url=IMPORT)
            assert again.status_code in (200, 302)
    emails = _emails(app, org.id)
    assert {"solo1@busy.test", "solo2@busy.test"} <= set(emails)
    assert len(emails) == len(set(emails)) == 2 + 30 + 2


def test_a_reminder_run_during_an_import_loses_nothing_and_sends_once(app, tmp_path, make_org, make_user):
    load_test_content(app, tmp_path)
    org = make_org("Reminded Air")
    overdue = [make_user(org, job_function="cabin_crew", email=f"late{n}@reminded.test") for n in range(20)]
    with app.app_context():
        db.session.execute(
            sa.update(Requirement)
            .where(Requirement.user_id.in_([p.id for p in overdue]))
            .values(due_at=utcnow() - timedelta(days=3))
        )
        db.session.commit()
    manager = app.test_client()
    login(manager, make_user(org, Role.MANAGER, email="lead@reminded.test").email)
    newcomers = [(f"new{n}@reminded.test", f"New {n}", "", "cabin_crew", "") for n in range(40)]
    url, fingerprint = preview_import(manager, _csv(newcomers))
    token = csrf_token(manager, IMPORT)

    def run_reminders() -> reminders.ReminderReport:
        with app.app_context():
            return reminders.send_reminders(app.config["BASE_URL"], mail_settings())

    results = _at_once(
        lambda: manager.post(url, data={"csrf_token": token, "fingerprint": fingerprint}),
        run_reminders,
        run_reminders,
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].status_code == 200
    emails = _emails(app, org.id)
    assert len(emails) == len(set(emails)) == 20 + 1 + 40
    with app.app_context():
        sent = list(
            db.session.scalars(sa.select(OutboxMessage.recipient_email).where(OutboxMessage.kind == "reminder"))
        )
    assert len(sent) == len(set(sent)), "someone got two reminders on one day"
    assert {p.email for p in overdue} <= set(sent), "an overdue person got no reminder"
