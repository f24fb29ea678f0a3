"""Daily email reminders: staff whose training is overdue or expiring soon, and a digest for managers.

Meant to run once a day from cron (``flask --app app send-reminders``). Every message is recorded in the
outbox before it is sent, and the outbox allows one message of a kind per person per day, sent or still
queued, so running twice the same day, or two runs at once, never sends anyone the same message twice.
A message that could not be sent stays queued and is tried again by ``flask send-outbox``; one given up
on does not count, so the next run of the day queues it again. A newer day's run replaces the older
reminders still queued: they would say what was true on their day.

Free of Flask: the site's address and the mail settings come in as arguments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_date as babel_format_date

from training.extensions import db
from training.models import Course, CourseVersion, Organization, OutboxMessage, Role, User, UserRole, utcnow
from training.services import batches, compliance, i18n, mailer
from training.services.mailer import Mail

EXPIRING_DAYS = 30
DIGEST_NAME_LIMIT = 50
KIND_REMINDER = "reminder"
KIND_DIGEST = "manager_digest"
REPLACED = "not sent: replaced by the reminders of {day}"


@dataclass
class ReminderReport:
    reminders_sent: int = 0
    digests_sent: int = 0
    skipped_already_sent: int = 0
    failed: int = 0  # could not be sent, for the last time
    already_queued: int = 0  # queued earlier today, not sent yet: left to `send-outbox`
    retrying: int = 0  # could not be sent now; queued, `send-outbox` tries again

    def add(self, other: ReminderReport) -> None:
        self.reminders_sent += other.reminders_sent
        self.digests_sent += other.digests_sent
        self.skipped_already_sent += other.skipped_already_sent
        self.failed += other.failed
        self.already_queued += other.already_queued
        self.retrying += other.retrying


@dataclass(frozen=True)
class DueCourse:
    course_id: int
    title: str
    overdue: bool
    when: datetime  # overdue since (effective due date), or expires on

    def describe(self, words: i18n.Words) -> str:
        when = format_date(self.when, words)
        return (
            words.gettext("overdue since %(date)s", date=when)
            if self.overdue
            else words.gettext("expires on %(date)s", date=when)
        )


@dataclass
class DuePerson:
    user_id: int
    full_name: str
    email: str
    never_signed_in: bool
    language: str = i18n.SOURCE_LANGUAGE  # of their emails
    courses: list[DueCourse] = field(default_factory=list)


def format_date(moment: datetime, words: i18n.Words) -> str:
    """A day in words ("5 March 2026"), in the reader's language."""
    if words.code == i18n.SOURCE_LANGUAGE:
        return f"{moment.day} {moment:%B %Y}"
    return babel_format_date(moment, "long", locale=words.code)


def due_people(org_id: int, now: datetime, default_language: str | None = None) -> list[DuePerson]:
    """Active people of one organization with a course overdue or expiring within 30 days. One query."""
    rows = compliance.status_rows([org_id], now)
    needs_action = sa.or_(
        rows.c.status == "overdue",
        sa.and_(rows.c.status == "compliant", rows.c.best_expiry <= now + timedelta(days=EXPIRING_DAYS)),
    )
    query = (
        sa.select(
            rows.c.user_id,
            rows.c.course_id,
            rows.c.status,
            rows.c.effective_due,
            rows.c.best_expiry,
            User.full_name,
            User.email,
            User.password_hash.is_(None).label("never_signed_in"),
            User.preferred_language,
            CourseVersion.title,
        )
        .select_from(rows)
        .join(User, User.id == rows.c.user_id)
        .join(Course, Course.id == rows.c.course_id)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(needs_action)
        .order_by(User.full_name, rows.c.user_id, CourseVersion.title)
    )
    people: dict[int, DuePerson] = {}
    for row in db.session.execute(query):
        person = people.get(row.user_id)
        if person is None:
            language = i18n.language_for(row.preferred_language, default_language)
            person = people[row.user_id] = DuePerson(
                row.user_id, row.full_name, row.email, bool(row.never_signed_in), language
            )
        overdue = row.status == "overdue"
        person.courses.append(
            DueCourse(row.course_id, row.title, overdue, row.effective_due if overdue else row.best_expiry)
        )
    return list(people.values())


