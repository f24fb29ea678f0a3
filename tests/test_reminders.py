"""Daily reminders and manager digests, sent to a real (local) SMTP server."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.content_fixture import write_content, write_refresher
from tests.helpers import Collector, Refuser, add_certificate, free_port, mail_body, smtp_server, sql_statements
from training.extensions import db
from training.models import Certificate, Course, OutboxMessage, Requirement, Role, utcnow
from training.services import content_loader, mailer, reminders
from training.services.reminders import ReminderReport, send_reminders
from training.web.settings import mail_settings

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def mail_app(app_with, smtp):
    return app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)


@pytest.fixture
def log_app(app_with):
    return app_with(MAIL_SERVER="")


# --- a hand-made organization ---------------------------------------------------------------


@pytest.fixture
def courses(app, tmp_path) -> dict[str, int]:
    write_content(tmp_path)
    write_refresher(tmp_path)
    with app.app_context():
        assert content_loader.load_content(tmp_path).ok
        return dict(db.session.execute(sa.select(Course.slug, Course.id)).tuples().all())


def _require(person, course_id: int, due_at: datetime) -> None:
    db.session.add(
        Requirement(
            user_id=person.id,
            course_id=course_id,
            organization_id=person.organization_id,
            due_at=due_at,
            source="assignment",
        )
    )


@dataclass
class Scenario:
    org_id: int
    org_name: str
    emails: dict[str, str] = field(default_factory=dict)  # first name -> email
    names: dict[str, str] = field(default_factory=dict)  # first name -> full name

    @property
    def due(self) -> list[str]:
        """Who should get a reminder."""
        return [self.emails[k] for k in ("ann", "ben", "cat", "dan")]


def build(app, make_org, make_user, courses, tag: str = "One", now: datetime = NOW) -> Scenario:
    """An organization where Ann, Ben, Cat and Dan need a reminder, Mia manages, and the others are fine.

    - Ann: core course due 5 days ago, never started (overdue).
    - Ben: certificate lapsed 10 days ago (overdue since the day it expired).
    - Cat: certificate expires in 12 days.
    - Dan: never signed in; core course due yesterday, refresher certificate expiring in 20 days.
    - Eve: certificate valid for 200 more days. Fay: due in 10 days. Gus: deactivated, overdue.
    - Mia: manager, nothing due herself. Max: deactivated manager.
    """
    org = make_org(f"Air {tag}")
    core, refresher = courses["test-course"], courses["test-refresher"]
    scenario = Scenario(org.id, org.name)

    def person(first: str, *roles: Role, **fields):
        created = make_user(
            org, *roles, email=f"{first}.{tag}@example.test".lower(), full_name=f"{first} {tag}", **fields
        )
        scenario.emails[first.lower()] = created.email
        scenario.names[first.lower()] = created.full_name
        return created

    ann, ben, cat = person("Ann"), person("Ben"), person("Cat")
    dan = person("Dan", password=None)
    eve, fay, gus = person("Eve"), person("Fay"), person("Gus", active=False)
    person("Mia", Role.LEARNER, Role.MANAGER)
    person("Max", Role.MANAGER, active=False)
    with app.app_context():
        _require(ann, core, now - timedelta(days=5))
        _require(ben, core, now - timedelta(days=400))
        add_certificate(ben, core, now - timedelta(days=10))
        _require(cat, core, now - timedelta(days=300))
        add_certificate(cat, core, now + timedelta(days=12))
        _require(dan, core, now - timedelta(days=1))
        _require(dan, refresher, now - timedelta(days=300))
        add_certificate(dan, refresher, now + timedelta(days=20))
        _require(eve, core, now - timedelta(days=100))
        add_certificate(eve, core, now + timedelta(days=200))
        _require(fay, core, now + timedelta(days=10))
        _require(gus, core, now - timedelta(days=5))
        db.session.commit()
    return scenario


@pytest.fixture
def air_one(app, make_org, make_user, courses) -> Scenario:
    return build(app, make_org, make_user, courses)


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def _run(application, **kwargs) -> ReminderReport:
    with application.app_context():
        return send_reminders(application.config["BASE_URL"], mail_settings(), **kwargs)


# --- the tests ------------------------------------------------------------------------------


def test_each_person_due_gets_one_email_naming_their_courses_and_dates(app, mail_app, smtp, air_one):
    report = _run(mail_app, now=NOW)

    assert report == ReminderReport(reminders_sent=4, digests_sent=1, skipped_already_sent=0, failed=0)
    for address in air_one.due:
        assert len(smtp.to(address)) == 1, address
    bodies = {k: mail_body(smtp.to(air_one.emails[k])[0]) for k in ("ann", "ben", "cat", "dan")}
    assert "Test course: overdue since 5 March 2026" in bodies["ann"]
    assert "Test course: overdue since 28 February 2026" in bodies["ben"]  # the day the certificate lapsed
    assert "Test course: expires on 22 March 2026" in bodies["cat"]
    assert "Test course: overdue since 9 March 2026" in bodies["dan"]
    assert "Test refresher: expires on 30 March 2026" in bodies["dan"]
    assert "Test refresher" not in bodies["ann"]
    for key, body in bodies.items():
        assert f"Hello {air_one.names[key]}," in body
        assert "http://training.test/\n" in body
        assert ("ask your manager for a new sign-in link" in body) == (key == "dan")
    assert smtp.to(air_one.emails["ann"])[0]["Subject"] == "Training reminder: 1 course overdue"
    assert smtp.to(air_one.emails["dan"])[0]["Subject"] == (
        "Training reminder: 1 course overdue, 1 certificate expiring soon"
    )
    assert smtp.to(air_one.emails["cat"])[0]["From"] == mail_app.config["MAIL_FROM"]


def test_nobody_else_gets_a_reminder(app, mail_app, smtp, air_one):
    _run(mail_app, now=NOW)

    for key in ("eve", "fay", "gus", "max"):
        assert smtp.to(air_one.emails[key]) == [], key
    assert len(smtp.messages) == 5  # four reminders, one digest


def test_the_manager_gets_one_digest_with_counts_and_names(app, mail_app, smtp, air_one):
    _run(mail_app, now=NOW)

    (digest,) = smtp.to(air_one.emails["mia"])
    body = mail_body(digest)
    assert digest["Subject"] == "Air One training: 3 overdue, 2 expiring within 30 days"
    assert "- Test course: 3 overdue, 1 expiring within 30 days" in body
    assert "- Test refresher: 0 overdue, 1 expiring within 30 days" in body
    assert "Who needs to act (4 people):" in body
    assert "- Ann One: Test course, overdue since 5 March 2026" in body
    assert "- Dan One: Test course, overdue since 9 March 2026; Test refresher, expires on 30 March 2026" in body
    assert "- Cat One: Test course, expires on 22 March 2026" in body
    for key in ("eve", "fay", "gus", "max"):
        assert air_one.names[key] not in body
    assert "http://training.test/manage/staff" in body
    assert "more" not in body


def test_outbox_records_every_message_as_sent(app, mail_app, smtp, air_one):
    _run(mail_app, now=NOW)

    rows = _outbox(app)
    assert sorted((r.recipient_email, r.kind) for r in rows) == sorted(
        [(a, "reminder") for a in air_one.due] + [(air_one.emails["mia"], "manager_digest")]
    )
    for row in rows:
        assert row.sent_at is not None
        assert row.error is None
        assert row.transport == "smtp"
        assert row.day == NOW.date()
        assert row.organization_id == air_one.org_id


def test_second_run_the_same_day_sends_nothing_next_day_sends_again(app, mail_app, smtp, air_one):
    _run(mail_app, now=NOW)
    assert len(smtp.messages) == 5

    again = _run(mail_app, now=NOW + timedelta(hours=6))
    assert again == ReminderReport(reminders_sent=0, digests_sent=0, skipped_already_sent=5, failed=0)
    assert len(smtp.messages) == 5
    assert len(_outbox(app)) == 5

    tomorrow = _run(mail_app, now=NOW + timedelta(days=1))
    assert tomorrow == ReminderReport(reminders_sent=4, digests_sent=1, skipped_already_sent=0, failed=0)
    assert len(smtp.messages) == 10
    rows = _outbox(app)
    assert len(rows) == 10
    assert {r.day for r in rows} == {NOW.date(), (NOW + timedelta(days=1)).date()}
    assert "Test course: overdue since 5 March 2026" in mail_body(smtp.to(air_one.emails["ann"])[1])


def test_two_runs_at_once_never_send_twice(app, mail_app, smtp, air_one):
    start = threading.Barrier(2)
    reports: list[ReminderReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with mail_app.app_context():
                start.wait(timeout=10)
                reports.append(send_reminders(mail_app.config["BASE_URL"], mail_settings(), now=NOW))
                db.session.remove()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(reports) == 2
    assert sum(r.reminders_sent for r in reports) == 4
    assert sum(r.digests_sent for r in reports) == 1
    assert sum(r.skipped_already_sent + r.already_queued for r in reports) == 5
    assert len(smtp.messages) == 5
    for address in [*air_one.due, air_one.emails["mia"]]:
        assert len(smtp.to(address)) == 1
    assert len(_outbox(app)) == 5


def test_without_a_mail_server_messages_are_logged_and_recorded(app, log_app, air_one, caplog):
    caplog.set_level(logging.INFO, logger="training.services.mailer")

    report = _run(log_app, now=NOW)

    assert report == ReminderReport(reminders_sent=4, digests_sent=1, skipped_already_sent=0, failed=0)
    logged = [r.getMessage() for r in caplog.records if r.name == "training.services.mailer"]
    assert len(logged) == 5
    assert all("MAIL_SERVER unset" in m for m in logged)
    ann_log = next(m for m in logged if f"to={air_one.emails['ann']}" in m)
    assert "Test course: overdue since 5 March 2026" in ann_log
    rows = _outbox(app)
    assert len(rows) == 5
    assert {r.transport for r in rows} == {"log"}
    assert all(r.sent_at is not None and r.error is None for r in rows)


def test_a_mail_server_that_is_down_records_the_error_and_keeps_the_messages_queued(app, app_with, air_one):
    down = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())

    report = _run(down, now=NOW)

    assert report == ReminderReport(retrying=5)
    rows = _outbox(app)
    assert len(rows) == 5
    for row in rows:
        assert row.sent_at is None
        assert row.failed_at is None
        assert row.error
        assert row.attempts == 1
        assert row.next_attempt_at is not None
    # Still queued today: a second run queues no duplicate, and leaves them to `send-outbox`.
    assert _run(down, now=NOW) == ReminderReport(already_queued=5)
    assert len(_outbox(app)) == 5


def test_two_organizations_never_mix(app, mail_app, smtp, make_org, make_user, courses):
    one = build(app, make_org, make_user, courses, tag="One")
    two = build(app, make_org, make_user, courses, tag="Two")
    with app.app_context():  # Air Two: Cat's certificate was renewed, so only three people are due there
        certificate = db.session.scalar(
            sa.select(Certificate).where(Certificate.holder_name == "Cat Two").order_by(Certificate.id.desc()).limit(1)
        )
        certificate.expires_at = NOW + timedelta(days=300)
        db.session.commit()

    report = _run(mail_app, now=NOW)

    assert report == ReminderReport(reminders_sent=7, digests_sent=2, skipped_already_sent=0, failed=0)
    (digest_one,) = smtp.to(one.emails["mia"])
    (digest_two,) = smtp.to(two.emails["mia"])
    body_one, body_two = mail_body(digest_one), mail_body(digest_two)
    assert "Air One" in digest_one["Subject"]
    assert "Air Two" in digest_two["Subject"]
    assert "- Test course: 3 overdue, 1 expiring within 30 days" in body_one
    assert "- Test course: 3 overdue, 0 expiring within 30 days" in body_two
    assert "Who needs to act (3 people):" in body_two
    assert " One" not in body_two.replace("Air One", "")
    assert " Two" not in body_one.replace("Air Two", "")
    assert smtp.to(two.emails["cat"]) == []
    rows = _outbox(app)
    assert {r.organization_id for r in rows if r.recipient_email.endswith("two@example.test")} == {two.org_id}


def test_only_the_given_organizations(app, mail_app, smtp, make_org, make_user, courses):
    build(app, make_org, make_user, courses, tag="One")
    two = build(app, make_org, make_user, courses, tag="Two")

    report = _run(mail_app, now=NOW, org_ids=[two.org_id])

    assert report.reminders_sent == 4
    assert {m["To"] for m in smtp.messages} == {*two.due, two.emails["mia"]}


def test_digest_names_fifty_people_then_says_how_many_more(app, log_app, make_org, make_user, courses, caplog):
    org = make_org("Big Air")
    manager = make_user(org, Role.MANAGER, email="boss@big.test", full_name="The Boss")
    staff = [make_user(org, full_name=f"Staff {n:02d}", email=f"staff{n}@big.test") for n in range(53)]
    with app.app_context():
        for person in staff:
            _require(person, courses["test-course"], NOW - timedelta(days=3))
        db.session.commit()
    caplog.set_level(logging.INFO, logger="training.services.mailer")

    report = _run(log_app, now=NOW)

    assert report.reminders_sent == 53
    (digest,) = (r for r in _outbox(app) if r.recipient_user_id == manager.id)
    assert "- Test course: 53 overdue, 0 expiring within 30 days" in digest.body
    assert "Who needs to act (53 people):" in digest.body
    named = [line for line in digest.body.splitlines() if line.startswith("- Staff ")]
    assert len(named) == 50
    assert named[0] == "- Staff 00: Test course, overdue since 7 March 2026"
    assert "and 3 more" in digest.body


def test_queries_do_not_grow_with_the_number_of_people(app, log_app, make_org, make_user, courses):
    def org_with(n: int, name: str) -> int:
        org = make_org(name)
        make_user(org, Role.MANAGER, email=f"manager@{name}.test")
        people = [make_user(org, email=f"p{i}@{name}.test") for i in range(n)]
        with app.app_context():
            for person in people:
                _require(person, courses["test-course"], NOW - timedelta(days=3))
            db.session.commit()
        return org.id

    small, big = org_with(2, "small"), org_with(12, "big")
    counts = {}
    with log_app.app_context():
        for org_id in (small, big):
            with sql_statements(log_app) as statements:
                send_reminders(log_app.config["BASE_URL"], mail_settings(), now=NOW, org_ids=[org_id])
            counts[org_id] = sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))
    assert counts[small] == counts[big]


# --- the command ----------------------------------------------------------------------------


def test_command_help_says_it_is_for_cron(runner):
    result = runner.invoke(args=["send-reminders", "--help"])
    assert result.exit_code == 0
    assert "cron" in result.output
    assert "once a day" in result.output
    assert "--org" in result.output


def test_command_sends_and_reports(app, runner, make_org, make_user, courses):
    build(app, make_org, make_user, courses, now=utcnow())

    result = runner.invoke(args=["send-reminders"])

    assert result.exit_code == 0, result.output
    assert (
        "reminders sent: 4, digests sent: 1, skipped (already sent today): 0, skipped (already queued today): 0, "
        "queued to retry: 0, failed: 0"
    ) in result.output
    again = runner.invoke(args=["send-reminders"])
    assert "reminders sent: 0, digests sent: 0, skipped (already sent today): 5," in again.output


def test_command_through_smtp_for_one_organization(app, mail_app, smtp, make_org, make_user, courses):
    build(app, make_org, make_user, courses, tag="One", now=utcnow())
    two = build(app, make_org, make_user, courses, tag="Two", now=utcnow())

    result = mail_app.test_cli_runner().invoke(args=["send-reminders", "--org", "air two"])

    assert result.exit_code == 0, result.output
    assert "reminders sent: 4, digests sent: 1" in result.output
    assert {m["To"] for m in smtp.messages} == {*two.due, two.emails["mia"]}


def test_command_unknown_organization(runner):
    result = runner.invoke(args=["send-reminders", "--org", "Nobody"])
    assert result.exit_code == 1
    assert "no organization named 'Nobody'" in result.output


def test_command_exits_non_zero_when_mail_fails(app, app_with, make_org, make_user, courses):
    build(app, make_org, make_user, courses, now=utcnow())
    down = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())

    result = down.test_cli_runner().invoke(args=["send-reminders"])

    assert result.exit_code == 1
    assert "queued to retry: 5, failed: 0" in result.output
    assert "5 message(s) could not be sent now; `send-outbox` will try again" in result.output


# --- a mail outage loses nothing ------------------------------------------------------------


class Clock:
    """The mailer's and the reminders' idea of the time, moved on by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock(NOW)
    monkeypatch.setattr(mailer, "utcnow", moved)
    monkeypatch.setattr(reminders, "utcnow", moved)
    return moved


