"""Every CSV and Excel file the app produces keeps spreadsheet formulas out of its cells.

People's names, employee numbers and organization names that a spreadsheet would run as formulas
(CSV or formula injection) come back with a leading apostrophe, fields are all quoted, and Excel
cells are text, never formulas. Each download is fetched through its route.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest

from tests.content_fixture import load_test_content
from tests.factories import add_certificates
from tests.helpers import login
from tests.security import world as world_module
from tests.security.test_authorization_matrix import URLS
from tests.security.test_extreme_sweep import viewer
from training.extensions import db
from training.models import OrgKind, Role, User
from training.services import audit, csv_safe

DANGEROUS = [
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "Smith;=1+1",
    "Smith, =1+1",
    'Smith,"=1+1',
    "Smith|+1",
    "\tTab",
    "\rReturn",
    "Line\n=1+1",
]
HARMLESS = ["Jane Example", "O'Brien-Smith", "Ngũgĩ wa Thiong'o", "Smith; Jones", "A+B", "x@example.test", "2026-01-31"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_a_spreadsheet_could_run_gets_an_apostrophe(value):
    assert csv_safe.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_ordinary_text_is_left_as_it_is(value):
    assert csv_safe.neutralise(value) == value


@pytest.mark.parametrize("value", [-2, 3.5, 0, None])
def test_numbers_stay_numbers(value):
    assert csv_safe.neutralise(value) == value


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    """Formula Air's staff have hostile names and employee numbers; organizations with hostile names
    have audit events; an authority oversees Formula Air."""
    load_test_content(app, tmp_path)
    air = make_org("Formula Air")
    authority = make_org("Formula Authority", kind=OrgKind.AUTHORITY, oversees=(air,))
    staff = [
        make_user(air, full_name=name, employee_number=name, job_function="cabin_crew", password=None)
        for name in DANGEROUS
    ]
    add_certificates(app, air, staff)
    hostile_orgs = [make_org(name) for name in DANGEROUS]
    with app.app_context():
        for org in hostile_orgs:
            audit.record(
                "organization.settings_changed", actor=audit.SYSTEM, organization_id=org.id, object_id=org.name
            )
        db.session.commit()
    return {
        "air": air,
        "manager": make_user(air, Role.MANAGER),
        "auditor": make_user(authority, Role.AUDITOR),
        "admin": make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN),
    }


def _signed_in(app, person: User):
    client = app.test_client()
    assert login(client, person.email).status_code == 302
    return client


def _quoted_csv(text: str) -> list[list[str]]:
    """The rows of a CSV whose every field is quoted (fails otherwise)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    again = io.StringIO()
    csv.writer(again, quoting=csv.QUOTE_ALL).writerows(rows)
    assert again.getvalue() == text, "some field is not quoted"
    return rows


def _assert_neutralised(rows: list[list[str]], *, at_least: int = 1) -> None:
    cells = [cell for row in rows for cell in row]
    for name in DANGEROUS:
        assert cells.count("'" + name) >= at_least, f"{name!r} not escaped"
    for cell in cells:
        assert not csv_safe.is_dangerous(cell) or cell.startswith("'"), f"{cell!r} left as a formula"


def _csv_download(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return _quoted_csv(body[1:])


@pytest.mark.parametrize("url", ["/manage/export/staff.csv", "/manage/export/compliance.csv"])
def test_manager_csv_exports(app, world, url):
    rows = _csv_download(_signed_in(app, world["manager"]), url)
    _assert_neutralised(rows, at_least=2)  # name and employee number


def test_auditor_compliance_export(app, world):
    rows = _csv_download(_signed_in(app, world["auditor"]), f"/audit/organizations/{world['air'].id}/compliance.csv")
    _assert_neutralised(rows, at_least=2)


def test_audit_trail_csv(app, world):
    rows = _csv_download(_signed_in(app, world["admin"]), "/audit/trail.csv")
    _assert_neutralised(rows, at_least=2)  # organization name and object id


def test_bulk_zip_manifest(app, world):
    client = _signed_in(app, world["auditor"])
    response = client.get("/audit/certificates.zip", query_string={"org": world["air"].id})
    assert response.status_code == 200
    manifest = zipfile.ZipFile(io.BytesIO(response.data)).read("manifest.csv").decode("utf-8")
    rows = _quoted_csv(manifest)
    assert rows[0][:2] == ["serial", "holder"]
    _assert_neutralised(rows, at_least=2)  # holder and employee number


def test_import_template_is_quoted_with_one_charset(app, world):
    response = _signed_in(app, world["manager"]).get("/manage/staff/import/template.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _quoted_csv(response.get_data(as_text=True).removeprefix("\ufeff"))
    assert rows[0] == ["email", "full_name", "employee_number", "job_function", "base"]


@pytest.mark.parametrize("url", ["/manage/export/staff.xlsx", "/manage/export/compliance.xlsx"])
def test_excel_exports_hold_text_never_formulas(app, world, url):
    response = _signed_in(app, world["manager"]).get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells), "a cell is a formula"
    _assert_neutralised([[cell.value for cell in cells if isinstance(cell.value, str)]], at_least=2)


def test_every_csv_route_is_quoted_and_sends_one_charset(app, tmp_path, make_org, make_user):
    """Every .csv route of the URL map (the authorization matrix lists them all), as a user it answers
    200 to: a CSV not written by csv_safe (fields not all quoted) or a doubled charset fails here."""
    world = world_module.build(app, tmp_path, make_org, make_user)
    csv_routes = {endpoint: url for endpoint, url in URLS.items() if re.search(r"\.csv($|\?)", url)}
    assert len(csv_routes) >= 5
    for endpoint, template in csv_routes.items():
        role = viewer(endpoint)
        assert role is not None, endpoint
        client = _signed_in(app, world.users[role])
        _csv_download(client, template.format(**vars(world.own)))
