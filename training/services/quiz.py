"""Final quiz attempts: opening rules, drawing questions, and grading once, on the server."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from training.content.question_types import question_type
from training.extensions import db
from training.models import Attempt, Course, Module, Question, User, utcnow
from training.services import audit, certification, drawing, grading, guarded, issuing
from training.services.i18n import gettext as _
from training.services.progress import completed_modules

# Answers that arrive this long after the deadline (slow networks) are still accepted.
SUBMIT_GRACE = timedelta(seconds=60)
_random = secrets.SystemRandom()


@dataclass(frozen=True)
class Gate:
    """Whether a new attempt may start now, and if not, why and when."""

    open: bool
    reason: str = ""
    opens_at: datetime | None = None


def open_attempt(user: User, course: Course, *, actor: audit.Actor) -> Attempt | None:
    """The person's unfinished attempt at this course that is still within its time, if any."""
    attempt = db.session.scalar(
        sa.select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.course_id == course.id, Attempt.submitted_at.is_(None))
        .order_by(Attempt.started_at.desc())
        .limit(1)
    )
    if attempt is not None and utcnow() > attempt.deadline_at + SUBMIT_GRACE:
        close_timed_out(attempt, actor=actor)
        return None
    return attempt


def gate(user: User, course: Course, now: datetime | None = None) -> Gate:
    now = now or utcnow()
    version = course.current_version
    assert version is not None
    done = completed_modules(user.id, course.id)
    missing = [m for m in version.modules if m.slug not in done]
    if missing:
        return Gate(
            False,
            _(
                "Complete every module first: %(missing)s of %(modules)s still to do.",
                missing=len(missing),
                modules=len(version.modules),
            ),
        )
    recent = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(
                Attempt.user_id == user.id,
                Attempt.course_id == course.id,
                Attempt.started_at > now - timedelta(hours=24),
            )
            .order_by(Attempt.started_at)
        )
    )
    if len(recent) >= version.attempts_per_24h:
        opens_at = recent[len(recent) - version.attempts_per_24h].started_at + timedelta(hours=24)
        return Gate(
            False,
            _("You have used all %(attempts)s attempts allowed in 24 hours.", attempts=version.attempts_per_24h),
            opens_at,
        )
    last = recent[-1] if recent else None
    if last is not None and last.passed is False and version.cooldown_minutes:
        opens_at = (last.submitted_at or last.deadline_at) + timedelta(minutes=version.cooldown_minutes)
        if opens_at > now:
            return Gate(False, _("Take a short break to review the modules before trying again."), opens_at)
    return Gate(True)


def next_tries(user: User, courses: list[Course], now: datetime | None = None) -> dict[int, datetime | None]:
    """For courses whose last attempt failed: when the next attempt may start (None: now)."""
    return {course.id: gate(user, course, now).opens_at for course in courses}


def _hold_learner(user_id: int) -> None:
    """Hold the learner's row until the transaction ends, so their quiz starts run one after another, and
    so a submission takes its locks in the app's one order: the person's row, then the audit trail's head.

    A no-op UPDATE: it locks the row on PostgreSQL and takes the write lock on SQLite (where FOR UPDATE does nothing).
    (The certificate the submission may issue locks the same row, through the trigger that keeps
    requirement.certified_until; taken after the audit head, that lock could deadlock with a staff import.)
    """
    no_op = sa.update(User).where(User.id == user_id).values(active=User.active)
    db.session.execute(no_op.execution_options(synchronize_session=False))


