"""No query per row: every list page makes the same number of SQL statements at 5 and at 60 staff.

Counted with a SQLAlchemy event hook during one request. Timings are never asserted (see make bench).
"""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from tests.content_fixture import load_test_content
from tests.factories import IMPORT, add_certificates, add_staff, preview_import
from tests.helpers import csrf_token, login, sql_statements, text
from training.extensions import db
from training.models import AccessToken, AuditEvent, Organization, OrgKind, Role, TokenPurpose, User
from training.services import audit

SMALL, LARGE = 5, 60

# Pages whose work could grow with the number of staff, certificates or events, and who reads them.
LIST_PAGES = {
    "/": "learner",
    "/courses": "learner",
    "/manage/": "manager",
    "/manage/staff": "manager",
    "/manage/staff?compliance=required&course=test-course": "manager",
    "/manage/staff?sort=base&job_function=cabin_crew": "manager",
    "/manage/export/staff.csv": "manager",
    "/manage/export/compliance.csv": "manager",
    "/manage/export/staff.xlsx": "manager",
    "/manage/export/staff.csv?compliance=required": "manager",
    "/manage/export/staff.xlsx?compliance=overdue&course=test-course": "manager",
    "/manage/export/compliance.xlsx": "manager",
    "/manage/assignments": "manager",
    "/audit/": "auditor",
    "/audit/organizations/{org}": "auditor",
    "/audit/organizations/{org}/staff": "auditor",
    "/audit/organizations/{org}/compliance.csv": "auditor",
    "/audit/certificates": "auditor",
    "/audit/certificates?q=Staff&status=valid": "auditor",
    "/audit/certificates?q=7K3M-QX": "auditor",
    "/audit/certificates.zip?org={org}": "auditor",
    "/audit/trail": "auditor",
    "/audit/trail.csv": "auditor",
    "/admin/people": "admin",
    "/admin/organizations": "admin",
}


def _add_people_with_certificates(app, org: Organization, count: int, prefix: str) -> None:
    ids = add_staff(app, org, count, prefix=prefix)
    with app.app_context():
        people = list(db.session.scalars(sa.select(User).where(User.id.in_(ids[: count // 2]))))
        db.session.expunge_all()
    add_certificates(app, org, people)


def _counts(app, users: dict[str, User], org: Organization) -> dict[str, int]:
    clients = {}
    for role, person in users.items():
        clients[role] = app.test_client()
        login(clients[role], person.email)
    found = {}
    for page, role in LIST_PAGES.items():
        url = page.format(org=org.id)
        with sql_statements(app) as statements:
            response = clients[role].get(url)
            response.get_data()  # streamed bodies query while they are read
            response.close()
        assert response.status_code == 200, f"{url}: {response.status_code}"
        found[page] = len(statements)
    return found


def test_query_counts_do_not_grow_with_the_number_of_staff(app, tmp_path, make_org, make_user):
    load_test_content(app, tmp_path)
    airline = make_org("Counted Air")
    authority = make_org("Counting Authority", kind=OrgKind.AUTHORITY, oversees=(airline,))
    users = {
        "learner": make_user(airline, Role.LEARNER, job_function="cabin_crew"),
        "manager": make_user(airline, Role.MANAGER),
        "auditor": make_user(authority, Role.AUDITOR),
        "admin": make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN),
    }
    _add_people_with_certificates(app, airline, SMALL, "early")
    small = _counts(app, users, airline)
    _add_people_with_certificates(app, airline, LARGE - SMALL, "later")
    large = _counts(app, users, airline)
    grew = {page: (small[page], large[page]) for page in LIST_PAGES if small[page] != large[page]}
    assert not grew, f"statements at {SMALL} vs {LARGE} staff: {grew}"


def _import_csv(rows: int, tag: str) -> bytes:
    from training.services import staff_import

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(staff_import.TEMPLATE_COLUMNS)
    writer.writerows(
        [f"{tag}{n}@import.example.test", f"Imported {tag} {n}", f"{tag.upper()}-{n}", "gate", "NBO"]
        for n in range(rows)
    )
    return out.getvalue().encode()


def _import_statements(app, client, rows: int, tag: str) -> tuple[int, int]:
    """Statements for the preview and for the confirmation of a file of ``rows`` new people."""
    with sql_statements(app) as previewed:
        confirm_url, fingerprint = preview_import(client, _import_csv(rows, tag))
    form = {"csrf_token": csrf_token(client, IMPORT), "fingerprint": fingerprint}
    with sql_statements(app) as confirmed:
        done = client.post(confirm_url, data=form)
    assert done.status_code == 200
    assert f"<strong>{rows}</strong> new people" in text(done)
    return len(previewed), len(confirmed)


def test_a_staff_import_makes_no_lookups_per_row(app, tmp_path, make_org, make_user):
    """Previewing a file costs the same at 5 and 60 rows; confirming it at most one more statement per new
    person (their INSERT, where the database cannot batch them): lookups, invitation links and their
    audit events are made for all rows at once. (An import of 5,000 people used to make 70,000.)"""
    load_test_content(app, tmp_path)
    airline = make_org("Importing Air")
    add_staff(app, airline, 20)
    client = app.test_client()
    login(client, make_user(airline, Role.MANAGER).email)
    small = _import_statements(app, client, SMALL, "small")
    large = _import_statements(app, client, LARGE, "large")
    assert small[0] == large[0], f"preview: {small[0]} statements for {SMALL} rows, {large[0]} for {LARGE}"
    assert large[1] - small[1] <= LARGE - SMALL, f"confirm: {small[1]} statements for {SMALL}, {large[1]} for {LARGE}"
    with app.app_context():
        invited = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AccessToken)
            .where(AccessToken.purpose == TokenPurpose.INVITATION.value)
        )
        events = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "account.invitation_link_issued")
        )
        chain = audit.verify()
    assert invited == events == SMALL + LARGE
    assert chain.ok, chain  # the batch of events is chained like single ones
