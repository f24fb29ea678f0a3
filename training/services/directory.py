"""Searching and filtering lists of people (the caller scopes the query first)."""

from __future__ import annotations

import sqlalchemy as sa

from training.models import JobFunction, User

STATUSES = ("active", "inactive", "all")


def matching(query: sa.Select, *, search: str = "", job_function: str = "", status: str = "all") -> sa.Select:
    """Narrow a query over User by free text (name, email, employee number), job function and status.

    Unknown filter values are ignored rather than refused: they come from URLs people edit.
    """
    search = search.strip().lower()
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            sa.or_(
                sa.func.lower(User.full_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                sa.func.lower(User.employee_number).like(pattern, escape="\\"),
            )
        )
    if job_function in {j.value for j in JobFunction}:
        query = query.where(User.job_function == job_function)
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    return query
