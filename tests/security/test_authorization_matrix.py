"""Every route, for every kind of user, against their own and another organization's objects.

The expected answers are written out below, one row per endpoint. A route added to the app
without a row here fails ``test_every_route_has_a_row``; a changed answer fails the matrix.

Columns, in order: anonymous, learner (holder of the certificate), colleague (same organization),
manager (same organization), other_manager (another organization), auditor (overseeing the
organization), other_auditor (overseeing another one), admin.

"own" rows use Trail Air's objects (the learner's attempt and certificate, Trail Air's contact,
assignment, import, organization id); "foreign" rows use Outside Air's. Routes without an object
have one row. GET (and HEAD) only: state-changing requests are covered by the CSRF sweep and by
each feature's tests; here a POST-only route answers 405 to GET.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.security import world as world_module
from tests.security.world import COURSE, MODULE, USERS, OrgObjects
from training.extensions import db
from training.models import User

URLS: dict[str, str] = {
    "home.index": "/",
    "home.healthz": "/healthz",
    "home.choose_language": "/language",
    "static": "/static/css/app.css",
    "auth.login": "/login",
    "auth.logout": "/logout",
    "auth.change_password": "/account/password",
    "auth.welcome": "/welcome/{invitation_token}",
    "auth.forgot_password": "/password/forgot",
    "auth.reset_password": "/password/reset/not-a-real-token",
    "auth.confirm_email": "/account/email/not-a-real-token",
    "learn.courses": "/courses",
    "learn.course": f"/courses/{COURSE}",
    "learn.module": f"/courses/{COURSE}/modules/{MODULE}",
    "learn.check": f"/courses/{COURSE}/modules/{MODULE}/check",
    "learn.complete": f"/courses/{COURSE}/modules/{MODULE}/complete",
    "learn.quiz_landing": f"/courses/{COURSE}/quiz",
    "learn.quiz_start": f"/courses/{COURSE}/quiz/start",
    "learn.attempt": "/attempts/{attempt_id}",
    "certify.verify_form": "/verify",
    "certify.verify": "/verify/{serial}",
    "certify.download": "/certificates/{serial}.pdf",
    "certify.wallet_card": "/certificates/{serial}/wallet-card.pdf",
    "certify.revoke": "/certificates/{serial}/revoke",
    "manage.dashboard": "/manage/",
    "manage.staff": "/manage/staff",
    "manage.person": "/manage/staff/{person_id}",
    "manage.deactivate": "/manage/staff/{person_id}/deactivate",
    "manage.reactivate": "/manage/staff/{person_id}/reactivate",
    "manage.invite": "/manage/staff/{person_id}/invitation",
    "manage.staff_import_upload": "/manage/staff/import",
    "manage.staff_import_template": "/manage/staff/import/template.csv",
    "manage.staff_import_confirm": "/manage/staff/import/{import_id}/confirm",
    "manage.assignments": "/manage/assignments",
    "manage.assignment_remove": "/manage/assignments/{assignment_id}/remove",
    "manage.contacts": "/manage/contacts",
    "manage.contact_edit": "/manage/contacts/{contact_id}",
    "manage.contact_delete": "/manage/contacts/{contact_id}/delete",
    "manage.contact_move": "/manage/contacts/{contact_id}/move",
    "manage.settings": "/manage/settings",
    "manage.settings_language": "/manage/settings/language",
    "manage.settings_logo": "/manage/settings/logo",
    "manage.settings_logo_image": "/manage/settings/logo.png",
    "manage.settings_logo_remove": "/manage/settings/logo/remove",
    "manage.export_staff": "/manage/export/staff.csv",
    "manage.export_compliance": "/manage/export/compliance.csv",
    "audit.overview": "/audit/",
    "audit.organization": "/audit/organizations/{org_id}",
    "audit.staff": "/audit/organizations/{org_id}/staff",
    "audit.export_compliance": "/audit/organizations/{org_id}/compliance.csv",
    "audit.certificates": "/audit/certificates",
    "audit.certificates_zip": "/audit/certificates.zip?org={org_id}",
    "audit.trail": "/audit/trail",
    "audit.trail_csv": "/audit/trail.csv",
    "admin.index": "/admin/",
    "admin.organizations_list": "/admin/organizations",
    "admin.organization_new": "/admin/organizations/new",
    "admin.organization_edit": "/admin/organizations/{org_id}",
    "admin.organization_oversight": "/admin/organizations/{org_id}/oversight",
    "admin.people_list": "/admin/people",
    "admin.person_new": "/admin/people/new",
    "admin.person_edit": "/admin/people/{person_id}",
    "admin.person_deactivate": "/admin/people/{person_id}/deactivate",
    "admin.person_invite": "/admin/people/{person_id}/invitation",
    "admin.person_reactivate": "/admin/people/{person_id}/reactivate",
    "admin.item_statistics": "/admin/item-statistics",
    "admin.item_statistics_bank": f"/admin/item-statistics/{COURSE}",
    "admin.item_statistics_csv": f"/admin/item-statistics/{COURSE}.csv",
    "admin.outbox": "/admin/outbox",
}

# Each row: the statuses for anonymous, learner, colleague, manager, other_manager, auditor,
# other_auditor, admin; a pair is (own objects, foreign objects).
# fmt: off
EXPECTED: dict[str, str | tuple[str, str]] = {
    "home.index": "302 200 200 200 200 200 200 200",
    "home.healthz": "200 200 200 200 200 200 200 200",
    "home.choose_language": "405 405 405 405 405 405 405 405",
    "static": "200 200 200 200 200 200 200 200",
    "auth.login": "200 302 302 302 302 302 302 302",
    "auth.logout": "405 405 405 405 405 405 405 405",
    "auth.change_password": "302 200 200 200 200 200 200 200",
    "auth.welcome": ("200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"),
    "auth.forgot_password": "200 200 200 200 200 200 200 200",
    "auth.reset_password": "404 404 404 404 404 404 404 404",
    "auth.confirm_email": "404 404 404 404 404 404 404 404",
    "learn.courses": "302 200 200 403 403 403 403 403",
    "learn.course": "302 200 200 403 403 403 403 403",
    "learn.module": "302 200 200 403 403 403 403 403",
    "learn.check": "302 302 302 403 403 403 403 403",
    "learn.complete": "302 302 302 403 403 403 403 403",
    "learn.quiz_landing": "302 200 200 403 403 403 403 403",
    "learn.quiz_start": "302 302 302 403 403 403 403 403",
    "learn.attempt": ("302 200 404 403 403 403 403 403", "302 404 404 403 403 403 403 403"),
    "certify.verify_form": "200 200 200 200 200 200 200 200",
    "certify.verify": ("200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"),
    "certify.download": ("302 200 404 200 404 200 404 200", "302 404 404 404 200 404 200 200"),
    "certify.wallet_card": ("302 200 404 200 404 200 404 200", "302 404 404 404 200 404 200 200"),
    "certify.revoke": ("302 404 404 200 404 404 404 200", "302 404 404 404 200 404 404 200"),
    "manage.dashboard": "302 403 403 200 200 403 403 403",
    "manage.staff": "302 403 403 200 200 403 403 403",
    "manage.person": ("302 403 403 200 404 403 403 403", "302 403 403 404 200 403 403 403"),
    "manage.deactivate": ("302 403 403 200 404 403 403 403", "302 403 403 404 200 403 403 403"),
    "manage.reactivate": ("405 405 405 405 405 405 405 405", "405 405 405 405 405 405 405 405"),
    "manage.invite": ("405 405 405 405 405 405 405 405", "405 405 405 405 405 405 405 405"),
    "manage.staff_import_upload": "302 403 403 200 200 403 403 403",
    "manage.staff_import_template": "302 403 403 200 200 403 403 403",
    "manage.staff_import_confirm": ("405 405 405 405 405 405 405 405", "405 405 405 405 405 405 405 405"),
    "manage.assignments": "302 403 403 200 200 403 403 403",
    "manage.assignment_remove": ("302 403 403 200 404 403 403 403", "302 403 403 404 200 403 403 403"),
    "manage.contacts": "302 403 403 200 200 403 403 403",
    "manage.contact_edit": ("302 403 403 200 404 403 403 403", "302 403 403 404 200 403 403 403"),
    "manage.contact_delete": ("302 403 403 200 404 403 403 403", "302 403 403 404 200 403 403 403"),
    "manage.contact_move": ("405 405 405 405 405 405 405 405", "405 405 405 405 405 405 405 405"),
    "manage.settings": "302 403 403 200 200 403 403 403",
    "manage.settings_language": "405 405 405 405 405 405 405 405",
    "manage.settings_logo": "405 405 405 405 405 405 405 405",
    "manage.settings_logo_image": "302 403 403 404 404 403 403 403",
    "manage.settings_logo_remove": "405 405 405 405 405 405 405 405",
    "manage.export_staff": "302 403 403 200 200 403 403 403",
    "manage.export_compliance": "302 403 403 200 200 403 403 403",
    "audit.overview": "302 403 403 403 403 200 200 403",
    "audit.organization": ("302 403 403 403 403 200 404 403", "302 403 403 403 403 404 200 403"),
    "audit.staff": ("302 403 403 403 403 200 404 403", "302 403 403 403 403 404 200 403"),
    "audit.export_compliance": ("302 403 403 403 403 200 404 403", "302 403 403 403 403 404 200 403"),
    "audit.certificates": "302 403 403 403 403 200 200 403",
    "audit.certificates_zip": ("302 403 403 403 403 200 200 403", "302 403 403 403 403 200 200 403"),
    "audit.trail": "302 403 403 403 403 200 200 200",
    "audit.trail_csv": "302 403 403 403 403 200 200 200",
    "admin.index": "302 403 403 403 403 403 403 302",
    "admin.organizations_list": "302 403 403 403 403 403 403 200",
    "admin.organization_new": "302 403 403 403 403 403 403 200",
    "admin.organization_edit": ("302 403 403 403 403 403 403 200", "302 403 403 403 403 403 403 200"),
    "admin.organization_oversight": ("405 405 405 405 405 405 405 405", "405 405 405 405 405 405 405 405"),
    "admin.people_list": "302 403 403 403 403 403 403 200",
    "admin.person_new": "302 403 403 403 403 403 403 200",
    "admin.person_edit": ("302 403 403 403 403 403 403 200", "302 403 403 403 403 403 403 200"),
    "admin.person_deactivate": ("302 403 403 403 403 403 403 200", "302 403 403 403 403 403 403 200"),
    "admin.person_invite": ("405 405 405 405 405 405 405 405", "405 405 405 405 405 405 405 405"),
    "admin.person_reactivate": ("405 405 405 405 405 405 405 405", "405 405 405 405 405 405 405 405"),
    "admin.item_statistics": "302 403 403 403 403 403 403 200",
    "admin.item_statistics_bank": "302 403 403 403 403 403 403 200",
    "admin.item_statistics_csv": "302 403 403 403 403 403 403 200",
    "admin.outbox": "302 403 403 403 403 403 403 200",
}
# fmt: on


def _row(statuses: list[int]) -> str:
    return " ".join(str(s) for s in statuses)


def _expected(endpoint: str, variant: str) -> str | None:
    row = EXPECTED.get(endpoint)
    if isinstance(row, tuple):
        return row[0] if variant == "own" else row[1]
    return row if variant == "own" else None


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    return world_module.build(app, tmp_path, make_org, make_user)


def _url(endpoint: str, objects: OrgObjects) -> str:
    return URLS[endpoint].format(**vars(objects))


def _variants(endpoint: str) -> tuple[str, ...]:
    return ("own", "foreign") if "{" in URLS[endpoint] else ("own",)


def test_every_route_has_a_row(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - URLS.keys() == set(), "routes without a URL in the authorization matrix"
    assert URLS.keys() - endpoints == set(), "rows for routes that no longer exist"
    assert EXPECTED.keys() == URLS.keys()
    for endpoint in URLS:
        pair = isinstance(EXPECTED[endpoint], tuple)
        assert pair == (len(_variants(endpoint)) == 2), f"{endpoint}: a pair exactly when the URL names an object"


@pytest.mark.slow  # every route for every kind of user
def test_the_authorization_matrix(app, world):
    clients = world_module.signed_in_clients(app, world)
    observed: dict[str, dict[str, str]] = {}
    for endpoint in URLS:
        observed[endpoint] = {}
        for variant in _variants(endpoint):
            url = _url(endpoint, world.own if variant == "own" else world.foreign)
            statuses = []
            for name in USERS:
                response = clients[name].get(url)
                statuses.append(response.status_code)
                response.close()
                assert response.status_code < 500, f"{name} GET {url}: {response.status_code}"
            observed[endpoint][variant] = _row(statuses)
    wrong = [
        f"{endpoint} [{variant}] {URLS[endpoint]}\n    expected {_expected(endpoint, variant)}\n    observed {row}"
        for endpoint, rows in observed.items()
        for variant, row in rows.items()
        if _expected(endpoint, variant) != row
    ]
    listing = "\n".join(f'    "{e}": {tuple(rows.values())!r},' for e, rows in observed.items())
    assert not wrong, "\n".join(wrong) + "\n\nobserved table:\n" + listing


# --- acting on people by role --------------------------------------------------------------------
#
# Nobody acts on an account holding a role they do not hold: a manager acts on their learners only,
# and creates a sign-in link only for someone who never set a password; the admin acts on anyone.
# One row per actor and target (the target's roles in Trail Air, and whether they have set a
# password). Columns, in order:
#   offered     what the person page offers: "ID" the invitation button and the deactivate link, "-D" only
#               the deactivate link, "--" neither
#   invite      POST the invitation route
#   ask         GET the deactivation page
#   deactivate  POST it, then
#   reactivate  POST that (so an allowed pair leaves the person active again)
#   edit        the manager: a staff import row changing the name, matched by employee number, as the
#               preview shows it ("update"/"reject"); the admin: POST the person's edit form
#   email       the same with a new email address; for the admin, whether it took effect "now" or waits
#               for the new address to "confirm" it
# fmt: off
BY_ROLE: dict[tuple[str, str, str], str] = {
    ("manager", "admin", "signed_in"):   "--  403 403 403 403 reject reject",
    ("manager", "admin", "pending"):     "--  403 403 403 403 reject reject",
    ("manager", "auditor", "signed_in"): "--  403 403 403 403 reject reject",
    ("manager", "auditor", "pending"):   "--  403 403 403 403 reject reject",
    ("manager", "manager", "signed_in"): "--  403 403 403 403 reject reject",
    ("manager", "manager", "pending"):   "--  403 403 403 403 reject reject",
    ("manager", "learner", "signed_in"): "-D  403 200 302 302 update reject",
    ("manager", "learner", "pending"):   "ID  200 200 302 302 update update",
    ("admin", "admin", "signed_in"):     "ID  200 200 302 302 302 confirm",
    ("admin", "admin", "pending"):       "ID  200 200 302 302 302 confirm",
    ("admin", "auditor", "signed_in"):   "ID  200 200 302 302 302 confirm",
    ("admin", "auditor", "pending"):     "ID  200 200 302 302 302 confirm",
    ("admin", "manager", "signed_in"):   "ID  200 200 302 302 302 confirm",
    ("admin", "manager", "pending"):     "ID  200 200 302 302 302 confirm",
    ("admin", "learner", "signed_in"):   "ID  200 200 302 302 302 confirm",
    ("admin", "learner", "pending"):     "ID  200 200 302 302 302 now",
}
# fmt: on

_PERSON_PAGE = {"manager": "/manage/staff/{id}", "admin": "/admin/people/{id}"}
_ACTIONS = {
    "manager": ("/manage/staff/{id}/invitation", "/manage/staff/{id}/deactivate", "/manage/staff/{id}/reactivate"),
    "admin": ("/admin/people/{id}/invitation", "/admin/people/{id}/deactivate", "/admin/people/{id}/reactivate"),
}
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _session_token(client) -> str:
    """A valid CSRF token for the client's session (any page's form carries the same one)."""
    match = CSRF_FIELD.search(client.get("/account/password").get_data(as_text=True))
    assert match
    return match.group(1)


def _import_action(client, token: str, row: list[str]) -> str:
    """Preview a one-row staff import and return what it would do with the row ("update", "reject"…)."""
    out = io.StringIO()
    csv.writer(out).writerows([["email", "full_name", "employee_number", "job_function", "base"], row])
    fields = {"csrf_token": token, "file": FileStorage(io.BytesIO(out.getvalue().encode()), "staff.csv")}
    boundary, body = encode_multipart(fields)
    page = client.post("/manage/staff/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    badge = re.search(r'<td data-label="Action"><span class="badge [^"]*">(\w+)</span>', page.get_data(as_text=True))
    assert badge, page.get_data(as_text=True)[:2000]
    return {"Rejected": "reject", "Update": "update", "Unchanged": "unchanged", "New": "create"}[badge.group(1)]


def _edit(client, token: str, actor: str, person, email: str | None = None) -> str:
    """Change the name (or, given ``email``, the address) as the actor can: an import row, or the admin's form."""
    if actor == "manager":
        row = [email or person.email, "Renamed Person", person.employee_number, "gate", ""]
        return _import_action(client, token, row)
    form = {
        "csrf_token": token,
        "full_name": "Renamed Person",
        "email": email or person.email,
        "organization_id": str(person.organization_id),
        "job_function": "gate",
        "roles": sorted(r.value for r in person.roles),
        "employee_number": person.employee_number,
        "base": "",
    }
    return str(client.post(f"/admin/people/{person.id}", data=form).status_code)


