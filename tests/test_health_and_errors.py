"""Health check, error pages, and the rule that every route declares a permission."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import make_app, text
from training import _check_every_route_has_a_permission


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_reports_a_database_that_does_not_answer(tmp_path):
    # The app refuses to start on a database in a missing folder, so the folder goes after it started.
    folder = tmp_path / "gone-later"
    folder.mkdir()
    broken = make_app(f"sqlite:///{folder / 'nowhere.db'}")
    shutil.rmtree(folder)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_healthz_on_an_unreachable_postgres():
    broken = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert broken.test_client().get("/healthz").status_code == 503


def test_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert client.get("/no/such/page", headers={"Accept": "application/json"}).get_json()["error"] == "Page not found"


def test_an_invalid_host_is_a_bad_request_not_a_server_error(client):
    """No URL can be built for a request with a host name too long to be one: its error page is plain text."""
    response = client.get("/login", headers={"Host": "x" * 300})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert text(response).startswith("Bad request: ")


def test_500_page_is_friendly_and_leaks_nothing(database_url):
    app = make_app(database_url, TESTING=False)

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    boom.permission = "public"
    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    assert "Something went wrong" in text(response)
    assert "secret internals" not in text(response)


def test_a_route_without_a_permission_stops_the_app(database_url):
    app = make_app(database_url)
    app.add_url_rule("/forgotten", "forgotten", lambda: "oops")
    with pytest.raises(RuntimeError, match="routes without @permission: forgotten"):
        _check_every_route_has_a_permission(app)


def test_every_registered_route_declares_a_permission(app):
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            assert getattr(view, "permission", None) is not None, endpoint