def _command(application, *args: str):
    return application.test_cli_runner().invoke(args=list(args))


def test_reminders_lost_to_an_outage_are_sent_by_the_queue_once_the_server_is_back(
    app, app_with, make_org, make_user, courses, clock
):
    scenario = build(app, make_org, make_user, courses, now=clock.now)
    port = free_port()  # nothing listens there yet: the mail server is down
    application = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)

    down = _command(application, "send-reminders")
    assert down.exit_code == 1
    assert "reminders sent: 0, digests sent: 0" in down.output
    assert "queued to retry: 5, failed: 0" in down.output
    again = _command(application, "send-reminders")  # the same day, still down: no duplicate queued
    assert "skipped (already sent today): 0, skipped (already queued today): 5, queued to retry: 0" in again.output
    assert len(_outbox(app)) == 5

    with smtp_server(port, Collector()) as collector:
        early = _command(application, "send-outbox")  # its wait is not over yet
        assert "sent: 0, queued to retry: 0, failed: 0" in early.output
        assert collector.messages == []

        clock.advance(mailer.RETRY_WAITS[0])
        retried = _command(application, "send-outbox")
        assert retried.exit_code == 0, retried.output
        assert "sent: 5, queued to retry: 0, failed: 0" in retried.output
        for address in [*scenario.due, scenario.emails["mia"]]:
            assert len(collector.to(address)) == 1, address

        rerun = _command(application, "send-reminders")  # delivered now: the rule says sent today
        assert "skipped (already sent today): 5, skipped (already queued today): 0" in rerun.output
        assert "sent: 0," in _command(application, "send-outbox").output
        assert len(collector.messages) == 5
    rows = _outbox(app)
    assert len(rows) == 5
    assert all(r.sent_at is not None and r.failed_at is None and r.attempts == 1 for r in rows)


