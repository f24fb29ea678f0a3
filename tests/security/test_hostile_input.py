"""Hostile and random input: property-based tests over the parsers, and malformed requests.

Any exception other than the parser's own refusal, or any 5xx answer, fails; a refused request
writes nothing.
"""

from __future__ import annotations

import csv
import io
import string
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.content_fixture import write_content
from tests.helpers import csrf_token, login
from training.content.validate import read_content
from training.extensions import db
from training.models import Organization, Role, StaffImport, User
from training.services import serials, staff_import
from training.services.errors import ServiceError

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# --- serials -----------------------------------------------------------------------------------


@given(st.text(max_size=60))
def test_the_serial_parser_accepts_or_refuses_any_text(text):
    try:
        parsed = serials.parse_serial(text)
    except serials.SerialError:
        return
    assert serials.parse_serial(parsed) == parsed  # what it accepts is canonical


@given(st.text(alphabet=CROCKFORD + "-ilo ", min_size=10, max_size=25))
def test_serial_like_text_is_accepted_only_with_a_matching_check_character(text):
    try:
        parsed = serials.parse_serial(text)
    except serials.SerialError:
        return
    compact = parsed.replace("-", "")
    assert serials.format_serial(compact) == parsed


@given(st.data())
def test_every_issued_serial_survives_how_people_type_it(data):
    serial = serials.new_serial()
    typed = serial.lower() if data.draw(st.booleans()) else serial
    typed = typed.replace("-", data.draw(st.sampled_from(["-", " ", "", "--"])))
    typed = typed.replace("1", data.draw(st.sampled_from(["1", "l", "I"]))).replace("0", "o")
    assert serials.parse_serial(typed) == serial


# --- the staff CSV import ----------------------------------------------------------------------

cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
emails = st.one_of(
    cells,
    st.builds(
        "{}@{}.test".format,
        st.text(alphabet=string.ascii_letters + string.digits + "._+-", min_size=1, max_size=20),
        st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10),
    ),
)
job_functions = st.one_of(cells, st.sampled_from(["cabin_crew", "Gate", "security", "CHECK-IN", "pilot"]))
rows = st.lists(st.tuples(emails, cells, cells, job_functions, cells), max_size=25)


def _csv(header: list[str], body: list[tuple[str, ...]], delimiter: str, bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(body)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


@pytest.fixture
def org(app, make_org):
    return make_org("Fuzz Air")


def _plan_or_refusal(app, org_id: int, data: bytes):
    with app.app_context():
        try:
            return staff_import.parse(data, db.session.get(Organization, org_id))
        except ServiceError as refusal:
            reason = str(refusal)
        finally:
            db.session.rollback()
    assert reason, "a refusal says why"
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(data=st.binary(max_size=2000))
def test_any_bytes_are_parsed_or_refused_with_a_reason(app, org, data):
    plan = _plan_or_refusal(app, org.id, data)
    if plan is not None:
        assert all(row.action in {"create", "update", "unchanged", "reject"} for row in plan.rows)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(
    body=rows,
    delimiter=st.sampled_from([",", ";"]),
    bom=st.booleans(),
    header=st.permutations(staff_import.TEMPLATE_COLUMNS),
)
def test_random_rows_are_each_accepted_or_rejected_with_a_reason(app, org, body, delimiter, bom, header):
    ordered = [tuple(row[staff_import.TEMPLATE_COLUMNS.index(name)] for name in header) for row in body]
    plan = _plan_or_refusal(app, org.id, _csv(list(header), ordered, delimiter, bom))
    if plan is None:
        return
    for row in plan.rows:
        if row.action == "reject":
            assert row.reasons, f"line {row.line} rejected without a reason"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0, "parsing wrote people"


# --- the content validator ---------------------------------------------------------------------

yaml_text = st.one_of(
    st.text(max_size=300),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
        lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children)),
        max_leaves=12,
    ).map(repr),
)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(course=yaml_text, module=st.text(max_size=400), quiz=yaml_text)
@example(course="spec: 1\x1f", module="---\ntitle: \x07\n---\n", quiz="\x1f")  # control characters once crashed it
def test_the_content_validator_reports_problems_for_any_files(tmp_path_factory, course, module, quiz):
    root = write_content(tmp_path_factory.mktemp("content"))
    (root / "modules" / "test-course" / "course.yaml").write_text(course, encoding="utf-8")
    (root / "modules" / "test-course" / "m-one.md").write_text(module, encoding="utf-8")
    (root / "quizzes" / "test-course.yaml").write_text(quiz, encoding="utf-8")
    bundle, problems = read_content(root)
    if problems:
        assert all(p.path and p.message for p in problems)
    else:
        assert bundle is not None


