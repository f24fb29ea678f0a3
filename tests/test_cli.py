"""The command-line commands, run the way an operator runs them."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.helpers import login, submit, text
from training.extensions import db
from training.models import Organization, Role, User
from training.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

COMMANDS = [
    "create-org",
    "create-user",
    "invite",
    "seed-demo",
    "load-content",
    "send-reminders",
    "send-outbox",
    "audit-verify",
    "backup",
    "restore",
    "bench-seed",
    "check-config",
]


def test_the_commands_are_at_the_top_level(runner):
    result = runner.invoke(args=["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert set(COMMANDS) <= listed, f"missing: {set(COMMANDS) - listed}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command):
    result = runner.invoke(args=[command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_create_org_with_oversight(app, runner):
    # Click reads a string of arguments as a shell would.
    assert runner.invoke(args="create-org --name 'Air Four' --kind airline --country ke --iata a4").exit_code == 0
    result = runner.invoke(
        args="create-org --name 'Authority Four' --kind authority --country KE --oversees 'Air Four'"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        authority = db.session.scalar(sa.select(Organization).where(Organization.name == "Authority Four"))
        assert [o.name for o in authority.overseen] == ["Air Four"]
        assert db.session.scalar(sa.select(Organization.iata_code).where(Organization.name == "Air Four")) == "A4"


def test_create_user_and_invite(app, runner, client, make_org):
    make_org("Air Five")
    result = runner.invoke(
        args="create-user --email New.Person@Example.test --name 'New Person' --org 'Air Five' --role learner "
        "--role manager --job-function gate --base mba --employee-number A5-1"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.email == "new.person@example.test"))
        assert person.roles == {Role.LEARNER, Role.MANAGER}
        assert person.base == "MBA"
        assert person.password_hash is None

    result = runner.invoke(args="invite --email new.person@example.test")
    assert result.exit_code == 0
    link = re.search(r"http://training\.test(/welcome/\S+)", result.output)
    assert link
    response = submit(client, link.group(1), {"password": "chosen by the person", "confirm": "chosen by the person"})
    assert response.status_code == 302
    assert "Hello, New Person" in text(client.get("/"))


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ("create-org --name Bad --kind authority --country Kenya --oversees Nobody", "no organization named 'Nobody'"),
        ("create-org --name Bad --kind airline --country Kenya", "two-letter ISO country code"),
        ("create-user --email not-an-email --name X --org 'Air Six'", "Enter a valid email address"),
        ("create-user --email x@example.test --name X --org Nowhere", "no organization named 'Nowhere'"),
        ("invite --email ghost@example.test", ""),
    ],
)
def test_wrong_values_exit_non_zero_and_create_nothing(app, runner, make_org, args, error):
    make_org("Air Six")

    def counts() -> list[int]:
        with app.app_context():
            return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Organization, User)]

    before = counts()
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert error in result.output
    assert counts() == before


def test_seed_demo_is_idempotent_and_its_accounts_sign_in(app, runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0
    assert DEMO_PASSWORD in first.output

    def snapshot():
        with app.app_context():
            return (
                db.session.scalar(sa.select(sa.func.count()).select_from(Organization)),
                sorted(db.session.scalars(sa.select(User.email))),
            )

    orgs, emails = snapshot()
    assert orgs == 4
    assert len(emails) >= 40
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "0 organization(s) and 0 person(s) added" in second.output
    assert snapshot() == (orgs, emails)

    with app.app_context():
        authority = db.session.scalar(
            sa.select(Organization).where(Organization.name == "Demo Civil Aviation Authority")
        )
        assert sorted(o.name for o in authority.overseen) == ["Demo Air", "Demo International Airport"]
        functions = set(db.session.scalars(sa.select(User.job_function).distinct()))
    assert {"cabin_crew", "flight_crew", "check_in", "gate", "ground_handling", "security"} <= functions

    for account in DEMO_ACCOUNTS:
        response = login(client, account.email, DEMO_PASSWORD)
        assert response.status_code == 302, account.email
        assert account.name in text(client.get("/"))
        submit(client, "/logout", form_url="/")
