"""PAdES signatures on issued PDFs, with pyHanko.

Bring your own key and certificate with SIGNING_KEY_FILE and SIGNING_CERT_FILE (PEM; the key may be
protected by SIGNING_KEY_PASSWORD). Without them, a key and a self-signed certificate are created
once under instance/signing/ on first use, so a fresh installation signs from its first certificate.

The PDFs signed here are PDF/A-3b: the signature is added as an incremental update that keeps them so
(PDF 1.7, the Info dictionary and the XMP metadata saying the same).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers import constants

SIGNATURE_FIELD = "Signature"


def ensure_local_key(folder: Path, common_name: str) -> tuple[Path, Path]:
    """Create a key and self-signed certificate in ``folder`` unless they exist; return their paths.

    The key is written with O_EXCL so that two workers starting at once cannot both create one.
    """
    key_path, cert_path = folder / "signing-key.pem", folder / "signing-cert.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Recognize & Report"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race; use its key once its certificate is there
        return key_path, cert_path
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    tmp = cert_path.with_suffix(".tmp")
    tmp.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tmp.replace(cert_path)
    return key_path, cert_path


@lru_cache(maxsize=4)
def load_signer(key_file: str, cert_file: str, password: str = "") -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load(key_file, cert_file, key_passphrase=password.encode() or None)
    if signer is None:
        raise RuntimeError(
            "could not load the signing key and certificate: check SIGNING_KEY_FILE and SIGNING_CERT_FILE"
        )
    return signer


@lru_cache(maxsize=8)
def _bytes_reserved(signer: signers.SimpleSigner) -> int:
    """Room to leave in the PDF for this signer's signature, measured once with a dry run.

    pyHanko would otherwise sign every PDF twice: once with a dummy to measure, then for real. The margin
    is pyHanko's own (a quarter again, in hex digits).
    """
    dummy = asyncio.run(signer.async_sign(hashlib.sha256(b"").digest(), "sha256", use_pades=True, dry_run=True))
    hex_length = len(dummy.dump()) * 2
    return hex_length + 2 * (hex_length // 4)


class _Pdf17Signer(signers.PdfSigner):
    """Declares PAdES the PDF 1.7 way (the ESIC extension) and nothing more.

    pyHanko would also declare ISO 32002 for an elliptic-curve key, which makes the file PDF 2.0;
    PDF/A-3 is PDF 1.7, and PDF 1.7 readers verify these signatures as they are.
    """

    def register_extensions(self, pdf_out, *, md_algorithm: str) -> None:
        pdf_out.ensure_output_version(version=(1, 7))
        pdf_out.register_extension(constants.ESIC_EXTENSION_1)


def _leave_producer_to_signer(writer: IncrementalPdfFileWriter) -> None:
    """PDF/A wants the Info dictionary's Producer to equal the XMP metadata's. pyHanko writes its own
    name into the XMP but appends it to an Info Producer already there: without one, both say the same."""
    try:
        reference = writer.trailer.raw_get("/Info")
    except KeyError:
        return
    info = reference.get_object()
    if "/Producer" in info:
        del info["/Producer"]
        writer.mark_update(reference)


def sign_pdf(pdf: bytes, signer: signers.SimpleSigner, *, reason: str, location: str = "") -> bytes:
    """Return the PDF with an invisible PAdES signature appended (an incremental update)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    _leave_producer_to_signer(writer)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name="Recognize & Report",
    )
    pdf_signer = _Pdf17Signer(meta, signer=signer, new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD))
    out = pdf_signer.sign_pdf(writer, bytes_reserved=_bytes_reserved(signer))
    return out.getvalue()