def reminder_mail(person: DuePerson, org_id: int, base_url: str) -> Mail:
    words = i18n.in_language(person.language)
    overdue = sum(c.overdue for c in person.courses)
    expiring = len(person.courses) - overdue
    if overdue and expiring:
        courses = words.ngettext("%(num)d course overdue", "%(num)d courses overdue", overdue)
        certificates = words.ngettext(
            "%(num)d certificate expiring soon", "%(num)d certificates expiring soon", expiring
        )
        subject = words.gettext("Training reminder: %(overdue)s, %(expiring)s", overdue=courses, expiring=certificates)
    elif overdue:
        subject = words.ngettext(
            "Training reminder: %(num)d course overdue", "Training reminder: %(num)d courses overdue", overdue
        )
    else:
        subject = words.ngettext(
            "Training reminder: %(num)d certificate expiring soon",
            "Training reminder: %(num)d certificates expiring soon",
            expiring,
        )
    lines = [
        words.gettext("Hello %(name)s,", name=person.full_name),
        "",
        words.gettext("A friendly reminder about your Recognize & Report training:"),
        "",
        *(f"- {c.title}: {c.describe(words)}" for c in person.courses),
        "",
        words.gettext("You can do it on your phone, between duties. Sign in to continue:"),
        f"{base_url}/",
    ]
    if person.never_signed_in:
        lines += ["", words.gettext("If you have never signed in, ask your manager for a new sign-in link.")]
    lines += [
        "",
        words.gettext("Thank you for helping to recognize and report human trafficking."),
        "Recognize & Report",
    ]
    return Mail(
        to=person.email,
        subject=subject,
        body="\n".join(lines) + "\n",
        kind=KIND_REMINDER,
        recipient_user_id=person.user_id,
        organization_id=org_id,
    )


@dataclass(frozen=True)
class Manager:
    user_id: int
    full_name: str
    email: str
    language: str


def digest_mail(manager: Manager, org: tuple[int, str], people: list[DuePerson], base_url: str) -> Mail:
    words = i18n.in_language(manager.language)
    org_id, org_name = org
    per_course: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for person in people:
        for course in person.courses:
            per_course[course.title][0 if course.overdue else 1] += 1
    overdue_total = sum(o for o, _e in per_course.values())
    expiring_total = sum(e for _o, e in per_course.values())
    # Overdue people first, so the ones who matter most are named before the list is cut.
    ordered = sorted(people, key=lambda p: (not any(c.overdue for c in p.courses), p.full_name.lower(), p.user_id))
    lines = [
        words.gettext("Hello %(name)s,", name=manager.full_name),
        "",
        words.gettext("Today's training summary for %(organization)s:", organization=org_name),
        "",
        *(
            "- "
            + words.gettext(
                "%(course)s: %(overdue)s overdue, %(expiring)s expiring within %(days)s days",
                course=title,
                overdue=overdue,
                expiring=expiring,
                days=EXPIRING_DAYS,
            )
            for title, (overdue, expiring) in sorted(per_course.items())
        ),
        "",
        words.ngettext("Who needs to act (%(num)d person):", "Who needs to act (%(num)d people):", len(people)),
        *(
            f"- {p.full_name}: " + "; ".join(f"{c.title}, {c.describe(words)}" for c in p.courses)
            for p in ordered[:DIGEST_NAME_LIMIT]
        ),
    ]
    if len(ordered) > DIGEST_NAME_LIMIT:
        lines.append(words.gettext("and %(count)s more", count=len(ordered) - DIGEST_NAME_LIMIT))
    lines += [
        "",
        words.gettext(
            "Each of them gets their own reminder. See everyone's status, and send a new sign-in link to anyone "
            "who has not signed in yet:"
        ),
        f"{base_url}/manage/staff",
        "",
        "Recognize & Report",
    ]
    return Mail(
        to=manager.email,
        subject=words.gettext(
            "%(organization)s training: %(overdue)s overdue, %(expiring)s expiring within %(days)s days",
            organization=org_name,
            overdue=overdue_total,
            expiring=expiring_total,
            days=EXPIRING_DAYS,
        ),
        body="\n".join(lines) + "\n",
        kind=KIND_DIGEST,
        recipient_user_id=manager.user_id,
        organization_id=org_id,
    )


