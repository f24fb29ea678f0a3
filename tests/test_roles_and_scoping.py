"""Each role lands on its own home; each sees only what the policy allows (404 for other organizations)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import login, submit, text
from training import policy
from training.extensions import db
from training.models import OrgKind, Role, User


@pytest.fixture
def world(make_org, make_user):
    """An authority overseeing an airline and an airport, plus an airline it does not oversee."""
    airline = make_org("Air One")
    airport = make_org("Port One", kind=OrgKind.AIRPORT)
    outsider = make_org("Air Elsewhere")
    authority = make_org("Authority One", kind=OrgKind.AUTHORITY, oversees=(airline, airport))
    platform = make_org("Platform", kind=OrgKind.OTHER)
    return {
        "airline": airline,
        "airport": airport,
        "outsider": outsider,
        "authority": authority,
        "learner": make_user(airline, Role.LEARNER, full_name="Lena Learner"),
        "colleague": make_user(airline, Role.LEARNER, full_name="Colin Colleague"),
        "manager": make_user(airline, Role.MANAGER, Role.LEARNER, full_name="Mona Manager"),
        "airport_staff": make_user(airport, Role.LEARNER, full_name="Abel Airport"),
        "airport_manager": make_user(airport, Role.MANAGER, full_name="Ada Airportmanager"),
        "outsider_staff": make_user(outsider, Role.LEARNER, full_name="Otto Outsider"),
        "auditor": make_user(authority, Role.AUDITOR, full_name="Audrey Auditor"),
        "internal_auditor": make_user(airline, Role.AUDITOR, full_name="Ivan Internal"),
        "admin": make_user(platform, Role.ADMIN, full_name="Adam Admin"),
    }


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        (
            "learner",
            ["Your training", "Your certificates"],
            ["Open the staff list", "Organizations you oversee", "Platform"],
        ),
        ("manager", ["Your training", "Air One: staff", "Compliance dashboard"], ["Organizations you oversee"]),
        ("auditor", ["Organizations you oversee", "Air One", "Port One"], ["Your training", "Air Elsewhere"]),
        ("admin", ["Platform", "Add an organization"], ["Your training", "Organizations you oversee"]),
    ],
)
def test_each_role_lands_on_its_own_home(client, world, who, shown, hidden):
    response = login(client, world[who].email)
    assert response.headers["Location"] == "/"
    page = text(client.get("/"))
    for phrase in shown:
        assert phrase in page
    for phrase in hidden:
        assert phrase not in page


def test_navigation_follows_roles(client, world):
    login(client, world["learner"].email)
    page = text(client.get("/"))
    assert 'href="/manage/staff"' not in page
    assert 'href="/admin/organizations"' not in page
    submit(client, "/logout", form_url="/")
    login(client, world["admin"].email)
    page = text(client.get("/"))
    assert 'href="/admin/organizations"' in page


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for path in ["/", "/manage/staff", "/admin/organizations", f"/manage/staff/{world['learner'].id}"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("learner", "/manage/staff", 403),
        ("learner", "/admin/people", 403),
        ("auditor", "/manage/staff", 403),
        ("auditor", "/admin/organizations", 403),
        ("manager", "/admin/people", 403),
        ("manager", "/manage/staff", 200),
        ("admin", "/admin/people", 200),
    ],
)
def test_role_gates(client, world, who, path, status):
    login(client, world[who].email)
    assert client.get(path).status_code == status


def test_manager_sees_own_staff_and_gets_404_for_others(client, world):
    login(client, world["manager"].email)
    assert client.get(f"/manage/staff/{world['learner'].id}").status_code == 200
    # Another organization's staff member, overseen by the same authority or not: as if they did not exist.
    assert client.get(f"/manage/staff/{world['airport_staff'].id}").status_code == 404
    assert client.get(f"/manage/staff/{world['outsider_staff'].id}").status_code == 404
    assert client.get("/manage/staff/999999").status_code == 404
    listing = text(client.get("/manage/staff?status=all"))
    assert "Lena Learner" in listing
    assert "Abel Airport" not in listing
    assert "Otto Outsider" not in listing
    # A search for another organization's person finds nothing.
    assert "Abel Airport" not in text(client.get("/manage/staff?q=Abel"))


def test_airport_manager_cannot_see_airline_staff(client, world):
    login(client, world["airport_manager"].email)
    assert client.get(f"/manage/staff/{world['airport_staff'].id}").status_code == 200
    assert client.get(f"/manage/staff/{world['learner'].id}").status_code == 404


def test_staff_scope_per_role(app, world):
    with app.app_context():

        def visible(who: str) -> set[str]:
            viewer = db.session.get(User, world[who].id)
            query = policy.scope_staff(sa.select(User.full_name), viewer)
            return set(db.session.scalars(query))

        airline_people = {"Lena Learner", "Colin Colleague", "Mona Manager", "Ivan Internal"}
        airport_people = {"Abel Airport", "Ada Airportmanager"}
        assert visible("learner") == {"Lena Learner"}
        assert visible("manager") == airline_people
        assert visible("airport_manager") == airport_people
        assert visible("auditor") == airline_people | airport_people
        assert visible("internal_auditor") == airline_people
        assert "Otto Outsider" in visible("admin")
        assert len(visible("admin")) == 9


def test_auditor_home_lists_only_overseen_organizations(client, world):
    login(client, world["internal_auditor"].email)
    page = text(client.get("/"))
    assert "Air One" in page
    assert "Port One" not in page
