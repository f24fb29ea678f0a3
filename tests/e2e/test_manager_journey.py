"""A manager on a desktop reads the compliance dashboard and imports staff from a spreadsheet."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import FilePayload, Page, expect

from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from training.extensions import db
from training.models import Organization
from training.services import compliance, demo

HEADER = "email,full_name,employee_number,job_function,base"
NEW_STAFF = [
    "wairimu.test@demo-air.test,Wairimu Test,DA-3001,cabin_crew,NBO",
    "otieno.test@demo-air.test,Otieno Test,DA-3002,Gate,MBA",
]
BAD_ROW = "not-an-email,Bad Row,DA-3003,gate,MBA"


def _csv(*rows: str) -> FilePayload:
    body = "\n".join([HEADER, *rows]) + "\n"
    return FilePayload(name="staff.csv", mimeType="text/csv", buffer=body.encode())


def _airline_compliance(app: Flask) -> compliance.Counts:
    with app.app_context():
        airline = db.session.scalar(sa.select(Organization).where(Organization.name == demo.AIRLINE))
        assert airline is not None
        counts = compliance.organizations([airline.id])[airline.id]
        db.session.remove()
    return counts


def _upload(page: Page, payload: FilePayload) -> None:
    page.get_by_label("CSV file").set_input_files(payload)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()


def test_manager_reads_the_dashboard_and_imports_staff(app: Flask, demo_world: None, desktop: Page) -> None:
    counts = _airline_compliance(app)
    assert counts.required
    sign_in(desktop, "manager@demo.test")

    desktop.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(desktop.get_by_role("heading", name="Demo Air: training compliance")).to_be_visible()
    expect(desktop.locator("svg.chart[role=img]").first).to_be_visible()
    expect(desktop.get_by_role("group", name=re.compile("^Compliance by course"))).to_contain_text(
        "Recognize and report human trafficking"
    )
    stats = desktop.locator("dl.stats")
    expect(stats).to_contain_text(f"{counts.percent_compliant}%")
    expect(stats).to_contain_text(f"{counts.compliant} of {counts.required} required trainings")
    check_accessibility(desktop, "manager dashboard")
    screenshot(desktop, "manager-dashboard", full_page=True)

    desktop.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    check_accessibility(desktop, "staff list")
    desktop.get_by_role("link", name="Import staff from CSV").click()
    expect(desktop).to_have_url(re.compile("/manage/staff/import$"))
    check_accessibility(desktop, "staff import")

    _upload(desktop, _csv(NEW_STAFF[0], BAD_ROW, NEW_STAFF[1]))
    expect(desktop.get_by_role("alert")).to_contain_text("Lines to fix: 3.")
    rejected = desktop.get_by_role("row").filter(has_text="not-an-email")
    expect(rejected).to_contain_text("Rejected")
    expect(rejected.get_by_role("cell").first).to_have_text("3")
    expect(desktop.get_by_role("button", name="Confirm import")).to_have_count(0)
    check_accessibility(desktop, "import preview with a rejected row")
    screenshot(desktop, "manager-import-rejected", full_page=True)

    _upload(desktop, _csv(*NEW_STAFF))
    expect(desktop.locator(".import-counts")).to_contain_text("2 new people")
    check_accessibility(desktop, "import preview")
    screenshot(desktop, "manager-import-preview", full_page=True)
    desktop.get_by_role("button", name="Confirm import").click()

    expect(desktop.get_by_role("heading", name="Staff imported")).to_be_visible()
    expect(desktop.get_by_role("table")).to_contain_text("wairimu.test@demo-air.test")
    check_accessibility(desktop, "import result")
    # Each link has a Copy button (the clipboard is the browser's); printed, the links fit the paper.
    copy = desktop.get_by_role("button", name="Copy Wairimu Test's link")
    copy.click()
    expect(copy).to_have_text("Copied")
    expect(desktop.get_by_role("button", name="Print the links")).to_be_visible()
    desktop.emulate_media(media="print")
    desktop.set_viewport_size({"width": 700, "height": 990})  # A4's printable width at 96 dpi
    widest = desktop.eval_on_selector_all(
        "table.invitation-sheet code.copyable", "codes => Math.max(...codes.map(c => c.getBoundingClientRect().right))"
    )
    assert 0 < widest <= 700, f"a printed link runs off the paper (right edge at {widest}px)"
    expect(desktop.locator(".site-header")).to_be_hidden()
    screenshot(desktop, "manager-invitation-sheet", full_page=True)
    desktop.emulate_media(media="screen")
    desktop.set_viewport_size({"width": 1280, "height": 900})
    desktop.get_by_role("link", name="Back to your staff").click()
    expect(desktop).to_have_url(re.compile("/manage/staff$"))
    desktop.get_by_label("Name, email or employee number").fill("DA-300")
    desktop.get_by_role("button", name="Filter").click()
    expect(desktop).to_have_url(re.compile(r"/manage/staff\?.*q=DA-300"))
    staff = desktop.get_by_role("table")
    expect(staff.get_by_role("row")).to_have_count(3)  # the header and the two new people
    for name in ("Wairimu Test", "Otieno Test"):
        expect(staff.get_by_role("link", name=name)).to_be_visible()
    expect(staff).not_to_contain_text("Bad Row")
    check_accessibility(desktop, "staff list after the import")

    # The assignment form shows only the field of the target chosen, without any script.
    desktop.goto("/manage/assignments")
    expect(desktop.get_by_label("Job function", exact=True)).to_be_visible()
    expect(desktop.get_by_label("Base (station code)")).to_be_hidden()
    expect(desktop.get_by_label("Person's email")).to_be_hidden()
    desktop.get_by_label("One person").check()
    expect(desktop.get_by_label("Person's email")).to_be_visible()
    expect(desktop.get_by_label("Job function", exact=True)).to_be_hidden()
    check_accessibility(desktop, "assignments")
