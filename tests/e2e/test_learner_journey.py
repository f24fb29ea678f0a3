"""A learner on a phone takes the core course from the first module to a verified certificate."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from training.extensions import db
from training.models import Course, Question

CORE = "recognize-and-report"
LEARNER = "crew@demo.test"  # the demo keeps Amina's slate clean so she can take the course herself


def _core_course(app: Flask) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The core course's modules as (slug, correct check-yourself option), and each question's right options."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == CORE))
        assert course is not None
        version = course.current_version
        assert version is not None
        modules = [(m.slug, m.check["correct"]) for m in version.modules]
        questions = db.session.scalars(sa.select(Question).where(Question.course_version_id == version.id))
        answers = {q.qid: list(q.correct) for q in questions}
        db.session.remove()
    return modules, answers


def _work_through_modules(page: Page, modules: list[tuple[str, str]]) -> None:
    """Open each module in turn and mark it complete; try the first module's "check yourself" question."""
    for position, (slug, _) in enumerate(modules, start=1):
        expect(page).to_have_url(re.compile(f"/courses/{CORE}/modules/{slug}$"))
        check_accessibility(page, f"module {position}")
        if position == 1:
            screenshot(page, "learner-module", full_page=True)
            page.locator(f'input[name="answer"][value="{modules[0][1]}"]').check()
            page.get_by_role("button", name="Check my answer").click()
            expect(page.get_by_role("status")).to_contain_text("Right.")
            check_accessibility(page, "module 1 with feedback")
        page.get_by_role("button", name=re.compile(r"^Mark complete")).click()
    expect(page).to_have_url(re.compile(f"/courses/{CORE}/quiz$"))


def test_learner_takes_the_core_course_on_a_phone_and_gets_a_verified_certificate(
    app: Flask, demo_world: None, phone: Page, tmp_path: Path
) -> None:
    modules, answers = _core_course(app)
    sign_in(phone, LEARNER)
    expect(phone.get_by_role("heading", name="Hello, Amina Wanjiru")).to_be_visible()
    check_accessibility(phone, "learner home")
    screenshot(phone, "learner-home", full_page=True)

    phone.get_by_role("link", name="Recognize and report human trafficking").first.click()
    expect(phone).to_have_url(re.compile(f"/courses/{CORE}$"))
    check_accessibility(phone, "course")
    phone.get_by_role("link", name="Start the course").click()
    _work_through_modules(phone, modules)

    expect(phone.get_by_role("status").first).to_contain_text("Every module is complete")
    check_accessibility(phone, "quiz landing")
    phone.get_by_role("button", name="Start the quiz").click()
    expect(phone).to_have_url(re.compile(r"/attempts/\d+$"))
    check_accessibility(phone, "quiz")
    names = phone.eval_on_selector_all("fieldset.question input", "inputs => [...new Set(inputs.map(i => i.name))]")
    assert len(names) == 15
    for name in names[:-1]:
        for option in answers[name.removeprefix("q-")]:
            phone.locator(f'input[name="{name}"][value="{option}"]').check()
    expect(phone.locator(".quiz-progress")).to_have_text("14 of 15 answered")
    # Enter on an answer does not submit the one-shot quiz.
    phone.locator(f'input[name="{names[0]}"]:checked').first.press("Enter")
    phone.wait_for_timeout(500)
    expect(phone).to_have_url(re.compile(r"/attempts/\d+$"))
    expect(phone.get_by_role("button", name="Submit my answers")).to_be_visible()
    # Submitting with a question unanswered asks first, and keeps the answers given.
    phone.get_by_role("button", name="Submit my answers").click()
    expect(phone.get_by_role("alert")).to_contain_text("1 of 15 question is not answered")
    first_answer = answers[names[0].removeprefix("q-")]
    expect(phone.locator(f'input[name="{names[0]}"]:checked')).to_have_count(len(first_answer))
    check_accessibility(phone, "quiz with an unanswered question")
    last = names[-1]
    for option in answers[last.removeprefix("q-")]:
        phone.locator(f'input[name="{last}"][value="{option}"]').check()
    expect(phone.locator(".quiz-progress")).to_have_text("15 of 15 answered")
    screenshot(phone, "learner-quiz", full_page=True)
    phone.get_by_role("button", name="Submit my answers").click()

    expect(phone.get_by_role("heading", name="You passed")).to_be_visible()
    expect(phone.locator(".score")).to_contain_text("15 of 15 right")
    check_accessibility(phone, "quiz result")
    screenshot(phone, "learner-result", full_page=True)

    with phone.expect_download() as info:
        phone.get_by_role("link", name="Download your certificate (PDF)").click()
    download = info.value
    match = re.fullmatch(r"certificate-([0-9A-Z-]+)\.pdf", download.suggested_filename)
    assert match, download.suggested_filename
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    serial = match.group(1)
    phone.goto(f"/verify/{serial}")
    expect(phone.get_by_role("heading", name=f"Certificate {serial}")).to_be_visible()
    expect(phone.locator(".verify")).to_contain_text("Valid")
    expect(phone.locator(".details")).to_contain_text("Amina Wanjiru")
    check_accessibility(phone, "verification")
    phone.get_by_label("Certificate PDF").set_input_files(pdf)
    phone.get_by_role("button", name="Compare").click()
    expect(phone.locator(".comparison")).to_contain_text("The uploaded PDF is the certificate issued")
    check_accessibility(phone, "verification with comparison")
    screenshot(phone, "learner-verified", full_page=True)
