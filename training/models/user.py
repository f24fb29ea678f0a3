"""People: staff, managers, auditors and admins, each in exactly one organization."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.models.org import Organization, shown_label
from training.models.types import UTCDateTime, utcnow
from training.services.i18n import N_


class Role(StrEnum):
    LEARNER = "learner"
    MANAGER = "manager"
    AUDITOR = "auditor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name in the reader's language (translated each time it is shown)."""
        return shown_label(ROLE_LABELS[self])

    @property
    def english_label(self) -> str:
        return ROLE_LABELS[self]


class JobFunction(StrEnum):
    CABIN_CREW = "cabin_crew"
    FLIGHT_CREW = "flight_crew"
    CHECK_IN = "check_in"
    GATE = "gate"
    GROUND_HANDLING = "ground_handling"
    SECURITY = "security"
    CUSTOMER_SERVICE = "customer_service"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The job function's name in the reader's language (translated each time it is shown)."""
        return shown_label(JOB_FUNCTION_LABELS[self])

    @property
    def english_label(self) -> str:
        """The name in English, as exports write it and imports read it."""
        return JOB_FUNCTION_LABELS[self]


# In English (exports, imports); ``label`` gives them in the reader's language.
ROLE_LABELS = {
    Role.LEARNER: N_("Learner"),
    Role.MANAGER: N_("Manager"),
    Role.AUDITOR: N_("Auditor"),
    Role.ADMIN: N_("Admin"),
}
JOB_FUNCTION_LABELS = {
    JobFunction.CABIN_CREW: N_("Cabin crew"),
    JobFunction.FLIGHT_CREW: N_("Flight crew"),
    JobFunction.CHECK_IN: N_("Check-in"),
    JobFunction.GATE: N_("Gate"),
    JobFunction.GROUND_HANDLING: N_("Ground handling"),
    JobFunction.SECURITY: N_("Security"),
    JobFunction.CUSTOMER_SERVICE: N_("Customer service"),
    JobFunction.OTHER: N_("Other"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class UserRole(Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class User(UserMixin, Model):
    __tablename__ = "user"
    __table_args__ = (sa.UniqueConstraint("organization_id", "employee_number", name="uq_user_org_employee_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    employee_number: Mapped[str | None] = mapped_column(sa.String(40))
    job_function: Mapped[str] = mapped_column(sa.String(30), default=JobFunction.OTHER)
    base: Mapped[str | None] = mapped_column(sa.String(5))  # station code, e.g. NBO
    active: Mapped[bool] = mapped_column(default=True)
    # The interface language the person chose (None: their organization's default, else the browser's).
    preferred_language: Mapped[str | None] = mapped_column(sa.String(8))
    # The session cookie carries this token; changing it signs the person out everywhere (sign-out,
    # password change or reset, deactivation).
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(back_populates="users", lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    # --- roles -------------------------------------------------------------------------
    @property
    def roles(self) -> set[Role]:
        return {Role(row.role) for row in self.role_rows}

    def set_roles(self, roles: Iterable[Role]) -> None:
        wanted = {Role(r) for r in roles}
        self.role_rows = [row for row in self.role_rows if Role(row.role) in wanted]
        have = {Role(row.role) for row in self.role_rows}
        for role in sorted(wanted - have):
            self.role_rows.append(UserRole(role=role.value))

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    # --- presentation ----------------------------------------------------------------
    @property
    def job_function_label(self) -> str:
        """In the reader's language."""
        return str(JobFunction(self.job_function).label)

    @property
    def role_labels(self) -> str:
        """In the reader's language."""
        return ", ".join(str(r.label) for r in sorted(self.roles))

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    # --- flask-login -------------------------------------------------------------------
    def get_id(self) -> str:
        return self.session_token

    def end_every_session(self) -> None:
        """Refuse every session cookie issued so far, wherever it was copied (the caller commits)."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
