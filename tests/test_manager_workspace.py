"""The manager's dashboard, staff list filters, exports, assignments and settings, on a hand-built
organization whose answers are known."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from PIL import Image

from tests.content_fixture import load_test_content, write_content, write_refresher
from tests.helpers import add_certificate, login, submit, text
from training.extensions import db
from training.models import (
    Course,
    ModuleCompletion,
    Organization,
    Requirement,
    Role,
    User,
)
from training.services import compliance, content_loader, requirements

NOW = datetime.now(UTC)


@pytest.fixture
def org(app, tmp_path, make_org, make_user):
    """Six cabin crew with one known status each, a deactivated one, and another organization's staff."""
    load_test_content(app, tmp_path)
    airline = make_org("Known Air")
    other = make_org("Other Air")
    manager = make_user(airline, Role.MANAGER, full_name="Mara Manager", job_function="other")
    names = ["A Compliant", "B Expiring", "C Progress", "D Fresh", "E Late", "F Lapsed", "G Gone"]
    people = {
        n[0]: make_user(airline, full_name=n, job_function="cabin_crew", base="NBO" if n < "D" else "MBA")
        for n in names
    }
    stranger = make_user(other, full_name="Z Stranger", job_function="cabin_crew")
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        get = lambda key: db.session.get(User, people[key].id)  # noqa: E731
        add_certificate(get("A"), course.id, NOW + timedelta(days=200), serial="AAAA-AAAA-AAAA-AA")
        add_certificate(get("B"), course.id, NOW + timedelta(days=20), serial="BBBB-BBBB-BBBB-BB")
        db.session.add(
            ModuleCompletion(
                user_id=people["C"].id,
                course_id=course.id,
                module_slug="m-one",
                course_version_id=course.current_version_id,
            )
        )
        get("E").created_at = NOW - timedelta(days=90)
        get("F").created_at = NOW - timedelta(days=400)
        add_certificate(get("F"), course.id, NOW + timedelta(days=-10), serial="FFFF-FFFF-FFFF-FF")
        get("G").active = False
        add_certificate(
            db.session.get(User, stranger.id), course.id, NOW + timedelta(days=100), serial="ZZZZ-ZZZZ-ZZZZ-ZZ"
        )
        db.session.flush()
        requirements.sync_all()
        db.session.commit()
    return {"org": airline, "manager": manager, "people": people, "stranger": stranger, "other": other}


EXPECTED = {
    "required": 6,
    "compliant": 2,
    "in_progress": 1,
    "not_started": 1,
    "overdue": 2,
    "expiring_30": 1,
    "expiring_60": 1,
    "expiring_90": 1,
}
EXPECTED_PEOPLE = {
    "required": {"A", "B", "C", "D", "E", "F"},
    "compliant": {"A", "B"},
    "in_progress": {"C"},
    "not_started": {"D"},
    "overdue": {"E", "F"},
    "expiring_30": {"B"},
    "expiring_60": {"B"},
    "expiring_90": {"B"},
}


def test_compliance_numbers_of_a_known_organization(app, org):
    with app.app_context():
        picture = compliance.organization(org["org"].id)
        [course] = picture.courses
        assert {k: course.counts.get(k) for k in EXPECTED} == EXPECTED
        assert picture.overall.percent_compliant == 33
        by_base = {(g.group, g.course_id): g.counts for g in picture.by_base}
        assert {base: c.required for (base, _), c in by_base.items()} == {"NBO": 3, "MBA": 3}
        assert {base: c.compliant for (base, _), c in by_base.items()} == {"NBO": 2, "MBA": 0}
        overview = compliance.organizations([org["org"].id, org["other"].id])
        assert overview[org["other"].id].compliant == 1
        assert overview[org["other"].id].required == 1


def _listed(client, **args) -> set[str]:
    page = text(client.get("/manage/staff", query_string=args))
    return {m[0] for m in re.findall(r'/manage/staff/\d+">([A-G]) ', page)}