def test_a_server_that_refuses_is_tried_six_times_over_a_day_then_the_reminder_can_be_queued_again(
    app, app_with, smtp, make_org, make_user, courses, clock
):
    scenario = build(app, make_org, make_user, courses, now=clock.now)
    day = clock.now
    port = free_port()
    refusing = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with smtp_server(port, Refuser()):
        first = _command(refusing, "send-reminders")
        assert "queued to retry: 5, failed: 0" in first.output
        waits = []
        for wait in mailer.RETRY_WAITS:
            (row,) = [r for r in _outbox(app) if r.recipient_email == scenario.emails["ann"]]
            waits.append(row.next_attempt_at - clock.now)
            clock.advance(wait)
            result = _command(refusing, "send-outbox")
            assert result.exit_code == 1
        assert "sent: 0, queued to retry: 0, failed: 5" in result.output
        assert "5 message(s) could not be sent and were given up" in result.output
    assert waits == list(mailer.RETRY_WAITS)  # ever longer
    assert sum(waits, timedelta()) > timedelta(hours=20)  # about a day from the first try to the last
    rows = _outbox(app)
    assert len(rows) == 5
    for row in rows:
        assert row.attempts == mailer.MAX_ATTEMPTS
        assert row.sent_at is None
        assert row.failed_at is not None
        assert row.next_attempt_at is None
        assert "550" in row.error
        assert "mailbox unavailable" in row.error
    assert "sent: 0, queued to retry: 0, failed: 0" in _command(refusing, "send-outbox").output  # given up

    # Never delivered, so the once-a-day rule does not skip them: a run for that day queues them again.
    working = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    report = _run(working, now=day)
    assert report == ReminderReport(reminders_sent=4, digests_sent=1)
    for address in [*scenario.due, scenario.emails["mia"]]:
        assert len(smtp.to(address)) == 1, address


def test_a_new_days_run_replaces_the_reminders_still_queued_from_the_day_before(
    app, app_with, smtp, make_org, make_user, courses, clock
):
    scenario = build(app, make_org, make_user, courses, now=clock.now)
    down = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    assert _run(down, now=clock.now) == ReminderReport(retrying=5)

    clock.advance(timedelta(days=1))
    working = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    assert _run(working, now=clock.now) == ReminderReport(reminders_sent=4, digests_sent=1)
    with working.app_context():
        assert mailer.send_waiting(mail_settings(), retry_now=True) == mailer.QueueReport(sent=0, failed=0)
    for address in [*scenario.due, scenario.emails["mia"]]:
        assert len(smtp.to(address)) == 1, address  # today's, not yesterday's as well
    older = [r for r in _outbox(app) if r.day < clock.now.date()]
    assert len(older) == 5
    assert all(r.failed_at is not None and "replaced by the reminders of" in r.error for r in older)
