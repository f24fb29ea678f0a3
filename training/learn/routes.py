from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from training.content.question_types import question_type
from training.extensions import db
from training.learn.forms import CheckForm
from training.models import Attempt, Certificate, Course, CourseVersion, Module, Question
from training.policy import Ability, found_or_404, get_own_attempt_or_404, permission
from training.services import catalogue, contacts, issuing, progress, quiz, translations
from training.services.markdown import REPORTING_CONTACTS_MARK
from training.web import i18n
from training.web.forms import ConfirmForm
from training.web.request_actor import actor_from_request
from training.web.settings import certificate_settings

bp = Blueprint("learn", __name__, template_folder="templates")
bp.add_app_template_filter(contacts.dial_string, "dial")
bp.add_app_template_global(question_type, "question_type")
bp.add_app_template_global(contacts.channel_label, "channel_label")

CONTENT_LANGUAGE = "content_language"  # the session key of a course language chosen with a switch link


def _wanted_language() -> str:
    """The language the learner reads course content in: one chosen with a switch link (``?lang=``, kept
    for the session), else the language the app speaks to them (their own choice, their organization's
    default or their browser's)."""
    asked = request.args.get("lang")
    if asked == translations.SOURCE_LANGUAGE or asked in translations.LANGUAGES:
        session[CONTENT_LANGUAGE] = asked
    chosen = session.get(CONTENT_LANGUAGE)
    return chosen if isinstance(chosen, str) else i18n.current_language()


def _texts(version: CourseVersion | None) -> translations.CourseTexts:
    """The texts of a course version in the language the learner reads in (a published course has a version)."""
    assert version is not None
    return translations.texts_for(version, _wanted_language())


def _language_context(texts: translations.CourseTexts, endpoint: str, **args: object) -> dict:
    """What the language note and switch links need (learn/_content_language.html): links to the person's
    language, when the course can be read in it, and to English; they lead to ``endpoint`` with ``args``."""
    offered = texts.languages()
    person = i18n.current_language()
    return {
        "texts": texts,
        "switch_to": [code for code in offered if code in (person, translations.SOURCE_LANGUAGE, texts.language)],
        "language_names": translations.LANGUAGE_NAMES,
        "here": (endpoint, args),
    }


@bp.route("/courses")
@permission(Ability.LEARN)
def courses():
    return render_template("learn/courses.html", standings=progress.standings(current_user))


@bp.route("/courses/<slug>")
@permission(Ability.LEARN)
def course(slug: str):
    found = found_or_404(catalogue.published_course(slug))
    standing = progress.standing_for(current_user, found)
    texts = _texts(found.current_version)
    return render_template(
        "learn/course.html",
        course=found,
        standing=standing,
        **_language_context(texts, "learn.course", slug=slug),
        gate=quiz.gate(current_user, found),
        open_attempt=quiz.open_attempt(current_user, found, actor=actor_from_request()),
        attempts=quiz.attempts_of(current_user, found),
    )


def _module_page(
    course: Course,
    module: Module,
    texts: translations.CourseTexts,
    check_form: CheckForm,
    feedback: dict | None = None,
    status=200,
):
    version = course.current_version
    modules = version.modules  # type: ignore[union-attr]
    index = modules.index(module)
    shown = texts.module(module)
    body = shown.body_html
    if REPORTING_CONTACTS_MARK in body:
        listing = render_template("learn/_contacts.html", contacts=contacts.contacts_of(current_user.organization_id))
        body = body.replace(REPORTING_CONTACTS_MARK, listing)
    return render_template(
        "learn/module.html",
        course=course,
        module=shown,
        body=Markup(body),  # noqa: S704 — sanitized with nh3 when the content was loaded
        position=index + 1,
        previous=modules[index - 1] if index > 0 else None,
        following=modules[index + 1] if index + 1 < len(modules) else None,
        completed=module.slug in progress.completed_modules(current_user.id, course.id),
        check_form=check_form,
        feedback=feedback,
        complete_form=ConfirmForm(),
        **_language_context(texts, "learn.module", slug=course.slug, module_slug=module.slug),
    ), status


@bp.route("/courses/<slug>/modules/<module_slug>")
@permission(Ability.LEARN)
def module(slug: str, module_slug: str):
    found = found_or_404(catalogue.published_course(slug))
    item = found_or_404(found.current_version.module(module_slug))  # type: ignore[union-attr]
    texts = _texts(found.current_version)
    return _module_page(found, item, texts, CheckForm.for_check(texts.module(item).check))


@bp.route("/courses/<slug>/modules/<module_slug>/check", methods=["GET", "POST"])
@permission(Ability.LEARN)
def check(slug: str, module_slug: str):
    found = found_or_404(catalogue.published_course(slug))
    item = found_or_404(found.current_version.module(module_slug))  # type: ignore[union-attr]
    if request.method == "GET":  # the address of an answered check, reopened (a phone restoring a tab)
        return redirect(url_for("learn.module", slug=slug, module_slug=module_slug, _anchor="check-h"))
    texts = _texts(found.current_version)
    check = texts.module(item).check  # the texts in the learner's language; the key is the source's
    form = CheckForm.for_check(check, formdata=request.form)
    if not form.validate_on_submit():
        return _module_page(found, item, texts, form, status=400)
    chosen = next(o for o in check["options"] if o["id"] == form.answer.data)
    feedback = {"right": chosen["id"] == item.check["correct"], "text": chosen["feedback"]}
    return _module_page(found, item, texts, form, feedback)