def start_attempt(user: User, course: Course, language: str = "en") -> Attempt:
    """Open a new attempt: draw the questions at random (by the bank's blueprint, if it has one) and
    shuffle their options. ``language`` is the one its questions are shown in (recorded; grading goes by ids).

    A second start arriving at the same moment (a double click) gets the attempt the first one opened.
    """
    version = course.current_version
    assert version is not None
    _hold_learner(user.id)
    already = db.session.scalar(
        sa.select(Attempt)
        .where(
            Attempt.user_id == user.id,
            Attempt.course_id == course.id,
            Attempt.submitted_at.is_(None),
            Attempt.deadline_at >= utcnow() - SUBMIT_GRACE,
        )
        .order_by(Attempt.started_at.desc())
        .limit(1)
    )
    if already is not None:
        db.session.commit()
        return already
    bank = list(
        db.session.scalars(sa.select(Question).where(Question.course_version_id == version.id).order_by(Question.id))
    )
    chosen = drawing.draw(bank, version.questions_per_attempt, version.quiz_blueprint, lambda q: q.module_slug, _random)
    drawn = []
    for question in chosen:
        shown = question_type(question.type).present([o["id"] for o in question.options], _random)
        drawn.append({"qid": question.qid, "options": shown})
    now = utcnow()
    attempt = Attempt(
        user_id=user.id,
        course_id=course.id,
        course_version_id=version.id,
        started_at=now,
        deadline_at=now + timedelta(minutes=version.time_limit_minutes),
        drawn=drawn,
        question_count=len(drawn),
        language=language,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def unanswered(questions: list[tuple[Question, list[dict[str, str]]]], answers: dict[str, list[str]]) -> list[int]:
    """The numbers (from 1) of the questions that the answers leave unanswered, as each type counts it."""
    return [
        n
        for n, (question, options) in enumerate(questions, start=1)
        if not question_type(question.type).answered(answers.get(question.qid, []), [o["id"] for o in options])
    ]


def questions_of(attempt: Attempt) -> list[tuple[Question, list[dict[str, str]]]]:
    """The attempt's questions in the order drawn, each with its options in the order shown."""
    qids = [d["qid"] for d in attempt.drawn]
    by_qid = {
        q.qid: q
        for q in db.session.scalars(
            sa.select(Question).where(Question.course_version_id == attempt.course_version_id, Question.qid.in_(qids))
        )
    }
    result = []
    for entry in attempt.drawn:
        question = by_qid[entry["qid"]]
        options = {o["id"]: o for o in question.options}
        result.append((question, [options[oid] for oid in entry["options"]]))
    return result


@dataclass(frozen=True)
class Reviewed:
    """One question of a graded attempt, as its result page shows it."""

    question: Question
    options: list[dict[str, str]]  # in the order shown
    given: list[str]
    right: bool
    module: Module | None  # the module of the attempt's course version that the question tests


def answers_shown(attempt: Attempt) -> bool:
    """Whether the result page may show the keyed answers and explanations (the bank's ``show_answers``).

    after_pass (the default): only on a passed attempt, so failed attempts cannot be used to collect the
    keys; after_each_attempt: on every graded attempt; never: on none.
    """
    mode = attempt.course_version.show_answers
    if attempt.is_open:
        return False
    if mode == "after_each_attempt":
        return True
    return mode == "after_pass" and bool(attempt.passed)


def review_of(attempt: Attempt) -> list[Reviewed]:
    """The attempt's questions in the order drawn, each marked right or wrong, with the module it tests."""
    given_all = attempt.answers or {}
    modules = {module.slug: module for module in attempt.course_version.modules}
    result = []
    for question, options in questions_of(attempt):
        given = given_all.get(question.qid, [])
        right = grading.is_correct(question.type, question.correct, given)
        result.append(Reviewed(question, options, given, right, modules.get(question.module_slug)))
    return result


def _claim(attempt: Attempt, now: datetime) -> bool:
    """Mark the attempt submitted, unless another request already did (guarded UPDATE)."""
    return guarded.claim(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now)
        .execution_options(synchronize_session=False)
    )


def submit(
    attempt: Attempt,
    answers: dict[str, list[str]],
    now: datetime | None = None,
    *,
    actor: audit.Actor,
    certificates: issuing.CertificateSettings,
    language: str | None = None,
) -> bool:
    """Grade an attempt once. Returns False when it had already been submitted (nothing changes).

    Answers after the deadline (plus a short grace) are not counted: the attempt is closed as timed out.
    A pass issues the certificate, made with ``certificates``. ``language``, when given, is the one the
    questions were answered in (the learner may have switched since the start); answers are graded by
    option id whatever the language.
    """
    now = now or utcnow()
    _hold_learner(attempt.user_id)
    if not _claim(attempt, now):
        db.session.rollback()
        return False
    late = now > attempt.deadline_at + SUBMIT_GRACE
    drawn = questions_of(attempt)
    allowed = {q.qid: question_type(q.type).values([o["id"] for o in options]) for q, options in drawn}
    kept = (
        {} if late else {qid: sorted(set(choice) & allowed[qid]) for qid, choice in answers.items() if qid in allowed}
    )
    correct = sum(1 for q, _ in drawn if grading.is_correct(q.type, q.correct, kept.get(q.qid, [])))
    version = attempt.course_version
    if language is not None:
        attempt.language = language
    _record(attempt, now, kept, correct, timed_out=late)
    attempt.passed = grading.passed(correct, len(drawn), version.pass_mark) and not late
    _note_submitted(attempt, actor)
    if attempt.passed:
        certification.on_quiz_passed(attempt, certificates, actor=actor)
    db.session.commit()
    return True


def _record(attempt: Attempt, now: datetime, answers: dict[str, list[str]], correct: int, *, timed_out: bool) -> None:
    attempt.submitted_at = now
    attempt.answers = answers
    attempt.correct_count = correct
    attempt.score_percent = grading.percent(correct, attempt.question_count)
    attempt.timed_out = timed_out


def close_timed_out(attempt: Attempt, *, actor: audit.Actor) -> None:
    """Close an attempt whose time ran out without a submission: it counts as a failed attempt."""
    now = utcnow()
    if not _claim(attempt, now):
        db.session.rollback()
        return
    _record(attempt, now, {}, 0, timed_out=True)
    attempt.passed = False
    _note_submitted(attempt, actor)
    db.session.commit()


def _note_submitted(attempt: Attempt, actor: audit.Actor) -> None:
    learner = db.session.get(User, attempt.user_id)
    audit.record(
        "attempt.submitted",
        actor=actor,
        organization_id=learner.organization_id if learner else None,
        object_type="attempt",
        object_id=attempt.id,
        details={
            "course_version_id": attempt.course_version_id,
            "score_percent": attempt.score_percent,
            "passed": bool(attempt.passed),
            "timed_out": bool(attempt.timed_out),
        },
    )


def all_attempts_of(user: User) -> list[Attempt]:
    """Every submitted attempt of a person, newest first (for their manager's view)."""
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.submitted_at.is_not(None))
            .order_by(Attempt.submitted_at.desc())
        )
    )


def attempts_of(user: User, course: Course) -> list[Attempt]:
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.course_id == course.id, Attempt.submitted_at.is_not(None))
            .order_by(Attempt.submitted_at.desc())
        )
    )
