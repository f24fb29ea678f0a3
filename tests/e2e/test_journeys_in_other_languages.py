"""Journeys in Kiswahili, Arabic (right to left) and Spanish: each person picks their language in the menu on the
sign-in page, and every page after it speaks that language, its course content included.

The interface strings change as they are translated, so nothing here finds an element by its English (or any)
wording: ids, names, values, form actions and the slugs in the URLs do, and the course texts a page should show
are read from the database, in the language wanted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import check_accessibility, screenshot
from training.extensions import db
from training.models import Course, Organization, Question, User
from training.services import demo, translations

CORE = "recognize-and-report"


@dataclass(frozen=True)
class CourseInLanguage:
    """A course's current version as a learner reading it in one language sees it."""

    title: str
    english_title: str
    modules: list[tuple[str, str, str]]  # (slug, title in the language, correct "check yourself" option)
    answers: dict[str, list[str]]  # question id -> its right options


def _course(app: Flask, slug: str, language: str) -> CourseInLanguage:
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        assert course is not None
        version = course.current_version
        assert version is not None
        texts = translations.texts_for(version, language)
        assert texts.language == language, f"{slug} has no complete {language} translation"
        modules = [(m.slug, texts.module(m).title, m.check["correct"]) for m in version.modules]
        questions = db.session.scalars(sa.select(Question).where(Question.course_version_id == version.id))
        found = CourseInLanguage(
            title=texts.title,
            english_title=version.title,
            modules=modules,
            answers={q.qid: list(q.correct) for q in questions},
        )
        db.session.remove()
    return found


def _person(app: Flask, email: str) -> tuple[int, str | None]:
    """A person's id and their own language (None until they choose one)."""
    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.email == email))
        assert person is not None
        found = person.id, person.preferred_language
        db.session.remove()
    return found


def _airline_language(app: Flask) -> str | None:
    with app.app_context():
        language = db.session.scalar(sa.select(Organization.default_language).where(Organization.name == demo.AIRLINE))
        db.session.remove()
    return language


