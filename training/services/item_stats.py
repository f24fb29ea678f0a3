"""Item statistics for the people who write the question banks, in the model of Moodle's quiz statistics.

Per bank (quiz slug), from graded attempts (submitted in time; abandoned and timed-out attempts are left
out): per question its facility and discrimination index and how often each option was chosen; per bank
the score distribution and pass rate. An attempt made on an older course version counts for a question
of today's bank only if the question is unchanged there (same type, text, options and key), compared by
a fingerprint of the stored question. No figure is shown below ``MIN_ATTEMPTS`` attempts.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from training.content.question_types import TYPES, question_type
from training.extensions import db
from training.models import Attempt, CourseVersion, Question

MIN_ATTEMPTS = 10
TOO_EASY, TOO_HARD = 90.0, 20.0  # facility, %
WEAK = 20.0  # discrimination index below this (and not negative) separates strong from weak attempts poorly
BANDS = 10  # the score distribution in bands of 10 %


def fingerprint(question: Question) -> str:
    """SHA-256 over what the learner was examined on: type, scenario, prompt, options and key.

    The explanation, sources and module are left out: correcting them does not change the question.
    """
    options = [(o["id"], o["text"]) for o in question.options]
    return content_fingerprint(question.type, question.scenario or "", question.prompt, options, question.correct)


def content_fingerprint(
    kind: str, scenario: str, prompt: str, options: Iterable[tuple[str, str]], correct: Iterable[str]
) -> str:
    """The fingerprint of a question from its parts (also used on a question bank file before loading)."""
    content = {
        "type": kind,
        "scenario": scenario,
        "prompt": prompt,
        "options": sorted(options),
        "correct": TYPES[kind].fingerprint_key(list(correct)) if kind in TYPES else sorted(correct),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def changed_published_ids(questions: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Of the (id, fingerprint) pairs given, those whose id was last loaded with other content:
    id -> the quiz slug it was published in. A changed question needs a new id (quizzes/README.md)."""
    wanted = dict(questions)
    if not wanted:
        return {}
    latest: dict[str, tuple[str, Question]] = {}
    rows = db.session.execute(
        sa.select(CourseVersion.quiz_slug, Question)
        .join(CourseVersion, CourseVersion.id == Question.course_version_id)
        .where(Question.qid.in_(wanted))
        .order_by(Question.course_version_id)
    )
    for quiz_slug, question in rows:
        latest[question.qid] = (quiz_slug, question)
    return {qid: quiz_slug for qid, (quiz_slug, question) in latest.items() if fingerprint(question) != wanted[qid]}


@dataclass
class ItemStats:
    """One question of the bank. Figures are None until it has MIN_ATTEMPTS attempts (or, for the
    discrimination index, when item or rest scores do not vary)."""

    question: Question
    attempts: int = 0
    right: int = 0
    chosen: dict[str, int] = field(default_factory=dict)  # option id -> attempts that chose it
    pairs: list[tuple[int, float]] = field(default_factory=list)  # (item score, rest-of-attempt score)

    @property
    def enough(self) -> bool:
        return self.attempts >= MIN_ATTEMPTS

    @property
    def facility(self) -> float | None:
        """The share of attempts that answered it right, in %."""
        return 100 * self.right / self.attempts if self.enough else None

    @property
    def discrimination(self) -> float | None:
        """Moodle's discrimination index: 100 * the correlation between the item's score and the score on
        the rest of the attempt, over the attempts that were asked the question.

            D = 100 * Σ (x - x̄)(r - r̄) / √( Σ (x - x̄)² * Σ (r - r̄)² )

        where x is 1 if the attempt answered the item right, else 0, and r is the share of the attempt's
        other questions answered right. None when either score does not vary.
        """
        if not self.enough:
            return None
        return _correlation(self.pairs)

    def choice_percent(self, option_id: str) -> float | None:
        return 100 * self.chosen.get(option_id, 0) / self.attempts if self.enough else None

    @property
    def flags(self) -> list[str]:
        if not self.enough:
            return ["not enough attempts yet"]
        found = []
        facility, discrimination = self.facility, self.discrimination
        if facility is not None and facility > TOO_EASY:
            found.append("too easy")
        if facility is not None and facility < TOO_HARD:
            found.append("too hard")
        if discrimination is not None and discrimination < 0:
            found.append("negative discrimination")
        elif discrimination is not None and discrimination < WEAK:
            found.append("weak discrimination")
        return found


@dataclass
class BankStats:
    quiz_slug: str
    title: str
    pass_mark: int
    items: list[ItemStats]
    attempts: int = 0
    passed: int = 0
    bands: list[int] = field(default_factory=lambda: [0] * BANDS)  # attempts per band: 0-9 %, …, 90-100 %

    @property
    def enough(self) -> bool:
        return self.attempts >= MIN_ATTEMPTS

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.passed / self.attempts if self.enough else None

    @property
    def distribution(self) -> list[tuple[str, int]]:
        """(band label, attempts) for the chart and table."""
        labels = [f"{10 * n}–{10 * n + 9}%" for n in range(BANDS - 1)] + [f"{10 * (BANDS - 1)}–100%"]
        return list(zip(labels, self.bands, strict=True))


