"""The certificate register: searching certificates across the organizations a viewer may read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime

import sqlalchemy as sa

from training.extensions import db
from training.models import Certificate, Course, Organization, User, utcnow
from training.models.types import parse_id
from training.policy import audited_org_ids
from training.services import dates, filenames, serials

STATUSES = ("valid", "expired", "revoked")


@dataclass(frozen=True)
class RegisterFilter:
    q: str = ""  # serial, holder name or employee number
    org: str = ""  # organization id
    course: str = ""  # course slug
    status: str = ""
    issued_from: str = ""
    issued_to: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> RegisterFilter:
        status = args.get("status", "")
        org = args.get("org", "")
        issued_from, issued_to = args.get("issued_from", ""), args.get("issued_to", "")
        return cls(
            q=args.get("q", "").strip()[:100],
            org=org if parse_id(org) else "",
            course=args.get("course", "").strip()[:80],
            status=status if status in STATUSES else "",
            issued_from=issued_from if dates.parse_day(issued_from) else "",
            issued_to=issued_to if dates.parse_day(issued_to) else "",
        )

    def args(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


def readable_org_ids(viewer: User) -> set[int] | None:
    """Organizations whose certificates the viewer may search (None: all, for admins)."""
    from training.models import Role

    if viewer.has_role(Role.ADMIN):
        return None
    return audited_org_ids(viewer)


PARTIAL_SERIAL_MIN = 4  # characters of a serial (dashes aside) that are worth searching for


def serial_mistake(q: str) -> str | None:
    """What is wrong with a search that is a full serial with a mistyped check character, if it is one."""
    try:
        serials.parse_serial(q)
    except serials.CheckCharacterError as exc:
        return str(exc)
    except serials.SerialError:
        pass
    return None


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(q: str) -> sa.ColumnElement[bool]:
    """A full serial finds that certificate; anything else is looked for in the names and employee
    numbers printed on certificates, the holders' current ones, and (4+ serial characters) in serials."""
    try:
        return Certificate.serial == serials.parse_serial(q)
    except serials.SerialError:
        pass
    name, number = _like(q), q.lower()
    holders = sa.select(User.id).where(
        sa.or_(sa.func.lower(User.full_name).like(name, escape="\\"), sa.func.lower(User.employee_number) == number)
    )
    found = [
        sa.func.lower(Certificate.holder_name).like(name, escape="\\"),
        sa.func.lower(Certificate.employee_number) == number,
        Certificate.user_id.in_(holders.scalar_subquery()),
    ]
    compact = serials.compact_form(q)
    if len(compact) >= PARTIAL_SERIAL_MIN and serials.is_serial_text(compact):
        # Serial characters only, so nothing in ``compact`` needs escaping for LIKE.
        found.append(sa.func.replace(Certificate.serial, "-", "").like(f"%{compact}%"))
    return sa.or_(*found)


def query(viewer: User, spec: RegisterFilter, now: datetime | None = None) -> sa.Select:
    now = now or utcnow()
    select = sa.select(Certificate)
    org_ids = readable_org_ids(viewer)
    if org_ids is not None:
        select = select.where(Certificate.organization_id.in_(org_ids or {-1}))
    if spec.q:
        select = select.where(_matches(spec.q))
    if spec.org:
        select = select.where(Certificate.organization_id == int(spec.org))
    if spec.course:
        select = select.join(Course, Course.id == Certificate.course_id).where(Course.slug == spec.course)
    if spec.status == "revoked":
        select = select.where(Certificate.revoked_at.is_not(None))
    elif spec.status == "valid":
        select = select.where(Certificate.revoked_at.is_(None), Certificate.expires_at > now)
    elif spec.status == "expired":
        select = select.where(Certificate.revoked_at.is_(None), Certificate.expires_at <= now)
    start = dates.parse_day(spec.issued_from)
    if start:
        select = select.where(Certificate.issued_at >= dates.day_start(start))
    last = dates.parse_day(spec.issued_to)
    end = dates.day_end(last) if last else None
    if end:
        select = select.where(Certificate.issued_at < end)
    return select.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


def _readable_org(viewer: User, spec: RegisterFilter) -> Organization | None:
    """The organization the filter names, if the viewer may read it (any other is never named)."""
    if not spec.org:
        return None
    org_ids = readable_org_ids(viewer)
    if org_ids is not None and int(spec.org) not in org_ids:
        return None
    return db.session.get(Organization, int(spec.org))


def _filter_parts(spec: RegisterFilter) -> list[str]:
    parts = [filenames.slug(spec.course), spec.status]
    if spec.q:
        parts.append(f"matching-{filenames.slug(spec.q, limit=24)}")
    if spec.issued_from and spec.issued_to:
        parts.append(f"{spec.issued_from}-to-{spec.issued_to}")
    elif spec.issued_from:
        parts.append(f"from-{spec.issued_from}")
    elif spec.issued_to:
        parts.append(f"to-{spec.issued_to}")
    return [p for p in parts if p and p != "matching-"]


def zip_filenames(viewer: User, spec: RegisterFilter, today: date) -> tuple[str, str | None]:
    """The ZIP's name: organization, filters and date, e.g.
    ``certificates-demo-air-recognize-and-report-valid-2026-01-01-to-2026-06-30-2026-12-01.zip``.

    The first is ASCII only; the second keeps the organization's name in its own script (for
    ``filename*``), or is None when the name is ASCII anyway.
    """
    org = _readable_org(viewer, spec)
    org_part = (filenames.slug(org.name) or f"organization-{org.id}") if org else "all-organizations"
    rest = [*_filter_parts(spec), today.isoformat()]
    ascii_name = "-".join(["certificates", org_part, *rest]) + ".zip"
    if org is None or org.name.isascii():
        return ascii_name, None
    return ascii_name, "-".join(["certificates", filenames.unicode_slug(org.name), *rest]) + ".zip"