def _expect_language(page: Page, code: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", code)
    expect(html).to_have_attribute("dir", "rtl" if code == "ar" else "ltr")


def _choose_language_with_the_keyboard(page: Page, code: str) -> None:
    """Open the language menu and press the language's button, with the keyboard alone."""
    menu = page.locator("details.language-switcher")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    for _ in range(10):  # the menu's buttons follow its summary in the tab order, one per language
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name === 'language' && document.activeElement.value") == code:
            break
    else:
        raise AssertionError(f"the language menu's {code} button is not reachable with Tab")
    page.keyboard.press("Enter")
    _expect_language(page, code)


def _choose_language_with_a_click(page: Page, code: str) -> None:
    menu = page.locator("details.language-switcher")
    menu.locator("summary").click()
    menu.locator(f'button[name="language"][value="{code}"]').click()
    _expect_language(page, code)


def _sign_in(page: Page, email: str, code: str) -> None:
    """On the sign-in page, already in language ``code``: sign in, and land on the home page in it."""
    expect(page).to_have_url(re.compile(r"/login$"))
    check_accessibility(page, f"sign-in ({code})")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(demo.DEMO_PASSWORD)
    page.locator('form:has(input[name="password"]) button[type="submit"]').click()
    expect(page.locator('form[action$="/logout"]')).to_be_visible()
    _expect_language(page, code)


def _open_module(page: Page, course: CourseInLanguage, position: int, code: str) -> None:
    """Check the module page shows module ``position`` (from 1) in language ``code``, and run axe on it."""
    slug, title, _ = course.modules[position - 1]
    expect(page).to_have_url(re.compile(f"/courses/{CORE}/modules/{slug}$"))
    _expect_language(page, code)
    expect(page.locator("article.module h1")).to_have_text(title)
    # The content says its language (the page's), and the course language menu marks it as the one shown.
    expect(page.locator("article.module")).to_have_attribute("lang", code)
    expect(page.locator(f'.content-languages [aria-current="true"][lang="{code}"]')).to_have_count(1)
    check_accessibility(page, f"module {position} ({code})")


def _answer_the_check(page: Page, correct: str, code: str) -> None:
    page.locator(f'input[name="answer"][value="{correct}"]').check()
    page.locator('form[action*="/check"] button[type="submit"]').click()
    expect(page.locator('.feedback-right[role="status"]')).to_be_visible()
    _expect_language(page, code)
    check_accessibility(page, f"module with its check answered ({code})")


def _pdf_text(path: Path) -> str:
    """The PDF's text with its white space folded (a title may break over lines)."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return " ".join(text.split())


def test_a_kiswahili_speaking_crew_member_takes_the_core_course_and_gets_a_certificate(
    app: Flask, demo_world: None, phone: Page, tmp_path: Path
) -> None:
    # The refresher only renews a certificate already held, and Amina has none yet: she takes the core course.
    course = _course(app, CORE, "sw")
    phone.goto("/login")
    _choose_language_with_the_keyboard(phone, "sw")
    _sign_in(phone, "crew@demo.test", "sw")
    assert _person(app, "crew@demo.test")[1] == "sw", "the language chosen before signing in is saved as hers"
    check_accessibility(phone, "learner home (sw)")

    phone.locator(f'main a[href$="/courses/{CORE}"]').first.click()
    expect(phone).to_have_url(re.compile(f"/courses/{CORE}$"))
    _expect_language(phone, "sw")
    check_accessibility(phone, "course (sw)")
    phone.locator(f'main a.button[href$="/courses/{CORE}/modules/{course.modules[0][0]}"]').click()
    for position in range(1, len(course.modules) + 1):
        _open_module(phone, course, position, "sw")
        if position == 1:
            screenshot(phone, "learner-module-sw", full_page=True)
            _answer_the_check(phone, course.modules[0][2], "sw")
        phone.locator('form[action$="/complete"] button[type="submit"]').click()

    expect(phone).to_have_url(re.compile(f"/courses/{CORE}/quiz$"))
    _expect_language(phone, "sw")
    check_accessibility(phone, "quiz landing (sw)")
    phone.locator('form[action$="/quiz/start"] button[type="submit"]').click()
    expect(phone).to_have_url(re.compile(r"/attempts/\d+$"))
    _expect_language(phone, "sw")
    check_accessibility(phone, "quiz (sw)")
    names = phone.eval_on_selector_all("fieldset.question input", "inputs => [...new Set(inputs.map(i => i.name))]")
    assert names
    for name in names:
        for option in course.answers[name.removeprefix("q-")]:
            phone.locator(f'input[name="{name}"][value="{option}"]').check()
    phone.locator('form.quiz button[type="submit"]:not([disabled])').click()

    expect(phone.locator("section.result.result-pass")).to_be_visible()
    _expect_language(phone, "sw")
    check_accessibility(phone, "quiz result (sw)")
    with phone.expect_download() as info:
        phone.locator('section.result a[href^="/certificates/"][href$=".pdf"]:not([href*="wallet-card"])').click()
    download = info.value
    assert re.fullmatch(r"certificate-[0-9A-Z-]+\.pdf", download.suggested_filename), download.suggested_filename
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    text = _pdf_text(pdf)
    assert "Amina Wanjiru" in text
    # The certificate is in her language, with the course's English title beneath its Kiswahili one.
    assert course.title in text, f"no Kiswahili course title in the certificate: {text[:600]}"
    assert course.english_title in text


def test_an_arabic_speaking_check_in_agent_reads_a_module_right_to_left(
    app: Flask, demo_world: None, phone: Page
) -> None:
    course = _course(app, CORE, "ar")
    phone.goto("/login")
    _choose_language_with_a_click(phone, "ar")
    _sign_in(phone, "agent@demo.test", "ar")
    check_accessibility(phone, "learner home (ar)")
    screenshot(phone, "learner-home-ar", full_page=True)

    phone.locator(f'main a[href$="/courses/{CORE}"]').first.click()
    expect(phone).to_have_url(re.compile(f"/courses/{CORE}$"))
    _expect_language(phone, "ar")
    check_accessibility(phone, "course (ar)")
    slug, _, correct = course.modules[0]
    phone.locator(f'ol.module-list a[href$="/courses/{CORE}/modules/{slug}"]').click()
    _open_module(phone, course, 1, "ar")
    screenshot(phone, "learner-module-ar")
    _answer_the_check(phone, correct, "ar")


def test_a_spanish_speaking_manager_goes_through_the_dashboard_staff_and_settings(
    app: Flask, demo_world: None, desktop: Page
) -> None:
    amina, _ = _person(app, "crew@demo.test")
    desktop.goto("/login")
    _choose_language_with_a_click(desktop, "es")
    _sign_in(desktop, "manager@demo.test", "es")
    check_accessibility(desktop, "manager home (es)")
    main_menu = desktop.locator("header.site-header nav")

    main_menu.locator('a[href="/manage/"]').click()
    expect(desktop).to_have_url(re.compile(r"/manage/$"))
    _expect_language(desktop, "es")
    expect(desktop.locator("svg.chart[role=img]").first).to_be_visible()
    check_accessibility(desktop, "dashboard (es)")

    main_menu.locator('a[href="/manage/staff"]').click()
    expect(desktop).to_have_url(re.compile(r"/manage/staff$"))
    _expect_language(desktop, "es")
    check_accessibility(desktop, "staff list (es)")
    desktop.locator(f'main table a[href$="/manage/staff/{amina}"]').click()
    expect(desktop).to_have_url(re.compile(f"/manage/staff/{amina}$"))
    _expect_language(desktop, "es")
    expect(desktop.locator("main h1")).to_contain_text("Amina Wanjiru")
    check_accessibility(desktop, "a person's page (es)")

    main_menu.locator('a[href="/manage/settings"]').click()
    expect(desktop).to_have_url(re.compile(r"/manage/settings$"))
    _expect_language(desktop, "es")
    check_accessibility(desktop, "settings (es)")
    language_form = desktop.locator('form[action$="/manage/settings/language"]')
    language_form.locator('select[name="default_language"]').select_option("sw")
    language_form.locator('button[type="submit"]').click()
    expect(desktop).to_have_url(re.compile(r"/manage/settings$"))
    expect(desktop.locator('select[name="default_language"]')).to_have_value("sw")
    assert _airline_language(app) == "sw"
    # Her own choice still wins over the organization's new default.
    _expect_language(desktop, "es")
    check_accessibility(desktop, "settings saved (es)")
