"""The audit trail reads as sentences: every action the app records has one, on the page and in the CSV."""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pytest

from tests.content_fixture import load_test_content
from tests.helpers import login, submit, text
from training.models import OrgKind, Role, TokenPurpose
from training.services import audit_text

SOURCE = Path(__file__).resolve().parent.parent / "training"
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")
# What a formatted part of an action written as an f-string can be.
EXPANSIONS = {"purpose.value": [p.value for p in TokenPurpose]}
RECORDERS = re.compile(r"^(_?note(_many)?|_?record(_about|_change)?|Entry)$")


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _f_string(node: ast.JoinedStr) -> set[str]:
    found = {""}
    for part in node.values:
        if isinstance(part, ast.Constant):
            found = {f + part.value for f in found}
        else:
            expression = ast.unparse(part.value)
            assert expression in EXPANSIONS, f"an action is made from {{{expression}}}: add it to EXPANSIONS"
            found = {f + v for f in found for v in EXPANSIONS[expression]}
    return found


def _actions_of(call: ast.Call, function: ast.AST) -> set[str]:
    arg = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "action"), None)
    if arg is None:
        return set()
    if isinstance(arg, ast.JoinedStr):
        return _f_string(arg)
    if isinstance(arg, ast.Name):  # an action chosen earlier in the function: what it is assigned
        return {
            s
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == arg.id for t in node.targets)
            for s in _strings(node.value)
        }
    return _strings(arg)


def recorded_actions() -> set[str]:
    """Every action string the application's code records (calls of note, note_many, record, Entry)."""
    actions: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and RECORDERS.match(_name(call.func)):
                    actions |= {a for a in _actions_of(call, function) if ACTION.match(a)}
    return actions


def test_every_recorded_action_has_a_sentence():
    actions = recorded_actions()
    # The scan really finds them, including those chosen in a variable or built in an f-string.
    assert {"person.deactivated", "person.roles_changed", "contact.added", "account.invitation_link_used"} <= actions
    missing = sorted(actions - set(audit_text.SENTENCES))
    assert not missing, f"actions recorded without a sentence in audit_text.SENTENCES: {missing}"


def test_every_recorded_action_has_a_name_in_the_trail_filter():
    from training.audit.trail import ACTION_NAMES

    missing = sorted(recorded_actions() - set(ACTION_NAMES))
    assert not missing, f"actions recorded without a name in training/audit/trail.py ACTION_NAMES: {missing}"


class _Event:
    def __init__(self, action: str, details: str = "{}", **fields: object) -> None:
        self.actor, self.actor_user_id, self.action, self.details = "system", None, action, details
        self.object_type = self.object_id = self.organization_id = None
        self.__dict__.update(fields)


@pytest.mark.parametrize("action", [*sorted(audit_text.SENTENCES), "widget.frobbed"])
@pytest.mark.parametrize("details", ["{}", '{"a": 1, "changed": {"x": [1, 2]}, "filters": {"b": "c"}}', "[1]"])
def test_sentences_never_show_code_whatever_the_details(action, details):
    said = audit_text.sentence(_Event(action, details, object_type="user", object_id="7"), audit_text.Names())
    assert said
    assert not re.search(r"[{}\[\]]|'[a-z]+':", said), said


def test_an_unknown_action_still_reads_cleanly():
    said = audit_text.sentence(_Event("widget.frobbed", '{"a": 1, "b_c": ["x", "y"]}'), audit_text.Names())
    assert said == "The system: widget frobbed (a: 1; b c: x, y)"


@pytest.fixture
def world(app, tmp_path, make_org, make_user):
    load_test_content(app, tmp_path)
    airline = make_org("Sentence Air")
    authority = make_org("Sentence Authority", kind=OrgKind.AUTHORITY, oversees=(airline,))
    return {
        "manager": make_user(airline, Role.MANAGER, full_name="Grace Manager"),
        "learner": make_user(airline, Role.LEARNER, full_name="Brian Otieno", job_function="cabin_crew"),
        "auditor": make_user(authority, Role.AUDITOR, full_name="Samuel Inspector"),
    }


def test_the_trail_page_and_csv_read_as_sentences(app, client, world):
    login(client, world["learner"].email, "not the password")
    login(client, world["manager"].email)
    learner_id = world["learner"].id
    submit(client, f"/manage/staff/{learner_id}/deactivate")
    client.get("/manage/export/compliance.xlsx", query_string={"course": "test-course", "status": "overdue"}).close()
    submit(client, "/logout", form_url="/")

    login(client, world["auditor"].email)
    page = text(client.get("/audit/trail"))
    assert "Grace Manager deactivated Brian Otieno’s account" in page.replace("&#39;", "’").replace("'", "’")
    assert (
        "Grace Manager exported the compliance report (Excel) with filters: course Test course, status overdue" in page
    )
    assert f"A sign-in as {world['learner'].email} was refused (wrong password)" in page
    assert "Grace Manager signed in" in page
    assert "{&#39;" not in page
    assert "{'" not in page

    rows = list(csv.DictReader(io.StringIO(client.get("/audit/trail.csv").data.decode("utf-8-sig"))))
    deactivated = next(r for r in rows if r["action"] == "person.deactivated")
    assert deactivated["what_happened"] == "Grace Manager deactivated Brian Otieno's account"
    assert all(r["what_happened"] for r in rows)
