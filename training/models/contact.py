"""An organization's own reporting contacts, shown to its staff in the "how to report" module."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import Model


class ReportingContact(Model):
    __tablename__ = "reporting_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(160))  # who: "Duty security manager", "Airport police"
    channel: Mapped[str] = mapped_column(sa.String(20))  # phone, radio, email, other
    value: Mapped[str] = mapped_column(sa.String(200))  # the number, frequency or address
    when_to_use: Mapped[str] = mapped_column(sa.String(300))