@bp.route("/courses/<slug>/modules/<module_slug>/complete", methods=["GET", "POST"])
@permission(Ability.LEARN)
def complete(slug: str, module_slug: str):
    found = found_or_404(catalogue.published_course(slug))
    item = found_or_404(found.current_version.module(module_slug))  # type: ignore[union-attr]
    if request.method == "GET":  # a form's address reopened: show the module, change nothing
        return redirect(url_for("learn.module", slug=slug, module_slug=module_slug))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    progress.mark_complete(current_user, found, item.slug)
    standing = progress.standing_for(current_user, found)
    following = standing.next_module_slug()
    if following:
        return redirect(url_for("learn.module", slug=slug, module_slug=following))
    flash(_("Every module is complete. The final quiz is open."), "success")
    return redirect(url_for("learn.quiz_landing", slug=slug))


@bp.route("/courses/<slug>/quiz")
@permission(Ability.LEARN)
def quiz_landing(slug: str):
    found = found_or_404(catalogue.published_course(slug))
    return render_template(
        "learn/quiz.html",
        course=found,
        version=found.current_version,
        gate=quiz.gate(current_user, found),
        open_attempt=quiz.open_attempt(current_user, found, actor=actor_from_request()),
        form=ConfirmForm(),
    )


@bp.route("/courses/<slug>/quiz/start", methods=["GET", "POST"])
@permission(Ability.LEARN)
def quiz_start(slug: str):
    found = found_or_404(catalogue.published_course(slug))
    if request.method == "GET":  # a form's address reopened: show the quiz's page, start nothing
        return redirect(url_for("learn.quiz_landing", slug=slug))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    existing = quiz.open_attempt(current_user, found, actor=actor_from_request())
    if existing is not None:
        return redirect(url_for("learn.attempt", attempt_id=existing.id))
    gate = quiz.gate(current_user, found)
    if not gate.open:
        flash(gate.reason, "error")
        return redirect(url_for("learn.quiz_landing", slug=slug))
    attempt = quiz.start_attempt(current_user, found, language=_texts(found.current_version).language)
    return redirect(url_for("learn.attempt", attempt_id=attempt.id))


def _attempt_page(
    item: Attempt,
    questions: list[tuple[Question, list[dict[str, str]]]],
    answers: dict[str, list[str]] | None = None,
    unanswered: list[int] | None = None,
):
    texts = _texts(item.course_version)
    shown = []
    for question, options in questions:
        text = texts.question(question)
        shown.append((text, text.shown(options)))
    return render_template(
        "learn/attempt.html",
        attempt=item,
        questions=shown,
        answers=answers or {},
        unanswered=unanswered or [],
        form=ConfirmForm(),
        **_language_context(texts, "learn.attempt", attempt_id=item.id),
    )


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@permission(Ability.LEARN)
def attempt(attempt_id: int):
    item = get_own_attempt_or_404(current_user, attempt_id)
    if item.is_open and request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        answers = {key[2:]: request.form.getlist(key) for key in request.form if key.startswith("q-")}
        questions = quiz.questions_of(item)
        unanswered = quiz.unanswered(questions, answers)
        if unanswered and request.form.get("unanswered") != "submit":
            # One attempt, graded once: ask before grading blanks, keeping every answer given so far.
            return _attempt_page(item, questions, answers, unanswered)
        language = _texts(item.course_version).language
        if not quiz.submit(
            item, answers, actor=actor_from_request(), certificates=certificate_settings(), language=language
        ):
            flash(_("This attempt was already submitted; it was graded once."), "info")
        return redirect(url_for("learn.attempt", attempt_id=item.id))
    if item.is_open:
        if (
            quiz.open_attempt(current_user, item.course, actor=actor_from_request()) is None
        ):  # its time ran out: closed now
            db.session.refresh(item)
        else:
            return _attempt_page(item, quiz.questions_of(item))
    elif request.method == "POST":
        flash(_("This attempt was already submitted; it was graded once."), "info")
        return redirect(url_for("learn.attempt", attempt_id=item.id))
    certificate, reason = None, ""
    if item.passed:
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.attempt_id == item.id))
        if certificate is None:
            reason = issuing.certificate_target(item, certificate_settings()).why_not
    current = item.course.current_version
    texts = _texts(item.course_version)
    reviewed = [_shown_review(texts, entry) for entry in quiz.review_of(item)]
    return render_template(
        "learn/result.html",
        attempt=item,
        reviewed=reviewed,
        show_answers=quiz.answers_shown(item),
        to_review=_modules_to_review(reviewed),
        linkable={m.slug for m in current.modules} if current is not None and not item.course.is_retired else set(),
        certificate=certificate,
        no_certificate_reason=reason,
        **_language_context(texts, "learn.attempt", attempt_id=item.id),
    )


def _shown_review(texts: translations.CourseTexts, entry: quiz.Reviewed) -> quiz.Reviewed:
    """A reviewed question with its texts, options and module title in the learner's language."""
    text = texts.question(entry.question)
    module = texts.module(entry.module) if entry.module is not None else None
    return quiz.Reviewed(text, text.shown(entry.options), entry.given, entry.right, module)  # type: ignore[arg-type]


def _modules_to_review(reviewed: list[quiz.Reviewed]) -> list[tuple[Module, int]]:
    """The modules of the questions answered wrong, in course order, each with how many were wrong."""
    wrong: dict[str, int] = {}
    for item in reviewed:
        if not item.right and item.module is not None:
            wrong[item.module.slug] = wrong.get(item.module.slug, 0) + 1
    modules = {item.module.slug: item.module for item in reviewed if item.module is not None}
    ordered = sorted((modules[slug] for slug in wrong), key=lambda m: m.position)
    return [(module, wrong[module.slug]) for module in ordered]
