"""The outbox as a queue: a large import emails a few invitations at once, `send-outbox` the rest, each once.

Sent to a real (local) SMTP server.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import IMPORT, preview_import
from tests.helpers import csrf_token, login, text
from training.extensions import db
from training.models import OutboxMessage, Role, utcnow
from training.services import mailer, staff_import
from training.web.settings import mail_settings


@pytest.fixture
def queue_app(app_with, smtp):
    return app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SEND_WHILE_WAITING=3)


def _import(application, manager_email: str, rows: int) -> str:
    client = application.test_client()
    login(client, manager_email)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(staff_import.TEMPLATE_COLUMNS)
    writer.writerows([f"queued{n}@queue.test", f"Queued Person {n}", "", "gate", "NBO"] for n in range(rows))
    confirm_url, fingerprint = preview_import(client, out.getvalue().encode())
    return text(client.post(confirm_url, data={"csrf_token": csrf_token(client, IMPORT), "fingerprint": fingerprint}))


def _waiting(application) -> int:
    with application.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        )


def test_a_large_import_emails_a_few_now_and_the_queue_sends_the_rest_once(
    queue_app,
    smtp,
    make_org,
    make_user,
):
    org = make_org("Queue Air")
    manager = make_user(org, Role.MANAGER)
    page = _import(queue_app, manager.email, 8)
    said = " ".join(page.split())
    assert "3 people have been emailed their link already; the emails to the other 5 are queued" in said
    assert len(smtp.messages) == 3
    assert _waiting(queue_app) == 5

    runner = queue_app.test_cli_runner()
    first = runner.invoke(args=["send-outbox"])
    assert first.exit_code == 0, first.output
    assert "sent: 5, queued to retry: 0, failed: 0" in first.output
    again = runner.invoke(args=["send-outbox"])
    assert "sent: 0, queued to retry: 0, failed: 0" in again.output
    received = sorted(message["To"] for message in smtp.messages)
    assert received == sorted(f"queued{n}@queue.test" for n in range(8))  # each exactly once
    assert all("/welcome/" in message.get_content() for message in smtp.messages)


def _queue(application, count: int) -> None:
    with application.app_context():
        mailer.record_many(
            [mailer.Mail(f"waiting{n}@queue.test", "Subject", "Body", kind="invitation") for n in range(count)],
            mail_settings(),
        )
        db.session.commit()


def test_two_senders_at_once_send_each_message_once(queue_app, smtp):
    _queue(queue_app, 60)
    barrier = threading.Barrier(2)
    reports: list[object] = []

    def run() -> None:
        with queue_app.app_context():
            barrier.wait()
            try:
                reports.append(mailer.send_waiting(mail_settings(), batch=7))
            except Exception as exc:  # reported below
                reports.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, mailer.QueueReport) for r in reports), reports
    assert sum(r.sent for r in reports) == 60
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"waiting{n}@queue.test" for n in range(60))
    assert _waiting(queue_app) == 0


def test_a_claim_left_by_a_sender_that_died_is_taken_over(queue_app, smtp):
    _queue(queue_app, 2)
    with queue_app.app_context():
        first, second = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        first.claimed_at = utcnow() - mailer.CLAIM_TIMEOUT - timedelta(minutes=1)  # its sender is long gone
        second.claimed_at = utcnow() - timedelta(minutes=1)  # its sender may still be at work
        db.session.commit()
        report = mailer.send_waiting(mail_settings())
    assert report == mailer.QueueReport(sent=1, failed=0)
    assert [m["To"] for m in smtp.messages] == ["waiting0@queue.test"]


@pytest.mark.parametrize(("value", "message"), [("-1", "at least 0"), ("lots", "a whole number")])
def test_a_bad_send_while_waiting_setting_stops_the_app_with_a_clear_message(monkeypatch, tmp_path, value, message):
    from training.config import ConfigurationError, load_config

    monkeypatch.setenv("MAIL_SEND_WHILE_WAITING", value)
    with pytest.raises(ConfigurationError, match=f"MAIL_SEND_WHILE_WAITING must be {message}"):
        load_config(tmp_path)


# --- what the administrator sees ---------------------------------------------------------------


def _undelivered(application, states: dict[str, str]) -> None:
    """Queue a message per address, then make each what ``states`` says: sent, retrying, failed or waiting."""
    _queue(application, 0)
    now = utcnow()
    with application.app_context():
        for address, state in states.items():
            entry = mailer.record(
                mailer.Mail(address, f"Subject for {address}", "Body", kind="invitation"), mail_settings()
            )
            if state == "sent":
                entry.sent_at, entry.attempts = now, 1
            elif state == "retrying":
                entry.attempts, entry.error = 2, "[Errno 111] Connection refused"
                entry.next_attempt_at = now + timedelta(minutes=30)
            elif state == "failed":
                entry.attempts, entry.error, entry.failed_at = 6, "550 5.1.1 <x@queue.test>: mailbox unavailable", now
        db.session.commit()


def test_the_outbox_page_shows_the_counts_and_the_messages_not_sent(app, client, make_org, make_user):
    _undelivered(
        app,
        {
            "sent@queue.test": "sent",
            "waiting@queue.test": "waiting",
            "retrying@queue.test": "retrying",
            "failed@queue.test": "failed",
        },
    )
    admin = make_user(make_org("Platform"), Role.ADMIN)
    login(client, admin.email)

    page = text(client.get("/admin/outbox"))
    for state, count in {"waiting": 1, "retrying": 1, "sent": 1, "failed": 1}.items():
        assert f'<dd id="count-{state}">{count}</dd>' in page
    assert 'href="/admin/outbox" aria-current="page"' in page  # the nav link
    assert "retrying@queue.test" in page
    assert "Subject for retrying@queue.test" in page
    assert "Connection refused" in page
    assert "failed@queue.test" in page
    assert "550 5.1.1 &lt;x@queue.test&gt;: mailbox unavailable" in page
    assert "none: given up" in page
    assert "sent@queue.test" not in page
    assert "waiting@queue.test" not in page

    failed_only = text(client.get("/admin/outbox?state=failed"))
    assert "failed@queue.test" in failed_only
    assert "retrying@queue.test" not in failed_only
    retrying_only = text(client.get("/admin/outbox?state=retrying"))
    assert "retrying@queue.test" in retrying_only
    assert "failed@queue.test" not in retrying_only


def test_the_outbox_page_is_paginated(app, client, make_org, make_user):
    _undelivered(app, {f"failed{n:02d}@queue.test": "failed" for n in range(30)})
    admin = make_user(make_org("Platform"), Role.ADMIN)
    login(client, admin.email)

    first = text(client.get("/admin/outbox"))
    assert "failed29@queue.test" in first
    assert "failed00@queue.test" not in first
    assert "Page 1 of 2 (30 in all)" in first
    second = text(client.get("/admin/outbox?page=2"))
    assert "failed00@queue.test" in second
    assert "failed29@queue.test" not in second


def test_send_outbox_now_retries_without_waiting(queue_app, smtp):
    _undelivered(queue_app, {"retrying@queue.test": "retrying"})
    runner = queue_app.test_cli_runner()
    assert "sent: 0," in runner.invoke(args=["send-outbox"]).output  # its wait is not over
    now = runner.invoke(args=["send-outbox", "--now"])
    assert now.exit_code == 0, now.output
    assert "sent: 1, queued to retry: 0, failed: 0" in now.output
    assert [m["To"] for m in smtp.messages] == ["retrying@queue.test"]