def _correlation(pairs: Sequence[tuple[int, float]]) -> float | None:
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_r = sum(r for _, r in pairs) / n
    covariance = sum((x - mean_x) * (r - mean_r) for x, r in pairs)
    spread = sum((x - mean_x) ** 2 for x, _ in pairs) * sum((r - mean_r) ** 2 for _, r in pairs)
    if spread <= 0:
        return None
    return 100 * covariance / math.sqrt(spread)


def quiz_slugs() -> list[tuple[str, str, int]]:
    """Every bank ever loaded: (quiz slug, its latest title, graded attempts), by slug."""
    versions = db.session.execute(
        sa.select(CourseVersion.quiz_slug, CourseVersion.quiz_title, CourseVersion.id).order_by(CourseVersion.id)
    ).all()
    titles = {slug: title for slug, title, _ in versions}
    counts = dict(
        db.session.execute(
            sa.select(CourseVersion.quiz_slug, sa.func.count(Attempt.id))
            .join(Attempt, Attempt.course_version_id == CourseVersion.id)
            .where(_graded())
            .group_by(CourseVersion.quiz_slug)
        )
        .tuples()
        .all()
    )
    return [(slug, titles[slug], counts.get(slug, 0)) for slug in sorted(titles)]


def _graded() -> sa.ColumnElement[bool]:
    return sa.and_(Attempt.submitted_at.is_not(None), Attempt.timed_out.is_(False), Attempt.answers.is_not(None))


def bank_stats(quiz_slug: str) -> BankStats | None:
    """The statistics of one bank, for the questions of its latest loaded version; None if no such bank."""
    versions = list(
        db.session.scalars(
            sa.select(CourseVersion).where(CourseVersion.quiz_slug == quiz_slug).order_by(CourseVersion.id)
        )
    )
    if not versions:
        return None
    latest = versions[-1]
    current = list(
        db.session.scalars(sa.select(Question).where(Question.course_version_id == latest.id).order_by(Question.id))
    )
    items = {q.qid: ItemStats(q) for q in current}
    wanted = {q.qid: fingerprint(q) for q in current}
    # For each version, the questions that are unchanged in today's bank, by id.
    same: dict[int, dict[str, Question]] = {}
    for question in db.session.scalars(
        sa.select(Question).where(Question.course_version_id.in_([v.id for v in versions]))
    ):
        if wanted.get(question.qid) == fingerprint(question):
            same.setdefault(question.course_version_id, {})[question.qid] = question
    stats = BankStats(quiz_slug, latest.quiz_title, latest.pass_mark, list(items.values()))
    for attempt in _attempts([v.id for v in versions]):
        _count(stats, items, same.get(attempt.course_version_id, {}), attempt)
    return stats


def _attempts(version_ids: list[int]) -> Iterator[Attempt]:
    query = (
        sa.select(Attempt)
        .where(Attempt.course_version_id.in_(version_ids), _graded())
        .order_by(Attempt.id)
        .execution_options(yield_per=500)
    )
    yield from db.session.scalars(query)


def _count(stats: BankStats, items: dict[str, ItemStats], unchanged: dict[str, Question], attempt: Attempt) -> None:
    stats.attempts += 1
    stats.passed += bool(attempt.passed)
    stats.bands[min((attempt.score_percent or 0) // 10, BANDS - 1)] += 1
    asked = attempt.question_count
    total = attempt.correct_count or 0
    answers = attempt.answers or {}
    for entry in attempt.drawn:
        question = unchanged.get(entry["qid"])
        if question is None:
            continue
        kind = question_type(question.type)
        given = answers.get(question.qid, [])
        score = int(kind.is_correct(question.correct, given))
        item = items[question.qid]
        item.attempts += 1
        item.right += score
        for option_id in kind.chosen(question.correct, given):
            item.chosen[option_id] = item.chosen.get(option_id, 0) + 1
        rest = (total - score) / (asked - 1) if asked > 1 else 0.0
        item.pairs.append((score, rest))


CSV_HEADER = [
    "Quiz",
    "Question",
    "Module",
    "Type",
    "Attempts",
    "Facility %",
    "Discrimination index",
    "Options chosen %",
    "Flags",
]


def _figure(value: float | None) -> float | str:
    """Rounded to 0.1, as a number (so a negative index is not mistaken for a formula and escaped); blank if None."""
    return "" if value is None else round(value, 1)


def csv_rows(stats: BankStats) -> Iterator[list[object]]:
    """One row per question, the figures as on the page (blank below the minimum number of attempts)."""
    for item in stats.items:
        question = item.question
        choices = "; ".join(
            f"{o['id']}{'*' if o['id'] in question.correct else ''}={_figure(item.choice_percent(o['id']))}"
            for o in question.options
        )
        yield [
            stats.quiz_slug,
            question.qid,
            question.module_slug,
            question.type,
            item.attempts,
            _figure(item.facility),
            _figure(item.discrimination),
            choices if item.enough else "",
            ", ".join(item.flags),
        ]
