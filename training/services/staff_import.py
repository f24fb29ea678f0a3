"""Importing a manager's staff from a spreadsheet saved as CSV: a plan to preview, then applied whole.

The file is UTF-8 (with or without the byte-order mark Excel writes), separated by commas or
semicolons, with a header naming ``TEMPLATE_COLUMNS`` in any order. Its size, rows, header columns and
line lengths are bounded before it is parsed, and every step is linear in its size, so no upload
holds a worker for long. Each row is matched to the
organization's staff by email, then by employee number, and becomes one line of the plan: create a
person, update one, leave one unchanged, or reject the row with its reasons. An empty
employee_number or base keeps what is on record; roles and active status are never changed.

``parse`` only reads the database. ``apply`` refuses a plan with rejected rows and writes every row
or none. Nothing here touches the request: views pass the bytes in and show what comes back.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from training.extensions import db
from training.models import JobFunction, Organization, Role, StaffImport, User, utcnow
from training.policy import can_change_email_directly, within_managers_reach
from training.services import accounts, audit, batches, csv_safe, guarded, i18n, people, requirements
from training.services.accounts import normalize_email
from training.services.errors import ServiceError
from training.services.i18n import N_, ngettext
from training.services.i18n import gettext as _
from training.services.mailer import Mail

TEMPLATE_COLUMNS = ["email", "full_name", "employee_number", "job_function", "base"]
TEMPLATE_EXAMPLE = ["jane.example@example.com", "Jane Example", "E-00001", "Cabin crew", "NBO"]
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 5_000
MAX_IMPORT_COLUMNS = 50  # the header's cells; the template has 5
MAX_LINE_CHARACTERS = 10_000  # a staff row is about 100
UNAPPLIED_KEPT_FOR = timedelta(days=1)  # previews never confirmed are cleared after this

# Said of an address held outside the organization, in words that do not tell that it is held at all.
# (In English here; translated where they are said.)
UNUSABLE_EMAIL = N_("This email address cannot be used; ask the person for another or contact the administrator.")
CONCURRENT_CHANGE = N_(
    "Another change to your staff was saved at the same moment, so nothing from this file was imported. "
    "Upload it again to see what it would change now."
)
_COMPARED = ("email", "full_name", "employee_number", "job_function", "base")  # what an import may change


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECT = "reject"


@dataclass
class PlanRow:
    """One staff row of the file: what it says (cleaned where valid) and what importing it would do."""

    line: int  # in the file, counting the header as line 1
    action: Action
    email: str
    full_name: str
    employee_number: str
    job_function: str  # the code when recognized, else as written
    base: str
    reasons: list[str] = field(default_factory=list)  # why it is rejected
    user_id: int | None = None  # the person of this organization it matches
    changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # field -> (now, after)

    @property
    def job_function_label(self) -> str:
        return _job_function_label(self.job_function)

    @property
    def change_lines(self) -> list[str]:
        """Each change as people read it, e.g. "job_function: Other → Gate"."""

        def shown(key: str, value: str | None) -> str:
            if not value:
                return "—"
            return _job_function_label(value) if key == "job_function" else value

        return [f"{key}: {shown(key, now)} → {shown(key, after)}" for key, (now, after) in self.changes.items()]


def _job_function_label(code: str) -> str:
    try:
        return JobFunction(code).label
    except ValueError:
        return code


@dataclass
class ImportPlan:
    organization_id: int
    fingerprint: str  # SHA-256 of the file's bytes
    rows: list[PlanRow]

    @property
    def counts(self) -> dict[str, int]:
        found = {action.value: 0 for action in Action}
        for row in self.rows:
            found[row.action.value] += 1
        return found

    @property
    def rejected(self) -> list[PlanRow]:
        return [row for row in self.rows if row.action == Action.REJECT]

    @property
    def can_apply(self) -> bool:
        return not self.rejected

    @property
    def has_changes(self) -> bool:
        return any(row.action in (Action.CREATE, Action.UPDATE) for row in self.rows)


@dataclass
class ImportResult:
    created: list[User]
    updated: list[User]
    unchanged: int


# --- the template -------------------------------------------------------------------------


def template_csv() -> bytes:
    """The header and one example row, UTF-8 with a byte-order mark so Excel reads it as UTF-8."""
    return csv_safe.csv_bytes(TEMPLATE_COLUMNS, [TEMPLATE_EXAMPLE])


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading the file ---------------------------------------------------------------------


def _file_error(message: str) -> ServiceError:
    return ServiceError({"file": message})


def size_text(n: int) -> str:
    """A file size as people read it: 812 bytes, 340 KiB, 1.2 MiB."""
    if n >= 1024 * 1024:
        return _("%(size)s MiB", size=i18n.number(round(n / (1024 * 1024), 1), "0.0"))
    if n >= 1024:
        return _("%(size)s KiB", size=i18n.number(round(n / 1024)))
    return ngettext("%(num)d byte", "%(num)d bytes", n)


def _decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise _file_error(_("This is an Excel workbook, not a CSV file. In Excel choose Save As › 'CSV UTF-8'."))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _file_error(_("The file is not UTF-8 (line %(line)s). In Excel choose 'CSV UTF-8'.", line=line)) from exc
    if not text.strip():
        raise _file_error(_("The file is empty."))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _file_error(_("The file contains a NUL character (line %(line)s): it is not a text CSV file.", line=line))
    return text


def _column_name(cell: str) -> str:
    """Header cells are forgiving about case, spaces and hyphens: "Full name" is full_name."""
    return "_".join(cell.strip().lstrip("\ufeff").lower().replace("-", " ").split())


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # where the CSV reader ends a line


def _check_line_lengths(text: str) -> None:
    """Refuse a file with a line longer than any staff row, before the CSV parser reads it."""
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if len(line) > MAX_LINE_CHARACTERS:
            raise _file_error(
                _(
                    "Line %(line)s is %(length)s characters long; a line may have at most %(most)s. Is this the staff "
                    "file? Start from the template.",
                    line=number,
                    length=i18n.number(len(line)),
                    most=i18n.number(MAX_LINE_CHARACTERS),
                )
            )


def _delimiter(text: str) -> str:
    """Comma or semicolon: whichever splits the header into more of the expected column names."""
    header = next((line for line in text.splitlines() if line.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return len({_column_name(c) for c in cells} & set(TEMPLATE_COLUMNS)), header.count(delimiter)

    return max((",", ";"), key=score)


def _header(cells: list[str], line: int) -> list[str]:
    """The column name of each position ("" for an empty cell); raises if the header is not right."""
    if len(cells) > MAX_IMPORT_COLUMNS:
        raise _file_error(
            _(
                "Line %(line)s has %(count)s columns; a staff file has at most %(most)s (%(columns)s). "
                "Start from the template.",
                line=line,
                count=i18n.number(len(cells)),
                most=MAX_IMPORT_COLUMNS,
                columns=", ".join(TEMPLATE_COLUMNS),
            )
        )
    names = [_column_name(c) for c in cells]
    problems = []
    counts = Counter(names)
    duplicated = sorted(n for n, count in counts.items() if n and count > 1)
    if duplicated:
        problems.append(_("these columns appear twice: %(columns)s", columns=", ".join(duplicated)))
    missing = [c for c in TEMPLATE_COLUMNS if c not in counts]
    if missing:
        problems.append(_("missing columns: %(columns)s", columns=", ".join(missing)))
    unknown = [c.strip() for c, n in zip(cells, names, strict=True) if n and n not in TEMPLATE_COLUMNS]
    if unknown:
        problems.append(_("unknown columns: %(columns)s", columns=", ".join(unknown)))
    if problems:
        raise _file_error(
            _(
                "The first line must be the header (%(columns)s). Line %(line)s has %(problems)s. "
                "Start from the template.",
                columns=", ".join(TEMPLATE_COLUMNS),
                line=line,
                problems="; ".join(problems),
            )
        )
    return names


@dataclass
class _Record:
    line: int
    values: dict[str, str]
    extra: int  # how many non-empty cells lie beyond the header's columns


def _records(text: str, max_rows: int) -> list[_Record]:
    """The header checked, then every non-blank row with the line it starts on."""
    _check_line_lengths(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    names: list[str] | None = None
    records: list[_Record] = []
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines, and Excel's rows of empty cells
            if names is None:
                names = _header(cells, line)
                continue
            if len(records) == max_rows:
                raise _file_error(
                    _(
                        "The file has more than %(rows)s staff rows. Split it into files of at most %(rows)s.",
                        rows=i18n.number(max_rows),
                    )
                )
            values = {n: c.strip() for n, c in zip(names, cells, strict=False) if n}
            extra = sum(1 for c in cells[len(names) :] if c.strip())
            records.append(_Record(line, {c: values.get(c, "") for c in TEMPLATE_COLUMNS}, extra))
    except csv.Error as exc:
        raise _file_error(
            _("Line %(line)s cannot be read as CSV (%(problem)s).", line=reader.line_num, problem=exc)
        ) from exc
    if not records:
        raise _file_error(_("The file has no staff rows under the header."))
    return records


# --- planning -----------------------------------------------------------------------------

_JOB_FUNCTIONS = {j.value: j.value for j in JobFunction} | {j.label.lower(): j.value for j in JobFunction}


def _job_function_code(raw: str) -> str | None:
    """The code for a job function given as its code or label, in any case."""
    return _JOB_FUNCTIONS.get(" ".join(raw.lower().split()))


class _Planner:
    """Turns records into plan rows against one organization's staff, remembering what the file said earlier."""

    def __init__(self, org: Organization, emails: Iterable[str]):
        """Looks up, in a few queries, everything rows will ask: the organization's staff (with their
        roles), and who holds each of the file's email addresses anywhere."""
        self.org = org
        staff = list(
            db.session.scalars(
                sa.select(User).options(selectinload(User.role_rows)).where(User.organization_id == org.id)
            )
        )
        self.by_email = {person.email: person for person in staff}
        self.by_number = {person.employee_number: person for person in staff if person.employee_number}
        self.email_org: dict[str, int] = {}
        email_ids: dict[str, int] = {}
        wanted = sorted(set(emails) - set(self.by_email))
        for chunk in batches.chunks(wanted):
            for user_id, email, org_id in db.session.execute(
                sa.select(User.id, User.email, User.organization_id).where(User.email.in_(chunk))
            ):
                email_ids[email], self.email_org[email] = user_id, org_id
        email_ids.update((person.email, person.id) for person in staff)
        self.holders = people.KnownHolders(
            emails=email_ids, numbers={(org.id, number): person.id for number, person in self.by_number.items()}
        )
        self.email_line: dict[str, int] = {}
        self.number_line: dict[str, int] = {}
        self.person_line: dict[int, int] = {}

    def plan(self, record: _Record) -> PlanRow:
        raw = record.values
        email, number, code = _email_key(raw["email"]), raw["employee_number"], _job_function_code(raw["job_function"])
        person = self.by_email.get(email) or (self.by_number.get(number) if number else None)
        if email not in self.by_email and self._belongs_elsewhere(email):
            # Say nothing else about that person, not even whether the employee number matched.
            return PlanRow(
                line=record.line,
                action=Action.REJECT,
                email=email,
                full_name=raw["full_name"],
                employee_number=number,
                job_function=code or raw["job_function"],
                base=raw["base"].upper(),
                reasons=[f"email: {_(UNUSABLE_EMAIL)}"],
            )
        fields = people.PersonFields(
            email=raw["email"],
            full_name=raw["full_name"],
            organization_id=self.org.id,
            job_function=code or raw["job_function"],
            roles={role.value for role in person.roles} if person else {Role.LEARNER.value},
            employee_number=number or (person.employee_number or "" if person else ""),
            base=raw["base"] or (person.base or "" if person else ""),
        )
        values, errors = people.check(fields, person, self.holders)
        row = PlanRow(
            line=record.line,
            action=Action.REJECT,
            email=str(values["email"]) or email,
            full_name=str(values["full_name"]) or raw["full_name"],
            employee_number=number,
            job_function=code or raw["job_function"],
            base=raw["base"].upper(),
            user_id=person.id if person else None,
        )
        row.reasons = self._reasons(record, row, person, errors)
        self._remember(row, errors)
        if row.reasons:
            return row
        if person is None:
            row.action = Action.CREATE
            return row
        for key in _COMPARED:
            now, after = getattr(person, key), values[key]
            if now != after:
                row.changes[key] = (now, None if after is None else str(after))
        row.reasons = _refusals(person, row.changes)
        if row.reasons:
            row.changes = {}
            return row
        row.action = Action.UPDATE if row.changes else Action.UNCHANGED
        return row

    def _belongs_elsewhere(self, email: str) -> bool:
        holder_org = self.email_org.get(email)
        return holder_org is not None and holder_org != self.org.id

    def _reasons(self, record: _Record, row: PlanRow, person: User | None, errors: dict[str, str]) -> list[str]:
        """The people service's objections, worded for a file, and the file's own: repeats and stray cells."""
        errors = dict(errors)
        if row.email == TEMPLATE_EXAMPLE[0]:
            errors["email"] = _("This is the template's example row: delete it.")
        elif "email" not in errors and row.email in self.email_line:
            errors["email"] = _("The same email address is on line %(line)s.", line=self.email_line[row.email])
        if not record.values["job_function"]:
            errors["job_function"] = _("Enter the job function: %(names)s.", names=_job_function_names())
        elif "job_function" in errors:
            written = record.values["job_function"]
            errors["job_function"] = _(
                "Unknown job function %(written)s: use one of %(names)s.",
                written=repr(written),
                names=_job_function_names(),
            )
        number = row.employee_number
        holder = self.by_number.get(number) if number else None
        if "employee_number" in errors and holder is not None and holder is not person:
            errors["employee_number"] = _(
                "%(number)s already belongs to %(name)s (%(email)s).",
                number=number,
                name=holder.full_name,
                email=holder.email,
            )
        elif number and "employee_number" not in errors and number in self.number_line:
            errors["employee_number"] = _(
                "The same employee number is on line %(line)s.", line=self.number_line[number]
            )
        reasons = [f"{column}: {errors[column]}" for column in TEMPLATE_COLUMNS if errors.get(column)]
        reasons += [message for key, message in errors.items() if key not in TEMPLATE_COLUMNS]
        if not reasons and person is not None and person.id in self.person_line:
            reasons.append(_("This row matches the same person as line %(line)s.", line=self.person_line[person.id]))
        if record.extra:
            reasons.append(
                _(
                    "The line has %(extra)s value(s) beyond the header's %(columns)s columns: "
                    "look for a stray comma or semicolon.",
                    extra=record.extra,
                    columns=len(TEMPLATE_COLUMNS),
                )
            )
        return reasons

    def _remember(self, row: PlanRow, errors: dict[str, str]) -> None:
        """Note the row's valid email, employee number and match, so later repeats name this line."""
        if "email" not in errors:
            self.email_line.setdefault(row.email, row.line)
        if row.employee_number and "employee_number" not in errors:
            self.number_line.setdefault(row.employee_number, row.line)
        if row.user_id is not None:
            self.person_line.setdefault(row.user_id, row.line)


