"""An organization's own settings: days to complete training, and the logo on its certificates."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from training import auditing
from training.extensions import db
from training.models import Organization
from training.services import requirements
from training.services.errors import ServiceError

MAX_LOGO_BYTES = 300 * 1024
MAX_LOGO_PIXELS = 2000


def set_days_to_complete(org: Organization, days: int) -> None:
    if not 1 <= days <= 365:
        raise ServiceError({"days_to_complete": "Use a number of days from 1 to 365."})
    before = org.days_to_complete
    org.days_to_complete = days
    requirements.sync_org(org)  # due dates of required courses move with it
    auditing.note(
        "organization.settings_changed",
        organization_id=org.id,
        object_type="organization",
        object_id=org.id,
        details={"days_to_complete": [before, days]},
    )
    db.session.commit()


def set_logo(org: Organization, data: bytes) -> None:
    """Accept a PNG or JPEG logo; it is re-encoded as PNG so nothing but pixels reaches the PDFs."""
    if not data:
        raise ServiceError({"logo": "Choose an image file."})
    if len(data) > MAX_LOGO_BYTES:
        raise ServiceError({"logo": f"The logo is {len(data) // 1024} KB; use an image of at most 300 KB."})
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                raise ServiceError({"logo": "Use a PNG or JPEG image."})
            if max(image.size) > MAX_LOGO_PIXELS:
                raise ServiceError({"logo": f"Use an image at most {MAX_LOGO_PIXELS} pixels wide and high."})
            image.load()
            out = io.BytesIO()
            image.convert("RGBA").save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError) as exc:
        raise ServiceError({"logo": "This file is not an image that can be read. Use a PNG or JPEG."}) from exc
    org.logo = out.getvalue()
    org.logo_mime = "image/png"
    auditing.note(
        "organization.logo_changed",
        organization_id=org.id,
        object_type="organization",
        object_id=org.id,
        details={"png_bytes": len(org.logo)},
    )
    db.session.commit()


def remove_logo(org: Organization) -> None:
    org.logo = None
    org.logo_mime = None
    auditing.note("organization.logo_removed", organization_id=org.id, object_type="organization", object_id=org.id)
    db.session.commit()
