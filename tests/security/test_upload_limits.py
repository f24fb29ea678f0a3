"""Uploads are bounded before they are parsed: a staff file's lines and columns, a logo's pixels and
stored size. A hostile file is refused quickly with a reason, never a 500 or a stalled worker."""

from __future__ import annotations

import io
import random
import time

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.content_fixture import load_test_content
from tests.factories import pass_course
from tests.helpers import csrf_token, login, text
from training.extensions import db
from training.models import Certificate, Role
from training.services import org_settings, staff_import

IMPORT = "/manage/staff/import"
SETTINGS = "/manage/settings"
HEADER = ",".join(staff_import.TEMPLATE_COLUMNS)


@pytest.fixture
def manager_client(app, make_org, make_user):
    client = app.test_client()
    login(client, make_user(make_org("Limit Air"), Role.MANAGER).email)
    return client


def _upload(client, url: str, field: str, data: bytes, filename: str, form_url: str | None = None):
    fields = {"csrf_token": csrf_token(client, form_url or url), field: FileStorage(io.BytesIO(data), filename)}
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _import(client, data: bytes):
    started = time.perf_counter()
    response = _upload(client, IMPORT, "file", data, "staff.csv")
    return response, time.perf_counter() - started


# --- the staff import -------------------------------------------------------------------------


def test_forty_thousand_columns_are_refused_at_once(manager_client):
    """The penetration test's file: 40,000 header columns (270 KB) held a worker for 71 s."""
    header = ",".join(f"c{n}" for n in range(40_000)).encode()
    response, seconds = _import(manager_client, header + b"\r\na@example.test,A,,gate,\r\n")
    assert response.status_code < 500
    assert seconds < 2, f"took {seconds:.1f} s"
    assert "Line 1 is 268,889 characters long; a line may have at most 10,000." in text(response)


def test_a_header_with_more_columns_than_allowed_is_refused(manager_client):
    header = HEADER + "," + ",".join(["x"] * 4_000)  # under 10,000 characters: the column cap answers
    assert len(header) < staff_import.MAX_LINE_CHARACTERS
    response, seconds = _import(manager_client, f"{header}\r\na@example.test,A,,gate,\r\n".encode())
    assert seconds < 2, f"took {seconds:.1f} s"
    assert "Line 1 has 4,005 columns; a staff file has at most 50" in text(response)


def test_a_long_line_further_down_is_refused_with_its_number(manager_client):
    data = f"{HEADER}\r\na@example.test,A,,gate,\r\nb@example.test,{'B' * 10_001},,gate,\r\n".encode()
    page = text(_import(manager_client, data)[0])
    assert "Line 3 is 10,023 characters long" in page


def test_a_header_beyond_the_csv_field_limit_is_refused_not_a_500(manager_client):
    """An unclosed quote made the header one field longer than the CSV reader's limit: csv.Error, a 500."""
    response, _ = _import(manager_client, b'"' + b"a" * 200_000 + b"\r\n")
    assert response.status_code < 500
    assert "Line 1 is 200,001 characters long" in text(response)


def test_duplicate_columns_are_still_named(manager_client):
    page = text(_import(manager_client, f"{HEADER},email,base\r\na@example.test,A,,gate,\r\n".encode())[0])
    assert "these columns appear twice: base, email" in page


def test_the_upload_page_states_the_limits(manager_client):
    page = text(manager_client.get(IMPORT))
    assert "50 columns" in page
    assert "10,000 characters per line" in page


# --- the logo ---------------------------------------------------------------------------------


def _noisy_jpeg(width: int = 2000, height: int = 2000) -> bytes:
    """Random colour blocks, blurred: a small JPEG (about 185 KB) whose pixels barely compress as PNG."""
    rnd = random.Random(7)
    cells = (width // 20, height // 20)
    noise = Image.frombytes("RGB", cells, bytes(rnd.randrange(256) for _ in range(cells[0] * cells[1] * 3)))
    out = io.BytesIO()
    noise.resize((width, height), Image.Resampling.BILINEAR).save(out, format="JPEG", quality=20)
    return out.getvalue()


def test_a_large_logo_is_scaled_down_to_what_a_certificate_prints(manager_client):
    """A 185 KB noisy 2000 x 2000 JPEG was kept as a 3.7 MB PNG and made 3.3 MB certificates."""
    data = _noisy_jpeg()
    assert len(data) <= org_settings.MAX_LOGO_BYTES
    response = _upload(manager_client, "/manage/settings/logo", "logo", data, "noisy.jpg", SETTINGS)
    assert response.status_code == 302
    png = manager_client.get("/manage/settings/logo.png").data
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (240, 240)  # fits 960 x 240, proportions kept
    assert len(png) <= org_settings.MAX_STORED_LOGO_BYTES


def test_a_wide_logo_keeps_its_proportions(manager_client):
    out = io.BytesIO()
    Image.new("RGB", (2000, 400), (20, 89, 199)).save(out, format="PNG")
    response = _upload(manager_client, "/manage/settings/logo", "logo", out.getvalue(), "wide.png", SETTINGS)
    assert response.status_code == 302
    with Image.open(io.BytesIO(manager_client.get("/manage/settings/logo.png").data)) as image:
        assert image.size == (960, 192)


def test_a_logo_still_too_large_after_scaling_is_refused_and_nothing_is_kept(manager_client, monkeypatch):
    monkeypatch.setattr(org_settings, "MAX_STORED_LOGO_BYTES", 20 * 1024)
    response = _upload(manager_client, "/manage/settings/logo", "logo", _noisy_jpeg(), "noisy.jpg", SETTINGS)
    assert response.status_code == 400
    assert "still takes" in text(response)
    assert "at most 20 KB is kept" in text(response)
    assert manager_client.get("/manage/settings/logo.png").status_code == 404


def test_a_certificate_with_a_noisy_logo_stays_small(app, tmp_path, make_org, make_user):
    load_test_content(app, tmp_path)
    org = make_org("Logo Air")
    manager = app.test_client()
    login(manager, make_user(org, Role.MANAGER).email)
    assert _upload(manager, "/manage/settings/logo", "logo", _noisy_jpeg(), "noisy.jpg", SETTINGS).status_code == 302
    learner = app.test_client()
    login(learner, make_user(org, job_function="cabin_crew").email)
    attempt_id = pass_course(learner)
    with app.app_context():
        pdf = db.session.scalar(sa.select(Certificate.pdf).where(Certificate.attempt_id == attempt_id))
    assert len(pdf) < 600 * 1024, f"{len(pdf):,} bytes"
