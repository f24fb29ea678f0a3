"""Organizations and the oversight links between an authority and the operators it oversees."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model, db
from training.models.types import UTCDateTime, utcnow
from training.services.i18n import N_, lazy_gettext

if TYPE_CHECKING:
    from training.models.user import User


class OrgKind(StrEnum):
    AIRLINE = "airline"
    AIRPORT = "airport"
    GROUND_HANDLER = "ground_handler"
    AUTHORITY = "authority"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The kind's name in the reader's language (translated each time it is shown)."""
        return shown_label(ORG_KIND_LABELS[self])

    @property
    def english_label(self) -> str:
        return ORG_KIND_LABELS[self]


# In English; ``label`` gives them in the reader's language.
ORG_KIND_LABELS = {
    OrgKind.AIRLINE: N_("Airline"),
    OrgKind.AIRPORT: N_("Airport"),
    OrgKind.GROUND_HANDLER: N_("Ground handler"),
    OrgKind.AUTHORITY: N_("Civil aviation authority"),
    OrgKind.OTHER: N_("Other"),
}


def shown_label(english: str) -> str:
    """``english`` (a label marked with ``N_``) in the language of whoever reads it, looked up each time it is
    shown: a lazy string, so a form's choices defined when a module is imported follow the reader too.
    Where a real ``str`` is needed (``join``, JSON), pass it through ``str()``."""
    return cast(str, lazy_gettext(english))


oversight = sa.Table(
    "oversight",
    db.metadata,
    sa.Column("authority_id", sa.ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("overseen_id", sa.ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)


class Organization(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    country: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2
    iata_code: Mapped[str | None] = mapped_column(sa.String(3))
    icao_code: Mapped[str | None] = mapped_column(sa.String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Shown on certificates when set (PNG or JPEG, small).
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    logo_mime: Mapped[str | None] = mapped_column(sa.String(40))
    # New staff must complete their required courses within this many days of joining.
    days_to_complete: Mapped[int] = mapped_column(default=30, server_default="30")
    # The interface language of staff who have not chosen one themselves (None: their browser's).
    default_language: Mapped[str | None] = mapped_column(sa.String(8))

    users: Mapped[list[User]] = relationship(back_populates="organization", lazy="raise")
    overseen: Mapped[list[Organization]] = relationship(
        secondary=oversight,
        primaryjoin=lambda: Organization.id == oversight.c.authority_id,
        secondaryjoin=lambda: Organization.id == oversight.c.overseen_id,
        back_populates="overseers",
        order_by=lambda: Organization.name,
    )
    overseers: Mapped[list[Organization]] = relationship(
        secondary=oversight,
        primaryjoin=lambda: Organization.id == oversight.c.overseen_id,
        secondaryjoin=lambda: Organization.id == oversight.c.authority_id,
        back_populates="overseen",
        order_by=lambda: Organization.name,
    )

    @property
    def kind_label(self) -> str:
        """In the reader's language."""
        return str(OrgKind(self.kind).label)

    @property
    def is_authority(self) -> bool:
        return self.kind == OrgKind.AUTHORITY

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"
