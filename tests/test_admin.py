"""Admin pages: organizations, oversight links and people, with validation and confirmation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import login, submit, text
from training.extensions import db
from training.models import Organization, OrgKind, Role, User


@pytest.fixture
def admin(client, make_org, make_user):
    person = make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN, full_name="Adam Admin")
    login(client, person.email)
    return person


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_create_and_edit_an_organization(app, client, admin):
    response = submit(
        client,
        "/admin/organizations/new",
        {"name": "Sky Kenya", "kind": "airline", "country": "ke", "iata_code": "sk", "icao_code": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(sa.select(Organization).where(Organization.name == "Sky Kenya"))
        assert (org.country, org.iata_code, org.icao_code) == ("KE", "SK", None)
        org_id = org.id
    edit = submit(
        client,
        f"/admin/organizations/{org_id}",
        {"name": "Sky Kenya Airways", "kind": "airline", "country": "KE", "iata_code": "SK", "icao_code": "SKY"},
    )
    assert edit.status_code == 302
    assert "Sky Kenya Airways" in text(client.get("/admin/organizations"))


def test_invalid_organization_shows_every_error_and_creates_nothing(app, client, admin):
    before = _count(app, Organization)
    response = submit(
        client,
        "/admin/organizations/new",
        {"name": "Platform", "kind": "airline", "country": "Kenya", "iata_code": "TOOLONG", "icao_code": "x"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Another organization already has this name." in page
    assert "Use the two-letter ISO country code" in page
    assert "An IATA code has 2" in page
    assert "An ICAO code has 3" in page
    assert _count(app, Organization) == before


def _set_oversight(client, org, *overseen):
    """Submit the oversight form of ``org``'s page: ``org`` oversees exactly ``overseen``."""
    return submit(
        client,
        f"/admin/organizations/{org.id}/oversight",
        {"overseen": [str(o.id) for o in overseen]},
        form_url=f"/admin/organizations/{org.id}",
    )


def test_oversight_links(app, client, admin, make_org):
    airline = make_org("Air Two")
    airport = make_org("Port Two", kind=OrgKind.AIRPORT)
    authority = make_org("Authority Two", kind=OrgKind.AUTHORITY)
    other_authority = make_org("Authority Three", kind=OrgKind.AUTHORITY)
    page = text(client.get(f"/admin/organizations/{authority.id}"))
    assert "Organizations this authority oversees" in page
    assert "Authority Three" not in page.split("Oversight")[1]  # authorities are not offered
    response = _set_oversight(client, authority, airline, airport)
    assert response.status_code == 302
    with app.app_context():
        names = [o.name for o in db.session.get(Organization, authority.id).overseen]
    assert names == ["Air Two", "Port Two"]
    # An authority cannot be overseen; the whole change is refused.
    refused = _set_oversight(client, authority, other_authority)
    assert refused.status_code == 400
    with app.app_context():
        assert len(db.session.get(Organization, authority.id).overseen) == 2
    # An airline has no oversight form.
    assert "Organizations this authority oversees" not in text(client.get(f"/admin/organizations/{airline.id}"))
    not_authority = _set_oversight(client, airline, airport)
    assert not_authority.status_code == 404