@pytest.mark.parametrize("status", sorted(EXPECTED_PEOPLE))
def test_every_dashboard_number_matches_the_list_it_links_to(app, client, org, status):
    login(client, org["manager"].email)
    dashboard = text(client.get("/manage/"))
    link = re.search(rf'href="(/manage/staff\?[^"]*compliance={status}&amp;course=test-course[^"]*)">(\d+)<', dashboard)
    assert link, f"no link for {status}"
    url, number = link.group(1).replace("&amp;", "&"), int(link.group(2))
    assert number == EXPECTED[status]
    page = text(client.get(url))
    listed = {m[0] for m in re.findall(r'/manage/staff/\d+">([A-G]) ', page)}
    assert listed == EXPECTED_PEOPLE[status]
    assert len(listed) == number


def test_dashboard_shows_only_the_managers_own_organization(app, client, org, make_user):
    other_manager = make_user(org["other"], Role.MANAGER)
    login(client, other_manager.email)
    page = text(client.get("/manage/"))
    assert "Other Air: training compliance" in page
    assert "A Compliant" not in text(client.get("/manage/staff?compliance=required&course=test-course"))
    assert "Z Stranger" in text(client.get("/manage/staff?compliance=required&course=test-course"))


def test_dashboard_has_charts_with_tables_and_a_trend(client, org):
    login(client, org["manager"].email)
    page = text(client.get("/manage/"))
    assert page.count('role="img"') >= 2
    assert "<table" in page
    assert "Compliance over the last 12 months" in page
    assert "33%" in page


def test_staff_list_filters_and_sorting(client, org):
    login(client, org["manager"].email)
    assert _listed(client, base="NBO") == {"A", "B", "C"}
    assert _listed(client, q="late") == {"E"}
    assert _listed(client, status="inactive") == {"G"}
    page = text(client.get("/manage/staff", query_string={"sort": "base", "job_function": "cabin_crew"}))
    order = re.findall(r'/manage/staff/\d+">([A-F]) ', page)
    assert order[:3] == ["D", "E", "F"]  # MBA before NBO
    # Nonsense filter values are ignored, never a 500.
    for args in ({"compliance": "bogus"}, {"sort": "'; drop"}, {"course": "no-such"}, {"page": "-3"}):
        assert client.get("/manage/staff", query_string=args).status_code == 200


