"""The auditor's workspace: scope, read-only enforcement, the certificate register and the bulk ZIP."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.content_fixture import load_test_content
from tests.factories import NOW, add_certificates
from tests.helpers import login, text
from training.extensions import db
from training.models import Certificate, Organization, OrgKind, Role, User, utcnow


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    load_test_content(app, tmp_path)
    airline = make_org("Audit Air")
    airport = make_org("Audit Port", kind=OrgKind.AIRPORT)
    outsider = make_org("Unwatched Air")
    authority = make_org("Audit Authority", kind=OrgKind.AUTHORITY, oversees=(airline, airport))
    crew = [
        make_user(airline, full_name=f"Crew {n}", employee_number=f"AA-{n}", job_function="cabin_crew")
        for n in range(3)
    ]
    port_staff = make_user(airport, full_name="Port Person", employee_number="AP-1", job_function="security")
    stranger = make_user(outsider, full_name="Hidden Person", employee_number="UA-1", job_function="cabin_crew")
    return {
        "airline": airline,
        "airport": airport,
        "outsider": outsider,
        "auditor": make_user(authority, Role.AUDITOR),
        "internal": make_user(airline, Role.AUDITOR),
        "serials_air": add_certificates(app, airline, crew),
        "serials_port": add_certificates(
            app, airport, [port_staff], issued=NOW - timedelta(days=400), expires_in_days=365
        ),
        "serials_out": add_certificates(app, outsider, [stranger]),
    }


def test_authority_auditor_sees_overseen_organizations_only(client, world):
    login(client, world["auditor"].email)
    overview = text(client.get("/audit/"))
    assert "Audit Air" in overview
    assert "Audit Port" in overview
    assert "Unwatched Air" not in overview
    assert client.get(f"/audit/organizations/{world['airline'].id}").status_code == 200
    assert client.get(f"/audit/organizations/{world['outsider'].id}").status_code == 404
    assert client.get(f"/audit/organizations/{world['outsider'].id}/staff").status_code == 404
    assert client.get(f"/audit/organizations/{world['outsider'].id}/compliance.csv").status_code == 404


def test_internal_auditor_sees_only_own_organization(client, world):
    login(client, world["internal"].email)
    overview = text(client.get("/audit/"))
    assert "Audit Air" in overview
    assert "Audit Port" not in overview
    register = text(client.get("/audit/certificates"))
    assert "Crew 0" in register
    assert "Port Person" not in register


def test_auditor_sees_the_same_numbers_as_the_manager(app, client, world, make_user):
    manager = make_user(world["airline"], Role.MANAGER)
    login(client, manager.email)
    manager_page = text(client.get("/manage/"))
    client.application.test_client()
    auditor = app.test_client()
    login(auditor, world["auditor"].email)
    auditor_page = text(auditor.get(f"/audit/organizations/{world['airline'].id}"))

    def stats(page: str) -> list[str]:
        return re.findall(r"<dt>([^<]+)</dt><dd><a [^>]*>([^<]+)</a>", page)

    assert stats(manager_page) == stats(auditor_page)
    assert stats(manager_page)


def test_every_auditor_route_is_read_only(app, client, world):
    login(client, world["auditor"].email)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("audit.")]
    assert len(rules) >= 6
    for rule in rules:
        url = rule.rule.replace("<int:org_id>", str(world["airline"].id)).replace("<fmt>", "csv")
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert client.open(url, method=method).status_code == 405, (method, url)
    # And the management and admin pages refuse auditors.
    assert client.get("/manage/staff").status_code == 403
    assert client.get("/admin/people").status_code == 403


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, {"Crew 0", "Crew 1", "Crew 2", "Port Person"}),
        ({"q": "crew 1"}, {"Crew 1"}),
        ({"q": "AP-1"}, {"Port Person"}),
        ({"status": "expired"}, {"Port Person"}),
        ({"status": "valid"}, {"Crew 0", "Crew 1", "Crew 2"}),
        ({"status": "revoked"}, set()),
        (
            {"course": "test-course", "issued_from": (NOW - timedelta(days=20)).date().isoformat()},
            {"Crew 0", "Crew 1", "Crew 2"},
        ),
        ({"issued_to": (NOW - timedelta(days=100)).date().isoformat()}, {"Port Person"}),
        (
            {"issued_from": "not-a-date", "status": "nonsense", "org": "x"},
            {"Crew 0", "Crew 1", "Crew 2", "Port Person"},
        ),
    ],
)
def test_register_search_and_filters(client, world, args, expected):
    login(client, world["auditor"].email)
    page = text(client.get("/audit/certificates", query_string=args))
    found = set(re.findall(r'<td data-label="Holder"><span>([^<]+)', page))
    assert found == expected
    assert "Hidden Person" not in page


def test_register_finds_by_serial_and_org(client, world):
    login(client, world["auditor"].email)
    serial = world["serials_air"][1]
    page = text(client.get("/audit/certificates", query_string={"q": serial.lower()}))
    assert set(re.findall(r'<td data-label="Holder"><span>([^<]+)', page)) == {"Crew 1"}
    page = text(client.get("/audit/certificates", query_string={"org": world["airport"].id}))
    assert set(re.findall(r'<td data-label="Holder"><span>([^<]+)', page)) == {"Port Person"}
    # Another organization's id in the filter finds nothing, rather than its certificates.
    page = text(client.get("/audit/certificates", query_string={"org": world["outsider"].id}))
    assert "Hidden Person" not in page


def test_bulk_zip_contents_and_hashes(app, client, world):
    login(client, world["auditor"].email)
    response = client.get("/audit/certificates.zip", query_string={"org": world["airline"].id})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert sorted(n for n in names if n.endswith(".pdf")) == sorted(
        f"certificates/{s}.pdf" for s in world["serials_air"]
    )
    assert {"manifest.csv", "manifest.sha256"} <= set(names)
    assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert {m["serial"] for m in manifest} == set(world["serials_air"])
    with app.app_context():
        stored = dict(db.session.execute(sa.select(Certificate.serial, Certificate.pdf)).all())
    for row in manifest:
        data = archive.read(row["file"])
        assert data == stored[row["serial"]]
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert row["status"] == "valid"
        assert row["organization"] == "Audit Air"
    # manifest.sha256 checks like `sha256sum -c`.
    for line in archive.read("manifest.sha256").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert "manifest.csv" in archive.read("manifest.sha256").decode()


def test_bulk_zip_is_scoped(client, world):
    login(client, world["internal"].email)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/audit/certificates.zip").data))
    serials_in_zip = {
        n.removeprefix("certificates/").removesuffix(".pdf") for n in archive.namelist() if n.endswith(".pdf")
    }
    assert serials_in_zip == set(world["serials_air"])


@pytest.mark.slow  # a load test: thousands of certificates through the ZIP
def test_zip_streams_with_flat_memory(app, client, world, make_user):
    """A few thousand certificates: peak memory stays far below the archive's size."""
    people = [make_user(world["airline"], full_name=f"Bulk {n}", job_function="gate") for n in range(5)]
    count, size = 2500, 16_000
    # Many certificates of a few people (the unique attempt id is what matters).
    with app.app_context():
        holders = [db.session.get(User, p.id) for p in people]
        for holder in holders:
            db.session.expunge(holder)
    for start in range(0, count, 500):
        add_certificates(app, world["airline"], [holders[n % 5] for n in range(start, start + 500)], pdf_size=size)
    login(client, world["auditor"].email)
    tracemalloc.start()
    try:
        response = client.get("/audit/certificates.zip", query_string={"org": world["airline"].id}, buffered=False)
        total = 0
        for chunk in response.response:
            total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total > count * size  # the archive really holds the PDFs
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {total / 1e6:.1f} MB archive"