def test_create_edit_deactivate_and_reactivate_a_person(app, client, admin, make_org):
    airline = make_org("Air Three")
    response = submit(
        client,
        "/admin/people/new",
        {
            "full_name": "Zoë Müller",
            "email": "Zoe@Example.test",
            "organization_id": str(airline.id),
            "job_function": "cabin_crew",
            "roles": ["learner", "manager"],
            "employee_number": "AT-77",
            "base": "nbo",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.email == "zoe@example.test"))
        assert person.roles == {Role.LEARNER, Role.MANAGER}
        assert (person.base, person.employee_number, person.job_function) == ("NBO", "AT-77", "cabin_crew")
        person_id = person.id

    # Duplicate email and employee number are refused with messages; nothing changes.
    dup = submit(
        client,
        "/admin/people/new",
        {
            "full_name": "Someone Else",
            "email": "zoe@example.test",
            "organization_id": str(airline.id),
            "job_function": "gate",
            "roles": ["learner"],
            "employee_number": "AT-77",
        },
    )
    assert "Another person already uses this email address." in text(dup)
    assert "Another person in this organization has this employee number." in text(dup)
    assert _count(app, User) == 2

    # Edit roles.
    submit(
        client,
        f"/admin/people/{person_id}",
        {
            "full_name": "Zoë Müller",
            "email": "zoe@example.test",
            "organization_id": str(airline.id),
            "job_function": "gate",
            "roles": ["learner"],
            "employee_number": "AT-77",
            "base": "MBA",
        },
    )
    with app.app_context():
        person = db.session.get(User, person_id)
        assert person.roles == {Role.LEARNER}
        assert person.job_function == "gate"

    # Deactivation asks first, then keeps the record.
    confirm = client.get(f"/admin/people/{person_id}/deactivate")
    assert confirm.status_code == 200
    assert "Deactivate Zoë Müller?" in text(confirm)
    with app.app_context():
        assert db.session.get(User, person_id).active is True
    done = submit(client, f"/admin/people/{person_id}/deactivate")
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(User, person_id).active is False
    assert "Deactivated" in text(client.get(f"/admin/people/{person_id}"))
    submit(client, f"/admin/people/{person_id}/reactivate", form_url=f"/admin/people/{person_id}")
    with app.app_context():
        assert db.session.get(User, person_id).active is True


def test_deactivation_signs_the_person_out(app, client, admin, make_org, make_user):
    person = make_user(make_org())
    their_browser = app.test_client()
    login(their_browser, person.email)
    assert their_browser.get("/").status_code == 200
    submit(client, f"/admin/people/{person.id}/deactivate")
    assert their_browser.get("/").status_code == 302
    assert login(their_browser, person.email).status_code == 401


def test_admin_cannot_deactivate_self_or_drop_own_admin_role(app, client, admin):
    response = submit(client, f"/admin/people/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in text(response)
    with app.app_context():
        platform_id = db.session.get(User, admin.id).organization_id
    response = submit(
        client,
        f"/admin/people/{admin.id}",
        {
            "full_name": "Adam Admin",
            "email": admin.email,
            "organization_id": str(platform_id),
            "job_function": "other",
            "roles": ["learner"],
        },
    )
    assert "You cannot remove your own admin role." in text(response)
    with app.app_context():
        person = db.session.get(User, admin.id)
        assert person.active is True
        assert Role.ADMIN in person.roles


def test_people_list_search_and_pagination(app, client, admin, make_org, make_user):
    org = make_org("Big Air")
    for n in range(30):
        make_user(org, full_name=f"Staff {n:02d}", employee_number=f"B-{n:03d}")
    first = text(client.get(f"/admin/people?org={org.id}"))
    assert "Page 1 of 2 (30 in all)" in first
    second = text(client.get(f"/admin/people?org={org.id}&page=2"))
    assert "Staff 29" in second
    found = text(client.get("/admin/people?q=B-017"))
    assert "Staff 17" in found
    assert "Staff 18" not in found
    assert client.get("/admin/people?page=abc").status_code == 200
    assert client.get("/admin/people/999999").status_code == 404
    assert client.get("/admin/organizations/999999").status_code == 404


def test_forms_without_csrf_change_nothing(app, client, admin, make_org):
    org = make_org("Untouched Air")
    before = _count(app, Organization)
    assert (
        client.post("/admin/organizations/new", data={"name": "X", "kind": "airline", "country": "KE"}).status_code
        == 400
    )
    assert (
        client.post(
            f"/admin/organizations/{org.id}", data={"name": "Y", "kind": "airline", "country": "KE"}
        ).status_code
        == 400
    )
    assert _count(app, Organization) == before
    with app.app_context():
        assert db.session.get(Organization, org.id).name == "Untouched Air"
