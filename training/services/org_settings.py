"""An organization's own settings: days to complete training, and the logo on its certificates."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from training.extensions import db
from training.models import Organization
from training.services import audit, i18n, requirements
from training.services.errors import ServiceError
from training.services.i18n import gettext as _

MAX_LOGO_BYTES = 300 * 1024  # the file uploaded
MAX_LOGO_PIXELS = 2000  # the uploaded image's width and height
# A certificate prints the logo at most 80 by 18 mm: at 300 dpi that fits in 960 by 240 pixels.
LOGO_BOX = (960, 240)
MAX_STORED_LOGO_BYTES = 300 * 1024  # the PNG kept, after scaling and re-encoding


def _too_many_pixels() -> str:
    return _("Use an image at most %(most)s pixels wide and high.", most=MAX_LOGO_PIXELS)


def set_days_to_complete(org: Organization, days: int, *, actor: audit.Actor) -> None:
    if not 1 <= days <= 365:
        raise ServiceError({"days_to_complete": _("Use a number of days from 1 to 365.")})
    before = org.days_to_complete
    org.days_to_complete = days
    requirements.sync_org(org)  # due dates of required courses move with it
    _record_change("organization.settings_changed", org, actor=actor, details={"days_to_complete": [before, days]})


def set_logo(org: Organization, data: bytes, *, actor: audit.Actor) -> None:
    """Accept a PNG or JPEG logo, scaled down to fit ``LOGO_BOX`` and re-encoded as PNG, so nothing but
    pixels reaches the PDFs and no certificate carries more image than it prints."""
    if not data:
        raise ServiceError({"logo": _("Choose an image file.")})
    if len(data) > MAX_LOGO_BYTES:
        raise ServiceError(
            {"logo": _("The logo is %(size)s KB; use an image of at most 300 KB.", size=len(data) // 1024)}
        )
    png = _logo_png(data)
    if len(png) > MAX_STORED_LOGO_BYTES:
        raise ServiceError(
            {
                "logo": _(
                    "Scaled to fit %(width)s × %(height)s pixels, this image still takes %(size)s KB; at most "
                    "%(most)s KB is kept. Use a simpler image, e.g. the logo on a plain background.",
                    width=LOGO_BOX[0],
                    height=LOGO_BOX[1],
                    size=len(png) // 1024,
                    most=MAX_STORED_LOGO_BYTES // 1024,
                )
            }
        )
    org.logo = png
    org.logo_mime = "image/png"
    _record_change("organization.logo_changed", org, actor=actor, details={"png_bytes": len(png)})


def _logo_png(data: bytes) -> bytes:
    """The image decoded, scaled down to fit ``LOGO_BOX`` (keeping its proportions) and encoded as PNG.

    An image whose header claims more pixels than Pillow will decode (a "decompression bomb") is
    refused like any other too large image, whether Pillow raises or only warns.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in {"PNG", "JPEG"}:
                    raise ServiceError({"logo": _("Use a PNG or JPEG image.")})
                if max(image.size) > MAX_LOGO_PIXELS:
                    raise ServiceError({"logo": _too_many_pixels()})
                image.draft("RGB", LOGO_BOX)  # a JPEG decodes straight at a smaller scale
                has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
                scaled = image.convert("RGBA" if has_alpha else "RGB")
                scaled.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
                out = io.BytesIO()
                scaled.save(out, format="PNG", optimize=True)
                return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ServiceError({"logo": _too_many_pixels()}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ServiceError({"logo": _("This file is not an image that can be read. Use a PNG or JPEG.")}) from exc


def remove_logo(org: Organization, *, actor: audit.Actor) -> None:
    org.logo = None
    org.logo_mime = None
    _record_change("organization.logo_removed", org, actor=actor)


def set_default_language(org: Organization, code: str | None, *, actor: audit.Actor) -> None:
    """The language shown to the organization's staff who have not chosen one (None: each browser's)."""
    if code is not None and not (code.isalpha() and i18n.in_language(code).code == code):
        raise ServiceError({"default_language": i18n.gettext("Choose one of the languages offered.")})
    before = org.default_language
    if before == code:
        return
    org.default_language = code
    _record_change("organization.settings_changed", org, actor=actor, details={"default_language": [before, code]})


def _record_change(
    action: str, org: Organization, *, actor: audit.Actor, details: dict[str, object] | None = None
) -> None:
    """The change to ``org`` on the audit trail, and committed."""
    audit.record_about(action, org, actor=actor, details=details)
    db.session.commit()
