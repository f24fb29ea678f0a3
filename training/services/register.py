"""The certificate register: searching certificates across the organizations a viewer may read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa

from training.ids import parse_id
from training.models import Certificate, Course, User, utcnow
from training.policy import audited_org_ids
from training.services import dates, serials

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
