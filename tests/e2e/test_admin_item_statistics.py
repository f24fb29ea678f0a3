"""The admin reads a question bank's item statistics on a desktop, after a few dozen graded attempts."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from training.extensions import db
from training.models import Course, Organization, User
from training.services import audit, demo, quiz
from training.web.settings import certificate_settings

CORE = "recognize-and-report"


def _graded_attempts(app: Flask, count: int = 40) -> None:
    """``count`` attempts at the core quiz by the demo airline's staff, each learner right on a question
    with their own probability, through the quiz service (so passes issue certificates, as for real)."""
    rng = random.Random(7)

    def seed() -> None:
        with app.app_context():
            course = db.session.scalar(sa.select(Course).where(Course.slug == CORE))
            people = list(
                db.session.scalars(
                    sa.select(User).join(Organization).where(Organization.name == demo.AIRLINE).order_by(User.id)
                )
            )
            for n in range(count):
                attempt = quiz.start_attempt(people[n % len(people)], course)
                ability = rng.uniform(0.4, 0.98)
                answers = {}
                for question, options in quiz.questions_of(attempt):
                    wrong = [o["id"] for o in options if o["id"] not in question.correct]
                    right = rng.random() < ability or not wrong
                    answers[question.qid] = list(question.correct) if right else [rng.choice(wrong)]
                quiz.submit(attempt, answers, actor=audit.SYSTEM, certificates=certificate_settings())
            db.session.remove()

    with ThreadPoolExecutor(max_workers=1) as worker:  # certificates are signed outside Playwright's loop
        worker.submit(seed).result()


def test_admin_reads_item_statistics(app: Flask, demo_world: None, desktop: Page) -> None:
    _graded_attempts(app)
    sign_in(desktop, "admin@demo.test")
    desktop.get_by_role("link", name="Item statistics").click()
    check_accessibility(desktop, "item statistics")
    desktop.get_by_role("link", name="Recognize and report — final quiz").click()
    expect(desktop.get_by_role("heading", name="Item statistics: Recognize and report — final quiz")).to_be_visible()
    expect(desktop.locator("#bank-attempts")).not_to_have_text("0")
    check_accessibility(desktop, "item statistics of a bank")
    screenshot(desktop, "admin-item-statistics")
