"""Browsing and exporting the audit trail (auditors: events about what they oversee; admins: all)."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from training.audit.routes import bp
from training.extensions import db
from training.models import AuditEvent, Organization, Role
from training.policy import Ability, audited_org_ids, permission
from training.services import audit_text, dates, i18n
from training.web.ids import parse_id
from training.web.views import page_number, table_download


def _scoped(select: sa.Select) -> sa.Select:
    if current_user.has_role(Role.ADMIN):
        return select
    org_ids = audited_org_ids(current_user)
    return select.where(
        sa.or_(AuditEvent.organization_id.in_(org_ids or {-1}), AuditEvent.actor_user_id == current_user.id)
    )


def _filters() -> tuple[sa.Select, dict[str, str]]:
    args = {k: request.args.get(k, "").strip()[:100] for k in ("actor", "action", "org", "date_from", "date_to")}
    select = _scoped(sa.select(AuditEvent))
    if args["actor"]:
        select = select.where(sa.func.lower(AuditEvent.actor).contains(args["actor"].lower(), autoescape=True))
    if args["action"]:
        select = select.where(AuditEvent.action.startswith(args["action"], autoescape=True))
    if parse_id(args["org"]):
        select = select.where(AuditEvent.organization_id == int(args["org"]))
    else:
        args["org"] = ""
    start, last = dates.parse_day(args["date_from"]), dates.parse_day(args["date_to"])
    if start:
        select = select.where(AuditEvent.occurred_at >= dates.day_start(start))
    else:
        args["date_from"] = ""
    if last:
        end = dates.day_end(last)
        if end:
            select = select.where(AuditEvent.occurred_at < end)
    else:
        args["date_to"] = ""
    return select.order_by(AuditEvent.seq.desc()), {k: v for k, v in args.items() if v}


def _org_names() -> dict[int, str]:
    select = sa.select(Organization.id, Organization.name).order_by(Organization.name)
    if not current_user.has_role(Role.ADMIN):
        select = select.where(Organization.id.in_(audited_org_ids(current_user) or {-1}))
    return dict(db.session.execute(select).tuples().all())


@bp.route("/trail")
@permission(Ability.READ_AUDIT_TRAIL)
def trail():
    select, args = _filters()
    page = db.paginate(select, page=page_number(), per_page=50, error_out=False)
    actions = sorted(db.session.scalars(_scoped(sa.select(AuditEvent.action).distinct()).order_by(None)))
    names = audit_text.lookup(page.items)
    sentences = {event.seq: audit_text.sentence(event, names) for event in page.items}
    return render_template(
        "audit/trail.html", page=page, args=args, orgs=_org_names(), actions=actions, sentences=sentences
    )


BATCH = 500
ENGLISH = i18n.in_language(i18n.SOURCE_LANGUAGE)  # the CSV is an interchange record: one language, whoever reads it
TRAIL_HEADER = [
    "seq",
    "occurred_at",
    "actor",
    "action",
    "what_happened",
    "object_type",
    "object_id",
    "organization",
    "ip",
    "details",
    "hash",
]


def _rows(select: sa.Select, names: dict[int, str]) -> Iterator[list[object]]:
    events = db.session.scalars(select.order_by(None).order_by(AuditEvent.seq).execution_options(yield_per=BATCH))
    for batch in events.partitions(BATCH):
        said = audit_text.lookup(batch)  # the names a batch mentions, in one go
        for event in batch:
            yield _row(event, names, audit_text.sentence(event, said, ENGLISH))


def _row(event: AuditEvent, names: dict[int, str], sentence: str) -> list[object]:
    return [
        event.seq,
        event.occurred_at.isoformat(),
        event.actor,
        event.action,
        sentence,
        event.object_type or "",
        event.object_id or "",
        names.get(event.organization_id, "") if event.organization_id else "",
        event.ip or "",
        event.details,
        event.hash,
    ]


@bp.route("/trail.csv")
@permission(Ability.READ_AUDIT_TRAIL)
def trail_csv():
    select, _args = _filters()
    names = dict(db.session.execute(sa.select(Organization.id, Organization.name)).tuples().all())
    return table_download("csv", "audit-trail", "Audit trail", TRAIL_HEADER, _rows(select, names), organization_id=None)


def pretty(details: str) -> str:
    """An event's recorded details as words ("reason: wrong password; email: …"), never as Python text."""
    return "; ".join(
        f"{audit_text.label(k)}: {audit_text.value_text(v)}" for k, v in audit_text.details_of_text(details).items()
    )


bp.add_app_template_filter(pretty, "audit_details")