def _refusals(person: User, changes: dict[str, tuple[str | None, str | None]]) -> list[str]:
    """Why an import may not make these changes to this person (none when it may)."""
    if changes and not within_managers_reach(person):
        return [
            _(
                "%(name)s's account holds the roles %(roles)s: an import changes learners only. "
                "Leave this row out, or ask the administrator to make the change.",
                name=person.full_name,
                roles=person.role_labels,
            )
        ]
    if "email" in changes and not can_change_email_directly(person):
        return [
            "email: "
            + _(
                "%(name)s has already signed in, so an import cannot change their address (now %(email)s). Keep it "
                "in the file; the administrator can change it, and the new address must then confirm it.",
                name=person.full_name,
                email=person.email,
            )
        ]
    return []


def _email_key(raw: str) -> str:
    """The address as stored, to match on; as written (lower case) when it is not valid."""
    try:
        return normalize_email(raw)
    except ServiceError:
        return raw.strip().lower()


def _job_function_names() -> str:
    return ", ".join(j.label for j in JobFunction)


def parse(data: bytes, org: Organization, *, max_bytes: int | None = None, max_rows: int | None = None) -> ImportPlan:
    """Read an uploaded file into a plan. Raises ServiceError (key "file") when the file itself is refused.

    Reads the database, writes nothing. Rows are checked with the people service's rules, against
    the organization's staff as they are now and against the rows above them in the file.
    """
    max_bytes = MAX_IMPORT_BYTES if max_bytes is None else max_bytes
    max_rows = MAX_IMPORT_ROWS if max_rows is None else max_rows
    if len(data) > max_bytes:
        raise _file_error(
            _(
                "The file is %(size)s (%(bytes)s bytes); the largest accepted is %(most)s. "
                "Split it into smaller files.",
                size=size_text(len(data)),
                bytes=i18n.number(len(data)),
                most=size_text(max_bytes),
            )
        )
    records = _records(_decode(data), max_rows)
    planner = _Planner(org, (_email_key(record.values["email"]) for record in records))
    return ImportPlan(org.id, fingerprint(data), [planner.plan(record) for record in records])


