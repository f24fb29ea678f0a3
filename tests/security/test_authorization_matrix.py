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

import pytest

from tests.conftest import login
from tests.security import world as world_module
from tests.security.world import COURSE, MODULE, USERS, OrgObjects

URLS: dict[str, str] = {
    "home.index": "/",
    "home.healthz": "/healthz",
    "static": "/static/css/app.css",
    "auth.login": "/login",
    "auth.logout": "/logout",
    "auth.change_password": "/account/password",
    "auth.welcome": "/welcome/{invitation_token}",
    "auth.forgot_password": "/password/forgot",
    "auth.reset_password": "/password/reset/not-a-real-token",
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
    "manage.settings": "/manage/settings",
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
}

# Each row: the statuses for anonymous, learner, colleague, manager, other_manager, auditor,
# other_auditor, admin; a pair is (own objects, foreign objects).
# fmt: off
EXPECTED: dict[str, str | tuple[str, str]] = {
    "home.index": "302 200 200 200 200 200 200 200",
    "home.healthz": "200 200 200 200 200 200 200 200",
    "static": "200 200 200 200 200 200 200 200",
    "auth.login": "200 302 302 302 302 302 302 302",
    "auth.logout": "405 405 405 405 405 405 405 405",
    "auth.change_password": "302 200 200 200 200 200 200 200",
    "auth.welcome": ("200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"),
    "auth.forgot_password": "200 200 200 200 200 200 200 200",
    "auth.reset_password": "404 404 404 404 404 404 404 404",
    "learn.courses": "302 200 200 403 403 403 403 403",
    "learn.course": "302 200 200 403 403 403 403 403",
    "learn.module": "302 200 200 403 403 403 403 403",
    "learn.check": "405 405 405 405 405 405 405 405",
    "learn.complete": "405 405 405 405 405 405 405 405",
    "learn.quiz_landing": "302 200 200 403 403 403 403 403",
    "learn.quiz_start": "405 405 405 405 405 405 405 405",
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
    "manage.settings": "302 403 403 200 200 403 403 403",
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


def _clients(app, world) -> dict[str, object]:
    clients = {}
    for name in USERS:
        client = app.test_client()
        person = world.users[name]
        if person is not None:
            assert login(client, person.email).status_code == 302, name
        clients[name] = client
    return clients


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


def test_the_authorization_matrix(app, world):
    clients = _clients(app, world)
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
