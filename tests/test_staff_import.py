"""Importing staff from a CSV file: template, preview, confirmation, every kind of refusal, all or nothing."""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import PASSWORD, csrf_token, login, submit, text
from training.extensions import db
from training.models import (
    AccessToken,
    AuditEvent,
    Course,
    Organization,
    OutboxMessage,
    Requirement,
    Role,
    StaffImport,
    User,
)
from training.services import audit, content_loader, mailer, people, requirements, staff_import
from training.services.errors import ServiceError

IMPORT = "/manage/staff/import"
HEADER = staff_import.TEMPLATE_COLUMNS


def _csv(*rows: list[str], header: list[str] = HEADER, delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8")


def _upload(client, data: bytes, filename: str = "staff.csv"):
    """POST the file as the upload form does. The body is built in memory: for large bodies the test
    client would otherwise spool to a temporary file it never closes (a ResourceWarning)."""
    fields = {
        "csrf_token": csrf_token(client, IMPORT),
        "file": FileStorage(io.BytesIO(data), filename, content_type="text/csv"),
    }
    boundary, body = encode_multipart(fields)
    return client.post(IMPORT, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _confirm_url(page: str) -> str:
    match = re.search(r'action="(/manage/staff/import/\d+/confirm)"', page)
    assert match, "no Confirm import form on the page"
    return match.group(1)


def _confirm(client, preview, url: str | None = None):
    page = text(preview)
    fingerprint = re.search(r'name="fingerprint"[^>]*value="([0-9a-f]{64})"', page)
    assert fingerprint, "no fingerprint in the confirmation form"
    return submit(client, url or _confirm_url(page), {"fingerprint": fingerprint.group(1)}, form_url=IMPORT)


def _rows(page: str) -> dict[int, str]:
    """The preview's table: line number -> the row's text (tags removed)."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        line = re.search(r'<td data-label="Line">(\d+)</td>', row)
        if line:
            found[int(line.group(1))] = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split()))
    return found


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _people(app, org: Organization) -> dict[str, User]:
    with app.app_context():
        found = db.session.scalars(sa.select(User).where(User.organization_id == org.id)).all()
        for person in found:
            _ = person.role_rows
        db.session.expunge_all()
        return {person.email: person for person in found}


# --- the pages --------------------------------------------------------------------------------


def test_staff_list_links_to_the_import_and_the_page_explains_the_file(client, manager):
    assert f'href="{IMPORT}"' in text(client.get("/manage/staff"))
    page = text(client.get(IMPORT))
    assert 'enctype="multipart/form-data"' in page
    assert 'name="csrf_token"' in page
    assert "/manage/staff/import/template.csv" in page
    assert "CSV UTF-8" in page
    assert "Cabin crew" in page


def test_template_download_is_utf8_with_bom_and_names_the_columns(client, manager):
    response = client.get("/manage/staff/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0] == HEADER
    assert len(lines) == 2
    assert "example.com" in lines[1][0]


def test_the_template_as_downloaded_is_refused_until_its_example_row_is_replaced(client, manager):
    template = client.get("/manage/staff/import/template.csv").data
    rows = _rows(text(_upload(client, template)))
    assert "template's example row" in rows[2]


def test_learners_cannot_import(client, org, make_user):
    learner = make_user(org, Role.LEARNER)
    login(client, learner.email)
    assert client.get(IMPORT).status_code == 403
    assert client.get("/manage/staff/import/template.csv").status_code == 403


# --- preview and confirmation -----------------------------------------------------------------


def test_preview_then_confirm_creates_updates_and_leaves_unchanged(app, client, org, manager, make_user):
    make_user(org, Role.LEARNER, email="amina@sky.test", full_name="Amina Odhiambo", job_function="cabin_crew")
    make_user(  # not signed in yet: an import may correct his address
        org,
        Role.LEARNER,
        password=None,
        email="brian.old@sky.test",
        full_name="Brian Kip",
        employee_number="E-2",
        base="NBO",
    )
    make_user(
        org,
        Role.LEARNER,
        Role.MANAGER,
        email="chris@sky.test",
        full_name="Chris Lee",
        job_function="gate",
        employee_number="E-3",
        base="MBA",
    )
    data = _csv(
        ["new.person@sky.test", "New  Person", "E-10", "Cabin crew", "nbo"],  # new
        ["AMINA@sky.test", "Amina Odhiambo", "", "cabin_crew", "MBA"],  # base set
        ["brian@sky.test", "Brian Kipchoge", "E-2", "check-in", ""],  # found by employee number
        ["chris@sky.test", "Chris Lee", "E-3", "GATE", "MBA"],  # unchanged
    )
    preview = _upload(client, data)
    assert preview.status_code == 200
    page = text(preview)
    assert "<strong>1</strong> new person" in page
    assert "<strong>2</strong> to update" in page
    assert "<strong>1</strong> unchanged" in page
    assert "<strong>0</strong> rejected" in page
    rows = _rows(page)
    assert re.search(r"New .* Cabin crew NBO", rows[2])
    assert "base: — → MBA" in rows[3]
    assert "email: brian.old@sky.test → brian@sky.test" in rows[4]
    assert "job_function: Other → Check-in" in rows[4]
    assert "Unchanged" in rows[5]
    assert _count(app, User) == 4, "nothing is written before the confirmation"

    result = _confirm(client, preview)
    assert result.status_code == 200
    page = text(result)
    assert "Invitation links for the new staff" in page
    assert "New Person" in page
    assert "http://training.test/welcome/" in page
    staff = _people(app, org)
    assert set(staff) == {
        "grace@sky.test",
        "new.person@sky.test",
        "amina@sky.test",
        "brian@sky.test",
        "chris@sky.test",
    }
    new = staff["new.person@sky.test"]
    assert (new.full_name, new.employee_number, new.job_function, new.base) == (
        "New Person",
        "E-10",
        "cabin_crew",
        "NBO",
    )
    assert new.roles == {Role.LEARNER}
    assert new.password_hash is None
    assert staff["amina@sky.test"].base == "MBA"
    brian = staff["brian@sky.test"]
    assert (brian.full_name, brian.job_function, brian.base) == ("Brian Kipchoge", "check_in", "NBO")
    assert staff["chris@sky.test"].roles == {Role.LEARNER, Role.MANAGER}, "roles are never changed"
    assert _count(app, AccessToken) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(StaffImport.applied_at)) is not None


def test_semicolon_file_with_bom_as_excel_writes_it(app, client, org, manager):
    data = (
        codecs.BOM_UTF8
        + (
            "email;full_name;employee_number;job_function;base\r\n"
            "zoe@sky.test;Zoë Wanjirũ;E-1;Cabin crew;NBO\r\n"
            ";;;;\r\n"
            '"otieno@sky.test";"Otieno; Paul";E-2;Security;\r\n'
        ).encode()
    )
    preview = _upload(client, data)
    assert "<strong>2</strong> new people" in text(preview)
    assert set(_rows(text(preview))) == {2, 4}, "the row of empty cells is skipped and lines keep their numbers"
    _confirm(client, preview)
    staff = _people(app, org)
    assert staff["zoe@sky.test"].full_name == "Zoë Wanjirũ"
    assert staff["otieno@sky.test"].full_name == "Otieno; Paul"
    assert staff["otieno@sky.test"].job_function == "security"


def test_header_columns_in_any_order_and_case(app, org):
    data = _csv(
        ["NBO", "E-1", "Gate", "Ann Example", "ann@sky.test"],
        header=["Base", "Employee number", "Job-function", "FULL_NAME", "Email"],
    )
    with app.app_context():
        plan = staff_import.parse(data, db.session.get(Organization, org.id))
    assert plan.counts["create"] == 1
    row = plan.rows[0]
    assert (row.email, row.full_name, row.employee_number, row.job_function, row.base) == (
        "ann@sky.test",
        "Ann Example",
        "E-1",
        "gate",
        "NBO",
    )


# --- rows that are rejected -------------------------------------------------------------------


def test_every_kind_of_bad_row_is_rejected_with_its_line_and_reason(app, client, org, manager, make_user):
    make_user(org, Role.LEARNER, email="held@sky.test", full_name="Holder Person", employee_number="E-50")
    make_user(org, Role.LEARNER, email="mover@sky.test", full_name="Mover Person", employee_number="E-51")
    data = _csv(
        ["ok@sky.test", "Fine Person", "E-1", "gate", "NBO"],  # line 2
        ["not-an-email", "Bad Email", "", "gate", ""],  # 3
        ["noname@sky.test", "  ", "", "gate", ""],  # 4
        [],  # 5: blank, skipped
        ["pilot@sky.test", "Job Less", "", "pilot", ""],  # 6
        ["base@sky.test", "Base Bad", "", "gate", "NAIROBI"],  # 7
        ["number@sky.test", "Number Bad", "E 1 !", "gate", ""],  # 8
        ["OK@sky.test", "Twice Email", "", "gate", ""],  # 9: same email as line 2
        ["other@sky.test", "Twice Number", "E-1", "gate", ""],  # 10: same number as line 2
        ["mover@sky.test", "Mover Person", "E-50", "other", ""],  # 11: takes Holder's number
        ["extra@sky.test", "Extra Cells", "", "gate", "", "surplus"],  # 12
        ["nojob@sky.test", "No Job", "", "", ""],  # 13
    )
    before = _count(app, User)
    page = text(_upload(client, data))
    rows = _rows(page)
    assert set(rows) == {2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13}
    assert "New" in rows[2]
    assert "email: Enter a valid email address" in rows[3]
    assert "full_name: Enter the person's full name." in rows[4]
    assert "job_function: Unknown job function 'pilot': use one of Cabin crew, Flight crew" in rows[6]
    assert "base: Use the station code, e.g. NBO" in rows[7]
    assert "employee_number: Use up to 40 letters" in rows[8]
    assert "email: The same email address is on line 2." in rows[9]
    assert "employee_number: The same employee number is on line 2." in rows[10]
    assert "employee_number: E-50 already belongs to Holder Person (held@sky.test)." in rows[11]
    assert "beyond the header's 5 columns" in rows[12]
    assert "job_function: Enter the job function" in rows[13]
    assert "Lines to fix: 3, 4, 6, 7, 8, 9, 10, 11, 12, 13." in page
    assert "<strong>10</strong> rejected" in page
    assert "Confirm import" not in page
    assert _count(app, User) == before
    assert _count(app, StaffImport) == 0, "a file with rejected rows is not kept"


def test_an_email_of_another_organization_is_rejected_without_saying_more(
    app, client, org, manager, make_org, make_user
):
    other = make_org("Secret Airways")
    make_user(other, Role.LEARNER, email="someone@elsewhere.test", full_name="Hidden Holder", employee_number="E-9")
    make_user(org, Role.LEARNER, email="mine@sky.test", full_name="Mine Person", employee_number="E-9")
    page = text(
        _upload(
            client,
            _csv(
                ["someone@elsewhere.test", "Some One", "", "gate", ""],
                ["SOMEONE@elsewhere.test", "Some One", "E-9", "gate", ""],  # even matched by our own employee number
            ),
        )
    )
    rows = _rows(page)
    for line in (2, 3):
        assert (
            "email: This email address cannot be used; ask the person for another or contact the administrator."
            in rows[line]
        )
        assert "Rejected" in rows[line]
    assert "outside your organization" not in page, "the wording must not reveal that the address has an account"
    assert "belongs to" not in page
    assert "Hidden Holder" not in page
    assert "Secret Airways" not in page
    assert "Mine Person" not in page
    with app.app_context():
        plan = staff_import.parse(
            _csv(["someone@elsewhere.test", "X Y", "E-9", "gate", ""]), db.session.get(Organization, org.id)
        )
    assert plan.rows[0].user_id is None
    assert plan.rows[0].reasons == ["email: " + staff_import.UNUSABLE_EMAIL]


def test_a_latin1_file_is_refused_with_the_line_and_nothing_is_written(app, client, manager):
    data = (
        "email,full_name,employee_number,job_function,base\n"
        "ann@sky.test,Ann Example,,gate,\n"
        "zoe@sky.test,Zoë Example,,gate,\n"
    ).encode("latin-1")
    page = text(_upload(client, data))
    assert "The file is not UTF-8 (line 3). In Excel choose &#39;CSV UTF-8&#39;." in page
    assert _count(app, User) == 1
    assert _count(app, StaffImport) == 0


def test_a_file_over_the_size_limit_is_refused_with_its_size(app, client, manager):
    row = b"someone@sky.test,Some One,,gate,NBO\n"
    data = _csv() + row * (staff_import.MAX_IMPORT_BYTES // len(row) + 10)
    page = text(_upload(client, data))
    assert f"({len(data):,} bytes); the largest accepted is 1.0 MiB" in page
    assert _count(app, StaffImport) == 0


def test_more_rows_than_the_limit_are_refused(app, client, manager):
    rows = [[f"p{n}@sky.test", f"Person {n}", "", "gate", ""] for n in range(staff_import.MAX_IMPORT_ROWS + 1)]
    page = text(_upload(client, _csv(*rows)))
    assert "The file has more than 5,000 staff rows" in page
    assert _count(app, User) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"email,full_name,job_function\nann@sky.test,Ann,gate\n", "missing columns: employee_number, base"),
        (_csv(header=[*HEADER, "phone"]), "unknown columns: phone"),
        (_csv(), "The file has no staff rows under the header."),
        (b"PK\x03\x04rest-of-a-workbook", "This is an Excel workbook, not a CSV file."),
    ],
)
def test_files_refused_as_a_whole(app, org, data, message):
    with app.app_context(), pytest.raises(ServiceError) as refused:
        staff_import.parse(data, db.session.get(Organization, org.id))
    assert message in refused.value.errors["file"]


def test_a_file_that_is_not_csv_by_name_is_refused_by_the_form(client, manager):
    page = text(_upload(client, b"whatever", filename="staff.xlsx"))
    assert "Upload a .csv file" in page


# --- applying: once, whole, and only for the organization's managers ----------------------------


def test_reimporting_the_same_file_changes_nothing(app, client, org, manager):
    data = _csv(
        ["ann@sky.test", "Ann Example", "E-1", "Gate", "NBO"], ["ben@sky.test", "Ben Example", "", "security", ""]
    )
    _confirm(client, _upload(client, data))
    before = _people(app, org)
    again = text(_upload(client, data))
    assert "<strong>2</strong> unchanged" in again
    assert "Nothing to change" in again
    assert "Confirm import" not in again
    assert _count(app, StaffImport) == 1
    assert _people(app, org).keys() == before.keys()
    with app.app_context():
        org_row = db.session.get(Organization, org.id)
        plan = staff_import.parse(data, org_row)
        assert {row.action for row in plan.rows} == {"unchanged"}
        result = staff_import.apply(plan, org_row, audit.Actor(db.session.get(User, manager.id)))
        assert (result.created, result.updated, result.unchanged) == ([], [], 2)


def test_a_failure_while_applying_writes_nothing(app, client, org, manager, make_user, monkeypatch):
    make_user(org, Role.LEARNER, email="ann@sky.test", full_name="Ann Example")
    preview = _upload(
        client, _csv(["ann@sky.test", "Ann Renamed", "", "gate", ""], ["new@sky.test", "New One", "", "gate", ""])
    )

    def broken_sync(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(requirements, "sync_org", broken_sync)
    with pytest.raises(RuntimeError):
        _confirm(client, preview)
    staff = _people(app, org)
    assert "new@sky.test" not in staff
    assert staff["ann@sky.test"].full_name == "Ann Example"
    with app.app_context():
        assert db.session.scalar(sa.select(StaffImport.applied_at)) is None, "the upload can still be confirmed"

    monkeypatch.undo()
    assert _confirm(client, preview).status_code == 200
    assert _people(app, org)["ann@sky.test"].full_name == "Ann Renamed"


def test_applying_a_plan_with_rejected_rows_is_refused(app, org, manager):
    with app.app_context():
        org_row = db.session.get(Organization, org.id)
        plan = staff_import.parse(_csv(["ok@sky.test", "Ok", "", "gate", ""], ["bad", "Bad", "", "gate", ""]), org_row)
        with pytest.raises(ServiceError, match="Fix the rejected rows and upload again"):
            staff_import.apply(plan, org_row, audit.Actor(db.session.get(User, manager.id)))
    assert _count(app, User) == 1


def test_confirming_twice_imports_once(app, client, org, manager):
    preview = _upload(client, _csv(["ann@sky.test", "Ann Example", "", "gate", ""]))
    url = _confirm_url(text(preview))
    assert "Ann Example" in text(_confirm(client, preview))
    second = _confirm(client, preview, url)
    assert second.status_code == 302
    assert "already imported" in text(client.get(second.headers["Location"]))
    assert _count(app, User) == 2
    assert _count(app, AccessToken) == 1
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))
        imported = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "staff.imported"))
        assert actions.count("staff.imported") == 1
        assert actions.count("account.invitation_link_issued") == 1
        assert json.loads(imported.details) == {
            "file_sha256": db.session.scalar(sa.select(StaffImport.fingerprint)),
            "created": 1,
            "updated": 0,
            "unchanged": 0,
        }
        assert imported.actor_user_id == manager.id
        assert imported.organization_id == org.id


def test_another_organizations_manager_gets_404_for_the_import(app, client, org, manager, make_org, make_user):
    preview = _upload(client, _csv(["ann@sky.test", "Ann Example", "", "gate", ""]))
    url = _confirm_url(text(preview))
    intruder = make_user(make_org("Other Air"), Role.MANAGER, email="boss@other.test")
    other = app.test_client()
    login(other, intruder.email, PASSWORD)
    fingerprint = re.search(r'name="fingerprint"[^>]*value="([0-9a-f]{64})"', text(preview)).group(1)
    response = submit(other, url, {"fingerprint": fingerprint}, form_url=IMPORT)
    assert response.status_code == 404
    assert _count(app, User) == 2
    with app.app_context():
        assert db.session.scalar(sa.select(StaffImport.applied_at)) is None


def test_two_hundred_staff_at_once(app, client, org, manager):
    functions = ["Cabin crew", "check_in", "Gate", "ground handling", "SECURITY"]
    rows = [
        [f"staff{n:03}@sky.test", f"Staff Member {n:03}", f"E-{n:04}", functions[n % 5], ["NBO", "MBA", ""][n % 3]]
        for n in range(200)
    ]
    preview = _upload(client, _csv(*rows))
    assert "<strong>200</strong> new people" in text(preview)
    page = text(_confirm(client, preview))
    assert page.count("http://training.test/welcome/") == 200
    assert _count(app, User, User.organization_id == org.id) == 201
    assert _count(app, User, User.job_function == "ground_handling") == 40


def test_new_staff_get_their_job_functions_required_courses(app, client, org, manager):
    with app.app_context():
        assert content_loader.load_content(Path(app.config["CONTENT_DIR"])).ok
    preview = _upload(
        client,
        _csv(["crew@sky.test", "Crew One", "", "Cabin crew", ""], ["desk@sky.test", "Desk One", "", "check_in", ""]),
    )
    _confirm(client, preview)
    with app.app_context():

        def courses_of(email: str) -> set[str]:
            return set(
                db.session.scalars(
                    sa.select(Course.slug)
                    .join(Requirement, Requirement.course_id == Course.id)
                    .join(User, User.id == Requirement.user_id)
                    .where(User.email == email)
                )
            )

        assert courses_of("crew@sky.test") == {"recognize-and-report", "cabin-crew"}
        assert courses_of("desk@sky.test") == {"recognize-and-report", "check-in-and-gate"}


def test_new_staff_are_emailed_their_link_when_mail_is_set_up(app, client, manager, monkeypatch):
    sent = []

    class FakeSMTP:
        """Stands in for the mail server: keeps what it is given."""

        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.sky.test")
    monkeypatch.setattr(mailer.smtplib, "SMTP", FakeSMTP)
    preview = _upload(
        client, _csv(["ann@sky.test", "Ann Example", "", "gate", ""], ["ben@sky.test", "Ben Example", "", "gate", ""])
    )
    page = text(_confirm(client, preview))
    assert "Each new person has been emailed their link." in page
    assert sorted(m["To"] for m in sent) == ["ann@sky.test", "ben@sky.test"]
    assert "http://training.test/welcome/" in sent[0].get_content()
    assert _count(app, OutboxMessage, OutboxMessage.kind == "invitation", OutboxMessage.sent_at.is_not(None)) == 2


def test_without_mail_the_page_says_to_hand_out_the_links(client, manager):
    page = text(_confirm(client, _upload(client, _csv(["ann@sky.test", "Ann Example", "", "gate", ""]))))
    assert "Email is not set up" in page


# --- the people service's validation, now shared ---------------------------------------------------


def test_people_validate_reports_problems_without_raising(app, org):
    with app.app_context():
        fields = people.PersonFields(email="bad", full_name="", organization_id=org.id, job_function="pilot", base="x")
        errors = people.validate(fields, None)
        assert set(errors) == {"email", "full_name", "job_function", "base"}
        ok = people.PersonFields(email="ok@sky.test", full_name="Ok Person", organization_id=org.id)
        assert people.validate(ok, None) == {}


def test_confirming_after_the_staff_changed_shows_the_new_rejections_and_writes_nothing(
    app, client, org, manager, make_org, make_user
):
    preview = _upload(client, _csv(["ann@sky.test", "Ann Example", "E-1", "gate", ""]))
    make_user(make_org("Other Air"), Role.LEARNER, email="ann@sky.test", full_name="Ann Elsewhere")
    page = text(_confirm(client, preview))
    assert "Your staff records changed since the preview" in page
    assert staff_import.UNUSABLE_EMAIL in _rows(page)[2]
    assert "Confirm import" not in page
    assert "ann@sky.test" not in _people(app, org)
    with app.app_context():
        assert db.session.scalar(sa.select(StaffImport.applied_at)) is None


def test_when_the_mail_server_fails_the_page_says_to_hand_out_the_links(app, client, manager, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.sky.test")
    monkeypatch.setattr(mailer.smtplib, "SMTP", unreachable)
    page = text(_confirm(client, _upload(client, _csv(["ann@sky.test", "Ann Example", "", "gate", ""]))))
    assert "could not be sent to everyone (0 of 1 sent)" in page
    assert "http://training.test/welcome/" in page
    assert _count(app, User, User.email == "ann@sky.test") == 1