def _holders(client, q: str) -> tuple[set[str], str]:
    page = text(client.get("/audit/certificates", query_string={"q": q}))
    return set(re.findall(r'<td data-label="Holder"><span>([^<]+)', page)), page


def _change_holder(app, name: str, **changes: str) -> None:
    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.full_name == name))
        for key, value in changes.items():
            setattr(person, key, value)
        db.session.commit()


def test_register_finds_by_the_holders_current_and_printed_details(app, client, world):
    """Staff change names and numbers after the certificate was printed: both find it."""
    _change_holder(app, "Crew 0", employee_number="AA-NEW-7")
    _change_holder(app, "Crew 1", full_name="Wanjiru Kamau")
    login(client, world["auditor"].email)
    assert _holders(client, "aa-new-7")[0] == {"Crew 0"}  # current employee number
    assert _holders(client, "AA-0")[0] == {"Crew 0"}  # the one printed on the certificate
    found, page = _holders(client, "kamau")  # current name
    assert found == {"Crew 1"}
    assert "Now: Wanjiru Kamau" in page  # why it matched is on the page
    assert _holders(client, "Crew 1")[0] == {"Crew 1"}  # the printed name still finds it


@pytest.mark.parametrize("form", ["dashed", "compact", "lower"])
def test_register_finds_by_part_of_a_serial(client, world, form):
    login(client, world["auditor"].email)
    serial = world["serials_air"][2]  # e.g. 7K3M-QX9A-2HTD-VE
    part = {"dashed": serial[2:12], "compact": serial[5:14].replace("-", ""), "lower": serial[-7:].lower()}[form]
    assert _holders(client, part)[0] == {"Crew 2"}


