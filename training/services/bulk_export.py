"""A ZIP of certificates streamed as it is built, with a manifest an inspector can check.

Memory stays flat whatever the number of certificates: PDFs are read from the database in
batches and written straight into the ZIP (stored, not compressed again: PDFs already are), and
the manifest is spooled to a temporary file. ``manifest.sha256`` works with ``sha256sum -c``.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from training.extensions import db
from training.models import Certificate, Course, CourseVersion, utcnow
from training.services import csv_safe

BATCH = 100
MANIFEST_HEADER = [
    "serial",
    "holder",
    "employee_number",
    "organization",
    "course",
    "version",
    "issued",
    "expires",
    "status",
    "sha256",
    "file",
]


class _Sink(io.RawIOBase):
    """A write-only, non-seekable stream whose bytes are taken out as they are written."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


@dataclass
class ExportSummary:
    """Filled in while the ZIP streams; complete once the stream is exhausted."""

    count: int = 0
    manifest_sha256: str = ""
    finished: bool = False
    serials: list[str] = field(default_factory=list)


def _info(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def zip_stream(
    select: sa.Select,
    summary: ExportSummary,
    on_finish: Callable[[ExportSummary], None] | None = None,
    now: datetime | None = None,
) -> Iterator[bytes]:
    """Yield the ZIP of every certificate the (scoped, filtered) query over Certificate selects."""
    now = now or utcnow()
    ids = select.with_only_columns(Certificate.id).order_by(None).order_by(Certificate.serial)
    # Plain columns, not Certificate objects: nothing to track in the session for thousands of rows.
    rows = (
        sa.select(
            Certificate.serial,
            Certificate.holder_name,
            Certificate.employee_number,
            Certificate.organization_name,
            Certificate.version_label,
            Certificate.issued_at,
            Certificate.expires_at,
            Certificate.revoked_at,
            Certificate.pdf,
            CourseVersion.title.label("course_title"),
        )
        .join(Course, Course.id == Certificate.course_id)
        .join(CourseVersion, CourseVersion.id == Certificate.course_version_id)
        .where(Certificate.id.in_(ids.scalar_subquery()))
        .order_by(Certificate.serial)
        .execution_options(yield_per=BATCH)
    )
    sink = _Sink()
    with (
        tempfile.SpooledTemporaryFile(max_size=512 * 1024, mode="w+", encoding="utf-8", newline="") as manifest,
        tempfile.SpooledTemporaryFile(max_size=256 * 1024, mode="w+", encoding="utf-8") as sums,
    ):
        writer = csv_safe.SafeWriter(manifest)
        writer.writerow(MANIFEST_HEADER)
        with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
            for certificate in db.session.execute(rows):
                name = f"certificates/{certificate.serial}.pdf"
                archive.writestr(_info(name, certificate.issued_at), certificate.pdf)
                digest = hashlib.sha256(certificate.pdf).hexdigest()
                writer.writerow(
                    [
                        certificate.serial,
                        certificate.holder_name,
                        certificate.employee_number or "",
                        certificate.organization_name,
                        certificate.course_title,
                        certificate.version_label,
                        certificate.issued_at.date().isoformat(),
                        certificate.expires_at.date().isoformat(),
                        Certificate.status_at(certificate.revoked_at, certificate.expires_at, now),
                        digest,
                        name,
                    ]
                )
                sums.write(f"{digest}  {name}\n")
                summary.count += 1
                yield sink.take()
            manifest.seek(0)
            manifest_hash = hashlib.sha256()
            with archive.open(_info("manifest.csv", now), mode="w", force_zip64=True) as entry:
                while chunk := manifest.read(64 * 1024):
                    data = chunk.encode("utf-8")
                    manifest_hash.update(data)
                    entry.write(data)
            summary.manifest_sha256 = manifest_hash.hexdigest()
            sums.write(f"{summary.manifest_sha256}  manifest.csv\n")
            sums.seek(0)
            archive.writestr(_info("manifest.sha256", now), sums.read().encode("utf-8"))
        yield sink.take()
    summary.finished = True
    if on_finish is not None:
        on_finish(summary)