def test_content_files_with_bad_bytes_are_reported(tmp_path: Path):
    root = write_content(tmp_path)
    (root / "modules" / "test-course" / "m-one.md").write_bytes(b"\xff\xfe\x00garbage")
    _bundle, problems = read_content(root)
    assert problems
    assert any("m-one.md" in p.path for p in problems)


# --- requests ----------------------------------------------------------------------------------

path_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="?#"), max_size=40)


@pytest.fixture
def manager_client(app, org, make_user):
    client = app.test_client()
    login(client, make_user(org, Role.MANAGER).email)
    return client


@settings(max_examples=80, deadline=None, suppress_health_check=FIXTURES)
@given(
    prefix=st.sampled_from(
        [
            "/verify/",
            "/certificates/",
            "/manage/staff/",
            "/manage/contacts/",
            "/manage/assignments/",
            "/manage/staff/import/",
            "/courses/",
            "/attempts/",
            "/audit/organizations/",
            "/welcome/",
            "/password/reset/",
        ]
    ),
    tail=st.one_of(path_text, st.integers(min_value=-(2**70), max_value=2**70).map(str)),
    query=st.dictionaries(st.sampled_from(["page", "q", "sort", "course", "org", "status", "date_from"]), path_text),
)
@example(prefix="/manage/staff/", tail="2147483648", query={})  # beyond PostgreSQL's integer: once a 500
def test_malformed_urls_and_ids_never_give_a_server_error(manager_client, prefix, tail, query):
    response = manager_client.get(prefix + tail, query_string=query)
    assert response.status_code < 500, f"{prefix}{tail!r} {query!r}: {response.status_code}"
    response.close()


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(data=st.binary(max_size=5000), name=st.text(max_size=30))
def test_random_uploads_are_refused_cleanly_and_write_nothing(app, manager_client, data, name):
    fields = {
        "csrf_token": csrf_token(manager_client, "/manage/staff/import"),
        "file": FileStorage(io.BytesIO(data), name or "x", content_type="application/octet-stream"),
    }
    boundary, body = encode_multipart(fields)
    response = manager_client.post(
        "/manage/staff/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code < 500
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1, "an upload created people"
        db.session.execute(sa.delete(StaffImport))  # the stored preview, if the file parsed
        db.session.commit()


@pytest.mark.parametrize("value", ["99999999999999999999", "2147483648", "²", "-1", "0", "1e9"])
def test_numbers_no_database_can_hold_are_ignored_in_filters(app, manager_client, make_user, org, value):
    assert manager_client.get("/manage/staff", query_string={"page": value}).status_code == 200
    admin = app.test_client()
    login(admin, make_user(org, Role.ADMIN).email)
    assert admin.get("/admin/people", query_string={"org": value, "page": value}).status_code == 200
    assert admin.get("/audit/trail", query_string={"org": value, "page": value}).status_code == 200
    assert admin.get(f"/admin/people/{value}").status_code == 404


def test_nul_characters_are_refused_before_they_reach_the_database(app, manager_client):
    assert manager_client.get("/manage/staff", query_string={"q": "a\x00b"}).status_code == 400
    anonymous = app.test_client()
    token = csrf_token(anonymous, "/login")
    response = anonymous.post("/login", data={"csrf_token": token, "email": "x\x00@example.test", "password": "p"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_an_oversized_request_is_refused_with_413(app, manager_client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    fields = {
        "csrf_token": csrf_token(manager_client, "/manage/staff/import"),
        "file": FileStorage(io.BytesIO(b"a" * (limit + 1)), "huge.csv", content_type="text/csv"),
    }
    boundary, body = encode_multipart(fields)
    response = manager_client.post(
        "/manage/staff/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffImport)) == 0