# --- applying -----------------------------------------------------------------------------


def _check_can_apply(plan: ImportPlan, org: Organization, acting_user: User | None) -> None:
    if plan.organization_id != org.id:
        raise ServiceError(_("This import belongs to another organization."))
    if acting_user is None:
        raise ServiceError(_("Only the organization's managers can import its staff."))
    own_manager = acting_user.organization_id == org.id and acting_user.has_role(Role.MANAGER)
    if not (own_manager or acting_user.has_role(Role.ADMIN)):
        raise ServiceError(_("Only the organization's managers can import its staff."))
    if not plan.can_apply:
        lines = ", ".join(str(row.line) for row in plan.rejected)
        raise ServiceError(_("Fix the rejected rows and upload again. Rejected lines: %(lines)s.", lines=lines))


def _write(plan: ImportPlan, org: Organization) -> tuple[list[User], list[User]]:
    created: list[User] = []
    updated: list[User] = []
    for row in plan.rows:
        if row.action == Action.CREATE:
            person = User(
                organization_id=org.id,
                email=row.email,
                full_name=row.full_name,
                employee_number=row.employee_number or None,
                job_function=row.job_function,
                base=row.base or None,
            )
            person.set_roles({Role.LEARNER})
            db.session.add(person)
            created.append(person)
        elif row.action == Action.UPDATE:
            member = db.session.get(User, row.user_id)
            if member is None or member.organization_id != org.id:
                raise ServiceError(
                    _("Line %(line)s: this person is no longer in your organization. Upload again.", line=row.line)
                )
            for key, (_now, after) in row.changes.items():
                setattr(member, key, after)
            updated.append(member)
    db.session.flush()
    # A pending invitee's corrected address: the invitation sent to the old one must not work.
    accounts.expire_links([row.user_id for row in plan.rows if row.user_id is not None and "email" in row.changes])
    return created, updated