def _managers(org_id: int, default_language: str | None) -> list[Manager]:
    rows = db.session.execute(
        sa.select(User.id, User.full_name, User.email, User.preferred_language)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.organization_id == org_id, User.active.is_(True), UserRole.role == Role.MANAGER.value)
        .order_by(User.id)
    ).tuples()
    return [
        Manager(user_id, name, email, i18n.language_for(preferred, default_language))
        for user_id, name, email, preferred in rows
    ]


def _record_once(mails: list[Mail], settings: mailer.MailSettings, now: datetime, report: ReminderReport) -> list[int]:
    """Add each message to the outbox in its own savepoint; the one-a-day constraint refuses repeats:
    a message of the day already sent, or still queued."""
    ids = []
    repeats: dict[str, list[int]] = defaultdict(list)  # kind -> recipients
    for mail in mails:
        try:
            with db.session.begin_nested():
                entry = mailer.record(mail, settings, day=now.date())
        except sa.exc.IntegrityError:
            repeats[mail.kind].append(mail.recipient_user_id or 0)
            continue
        ids.append(entry.id)
    for kind, recipients in repeats.items():
        for part in batches.chunks(recipients):
            sent = db.session.scalars(
                sa.select(OutboxMessage.sent_at.is_not(None)).where(
                    OutboxMessage.kind == kind,
                    OutboxMessage.day == now.date(),
                    OutboxMessage.recipient_user_id.in_(part),
                    OutboxMessage.failed_at.is_(None),
                )
            ).all()
            report.skipped_already_sent += sum(sent)
            report.already_queued += len(sent) - sum(sent)
    return ids


def _replace_older(org_id: int, now: datetime) -> None:
    """Give up the reminders and digests of earlier days still queued: today's run says what is true now."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.organization_id == org_id,
            OutboxMessage.kind.in_([KIND_REMINDER, KIND_DIGEST]),
            OutboxMessage.day < now.date(),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            sa.or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < utcnow() - mailer.CLAIM_TIMEOUT),
        )
        .values(failed_at=utcnow(), next_attempt_at=None, error=REPLACED.format(day=now.date().isoformat()))
        .execution_options(synchronize_session=False)
    )


def _organization(
    org: tuple[int, str, str | None], now: datetime, base_url: str, settings: mailer.MailSettings
) -> ReminderReport:
    org_id, name, default_language = org
    report = ReminderReport()
    _replace_older(org_id, now)
    people = due_people(org_id, now, default_language)
    if not people:
        db.session.commit()
        return report
    mails = [reminder_mail(p, org_id, base_url) for p in people]
    mails += [digest_mail(m, (org_id, name), people, base_url) for m in _managers(org_id, default_language)]
    ids = _record_once(mails, settings, now, report)
    db.session.commit()  # recorded before sent: a run at the same time is refused, never sends twice
    if not ids:
        return report
    entries = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids))))
    mailer.deliver(entries, settings)
    sent, failed = OutboxMessage.sent_at.is_not(None), OutboxMessage.failed_at.is_not(None)
    outcome = db.session.execute(
        sa.select(OutboxMessage.kind, sent, failed, sa.func.count())
        .where(OutboxMessage.id.in_(ids))
        .group_by(OutboxMessage.kind, sent, failed)
    )
    for kind, was_sent, has_failed, count in outcome:
        if was_sent and kind == KIND_REMINDER:
            report.reminders_sent += count
        elif was_sent:
            report.digests_sent += count
        elif has_failed:
            report.failed += count
        else:  # queued: `send-outbox` tries again
            report.retrying += count
    return report


def send_reminders(
    base_url: str, mail: mailer.MailSettings, now: datetime | None = None, org_ids: list[int] | None = None
) -> ReminderReport:
    """Email every active person whose training is overdue or expiring within 30 days, and a digest to
    their organization's active managers; each at most once a day. All organizations, or the given ones.
    ``base_url`` is the site's address, for the links in the emails; ``mail`` says how they are sent."""
    now = (now or utcnow()).astimezone(UTC)
    base_url = base_url.rstrip("/")
    query = sa.select(Organization.id, Organization.name, Organization.default_language).order_by(Organization.id)
    if org_ids is not None:
        query = query.where(Organization.id.in_(org_ids))
    organizations = db.session.execute(query).tuples().all()
    report = ReminderReport()
    for org in organizations:
        report.add(_organization(org, now, base_url, mail))
    return report
