"""The dashboard's 12-month trend, one query, checked against the rule worked out by hand in Python."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.content_fixture import write_content
from tests.factories import add_certificates, add_staff
from training.extensions import db
from training.models import Certificate, Requirement, User
from training.services import compliance, content_loader

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _expected(org_id: int, moments: list[datetime]) -> list[tuple[str, int, int]]:
    """Per month end: today's requirement rows whose person had joined, and those a certificate covered then."""
    rows = db.session.execute(
        sa.select(Requirement.user_id, Requirement.course_id, User.created_at)
        .join(User, User.id == Requirement.user_id)
        .where(Requirement.organization_id == org_id, User.active.is_(True))
    ).all()
    certificates = db.session.execute(
        sa.select(
            Certificate.user_id,
            Certificate.course_id,
            Certificate.issued_at,
            Certificate.expires_at,
            Certificate.revoked_at,
        )
    ).all()
    points = []
    for moment in moments:
        joined = [(u, c) for u, c, created in rows if created <= moment]
        covered = [
            key
            for key in joined
            if any(
                (cu, cc) == key and issued <= moment < expires and (revoked is None or revoked > moment)
                for cu, cc, issued, expires, revoked in certificates
            )
        ]
        points.append((moment.strftime("%Y-%m"), len(joined), len(covered)))
    return points


def test_trend_matches_the_rule_month_by_month(app, tmp_path, make_org):
    write_content(tmp_path)
    with app.app_context():
        assert content_loader.load_content(tmp_path).ok
    org = make_org("Trend Air")
    other = make_org("Elsewhere Air")
    ids = add_staff(app, org, 30)
    add_staff(app, other, 5, prefix="else")
    rng = random.Random(12)
    with app.app_context():
        people = list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id)))
        for person in people:  # joined at different times over the last 14 months
            person.created_at = NOW - timedelta(days=rng.randint(0, 420))
        people[0].active = False
        db.session.commit()
        people = [db.session.get(User, p.id) for p in people]
        for p in people:
            db.session.expunge(p)
    for n, start in enumerate((200, 330, 90, 400, 30)):  # batches issued at different dates, some lapsed
        chosen = people[n * 5 : n * 5 + 7]
        add_certificates(app, org, chosen, issued=NOW - timedelta(days=start), expires_in_days=rng.choice((120, 365)))
    with app.app_context():
        revoked = db.session.scalars(sa.select(Certificate).order_by(Certificate.id).limit(4)).all()
        for certificate in revoked:
            certificate.revoked_at = certificate.issued_at + timedelta(days=40)
        db.session.commit()

        points = compliance.trend(org.id, now=NOW)
        moments = compliance._month_ends(NOW, 12)
        assert [(p.month, p.required, p.compliant) for p in points] == _expected(org.id, moments)
        assert len(points) == 12
        assert points[-1].month == "2026-11"
        assert len({p.compliant for p in points}) > 3, "the data should make the trend move"
        assert points[0].required < points[-1].required, "people who joined later count from then on"