def test_register_explains_a_mistyped_serial(client, world):
    login(client, world["auditor"].email)
    serial = world["serials_air"][0]
    wrong = serial[:-1] + ("0" if serial[-1] != "0" else "1")
    found, page = _holders(client, wrong)
    assert found == set()
    assert "its last character does not match" in page
    assert 'aria-invalid="true"' in page
    # A search that is not a serial gets no such message.
    assert "does not match" not in _holders(client, "Crew")[1]


def test_register_never_finds_another_authoritys_certificates(app, client, world):
    _change_holder(app, "Hidden Person", full_name="Hidden Renamed", employee_number="UA-99")
    login(client, world["auditor"].email)
    serial = world["serials_out"][0]
    for q in (serial, serial[:9], serial.replace("-", "")[3:10], "Hidden", "Hidden Renamed", "UA-1", "UA-99"):
        found, page = _holders(client, q)
        assert found == set(), q
        shown = re.sub(r'name="next" value="[^"]*"', "", page)  # the language menu returns to this search
        assert "Hidden" not in shown.replace(f'value="{q}"', "")


def _zip_name(client, **args) -> str:
    response = client.get("/audit/certificates.zip", query_string=args)
    assert response.status_code == 200
    response.get_data()  # the whole stream, so its database cursor is closed
    return response.headers["Content-Disposition"]


def test_zip_file_name_says_what_it_holds(app, client, world):
    login(client, world["auditor"].email)
    today = utcnow().date().isoformat()
    name = _zip_name(
        client,
        org=world["airline"].id,
        course="test-course",
        status="valid",
        issued_from="2026-01-01",
        issued_to="2026-06-30",
    )
    expected = f"certificates-audit-air-test-course-valid-2026-01-01-to-2026-06-30-{today}.zip"
    assert name == f'attachment; filename="{expected}"'
    assert _zip_name(client) == f'attachment; filename="certificates-all-organizations-{today}.zip"'
    assert _zip_name(client, issued_to="2026-06-30", q="Crew 1") == (
        f'attachment; filename="certificates-all-organizations-matching-crew-1-to-2026-06-30-{today}.zip"'
    )
    # An organization the auditor does not oversee is never named.
    assert "unwatched" not in _zip_name(client, org=world["outsider"].id)


def test_zip_file_name_is_safe_and_bounded(app, client, world):
    with app.app_context():
        org = db.session.get(Organization, world["airline"].id)
        org.name = "Société Aérienne du Kénya — طيران كينيا" + " Très Longue" * 9  # 148 characters
        db.session.commit()
    login(client, world["auditor"].email)
    header = _zip_name(
        client,
        org=world["airline"].id,
        q='"; evil=\\..\\/x' * 8,
        course="c" * 80,
        status="revoked",
        issued_from="2026-01-01",
        issued_to="2026-06-30",
    )
    plain = re.fullmatch(r'attachment; filename="([^"]+)"; filename\*=UTF-8\'\'(\S+)', header)
    assert plain, header
    assert re.fullmatch(r"[A-Za-z0-9-]+\.zip", plain[1])
    assert plain[1].startswith("certificates-societe-aerienne-du-kenya-")
    assert len(plain[1]) <= 180
    assert "%D8%B7" in plain[2]  # the Arabic name, percent-encoded UTF-8
    assert re.fullmatch(r"[A-Za-z0-9%._-]+", plain[2])