def _email_change(app, client, token: str, actor: str, person) -> str:
    new_email = f"new.{person.id}@elsewhere.test"
    answer = _edit(client, token, actor, person, email=new_email)
    if actor == "manager":
        return answer
    assert answer == "302"
    with app.app_context():
        return "now" if db.session.get(User, person.id).email == new_email else "confirm"


@pytest.mark.slow  # every account action for every role
def test_acting_on_people_by_role(app, world):
    clients = world_module.signed_in_clients(app, world)
    observed: dict[tuple[str, str, str], str] = {}
    for actor, role, state in BY_ROLE:
        client = clients[actor]
        token = _session_token(client)
        person = world.targets[(role, state)]
        page = client.get(_PERSON_PAGE[actor].format(id=person.id)).get_data(as_text=True)
        invite, deactivate, reactivate = (path.format(id=person.id) for path in _ACTIONS[actor])
        offered = ("I" if f'action="{invite}"' in page else "-") + ("D" if f'href="{deactivate}"' in page else "-")
        cells = [
            offered,
            str(client.post(invite, data={"csrf_token": token}).status_code),
            str(client.get(deactivate).status_code),
            str(client.post(deactivate, data={"csrf_token": token}).status_code),
            str(client.post(reactivate, data={"csrf_token": token}).status_code),
            _edit(client, token, actor, person),
            _email_change(app, client, token, actor, person),
        ]
        observed[(actor, role, state)] = " ".join(cells)
    wrong = [
        f"{key}: expected {BY_ROLE[key]!r}, observed {row!r}"
        for key, row in observed.items()
        if row.split() != BY_ROLE[key].split()
    ]
    assert not wrong, "\n".join(wrong)
    with app.app_context():
        still = {key: db.session.get(User, person.id) for key, person in world.targets.items()}
        assert all(person.active for person in still.values()), "a refused deactivation went through"
        assert still[("admin", "signed_in")].password_hash == world.targets[("admin", "signed_in")].password_hash
