"""A learner reads a course in a translation: module page, check question, quiz attempt and result in
the chosen language, with the unreviewed note and links back to English; grading and item statistics go
by ids, whatever language the answers were given in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.content_fixture import ANSWERS_ALL_RIGHT, QUIZ, write_content, write_translation
from tests.factories import CONFIRM_UNANSWERED, start_quiz
from tests.helpers import login, submit, text
from training.extensions import db
from training.models import Attempt, Course, Role, User
from training.services import audit, content_loader, item_stats, quiz
from training.web.settings import certificate_settings

MODULE = "/courses/test-course/modules/m-one"
NOTE = "This translation has not yet been reviewed by a native-speaking subject expert."


def _load(app, tmp_path, reviewer: str = "null") -> None:
    bank = QUIZ.replace("cooldown_minutes: 30", "cooldown_minutes: 0").replace(
        "attempts_per_24h: 2", "attempts_per_24h: 9"
    )
    write_content(tmp_path, quiz=bank)
    write_translation(tmp_path, reviewer=reviewer)
    with app.app_context():
        report = content_loader.load_content(tmp_path)
        assert report.ok, report.problems


NOTE_FR = "pas encore été revue par un expert du domaine dont c"


@pytest.fixture
def sign_in(app, tmp_path, client, make_org, make_user):
    """Load the course and its translation, and sign a learner in whose own language is ``language`` (None: the
    browser's, here English)."""

    def _sign_in(language: str | None = "fr", reviewer: str = "null"):
        _load(app, tmp_path, reviewer)
        person = make_user(make_org(), Role.LEARNER, job_function="cabin_crew", preferred_language=language)
        login(client, person.email)
        return person

    return _sign_in


def test_course_page_in_the_persons_language_and_in_english_on_request(client, sign_in):
    sign_in("fr")
    french = text(client.get("/courses/test-course"))
    assert '<h1 lang="fr" dir="ltr">Cours de test</h1>' in french
    assert ">Module un</a>" in french
    assert NOTE_FR in french
    english = text(client.get("/courses/test-course?lang=en"))
    assert '<h1 lang="en" dir="ltr">Test course</h1>' in english
    assert ">Module one</a>" in english


def test_module_page_and_check_in_the_persons_language(client, sign_in):
    sign_in("fr")
    french = text(client.get(MODULE))
    assert "<h1>Module un</h1>" in french
    assert "FR-BODY-ONE" in french
    assert "Savoir une chose." in french
    assert "Laquelle est juste ?" in french
    assert NOTE_FR in french  # the note in the interface's language
    assert '<article class="module panel" lang="fr" dir="ltr">' in french  # content always says its language
    assert f'href="{MODULE}?lang=en"' in french  # a link to the English
    page = text(submit(client, f"{MODULE}/check", {"answer": "b"}, form_url=MODULE))
    assert "Relisez le module." in page  # the feedback of the option chosen, graded on the source's key
    assert "feedback-wrong" in page

    english = text(client.get(f"{MODULE}?lang=en"))  # chosen: kept for the session
    assert "<h1>Module one</h1>" in english
    assert NOTE_FR not in english
    assert '<article class="module panel" lang="en" dir="ltr">' in english  # English text in a French page
    assert f'href="{MODULE}?lang=fr"' in english  # and back
    assert "<h1>Module one</h1>" in text(client.get(MODULE))
    assert "<h1>Module un</h1>" in text(client.get(f"{MODULE}?lang=fr"))


def test_an_english_speaker_reads_english_with_no_switch(client, sign_in):
    sign_in(None)
    page = text(client.get(MODULE))
    assert "<h1>Module one</h1>" in page
    assert "?lang=" not in page
    assert NOTE not in page
    french = text(client.get(f"{MODULE}?lang=fr"))  # asked for outright, the translation is given
    assert "<h1>Module un</h1>" in french
    assert NOTE in french  # in the English interface
    assert '<article class="module panel" lang="fr" dir="ltr">' in french


def test_a_translated_module_page_asks_the_database_no_more_than_the_english_one(app, client, sign_in):
    sign_in(None)
    statements: list[str] = []

    def record(conn, cursor, statement, *rest) -> None:
        statements.append(statement)

    counts = {}
    for language in ("en", "fr", "en", "fr"):  # the second time round: the translation's texts already read
        client.get(f"{MODULE}?lang={language}")
        statements.clear()
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert f"<h1>Module {'one' if language == 'en' else 'un'}</h1>" in text(client.get(MODULE))
        finally:
            with app.app_context():
                sa.event.remove(db.engine, "before_cursor_execute", record)
        counts[language] = len(statements)
    assert counts["fr"] == counts["en"], counts


def test_a_reviewed_translation_has_no_note(client, sign_in):
    sign_in("fr", reviewer="Amina Diallo")
    page = text(client.get(MODULE))
    assert "Module un" in page
    assert NOTE_FR not in page


def test_a_language_without_a_translation_falls_back_to_english(client, sign_in):
    sign_in("sw")
    page = text(client.get(MODULE))
    assert "<h1>Module one</h1>" in page
    assert "Kozi hii bado haipatikani kwa Kiswahili; inaonyeshwa kwa Kiingereza." in page


def test_quiz_attempt_and_result_in_the_chosen_language(app, client, sign_in):
    sign_in(None)
    client.get(f"{MODULE}?lang=fr")  # an English speaker who chose to read the course in French
    url = start_quiz(client)
    page = text(client.get(url))
    # The bank here is the fixture's with other attempt settings: its translation marks each text "FR".
    assert '<h1 lang="fr">FR Test quiz</h1>' in page
    assert "FR SINGLE-PROMPT" in page
    assert "FR SCENARIO-TEXT" in page
    assert "FR Observe and report" in page
    assert ">SINGLE-PROMPT" not in page
    assert NOTE in page
    submit(client, url, {f"q-{k}": v for k, v in ANSWERS_ALL_RIGHT.items()} | CONFIRM_UNANSWERED)
    result = text(client.get(url))
    assert "You passed" in result
    assert "FR MULTI-EXPLANATION" in result
    assert "FR Someone else holds the passport" in result
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        assert (attempt.language, attempt.correct_count) == ("fr", 4)


def test_answers_in_two_languages_add_up_in_the_item_statistics(app, tmp_path, make_org, make_user):
    _load(app, tmp_path)
    org = make_org()
    people = [make_user(org, Role.LEARNER, job_function="cabin_crew") for _ in range(4)]
    # Alternately in English and in French: two right on t-single, one choosing b and one choosing c.
    answers = [
        ANSWERS_ALL_RIGHT,
        {**ANSWERS_ALL_RIGHT, "t-single": ["b"]},
        ANSWERS_ALL_RIGHT,
        {**ANSWERS_ALL_RIGHT, "t-single": ["c"]},
    ]
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        for n, (person, given) in enumerate(zip(people, answers, strict=True)):
            language = "fr" if n % 2 else "en"
            attempt = quiz.start_attempt(db.session.get(User, person.id), course, language=language)
            assert quiz.submit(attempt, given, actor=audit.SYSTEM, certificates=certificate_settings())
        languages = sorted(db.session.scalars(sa.select(Attempt.language)))
        assert languages == ["en", "en", "fr", "fr"]
        bank = item_stats.bank_stats("test-course")
    stats = {item.question.qid: item for item in bank.items}
    assert bank.attempts == 4
    single = stats["t-single"]
    assert (single.attempts, single.right) == (4, 2)  # two in English, two in French, counted together
    assert single.chosen == {"a": 2, "b": 1, "c": 1}  # by option id, whichever text was shown
    assert (stats["t-true"].attempts, stats["t-true"].right) == (4, 4)
