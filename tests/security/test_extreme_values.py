"""Extreme values in query parameters and form fields: each once gave a 500, now a clear answer."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import csrf_token, login, submit, text
from training.models import OrgKind, Role


@pytest.fixture
def people(app, make_org, make_user):
    air = make_org("Extreme Air")
    authority = make_org("Extreme Authority", kind=OrgKind.AUTHORITY, oversees=(air,))
    return {
        "manager": make_user(air, Role.MANAGER),
        "auditor": make_user(authority, Role.AUDITOR),
        "admin": make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN),
    }


def _client(app, person):
    client = app.test_client()
    assert login(client, person.email).status_code == 302
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/audit/certificates?issued_to=9999-12-31",
        "/audit/certificates.zip?issued_to=9999-12-31",
        "/audit/certificates?issued_from=0001-01-01&issued_to=9999-12-31",
        "/audit/trail?date_to=9999-12-31",
        "/audit/trail.csv?date_to=9999-12-31",
        "/audit/trail?date_from=0001-01-01&date_to=9999-12-31",
    ],
)
def test_the_last_day_of_the_calendar_is_a_filter_like_any_other(app, people, url):
    response = _client(app, people["auditor"]).get(url)
    assert response.status_code == 200, url
    response.close()


def test_a_number_of_days_no_database_can_hold_is_refused(app, people):
    client = _client(app, people["manager"])
    response = submit(client, "/manage/settings", {"days_to_complete": "9" * 400})
    assert response.status_code == 200
    assert "Use 1 to 365 days." in text(response)


def _png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` by ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [100_000, 10_000])  # Pillow raises beyond 179 million pixels, warns beyond 89
def test_a_png_claiming_billions_of_pixels_is_refused(app, people, side):
    client = _client(app, people["manager"])
    data = _png(side, side)
    assert len(data) < 100
    fields = {
        "csrf_token": csrf_token(client, "/manage/settings"),
        "logo": FileStorage(io.BytesIO(data), "bomb.png", content_type="image/png"),
    }
    boundary, body = encode_multipart(fields)
    response = client.post("/manage/settings/logo", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "pixels" in text(response)