def test_exports_read_back(client, org):
    login(client, org["manager"].email)
    response = client.get("/manage/export/compliance.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="compliance-')
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {r["Name"][0]: r["Status"] for r in rows} == {
        "A": "Compliant",
        "B": "Compliant",
        "C": "In progress",
        "D": "Not started",
        "E": "Overdue",
        "F": "Overdue",
    }
    assert {r["Certificate serial"] for r in rows if r["Name"][0] == "A"} == {"AAAA-AAAA-AAAA-AA"}
    xlsx = client.get("/manage/export/staff.xlsx", query_string={"compliance": "overdue", "course": "test-course"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0].startswith("Staff of Known Air")  # the title row, then the header
    assert values[1][0] == "Name"
    assert sorted(v[0] for v in values[2:]) == ["E Late", "F Lapsed"]
    assert client.get("/manage/export/staff.pdf").status_code == 404


def test_exports_neutralise_spreadsheet_formulas(app, client, org, make_user):
    make_user(org["org"], full_name="=HYPERLINK(1)", job_function="gate")
    login(client, org["manager"].email)
    rows = list(csv.reader(io.StringIO(client.get("/manage/export/staff.csv").data.decode("utf-8-sig"))))
    assert [r[0] for r in rows if "HYPERLINK" in r[0]] == ["'=HYPERLINK(1)"]


def test_assignments_add_requirements_with_due_dates(app, client, org, make_user):
    login(client, org["manager"].email)
    due = (NOW + timedelta(days=14)).date()
    bad = submit(
        client,
        "/manage/assignments",
        {"course": "test-course", "target_kind": "person", "email": org["stranger"].email, "due_on": due.isoformat()},
    )
    assert "Nobody in your organization has this email address." in text(bad)
    past = submit(
        client,
        "/manage/assignments",
        {"course": "test-course", "target_kind": "job_function", "job_function": "gate", "due_on": "2020-01-01"},
    )
    assert "The due date is in the past." in text(past)
    gate = make_user(org["org"], full_name="H Gate", job_function="gate")
    ok = submit(
        client,
        "/manage/assignments",
        {"course": "test-course", "target_kind": "job_function", "job_function": "gate", "due_on": due.isoformat()},
    )
    assert ok.status_code == 302
    with app.app_context():
        row = db.session.get(Requirement, (gate.id, db.session.scalar(sa.select(Course.id))))
        assert row.due_at.date() == due
        assert row.source == "assignment"
    # Someone who joins later gets it due days_to_complete after joining.
    newcomer = make_user(org["org"], full_name="I Newcomer", job_function="gate")
    with app.app_context():
        row = db.session.scalar(sa.select(Requirement).where(Requirement.user_id == newcomer.id))
        joined = db.session.get(User, newcomer.id).created_at
        assert row.due_at == joined + timedelta(days=30)
    # Removing the assignment removes what only it required.
    listing = text(client.get("/manage/assignments"))
    assignment_id = re.search(r"/manage/assignments/(\d+)/remove", listing).group(1)
    submit(client, f"/manage/assignments/{assignment_id}/remove")
    with app.app_context():
        assert db.session.scalar(sa.select(Requirement).where(Requirement.user_id == gate.id)) is None


def test_another_organizations_assignment_is_not_found(app, client, org, make_user):
    other_manager = make_user(org["other"], Role.MANAGER)
    login(client, org["manager"].email)
    submit(
        client,
        "/manage/assignments",
        {
            "course": "test-course",
            "target_kind": "base",
            "base": "nbo",
            "due_on": (NOW + timedelta(days=5)).date().isoformat(),
        },
    )
    listing = text(client.get("/manage/assignments"))
    assignment_id = re.search(r"/manage/assignments/(\d+)/remove", listing).group(1)
    submit(client, "/logout", form_url="/")
    login(client, other_manager.email)
    assert client.get(f"/manage/assignments/{assignment_id}/remove").status_code == 404


def test_days_to_complete_moves_due_dates(app, client, org):
    login(client, org["manager"].email)
    assert "Use 1 to 365 days." in text(submit(client, "/manage/settings", {"days_to_complete": "0"}))
    submit(client, "/manage/settings", {"days_to_complete": "60"})
    with app.app_context():
        person = db.session.get(User, org["people"]["D"].id)
        row = db.session.scalar(sa.select(Requirement).where(Requirement.user_id == person.id))
        assert row.due_at == person.created_at + timedelta(days=60)
        assert db.session.get(Organization, org["org"].id).days_to_complete == 60


def _png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 89, 199)).save(out, format="PNG")
    return out.getvalue()


def test_logo_upload_validation(app, client, org):
    login(client, org["manager"].email)
    url = "/manage/settings/logo"

    def upload(data: bytes, name: str):
        return submit(client, url, {"logo": (io.BytesIO(data), name)}, form_url="/manage/settings")

    assert "not an image" in text(upload(b"%PDF-1.4 not an image", "logo.png"))
    assert "at most 300 KB" in text(upload(b"\x89PNG" + b"0" * (301 * 1024), "big.png"))
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    assert "Use a PNG or JPEG image." in text(upload(gif.getvalue(), "logo.gif"))
    with app.app_context():
        assert db.session.scalar(sa.select(Organization.logo_mime).where(Organization.id == org["org"].id)) is None
    assert upload(_png(), "logo.png").status_code == 302
    image = client.get("/manage/settings/logo.png")
    assert image.status_code == 200
    assert image.data.startswith(b"\x89PNG")


@pytest.fixture
def two_courses(app, tmp_path, make_org, make_user):
    """Two courses required of cabin crew; one person overdue on both, one new (not started on both)."""
    root = write_content(tmp_path)
    write_refresher(root)
    second = root / "modules" / "test-refresher" / "course.yaml"
    second.write_text(
        second.read_text()
        .replace("required_for: []", "required_for: [cabin_crew]")
        .replace("renews: test-course", "renews: null")
        .replace("title: Test refresher", "title: Second course")
    )
    with app.app_context():
        assert content_loader.load_content(root).ok
    airline = make_org("Two Course Air")
    manager = make_user(airline, Role.MANAGER, job_function="other")
    late = make_user(airline, full_name="Late Person", job_function="cabin_crew")
    make_user(airline, full_name="New Person", job_function="cabin_crew")
    with app.app_context():
        db.session.get(User, late.id).created_at = NOW - timedelta(days=90)
        db.session.flush()
        requirements.sync_all()
        db.session.commit()
    return manager


