"""An auditor on a desktop checks the overview, verifies a certificate and takes the register away as a ZIP."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from training.extensions import db
from training.models import Certificate, Organization
from training.services import demo


def _airline_serials(app: Flask) -> list[str]:
    """The serials of Demo Air's certificates (the demo's training history)."""
    with app.app_context():
        serials = list(
            db.session.scalars(
                sa.select(Certificate.serial)
                .join(Organization, Organization.id == Certificate.organization_id)
                .where(Organization.name == demo.AIRLINE)
                .order_by(Certificate.serial)
            )
        )
        db.session.remove()
    return serials


def _check_zip(path: Path) -> list[str]:
    """Check every PDF in the ZIP against manifest.csv; return the serials it lists."""
    with zipfile.ZipFile(path) as archive, archive.open("manifest.csv") as raw:
        manifest = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
        pdfs = {name for name in archive.namelist() if name.endswith(".pdf")}
        assert pdfs == {row["file"] for row in manifest}
        for row in manifest:
            pdf = archive.read(row["file"])
            assert pdf.startswith(b"%PDF")
            assert hashlib.sha256(pdf).hexdigest() == row["sha256"], row["file"]
    return [row["serial"] for row in manifest]


def test_auditor_verifies_a_certificate_and_downloads_the_register(
    app: Flask, demo_world: None, desktop: Page, tmp_path: Path
) -> None:
    serials = _airline_serials(app)
    assert serials, "the demo history issues certificates to Demo Air's staff"
    sign_in(desktop, "auditor@demo.test")

    desktop.goto("/audit/")
    overview = desktop.get_by_role("table")
    for name in (demo.AIRLINE, demo.AIRPORT):
        expect(overview.get_by_role("link", name=name)).to_be_visible()
    check_accessibility(desktop, "auditor overview")
    screenshot(desktop, "auditor-overview")

    desktop.get_by_role("link", name="Search the certificate register").click()
    expect(desktop.get_by_role("heading", name="Certificate register")).to_be_visible()
    check_accessibility(desktop, "certificate register")
    screenshot(desktop, "auditor-register", full_page=True)

    serial = serials[0]
    desktop.get_by_label("holder name or employee number").fill(serial)
    desktop.get_by_role("button", name="Search").click()
    expect(desktop).to_have_url(re.compile(f"q={serial}"))
    found = desktop.get_by_role("table")
    expect(found.get_by_role("row")).to_have_count(2)  # the header and the one certificate
    check_accessibility(desktop, "register searched by serial")
    found.get_by_role("link", name=serial, exact=True).click()

    expect(desktop.get_by_role("heading", name=f"Certificate {serial}")).to_be_visible()
    expect(desktop.locator(".details")).to_contain_text(demo.AIRLINE)
    check_accessibility(desktop, "verification")

    desktop.goto("/audit/certificates")
    desktop.get_by_label("Organization").select_option(label=demo.AIRLINE)
    desktop.get_by_role("button", name="Search").click()
    check_accessibility(desktop, "register filtered to Demo Air")
    zip_link = desktop.get_by_role("link", name=re.compile(r"^Download these \d+ certificates? as a ZIP"))
    expect(zip_link).to_contain_text(f"Download these {len(serials)} certificates")
    with desktop.expect_download() as info:
        zip_link.click()
    download = info.value
    # The file name says what it holds: the organization and the day.
    assert re.fullmatch(r"certificates-demo-air-\d{4}-\d\d-\d\d\.zip", download.suggested_filename), (
        download.suggested_filename
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert _check_zip(path) == serials


def test_the_register_fits_at_200_percent_zoom(demo_world: None, desktop: Page) -> None:
    """At 200 % zoom a 1280-pixel window is 640 CSS pixels wide (a 1440-pixel one 720; at 400 %, 320):
    filters wrap, the results become cards, and neither the page nor the results scroll sideways."""
    sign_in(desktop, "auditor@demo.test")
    for width in (640, 720, 320):
        desktop.set_viewport_size({"width": width, "height": 800})
        desktop.goto("/audit/certificates")
        expect(desktop.locator("table.responsive tbody tr").first).to_be_visible()
        page_width = desktop.evaluate("() => document.documentElement.scrollWidth")
        assert page_width <= width, f"at {width} px the register is {page_width} px wide: the page scrolls sideways"
        overflow = desktop.evaluate(
            "() => [...document.querySelectorAll('.table-wrap, form.filters')]"
            ".filter(e => e.scrollWidth > e.clientWidth).map(e => e.className)"
        )
        assert not overflow, f"at {width} px these scroll sideways: {overflow}"
        if width == 640:
            check_accessibility(desktop, "certificate register at 200 % zoom")
            screenshot(desktop, "auditor-register-zoom")
