"""'Forgot password' answers after the same work whether or not the address has an account: the
lookup, the link and the mail all happen once the answer has been sent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import csrf_token, sql_statements, text_without_tokens
from training.extensions import db
from training.models import AccessToken, AuditEvent, OutboxMessage, Role

FORGOT = "/password/forgot"
ADDRESS = "192.0.2.44"


@pytest.fixture
def mail_app(app_with, smtp):
    return app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)


def _rows(app) -> dict[str, int]:
    with app.app_context():
        counts = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (AccessToken, AuditEvent, OutboxMessage)
        }
        db.session.remove()
        return counts


def _ask(app, email: str):
    """Post the form; the answer is returned before the server closes it (as when it is being sent)."""
    browser = app.test_client()
    token = csrf_token(browser, FORGOT)
    with sql_statements(app) as statements:
        response = browser.post(
            FORGOT, data={"email": email, "csrf_token": token}, environ_overrides={"REMOTE_ADDR": ADDRESS}
        )
        answer = text_without_tokens(response)
    return response, answer, statements


def test_both_paths_do_the_same_work_before_answering_and_no_mail_goes_meanwhile(mail_app, smtp, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER)
    before = _rows(mail_app)

    known, known_page, known_sql = _ask(mail_app, person.email)
    assert smtp.messages == [], "no SMTP while the person waits"
    assert _rows(mail_app) == before, "nothing written before the answer"
    unknown, unknown_page, unknown_sql = _ask(mail_app, "nobody-here@example.test")
    assert smtp.messages == []
    assert _rows(mail_app) == before

    assert known.status_code == unknown.status_code == 200
    assert known_page == unknown_page  # form tokens blanked: each browser has its own
    assert known_sql == unknown_sql == [], "no lookup before the answer, on either path"

    known.close()  # the server has sent the answer: now the work happens
    unknown.close()
    assert [m["To"] for m in smtp.messages] == [person.email]
    after = _rows(mail_app)
    assert after["outbox_message"] == before["outbox_message"] + 1
    assert after["access_token"] == before["access_token"] + 1


def test_the_work_after_the_answer_is_recorded_as_the_asker(mail_app, smtp, make_org, make_user):
    person = make_user(make_org(), Role.LEARNER)
    for email in (person.email, "nobody-here@example.test"):
        response, _page, _sql = _ask(mail_app, email)
        response.close()
    with mail_app.app_context():
        events = list(
            db.session.execute(
                sa.select(AuditEvent.action, AuditEvent.actor, AuditEvent.ip)
                .where(AuditEvent.action.like("account.password_reset%"))
                .order_by(AuditEvent.seq)
            )
        )
    assert [(action, ip) for action, _label, ip in events] == [
        ("account.password_reset_link_issued", ADDRESS),
        ("account.password_reset_refused", ADDRESS),
    ]
    assert {label for _action, label, _ip in events} == {"anonymous"}
