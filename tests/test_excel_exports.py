"""The Excel files managers and auditors download, opened as a person would open them.

Each file is fetched through its route, converted by LibreOffice Calc (headless) to see what a person
sees, and read with openpyxl for what Calc does not print: cell types, the bold and frozen header row,
its filters, the column widths and the title row.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl.utils import get_column_letter

from tests.content_fixture import load_test_content
from tests.factories import add_certificates
from tests.helpers import login
from tests.spreadsheet_tools import calc_rows, sheet_of
from training.extensions import db
from training.models import OrgKind, Requirement, Role, User
from training.services import csv_safe, requirements
from training.services.exports import COMPLIANCE_HEADER

NOW = datetime.now(UTC)
HOSTILE = "=HYPERLINK(1)"
LONG_NAME = "Wanjiru Nyambura Kamau-Odhiambo Achieng"


@pytest.fixture
def known(app, tmp_path, make_org, make_user):
    """Known Air: one compliant person, one overdue, one not started with a name a spreadsheet would run."""
    load_test_content(app, tmp_path)
    air = make_org("Known Air")
    authority = make_org("Known Authority", kind=OrgKind.AUTHORITY, oversees=(air,))
    compliant = make_user(air, full_name="A Compliant", employee_number="0042", job_function="cabin_crew")
    late = make_user(air, full_name=LONG_NAME, employee_number="-7", job_function="cabin_crew", base="NBO")
    make_user(air, full_name=HOSTILE, job_function="cabin_crew")
    add_certificates(app, air, [compliant], issued=NOW - timedelta(days=10), expires_in_days=200)
    with app.app_context():
        db.session.get(User, late.id).created_at = NOW - timedelta(days=90)
        requirements.sync_all()
        db.session.commit()
        due = {
            user_id: due_at.date()
            for user_id, due_at in db.session.execute(sa.select(Requirement.user_id, Requirement.due_at))
        }
    return {
        "air": air,
        "manager": make_user(air, Role.MANAGER, job_function="other"),
        "auditor": make_user(authority, Role.AUDITOR),
        "expires": (NOW - timedelta(days=10) + timedelta(days=200)).date(),
        "late_due": due[late.id],
    }


def _download(app, person: User, url: str, **args: str) -> bytes:
    client = app.test_client()
    assert login(client, person.email).status_code == 302
    response = client.get(url, query_string=args)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response.data


def _assert_laid_out_for_people(data: bytes, header: list[str], title: str) -> list[tuple]:
    """The layout every Excel export shares; returns the data rows as openpyxl reads them."""
    sheet = sheet_of(data)
    rows = list(sheet.iter_rows(values_only=True))
    heading = rows[0][0]
    assert heading.startswith(title), heading
    stamp = re.search(r"exported (\d{4}-\d\d-\d\d \d\d:\d\d) UTC$", heading)
    assert stamp, heading
    exported = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert abs(exported - datetime.now(UTC)) < timedelta(minutes=2), "the heading does not say when it was exported"
    assert list(rows[1]) == header
    assert all(cell.font.b for cell in sheet[2]), "the header row is not bold"
    assert sheet["A1"].font.b
    assert sheet.freeze_panes == "A3", "the title and header rows do not stay in view"
    last = get_column_letter(len(header))
    assert sheet.auto_filter.ref == f"A2:{last}{len(rows)}", "the header has no filters over every row"
    for column, name in enumerate(header, start=1):
        letter = get_column_letter(column)
        width = sheet.column_dimensions[letter].width
        assert width, f"column {name!r} has no width"
        assert width >= len(name), f"column {name!r} is narrower than its header"
        longest = max(len(_shown(cell.value)) for cell in sheet[letter][2:] if cell.value is not None)
        assert width >= min(longest, 60), f"column {name!r} ({width}) is narrower than its content ({longest})"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), "a cell is a formula"
    return rows[2:]


def _shown(value: object) -> str:
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else str(value)


def _assert_date_cells(data: bytes, column: int) -> None:
    sheet = sheet_of(data)
    cells = [row[column] for row in sheet.iter_rows(min_row=3) if row[column].value is not None]
    assert cells
    for cell in cells:
        assert isinstance(cell.value, datetime), f"{cell.coordinate} is {cell.value!r}, not a date"
        assert cell.number_format == "yyyy-mm-dd"


def test_manager_compliance_excel(app, known):
    header = COMPLIANCE_HEADER
    data = _download(app, known["manager"], "/manage/export/compliance.xlsx")
    rows = _assert_laid_out_for_people(data, header, "Compliance of Known Air · Every required course of active staff")
    _assert_date_cells(data, header.index("Due"))
    _assert_date_cells(data, header.index("Certificate expires"))
    by_name = {row[0]: row for row in rows}
    assert by_name["A Compliant"][9].date() == known["expires"]
    assert by_name["A Compliant"][2] == "0042", "an employee number lost its leading zeros"
    assert by_name[LONG_NAME][7].date() == known["late_due"]
    assert by_name[LONG_NAME][2] == "'-7", "text that looks like a formula is not neutralised"
    assert "'" + HOSTILE in by_name

    shown = calc_rows(data)
    assert shown[0][0].startswith("Compliance of Known Air")
    assert shown[1] == header
    seen = {row[0]: row for row in shown[2:]}
    assert seen["A Compliant"][9] == known["expires"].isoformat()
    assert seen["A Compliant"][2] == "0042"
    assert seen[LONG_NAME][6:8] == ["Overdue", known["late_due"].isoformat()]
    assert seen["'" + HOSTILE][6] == "Not started"


def test_the_csv_keeps_iso_dates(app, known):
    client = app.test_client()
    login(client, known["manager"].email)
    rows = list(csv.DictReader(io.StringIO(client.get("/manage/export/compliance.csv").get_data(as_text=True)[1:])))
    late = next(r for r in rows if r["Name"] == LONG_NAME)
    assert late["Due"] == known["late_due"].isoformat()
    assert late["Certificate expires"] == ""


def test_auditor_compliance_excel(app, known):
    data = _download(app, known["auditor"], f"/audit/organizations/{known['air'].id}/compliance.xlsx")
    rows = _assert_laid_out_for_people(data, COMPLIANCE_HEADER, "Compliance of Known Air")
    assert {row[0] for row in rows} == {"A Compliant", LONG_NAME, "'" + HOSTILE}
    assert calc_rows(data)[1] == COMPLIANCE_HEADER


def test_staff_excel_title_says_what_was_filtered(app, known):
    header = ["Name", "Email", "Employee number", "Job function", "Base", "Account", "Signed in"]
    data = _download(app, known["manager"], "/manage/export/staff.xlsx", base="NBO")
    rows = _assert_laid_out_for_people(data, header, "Staff of Known Air · Base: NBO · Active accounts · exported")
    assert [row[0] for row in rows] == [LONG_NAME]
    data = _download(app, known["manager"], "/manage/export/staff.xlsx", compliance="overdue", course="test-course")
    heading = sheet_of(data)["A1"].value
    assert heading.startswith("Staff of Known Air · Training status: Overdue · Course: Test course · Active accounts")


def test_numbers_stay_numbers_and_text_stays_text():
    """Through the one writer every Excel download uses: a number is a number cell Calc can add up."""
    header = ["Label", "Count", "Share", "Day"]
    rows = [["-2", -2, 0.25, date(2026, 1, 31)], ["=1+1", 3, 1.5, None]]
    data = b"".join(csv_safe.xlsx_stream("Figures", header, rows, heading="Figures · exported 2026-01-31 09:00 UTC"))
    sheet = sheet_of(data)
    assert [(c.value, c.data_type) for c in sheet[3]][:3] == [("'-2", "s"), (-2, "n"), (0.25, "n")]
    assert sheet["D3"].is_date
    assert calc_rows(data)[2:] == [["'-2", "-2", "0.25", "2026-01-31"], ["'=1+1", "3", "1.5", ""]]


def test_column_widths_are_bounded():
    long_text = "x" * 500
    widths = csv_safe.column_widths(["A", "Name"], [[long_text, "Jo"]])
    assert widths == [60.0, 8.0]