def apply(plan: ImportPlan, org: Organization, actor: audit.Actor) -> ImportResult:
    """Create and update the plan's people and their requirement rows in one transaction, then commit.

    New people are learners without a password. On any error everything is rolled back and the
    error raised again: nothing is written. A clash with a change saved at the same moment (another
    import adding the same email or employee number) becomes a ServiceError saying so.
    """
    _check_can_apply(plan, org, actor.user)
    try:
        created, updated = _write(plan, org)
        requirements.sync_org(org)
        audit.record(
            "staff.imported",
            actor=actor,
            organization_id=org.id,
            object_type="staff_import",
            details={
                "file_sha256": plan.fingerprint,
                "created": len(created),
                "updated": len(updated),
                "unchanged": plan.counts[Action.UNCHANGED.value],
            },
        )
        db.session.commit()
    except sa.exc.IntegrityError as clash:
        db.session.rollback()
        raise ServiceError(_(CONCURRENT_CHANGE)) from clash
    except Exception:
        db.session.rollback()
        raise
    return ImportResult(created, updated, plan.counts[Action.UNCHANGED.value])


# --- uploads kept between preview and confirmation ---------------------------------------------


def store(data: bytes, org: Organization, uploaded_by: User) -> StaffImport:
    """Keep an uploaded file until the manager confirms it; previews never confirmed are cleared later."""
    db.session.execute(
        sa.delete(StaffImport).where(
            StaffImport.organization_id == org.id,
            StaffImport.applied_at.is_(None),
            StaffImport.created_at < utcnow() - UNAPPLIED_KEPT_FOR,
        )
    )
    upload = StaffImport(
        organization_id=org.id, uploaded_by_id=uploaded_by.id, fingerprint=fingerprint(data), data=data
    )
    db.session.add(upload)
    db.session.commit()
    return upload


