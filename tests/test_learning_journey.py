"""The learner's journey through the routes: modules, check-yourself, the quiz, its limits and its result."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.content_fixture import ANSWERS_ALL_RIGHT, write_content
from tests.factories import CONFIRM_UNANSWERED
from tests.helpers import csrf_token, login, submit, text
from training.extensions import db
from training.models import Attempt, AuditEvent, ModuleCompletion, OrgKind, ReportingContact, Role
from training.services import content_loader

COURSE = "/courses/test-course"


@pytest.fixture
def loaded(app, tmp_path):
    with app.app_context():
        report = content_loader.load_content(write_content(tmp_path))
        assert report.ok, report.problems


@pytest.fixture
def crew(make_org, make_user, loaded):
    return make_user(make_org("Air Crew Co"), Role.LEARNER, job_function="cabin_crew", full_name="Cara Crew")


@pytest.fixture
def signed_in(client, crew):
    login(client, crew.email)
    return client


def _complete_all_modules(client) -> None:
    for slug in ("m-one", "m-two"):
        response = submit(client, f"{COURSE}/modules/{slug}/complete", form_url=f"{COURSE}/modules/{slug}")
        assert response.status_code == 302


def _start(client) -> int:
    response = submit(client, f"{COURSE}/quiz/start", form_url=f"{COURSE}/quiz")
    assert response.status_code == 302, text(client.get(f"{COURSE}/quiz"))
    match = re.search(r"/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _answer(client, attempt_id: int, answers: dict[str, list[str]]):
    data = {f"q-{qid}": values for qid, values in answers.items()} | CONFIRM_UNANSWERED
    return submit(client, f"/attempts/{attempt_id}", data)


def _attempt(app, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def test_required_course_shows_on_home_with_progress(signed_in):
    home = text(signed_in.get("/"))
    assert "Test course" in home
    assert "Not started" in home
    assert "0 of 2 modules complete" in home
    submit(signed_in, f"{COURSE}/modules/m-one/complete", form_url=f"{COURSE}/modules/m-one")
    home = text(signed_in.get("/"))
    assert "1 of 2 modules complete" in home
    assert "In progress" in home


def test_course_not_required_for_other_jobs_is_not_on_home(client, make_org, make_user, loaded):
    security = make_user(make_org(), job_function="security")
    login(client, security.email)
    assert "Test course" not in text(client.get("/"))
    assert "Test course" in text(client.get("/courses"))  # still available to take


def test_module_page_and_completion_flow(signed_in):
    page = signed_in.get(f"{COURSE}/modules/m-one")
    assert page.status_code == 200
    assert "Module one heading" in text(page)
    assert "Mark complete and continue" in text(page)
    response = submit(signed_in, f"{COURSE}/modules/m-one/complete", form_url=f"{COURSE}/modules/m-one")
    assert response.headers["Location"].endswith("/modules/m-two")
    # Completing twice is harmless.
    submit(signed_in, f"{COURSE}/modules/m-one/complete", form_url=f"{COURSE}/modules/m-one")
    response = submit(signed_in, f"{COURSE}/modules/m-two/complete", form_url=f"{COURSE}/modules/m-two")
    assert response.headers["Location"].endswith("/quiz")
    assert "2 of 2 complete" in text(signed_in.get(COURSE))
    assert signed_in.get(f"{COURSE}/modules/nope").status_code == 404
    assert signed_in.get("/courses/nope").status_code == 404


def test_check_yourself_gives_feedback_without_javascript(signed_in):
    wrong = submit(signed_in, f"{COURSE}/modules/m-one/check", {"answer": "b"}, form_url=f"{COURSE}/modules/m-one")
    assert wrong.status_code == 200
    assert "Not quite." in text(wrong)
    assert "Look again at the module." in text(wrong)
    right = submit(signed_in, f"{COURSE}/modules/m-one/check", {"answer": "a"}, form_url=f"{COURSE}/modules/m-one")
    assert "That is the right one." in text(right)
    nothing = submit(signed_in, f"{COURSE}/modules/m-one/check", {}, form_url=f"{COURSE}/modules/m-one")
    assert nothing.status_code == 400
    assert "Choose an answer." in text(nothing)
    # The feedback of the other options is not in the page before an answer is chosen.
    assert "Look again at the module" not in text(signed_in.get(f"{COURSE}/modules/m-one"))


def test_quiz_is_locked_until_every_module_is_complete(signed_in):
    submit(signed_in, f"{COURSE}/modules/m-one/complete", form_url=f"{COURSE}/modules/m-one")
    landing = text(signed_in.get(f"{COURSE}/quiz"))
    assert "Complete every module first: 1 of 2 still to do." in landing
    response = submit(signed_in, f"{COURSE}/quiz/start", form_url=f"{COURSE}/quiz", follow_redirects=True)
    assert "Complete every module first" in text(response)
    assert "Start the quiz" not in text(response)


def test_quiz_page_never_contains_the_answers(signed_in):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    page = text(signed_in.get(f"/attempts/{attempt_id}"))
    assert "SINGLE-PROMPT" in page
    assert "SCENARIO-TEXT" in page
    for leak in ("EXPLANATION", "correct", "Correct answer"):
        assert leak not in page
    # The same attempt is shown again on reload (same questions, same order).
    assert text(signed_in.get(f"/attempts/{attempt_id}")) == page
    # Starting again while an attempt is open continues it instead of drawing a new one.
    assert _start(signed_in) == attempt_id


def test_pass_with_all_right_answers_shows_result_and_explanations(app, signed_in):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    response = _answer(signed_in, attempt_id, ANSWERS_ALL_RIGHT)
    assert response.status_code == 302
    result = text(signed_in.get(f"/attempts/{attempt_id}"))
    assert "You passed" in result
    assert "4 of 4 right" in result
    assert "MULTI-EXPLANATION" in result
    stored = _attempt(app, attempt_id)
    assert (stored.passed, stored.correct_count, stored.score_percent) == (True, 4, 100)
    home = text(signed_in.get("/"))
    assert "Passed" in home


@pytest.mark.parametrize(
    ("answers", "correct"),
    [
        ({"t-single": ["b"]}, 0),  # wrong single
        ({"t-single": ["a"]}, 1),  # right single
        ({"t-single": ["a", "b"]}, 0),  # two answers to a single-choice question
        ({"t-multi": ["a"]}, 0),  # partial multiple choice scores zero
        ({"t-multi": ["a", "b", "c"]}, 0),  # an extra wrong option scores zero
        ({"t-multi": ["b", "a"]}, 1),  # order does not matter
        ({"t-true": ["false"]}, 0),
        ({"t-true": ["true"]}, 1),
        ({"t-single": ["zzz"], "not-a-question": ["a"]}, 0),  # forged ids are ignored
    ],
)
def test_grading_of_each_question_type(app, signed_in, answers, correct):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    _answer(signed_in, attempt_id, answers)
    stored = _attempt(app, attempt_id)
    assert stored.correct_count == correct
    assert stored.passed is False


def test_pass_mark_is_applied_exactly(app, signed_in):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    three_of_four = dict(ANSWERS_ALL_RIGHT, **{"t-multi": ["a"]})  # 75 % with a 75 % pass mark
    _answer(signed_in, attempt_id, three_of_four)
    stored = _attempt(app, attempt_id)
    assert (stored.score_percent, stored.passed) == (75, True)


def test_a_second_submission_is_not_graded_again(app, signed_in):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    _answer(signed_in, attempt_id, {"t-single": ["b"]})
    again = _answer(signed_in, attempt_id, ANSWERS_ALL_RIGHT)
    assert again.status_code == 302
    stored = _attempt(app, attempt_id)
    assert (stored.correct_count, stored.passed) == (0, False)
    assert "already submitted" in text(signed_in.get(f"/attempts/{attempt_id}"))


def test_two_simultaneous_submissions_grade_once(app, signed_in, crew):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    token = csrf_token(signed_in, f"/attempts/{attempt_id}")
    data = {f"q-{k}": v for k, v in ANSWERS_ALL_RIGHT.items()} | {"csrf_token": token}
    clients = [signed_in, signed_in]  # the same browser session, two requests at once
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(c):
        barrier.wait()
        statuses.append(c.post(f"/attempts/{attempt_id}", data=data).status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302, 302]
    with app.app_context():
        graded = db.session.scalars(sa.select(Attempt).where(Attempt.user_id == crew.id)).all()
        assert len(graded) == 1
        assert graded[0].passed is True


def test_time_limit_is_enforced_on_the_server(app, signed_in):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = attempt.started_at - timedelta(minutes=5)
        attempt.started_at = attempt.started_at - timedelta(minutes=15)
        db.session.commit()
    _answer(signed_in, attempt_id, ANSWERS_ALL_RIGHT)
    stored = _attempt(app, attempt_id)
    assert stored.timed_out is True
    assert stored.passed is False
    assert stored.correct_count == 0
    assert "Time ran out" in text(signed_in.get(f"/attempts/{attempt_id}"))


def test_an_abandoned_attempt_closes_when_its_time_is_up(app, signed_in):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = attempt.started_at - timedelta(minutes=5)
        db.session.commit()
    page = text(signed_in.get(f"/attempts/{attempt_id}"))
    assert "Time ran out" in page
    assert _attempt(app, attempt_id).timed_out is True


def test_cooldown_after_a_failed_attempt_then_attempt_limit(app, signed_in):
    _complete_all_modules(signed_in)
    first = _start(signed_in)
    _answer(signed_in, first, {})
    landing = text(signed_in.get(f"{COURSE}/quiz"))
    assert "Take a short break" in landing
    assert "The next attempt opens at" in landing
    refused = submit(signed_in, f"{COURSE}/quiz/start", form_url=f"{COURSE}/quiz")
    assert refused.headers["Location"].endswith("/quiz")
    # After the cooldown, a second attempt is allowed; then the 24-hour limit (2) applies.
    with app.app_context():
        attempt = db.session.get(Attempt, first)
        attempt.submitted_at = attempt.submitted_at - timedelta(minutes=31)
        db.session.commit()
    second = _start(signed_in)
    _answer(signed_in, second, {})
    with app.app_context():
        attempt = db.session.get(Attempt, second)
        attempt.submitted_at = attempt.submitted_at - timedelta(minutes=31)
        db.session.commit()
    landing = text(signed_in.get(f"{COURSE}/quiz"))
    assert "You have used all 2 attempts allowed in 24 hours." in landing
    # The limit is a rolling 24 hours from the first attempt.
    with app.app_context():
        attempt = db.session.get(Attempt, first)
        attempt.started_at = attempt.started_at - timedelta(hours=25)
        db.session.commit()
    assert "Start the quiz" in text(signed_in.get(f"{COURSE}/quiz"))


def test_attempts_are_private(app, client, signed_in, make_org, make_user):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    colleague = make_user(make_org("Other Air"), job_function="cabin_crew")
    other = app.test_client()
    login(other, colleague.email)
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    assert submit(other, f"/attempts/{attempt_id}", {"q-t-single": "a"}, form_url="/").status_code == 404


def test_reporting_contacts_are_shown_to_the_right_organization_only(app, client, make_org, make_user, loaded):
    air = make_org("Contact Air")
    port = make_org("Contact Port", kind=OrgKind.AIRPORT)
    manager = make_user(air, Role.MANAGER)
    air_crew = make_user(air, job_function="cabin_crew")
    port_staff = make_user(port, job_function="security")
    login(client, manager.email)
    response = submit(
        client,
        "/manage/contacts",
        {
            "name": "Ops desk",
            "channel": "phone",
            "value": "+254 000 111 (example)",
            "when_to_use": "Any suspicion on the ground.",
        },
    )
    assert response.status_code == 302
    submit(client, "/logout", form_url="/")

    login(client, air_crew.email)
    page = text(client.get(f"{COURSE}/modules/m-two"))
    assert "Ops desk" in page
    assert "+254 000 111 (example)" in page
    assert "[[reporting-contacts]]" not in page
    submit(client, "/logout", form_url="/")

    login(client, port_staff.email)
    page = text(client.get(f"{COURSE}/modules/m-two"))
    assert "Ops desk" not in page
    assert "Ask your manager" in page


def test_reporting_contacts_dial_and_email_from_the_module(app, client, make_org, make_user, loaded):
    air = make_org("Link Air")
    crew = make_user(air, job_function="cabin_crew")
    with app.app_context():
        db.session.add_all(
            [
                ReportingContact(
                    organization_id=air.id,
                    name="Ops desk",
                    channel="phone",
                    value="+254 000-111 (example)",
                    when_to_use="Any suspicion on the ground.",
                ),
                ReportingContact(
                    organization_id=air.id,
                    name="Safeguarding",
                    channel="email",
                    value="safe@link-air.example",
                    when_to_use="Follow-up in writing.",
                    position=1,
                ),
                ReportingContact(
                    organization_id=air.id,
                    name="Ramp",
                    channel="radio",
                    value="Channel 4",
                    when_to_use="Airside.",
                    position=2,
                ),
            ]
        )
        db.session.commit()
    login(client, crew.email)
    page = client.get(f"{COURSE}/modules/m-two").get_data(as_text=True)
    assert '<a class="contact-value" href="tel:+254000111">+254 000-111 (example)</a>' in page
    assert '<a class="contact-value" href="mailto:safe@link-air.example">safe@link-air.example</a>' in page
    assert '<span class="contact-value">Channel 4</span>' in page
    # The module's text introduces the contacts; the list adds no second visible heading of its own.
    assert "reporting contacts</h3>" not in page
    assert 'aria-label="Your organization\'s reporting contacts"' in page


def test_manager_edits_and_removes_contacts_of_own_organization_only(app, client, make_org, make_user):
    air = make_org("Edit Air")
    other = make_org("Other Edit Air")
    manager = make_user(air, Role.MANAGER)
    with app.app_context():
        foreign = ReportingContact(
            organization_id=other.id, name="Their desk", channel="phone", value="1", when_to_use="Theirs"
        )
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    login(client, manager.email)
    bad = submit(client, "/manage/contacts", {"name": "", "channel": "fax", "value": "", "when_to_use": ""})
    assert "Say who this is." in text(bad)
    assert "Not a valid choice" in text(bad)
    submit(
        client, "/manage/contacts", {"name": "Ops", "channel": "radio", "value": "Channel 4", "when_to_use": "Airside."}
    )
    with app.app_context():
        own_id = db.session.scalar(sa.select(ReportingContact.id).where(ReportingContact.organization_id == air.id))
    assert "Their desk" not in text(client.get("/manage/contacts"))
    assert client.get(f"/manage/contacts/{foreign_id}").status_code == 404
    assert submit(client, f"/manage/contacts/{foreign_id}/delete", form_url="/manage/contacts").status_code == 404
    edited = submit(
        client,
        f"/manage/contacts/{own_id}",
        {"name": "Ops centre", "channel": "radio", "value": "Channel 5", "when_to_use": "Airside."},
    )
    assert edited.status_code == 302
    confirm = client.get(f"/manage/contacts/{own_id}/delete")
    assert "Remove Ops centre?" in text(confirm)
    submit(client, f"/manage/contacts/{own_id}/delete")
    with app.app_context():
        remaining = db.session.scalars(sa.select(ReportingContact.name)).all()
    assert remaining == ["Their desk"]


def _names_in_order(page: str, names: list[str]) -> list[str]:
    return sorted(names, key=page.index)


def test_manager_reorders_contacts_and_staff_see_the_new_order(app, client, make_org, make_user, loaded):
    air = make_org("Order Air")
    other = make_org("Other Order Air")
    manager = make_user(air, Role.MANAGER)
    crew = make_user(air, job_function="cabin_crew")
    with app.app_context():
        foreign = ReportingContact(
            organization_id=other.id, name="Their desk", channel="phone", value="1", when_to_use="Theirs", position=1
        )
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    login(client, manager.email)
    names = ["Ops desk", "Safeguarding", "Ramp"]
    for name in names:
        fields = {"name": name, "channel": "radio", "value": "Channel 4", "when_to_use": "Airside."}
        assert submit(client, "/manage/contacts", fields).status_code == 302
    with app.app_context():
        ids = {name: key for name, key in db.session.execute(sa.select(ReportingContact.name, ReportingContact.id))}
    listing = client.get("/manage/contacts").get_data(as_text=True)
    # One form per contact, its buttons named after it for screen readers; none that would do nothing.
    assert listing.count('name="direction" value="up"') == 2
    assert listing.count('name="direction" value="down"') == 2
    assert 'Move up<span class="visually-hidden"> Ramp</span>' in listing
    assert 'Move down<span class="visually-hidden"> Ops desk</span>' in listing
    assert 'Move up<span class="visually-hidden"> Ops desk</span>' not in listing
    assert 'Move down<span class="visually-hidden"> Ramp</span>' not in listing

    def move(name: str, direction: str, contact_id: int | None = None):
        url = f"/manage/contacts/{contact_id or ids[name]}/move"
        return submit(client, url, {"direction": direction}, form_url="/manage/contacts")

    moved = move("Ramp", "up")
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith(f"/manage/contacts#contact-{ids['Ramp']}")
    assert "Ramp is now number 2 in the list." in text(client.get("/manage/contacts"))
    move("Ops desk", "down")
    # Nonsense is refused with a message and changes nothing; another organization's contact is not found.
    assert move("Ramp", "up").status_code == 302
    assert "Ramp is already first in the list." in text(client.get("/manage/contacts"))
    move("Safeguarding", "sideways")
    assert "Choose whether to move the contact up or down." in text(client.get("/manage/contacts"))
    assert move("Their desk", "up", contact_id=foreign_id).status_code == 404
    assert move("Their desk", "down", contact_id=foreign_id).status_code == 404
    expected = ["Ramp", "Ops desk", "Safeguarding"]
    assert _names_in_order(text(client.get("/manage/contacts")), names) == expected
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "contact.moved").order_by(AuditEvent.seq)
        ).all()
        assert [(e.object_id, json.loads(e.details)) for e in events] == [
            (str(ids["Ramp"]), {"name": "Ramp", "from": 3, "to": 2}),
            (str(ids["Ops desk"]), {"name": "Ops desk", "from": 1, "to": 2}),
        ]
        assert all(e.organization_id == air.id and e.actor_user_id == manager.id for e in events)
        assert db.session.get(ReportingContact, foreign_id).position == 1
    submit(client, "/logout", form_url="/")

    login(client, crew.email)
    module = text(client.get(f"{COURSE}/modules/m-two"))
    assert _names_in_order(module, names) == expected
    assert "Their desk" not in module


def test_learning_pages_need_the_learner_role(client, make_org, make_user, loaded):
    auditor = make_user(make_org(kind=OrgKind.AUTHORITY), Role.AUDITOR)
    login(client, auditor.email)
    assert client.get("/courses").status_code == 403
    assert client.get(f"{COURSE}/modules/m-one").status_code == 403


def test_attempts_keep_the_course_version_they_were_made_on(app, signed_in, tmp_path):
    _complete_all_modules(signed_in)
    old = _start(signed_in)
    _answer(signed_in, old, ANSWERS_ALL_RIGHT)
    quiz = tmp_path / "quizzes" / "test-course.yaml"
    quiz.write_text(quiz.read_text().replace("SINGLE-PROMPT pick the safe action.", "REWORDED-PROMPT pick one."))
    with app.app_context():
        report = content_loader.load_content(tmp_path)
        assert report.new_versions == ["test-course"]
    old_result = text(signed_in.get(f"/attempts/{old}"))
    assert "SINGLE-PROMPT" in old_result
    assert "REWORDED-PROMPT" not in old_result
    # Completed modules carry over to the new version (same module slugs); a new attempt uses it.
    with app.app_context():
        attempt = db.session.get(Attempt, old)
        attempt.submitted_at = attempt.submitted_at - timedelta(minutes=31)
        db.session.commit()
    new = _start(signed_in)
    assert "REWORDED-PROMPT" in text(signed_in.get(f"/attempts/{new}"))
    assert _attempt(app, new).course_version_id != _attempt(app, old).course_version_id


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        (f"{COURSE}/modules/m-one/check", f"{COURSE}/modules/m-one#check-h"),
        (f"{COURSE}/modules/m-one/complete", f"{COURSE}/modules/m-one"),
        (f"{COURSE}/quiz/start", f"{COURSE}/quiz"),
    ],
)
def test_a_forms_address_reopened_shows_its_page_and_changes_nothing(app, signed_in, address, shown):
    response = signed_in.get(address)
    assert response.status_code == 302
    assert response.headers["Location"] == shown
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleCompletion)) == 0


def test_home_says_the_quiz_was_not_passed_and_when_to_try_again(app, signed_in):
    _complete_all_modules(signed_in)
    home = text(signed_in.get("/"))
    assert "Quiz not passed" not in home
    first = _start(signed_in)
    _answer(signed_in, first, {})
    with app.app_context():
        opens_at = db.session.get(Attempt, first).submitted_at + timedelta(minutes=30)
    home = text(signed_in.get("/"))
    assert '<span class="badge status-overdue">Quiz not passed</span>' in home
    assert f'next try from <time datetime="{opens_at:%Y-%m-%dT%H:%M:%SZ}" data-local-time>' in home
    assert f'href="{COURSE}/quiz">Review and retake the quiz</a>' in home
    # Once the pause is over the card says so; a pass replaces the notice with the certificate.
    with app.app_context():
        attempt = db.session.get(Attempt, first)
        attempt.submitted_at = attempt.submitted_at - timedelta(minutes=31)
        db.session.commit()
    assert "Quiz not passed — you can try again now." in text(signed_in.get("/"))
    second = _start(signed_in)
    _answer(signed_in, second, ANSWERS_ALL_RIGHT)
    assert "Quiz not passed" not in text(signed_in.get("/"))


def test_unanswered_questions_are_confirmed_before_grading_and_answers_kept(app, signed_in):
    _complete_all_modules(signed_in)
    attempt_id = _start(signed_in)
    page = signed_in.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    # Enter on an answer submits nothing: the form's first (default) submit button is disabled.
    form = page[page.index('<form method="post" class="quiz"') :]
    assert re.match(r'<form method="post" class="quiz"[^>]*>\s*(\{#.*?#\}\s*)?<button type="submit" disabled', form)
    assert '<span class="answered-count">0</span> of 4 answered' in page

    partial = submit(signed_in, f"/attempts/{attempt_id}", {"q-t-single": ["a"], "q-t-multi": ["a", "b"]})
    assert partial.status_code == 200
    asking = partial.get_data(as_text=True)
    assert "2 of 4 questions are not answered" in asking
    assert '<span class="answered-count">2</span> of 4 answered' in asking
    assert re.search(r'name="q-t-single" value="a" checked', asking)
    assert re.search(r'name="q-t-multi" value="b" checked', asking)
    assert _attempt(app, attempt_id).submitted_at is None

    graded = _answer(signed_in, attempt_id, {"t-single": ["a"], "t-multi": ["a", "b"]})
    assert graded.status_code == 302
    attempt = _attempt(app, attempt_id)
    assert attempt.submitted_at is not None
    assert attempt.correct_count == 2
