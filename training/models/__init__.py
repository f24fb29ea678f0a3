"""SQLAlchemy models, one module per aggregate. Import from here."""

from training.models.assignment import Assignment, CourseRequirement, Requirement
from training.models.audit import GENESIS_HASH, AuditEvent, AuditHead
from training.models.certificate import Certificate
from training.models.contact import ReportingContact
from training.models.course import Course, CourseTranslation, CourseVersion, Module, Question
from training.models.learning import Attempt, ModuleCompletion
from training.models.org import ORG_KIND_LABELS, Organization, OrgKind, oversight
from training.models.outbox import OutboxMessage
from training.models.staff_import import StaffImport
from training.models.token import AccessToken, TokenPurpose
from training.models.types import UTCDateTime, utcnow
from training.models.user import (
    JOB_FUNCTION_LABELS,
    JobFunction,
    Role,
    User,
    UserRole,
    new_session_token,
)

__all__ = [
    "GENESIS_HASH",
    "JOB_FUNCTION_LABELS",
    "ORG_KIND_LABELS",
    "AccessToken",
    "Assignment",
    "Attempt",
    "AuditEvent",
    "AuditHead",
    "Certificate",
    "Course",
    "CourseRequirement",
    "CourseTranslation",
    "CourseVersion",
    "JobFunction",
    "Module",
    "ModuleCompletion",
    "OrgKind",
    "Organization",
    "OutboxMessage",
    "Question",
    "ReportingContact",
    "Requirement",
    "Role",
    "StaffImport",
    "TokenPurpose",
    "UTCDateTime",
    "User",
    "UserRole",
    "new_session_token",
    "oversight",
    "utcnow",
]
