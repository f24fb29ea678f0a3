"""Certificates: issued once with the grade, signed, verifiable by anyone, downloadable by the right people."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from datetime import UTC, datetime, timedelta

import pypdf
import pypdfium2
import pytest
import sqlalchemy as sa
import weasyprint
import zxingcpp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.content_fixture import ANSWERS_ALL_RIGHT, load_test_content
from tests.factories import pass_course
from tests.helpers import csrf_token, login, submit, text
from tests.pdf_tools import assert_archival_tagged_and_signed, pdf_lines, run_tool
from training.extensions import db
from training.models import Certificate, OrgKind, ReportingContact, Role
from training.services import card_text, issuing, serials, signing
from training.services.dates import add_months
from training.web.settings import certificate_settings

COURSE = "/courses/test-course"


@pytest.fixture
def loaded(app, tmp_path):
    load_test_content(app, tmp_path)


@pytest.fixture
def world(make_org, make_user, loaded):
    airline = make_org("Cert Air")
    airport = make_org("Cert Port", kind=OrgKind.AIRPORT)
    elsewhere = make_org("Elsewhere Air")
    authority = make_org("Cert Authority", kind=OrgKind.AUTHORITY, oversees=(airline,))
    other_authority = make_org("Other Authority", kind=OrgKind.AUTHORITY, oversees=(airport,))
    return {
        "holder": make_user(
            airline, Role.LEARNER, job_function="cabin_crew", full_name="Zoë Müller-Wanjiru", employee_number="CA-42"
        ),
        "colleague": make_user(airline, Role.LEARNER, job_function="cabin_crew"),
        "manager": make_user(airline, Role.MANAGER),
        "other_manager": make_user(airport, Role.MANAGER),
        "auditor": make_user(authority, Role.AUDITOR),
        "other_auditor": make_user(other_authority, Role.AUDITOR),
        "internal_auditor": make_user(airline, Role.AUDITOR),
        "stranger": make_user(elsewhere, Role.LEARNER),
        "admin": make_user(make_org("Platform", kind=OrgKind.OTHER), Role.ADMIN),
    }


@pytest.fixture
def issued(app, client, world):
    login(client, world["holder"].email)
    attempt_id = pass_course(client)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.attempt_id == attempt_id))
        assert certificate is not None
        return {
            "serial": certificate.serial,
            "sha": certificate.pdf_sha256,
            "attempt_id": attempt_id,
            "pdf": certificate.pdf,
        }


def test_passing_issues_one_certificate_with_the_right_dates(app, issued, client):
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == issued["serial"]))
        assert certificate.expires_at == add_months(certificate.issued_at, 12)
        assert certificate.version_label == "1"
        assert len(certificate.content_hash) == 64
        assert certificate.holder_name == "Zoë Müller-Wanjiru"
    result = text(client.get(f"/attempts/{issued['attempt_id']}"))
    assert issued["serial"] in result
    assert "Download your certificate" in result
    assert issued["serial"] in text(client.get("/"))


def test_pdf_text_signature_metadata_and_qr(app, issued):
    data = issued["pdf"]
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page_text = reader.pages[0].extract_text()
    for expected in ("Zoë Müller-Wanjiru", "Test course", issued["serial"], "CA-42"):
        assert expected in page_text, expected
    assert issued["serial"] in reader.metadata.title
    assert reader.metadata.author == "Recognize & Report"
    assert "Zoë Müller-Wanjiru" in reader.metadata.subject

    # The signature is intact and made by the configured (here: locally created) certificate.
    with app.app_context():
        cert_path = app.instance_path + "/signing/signing-cert.pem"
    with open(cert_path, "rb") as handle:
        _, _, der = pem.unarmor(handle.read())
    trust = asn1_x509.Certificate.load(der)
    pdf = PdfFileReader(io.BytesIO(data))
    [signature] = pdf.embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[trust]))
    assert status.intact
    assert status.valid
    assert status.coverage.name == "ENTIRE_FILE"

    # The QR code, read back from the rendered page, opens the verification URL.
    image = pypdfium2.PdfDocument(data)[0].render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [c.text for c in codes] == [f"http://training.test/verify/{issued['serial']}"]


def test_certificate_is_archival_pdf_a_tagged_and_signed(issued):
    """PDF/A-3b for the years an authority keeps records, tagged for screen readers, and still PAdES-signed."""
    assert_archival_tagged_and_signed(issued["pdf"])
    structure = run_tool("pdfinfo", "-struct-text", data=issued["pdf"]).stdout
    for expected in ("H1", "Certificate of completion", "Zoë Müller-Wanjiru", issued["serial"]):
        assert expected in structure, expected


def test_verification_page_says_which_standard_the_file_meets(app, issued):
    body = text(app.test_client().get(f"/verify/{issued['serial']}"))
    assert "PDF/A-3b (archival), tagged for screen readers, digitally signed (PAdES)" in body


def test_certificates_issued_before_pdf_a_keep_their_bytes_and_say_what_they_are(app, client, issued):
    """A certificate issued as a plain signed PDF is never re-rendered; the page describes it as it is."""
    with app.app_context():
        older = signing.sign_pdf(
            weasyprint.HTML(string="<p>Issued earlier</p>").write_pdf(),
            issuing.signer(certificate_settings()),
            reason="x",
        )
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == issued["serial"]))
        certificate.pdf, certificate.pdf_sha256 = older, hashlib.sha256(older).hexdigest()
        db.session.commit()
    body = text(app.test_client().get(f"/verify/{issued['serial']}"))
    assert "PDF, digitally signed (PAdES)" in body
    assert "PDF/A" not in body
    assert client.get(f"/certificates/{issued['serial']}.pdf").data == older


def test_downloads_are_the_stored_bytes(client, issued):
    response = client.get(f"/certificates/{issued['serial']}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == issued["pdf"]
    assert hashlib.sha256(response.data).hexdigest() == issued["sha"]
    assert client.get(f"/certificates/{issued['serial']}.pdf").data == issued["pdf"]  # never re-rendered


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("holder", True),
        ("manager", True),
        ("auditor", True),
        ("internal_auditor", True),
        ("admin", True),
        ("colleague", False),
        ("other_manager", False),
        ("other_auditor", False),
        ("stranger", False),
    ],
)
def test_download_permission_for_every_role(app, world, issued, who, allowed):
    browser = app.test_client()
    login(browser, world[who].email)
    response = browser.get(f"/certificates/{issued['serial']}.pdf")
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert response.data == issued["pdf"]


def test_anonymous_download_goes_to_sign_in(app, issued):
    response = app.test_client().get(f"/certificates/{issued['serial']}.pdf")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_public_verification_page(app, issued):
    anonymous = app.test_client()
    page = anonymous.get(f"/verify/{issued['serial']}")
    assert page.status_code == 200
    body = text(page)
    for expected in ("Valid", "Zoë Müller-Wanjiru", "Cert Air", "Test course", "version 1", issued["sha"]):
        assert expected in body
    assert "CA-42" not in body  # the page says no more than needed


def test_verification_of_lower_case_mistyped_and_unknown_serials(app, issued):
    anonymous = app.test_client()
    lower = anonymous.get(f"/verify/{issued['serial'].lower()}")
    assert lower.status_code == 301
    assert lower.headers["Location"].endswith(f"/verify/{issued['serial']}")
    compact = issued["serial"].replace("-", "")
    assert anonymous.get(f"/verify/{compact}").status_code == 301
    # One character changed: the check character catches it.
    wrong_char = "0" if compact[3] != "0" else "1"
    typo = compact[:3] + wrong_char + compact[4:]
    response = anonymous.get(f"/verify/{typo}")
    assert response.status_code == 404
    assert "typing mistake" in text(response)
    short = anonymous.get("/verify/ABC")
    assert "A serial has 14 characters" in text(short)
    unknown = serials.new_serial()
    response = anonymous.get(f"/verify/{unknown}")
    assert response.status_code == 404
    assert "No certificate has the serial" in text(response)
    search = anonymous.get(f"/verify?serial={issued['serial'].lower()}")
    assert search.status_code == 302


def test_uploaded_pdf_is_compared_byte_for_byte(app, issued):
    anonymous = app.test_client()
    url = f"/verify/{issued['serial']}"
    token = csrf_token(anonymous, url)
    same = anonymous.post(
        url, data={"csrf_token": token, "pdf": (io.BytesIO(issued["pdf"]), "c.pdf")}, content_type="multipart/form-data"
    )
    matched = text(same)
    assert '<p class="badge big-badge status-passed">Match</p>' in matched
    assert "The uploaded PDF is the certificate issued with serial" in matched
    changed = bytearray(issued["pdf"])
    changed[len(changed) // 2] ^= 0x01
    other = anonymous.post(
        url,
        data={"csrf_token": token, "pdf": (io.BytesIO(bytes(changed)), "c.pdf")},
        content_type="multipart/form-data",
    )
    mismatched = text(other)
    # The comparison is the headline: the page's first heading says the file is not the certificate, and
    # no large "Valid" sits above it.
    first_heading = re.search(r"<h1[^>]*>(.*?)</h1>", mismatched, re.S).group(1)
    assert "is <em>not</em> the certificate issued" in first_heading
    assert mismatched.index("No match") < mismatched.index(">Valid<")
    assert 'big-badge">Valid' not in mismatched
    assert "big-badge" in mismatched.split("No match")[0]
    missing = anonymous.post(url, data={"csrf_token": token}, content_type="multipart/form-data")
    assert missing.status_code == 400
    assert "Choose the PDF file" in text(missing)


def test_serial_check_character_catches_every_single_character_change():
    for _ in range(50):
        serial = serials.new_serial()
        compact = serial.replace("-", "")
        assert serials.parse_serial(serial) == serial
        for position in range(len(compact)):
            for replacement in serials.ALPHABET:
                if replacement == compact[position]:
                    continue
                mutated = compact[:position] + replacement + compact[position + 1 :]
                with pytest.raises(serials.SerialError):
                    serials.parse_serial(mutated)


def test_serials_are_random_enough():
    assert serials.RANDOM_CHARS * 5 >= 60
    assert len({serials.new_serial() for _ in range(2000)}) == 2000


def test_crockford_typos_are_forgiven():
    serial = serials.new_serial()
    assert serials.parse_serial(serial.lower().replace("-", " ")) == serial
    with_typo = serial.replace("1", "I").replace("0", "O")
    assert serials.parse_serial(with_typo) == serial


def test_concurrent_double_submission_gives_one_certificate(app, client, world):
    login(client, world["holder"].email)
    for slug in ("m-one", "m-two"):
        submit(client, f"{COURSE}/modules/{slug}/complete", form_url=f"{COURSE}/modules/{slug}")
    started = submit(client, f"{COURSE}/quiz/start", form_url=f"{COURSE}/quiz")
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    token = csrf_token(client, f"/attempts/{attempt_id}")
    data = {f"q-{k}": v for k, v in ANSWERS_ALL_RIGHT.items()} | {"csrf_token": token}
    barrier = threading.Barrier(3)
    statuses: list[int] = []

    def post() -> None:
        barrier.wait()
        statuses.append(client.post(f"/attempts/{attempt_id}", data=data).status_code)

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302, 302, 302]
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate))
    assert count == 1


def test_revocation_by_manager_shows_on_verification(app, world, issued):
    manager = app.test_client()
    login(manager, world["manager"].email)
    page = manager.get(f"/certificates/{issued['serial']}/revoke")
    assert page.status_code == 200
    empty = submit(manager, f"/certificates/{issued['serial']}/revoke", {"reason": "  "})
    assert "Say why the certificate is revoked" in text(empty)
    done = submit(manager, f"/certificates/{issued['serial']}/revoke", {"reason": "Issued to the wrong person."})
    assert done.status_code == 302
    body = text(app.test_client().get(f"/verify/{issued['serial']}"))
    assert "Revoked" in body
    assert "was revoked on" in body
    assert "wrong person" not in body  # the reason is kept on record, not published
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == issued["serial"]))
        assert certificate.revoke_reason == "Issued to the wrong person."
        assert certificate.revoked_by_id == world["manager"].id


@pytest.mark.parametrize("who", ["holder", "auditor", "other_manager", "colleague"])
def test_only_own_managers_and_admins_can_revoke(app, world, issued, who):
    browser = app.test_client()
    login(browser, world[who].email)
    assert browser.get(f"/certificates/{issued['serial']}/revoke").status_code == 404
    response = submit(browser, f"/certificates/{issued['serial']}/revoke", {"reason": "x"}, form_url="/")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.revoked_at)) is None


def test_wallet_card(app, client, issued):
    response = client.get(f"/certificates/{issued['serial']}/wallet-card.pdf")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 2
    all_text = " ".join(p.extract_text() for p in reader.pages)
    assert issued["serial"] in all_text
    assert "Ask your manager" in all_text  # this organization has listed no contacts
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm, 1) == 85.6


def _exactly(text: str, length: int, filler: str = " day and night") -> str:
    """``text`` made exactly ``length`` characters long with whole filler words (then single letters)."""
    while len(text) + len(filler) <= length:
        text += filler
    while len(text) < length:
        text += " x" if len(text) + 2 <= length else "x"
    return text


# An address as long as the form allows: 60 characters without a space.
LONGEST_EMAIL = "safeguarding-reports1@demo-international-airport.example.org"
# The longest texts the contact form accepts: 160, 200 and 300 characters.
LONGEST_CONTACTS = [
    {
        "name": _exactly("Demo International Airport safeguarding desk (example)", 160),
        "channel": "email",
        "value": _exactly(f"{LONGEST_EMAIL} or {LONGEST_EMAIL}, copied to", 200),
        "when_to_use": _exactly(f"Written follow-up after you have reported, to {LONGEST_EMAIL}, within", 300),
    },
    {
        "name": _exactly("Demo Air Security Operations Centre (example)", 160),
        "channel": "phone",
        "value": _exactly("+254 20 000 0000, +254 722 000 000 ext. 4021, 0800 720 000 or (020) 123-4567 from", 200),
        "when_to_use": _exactly(
            "Someone in immediate danger: call the airport police on +254 20 000 0000, then 999 or 112, and", 300
        ),
    },
    {
        "name": _exactly("Flight crew in flight", 160),
        "channel": "in_person",
        "value": _exactly("Senior cabin crew member, then the pilot-in-command, who reports ahead by", 200),
        "when_to_use": _exactly("On board: the flight deck reports ahead by the operator's procedure, and", 300),
    },
]


def _add_contacts(app, world, contacts: list[dict[str, str]]) -> None:
    manager = app.test_client()
    login(manager, world["manager"].email)
    for contact in contacts:
        assert (len(contact["name"]), len(contact["value"]), len(contact["when_to_use"])) == (160, 200, 300)
        response = submit(manager, "/manage/contacts", contact)
        assert response.status_code == 302, text(response)


def _card_text(lines) -> str:
    """The card's text as one string without spaces (poppler splits words where the font changes), less
    the heading and the rule repeated on every panel."""
    repeated = {"How to report (continued)", "Do not confront. Do not intervene. Observe, record, report."}
    return _compact(" ".join(line.text for line in lines if line.text not in repeated))


def _compact(text: str) -> str:
    return "".join(text.split())


def test_wallet_card_carries_the_longest_contacts_whole_numbers_and_addresses_unbroken(app, client, world, issued):
    """Nothing on the card is cut off, and no number or address is broken over two lines."""
    _add_contacts(app, world, LONGEST_CONTACTS)
    response = client.get(f"/certificates/{issued['serial']}/wallet-card.pdf")
    assert response.status_code == 200
    data = response.data

    lines = pdf_lines(data)
    card = _card_text(lines)
    for contact in LONGEST_CONTACTS:
        for field in ("name", "value", "when_to_use"):
            assert _compact(contact[field]) in card, (field, contact[field])
        kept = [p.text for f in ("name", "value", "when_to_use") for p in card_text.split(contact[f]) if p.keep]
        for unbroken in kept:
            assert any(_compact(unbroken) in _compact(line.text) for line in lines), f"{unbroken!r} is broken"
    assert LONGEST_EMAIL in card_text.split(LONGEST_CONTACTS[0]["value"])[0].text

    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 2  # the contacts go on over more panels than one
    for page in reader.pages:
        assert (
            round(float(page.mediabox.width) / 72 * 25.4, 1),
            round(float(page.mediabox.height) / 72 * 25.4, 1),
        ) == (
            85.6,
            54.0,
        )

    # Signed like the certificate, and archival and tagged like it.
    assert_archival_tagged_and_signed(data)
    with app.app_context():
        cert_path = app.instance_path + "/signing/signing-cert.pem"
    with open(cert_path, "rb") as handle:
        _, _, der = pem.unarmor(handle.read())
    [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)]))
    assert status.intact
    assert status.valid
    assert status.coverage.name == "ENTIRE_FILE"


def test_wallet_card_front_fits_the_longest_name_organization_and_course(app, client, issued):
    """The front shrinks long texts to fit above "Valid until", or moves the course to a panel: never cut off."""
    longest = {
        "holder_name": _exactly("Wanjiru Müller-Achieng Nyambura", 160, " Oluwaseun"),
        "organization_name": _exactly("Demo International Airport", 160, " Authority"),
        "course_title": _exactly("Recognize and report human trafficking", 200, " for aviation staff"),
    }
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == issued["serial"]))
        for key, value in longest.items():
            setattr(certificate, key, value)
        db.session.commit()
    lines = pdf_lines(client.get(f"/certificates/{issued['serial']}/wallet-card.pdf").data)
    card = _card_text(lines)
    for value in longest.values():
        assert _compact(value) in card
    front = [line for line in lines if line.page == 1]
    [valid] = [line for line in front if line.text.startswith("Valid until")]
    above = _compact(" ".join(line.text for line in front if line.bottom <= valid.top))
    assert _compact(longest["holder_name"]) in above
    assert _compact(longest["organization_name"]) in above


def test_contact_form_refuses_an_address_too_long_for_one_line_of_the_card(app, world):
    manager = app.test_client()
    login(manager, world["manager"].email)
    too_long = "x" + LONGEST_EMAIL
    response = submit(
        manager,
        "/manage/contacts",
        {"name": "Safeguarding desk", "channel": "email", "value": too_long, "when_to_use": "Follow-up."},
    )
    assert response.status_code == 200
    assert f"has {card_text.MAX_UNBROKEN + 1} characters: a number or address can have at most" in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportingContact)) == 0


@pytest.mark.parametrize(
    ("issued_at", "months", "expected"),
    [
        (datetime(2026, 1, 31, 10, tzinfo=UTC), 1, datetime(2026, 2, 28, 10, tzinfo=UTC)),
        (datetime(2027, 12, 31, 10, tzinfo=UTC), 2, datetime(2028, 2, 29, 10, tzinfo=UTC)),
        (datetime(2028, 2, 29, 10, tzinfo=UTC), 12, datetime(2029, 2, 28, 10, tzinfo=UTC)),
        (datetime(2026, 11, 30, 10, tzinfo=UTC), 3, datetime(2027, 2, 28, 10, tzinfo=UTC)),
        (datetime(2026, 3, 15, 10, tzinfo=UTC), 12, datetime(2027, 3, 15, 10, tzinfo=UTC)),
    ],
)
def test_expiry_dates_around_month_ends_and_leap_years(issued_at, months, expected):
    assert add_months(issued_at, months) == expected


def _age_certificate(app, serial: str, *, days_left: int) -> None:
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
        now = datetime.now(UTC)
        certificate.expires_at = now + timedelta(days=days_left)
        certificate.issued_at = certificate.expires_at - timedelta(days=365)
        db.session.commit()


def test_home_shows_expiry_warning_then_expired(app, client, issued):
    _age_certificate(app, issued["serial"], days_left=90)
    assert "Expires in" not in text(client.get("/"))
    _age_certificate(app, issued["serial"], days_left=30)
    home = text(client.get("/"))
    assert "Expiring soon" in home
    assert "Expires in 29 days" in home or "Expires in 30 days" in home
    _age_certificate(app, issued["serial"], days_left=-1)
    home = text(client.get("/"))
    assert ">Expired<" in home
    assert "Take the course again" in home
    assert "Expired" in text(app.test_client().get(f"/verify/{issued['serial']}"))


def test_verification_lookups_are_throttled(app, issued):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    try:
        anonymous = app.test_client()
        codes = [anonymous.get(f"/verify/{issued['serial']}").status_code for _ in range(4)]
    finally:
        app.config["VERIFY_RATE_LIMIT"] = "60 per minute"
    assert codes == [200, 200, 200, 429]