def find_upload(org: Organization, import_id: int) -> StaffImport | None:
    """An upload of this organization; another organization's is not found."""
    return db.session.scalar(
        sa.select(StaffImport).where(StaffImport.id == import_id, StaffImport.organization_id == org.id)
    )


def _already_applied(upload: StaffImport) -> ServiceError:
    if upload.applied_at is None:
        return ServiceError(_("This file was already imported. Nothing was changed."))
    when = i18n.moment(upload.applied_at, "d MMM y HH:mm 'UTC'")
    return ServiceError(_("This file was already imported (%(when)s). Nothing was changed.", when=when))


def confirm(upload: StaffImport, org: Organization, actor: audit.Actor) -> tuple[ImportPlan, ImportResult | None]:
    """Parse the stored file again (the staff may have changed since the preview) and apply it, once.

    Returns the new plan and no result when rows are now rejected. Raises ServiceError when the
    upload was already applied; a guarded UPDATE in the import's own transaction means two
    simultaneous confirmations cannot both apply it.
    """
    if upload.applied_at is not None:
        raise _already_applied(upload)
    if fingerprint(upload.data) != upload.fingerprint:
        raise ServiceError(_("The stored file is damaged. Upload it again."))
    plan = parse(upload.data, org)
    if not plan.can_apply:
        return plan, None
    _check_can_apply(plan, org, actor.user)
    claimed = guarded.claim(
        sa.update(StaffImport)
        .where(StaffImport.id == upload.id, StaffImport.applied_at.is_(None))
        .values(applied_at=utcnow())
    )
    if not claimed:
        db.session.rollback()
        db.session.refresh(upload)
        raise _already_applied(upload)
    return plan, apply(plan, org, actor)  # commits the claim with the import, or rolls both back


def invitation_mail(person: User, org: Organization, link: str, valid_days: int) -> Mail:
    """The email that brings a newly imported person to set their password (in their language)."""
    words = i18n.in_language(i18n.language_for(person.preferred_language, org.default_language))
    body = "".join(
        [
            words.gettext("Hello %(name)s,", name=person.full_name),
            "\n\n",
            words.gettext(
                "%(organization)s has added you to Recognize & Report, the training that helps aviation staff "
                "recognize the signs of human trafficking and report them safely.",
                organization=org.name,
            ),
            "\n\n",
            words.ngettext(
                "Choose your password with this link. It works once and expires in %(num)d day:",
                "Choose your password with this link. It works once and expires in %(num)d days:",
                valid_days,
            ),
            f"\n{link}\n\n",
            words.gettext("If you did not expect this message, tell your manager."),
            "\n",
        ]
    )
    return Mail(
        to=person.email,
        subject=words.gettext("Your Recognize & Report account at %(organization)s", organization=org.name),
        body=body,
        kind="invitation",
        recipient_user_id=person.id,
        organization_id=org.id,
    )