def test_tiles_say_trainings_and_people_and_lists_show_each_persons_trainings(client, two_courses):
    """Someone overdue on two courses is two overdue trainings but one person in the list, shown with both."""
    manager = two_courses
    login(client, manager.email)
    dashboard = text(client.get("/manage/"))
    tile = re.search(
        r"<dt>Overdue</dt><dd><a href=\"([^\"]+)\">(\d+)</a></dd><dd class=\"small\">([^<]+)</dd>", dashboard
    )
    assert tile, "no overdue tile"
    assert tile.group(2) == "2"
    assert tile.group(3) == "trainings · 1 person"
    assert "Not started: 2 · </" not in dashboard  # no separator after the last number of a bar
    listed = text(client.get(tile.group(1).replace("&amp;", "&")))
    assert listed.count("/manage/staff/") - listed.count("/manage/staff/import") == 1
    assert "Late Person" in listed
    assert "New Person" not in listed
    assert re.search(r"<strong>Test course</strong>: overdue, due \d+ \w+ \d{4}", listed)
    assert re.search(r"<strong>Second course</strong>: overdue, due \d+ \w+ \d{4}", listed)


STAFF_COLUMNS = ["Name", "Email", "Employee number", "Job function", "Base", "Account", "Signed in"]
TRAINING_COLUMNS = ["Course", "Training status", "Due date", "Valid until"]


def _staff_csv(client, **args: str) -> list[dict[str, str]]:
    response = client.get("/manage/export/staff.csv", query_string=args)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def _staff_xlsx(client, **args: str) -> list[tuple]:
    response = client.get("/manage/export/staff.xlsx", query_string=args)
    assert response.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2, values_only=True))


def test_drill_down_export_has_a_row_per_person_and_training(client, two_courses):
    """The export of a drill-down list carries what the list shows: each training, its status and dates."""
    login(client, two_courses.email)
    overdue = _staff_csv(client, compliance="overdue")
    assert list(overdue[0]) == STAFF_COLUMNS + TRAINING_COLUMNS
    assert [(r["Name"], r["Course"], r["Training status"]) for r in overdue] == [
        ("Late Person", "Second course", "Overdue"),
        ("Late Person", "Test course", "Overdue"),
    ]
    due = (NOW - timedelta(days=60)).date().isoformat()
    assert {r["Due date"] for r in overdue} == {due}
    assert {r["Valid until"] for r in overdue} == {""}
    one_course = _staff_xlsx(client, compliance="not_started", course="test-course")
    assert list(one_course[0]) == STAFF_COLUMNS + TRAINING_COLUMNS
    assert [(r[0], r[7], r[8]) for r in one_course[1:]] == [("New Person", "Test course", "Not started")]
    assert isinstance(one_course[1][9], datetime), "the due date is not a date cell"
    assert one_course[1][10] is None
    # A course alone is a drill-down too: every required training of it, whatever its status.
    assert {(r["Name"], r["Training status"]) for r in _staff_csv(client, course="test-course")} == {
        ("Late Person", "Overdue"),
        ("New Person", "Not started"),
    }


def test_export_without_a_compliance_filter_has_a_row_per_person(client, two_courses):
    login(client, two_courses.email)
    rows = _staff_csv(client, job_function="cabin_crew")
    assert list(rows[0]) == STAFF_COLUMNS
    assert sorted(r["Name"] for r in rows) == ["Late Person", "New Person"]
    assert list(_staff_xlsx(client)[0]) == STAFF_COLUMNS


def test_drill_down_export_shows_until_when_compliant_training_is_valid(client, org):
    login(client, org["manager"].email)
    rows = _staff_csv(client, compliance="expiring_30")
    assert [(r["Name"], r["Training status"]) for r in rows] == [("B Expiring", "Compliant")]
    expires = (NOW + timedelta(days=20)).date().isoformat()
    assert rows[0]["Valid until"] == expires
    assert rows[0]["Due date"] == (NOW + timedelta(days=30)).date().isoformat()  # joined today: due in 30 days
    # The list and the export name the same people.
    assert {r["Name"] for r in _staff_csv(client, compliance="compliant")} == {"A Compliant", "B Expiring"}
    assert _staff_csv(client, compliance="overdue", course="no-such-course") == []
