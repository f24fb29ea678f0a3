"""What the content files describe, as plain immutable values (no database, no Flask)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The job functions a course can be required for; the app's people records use the same codes.
JOB_FUNCTIONS: tuple[str, ...] = (
    "cabin_crew",
    "flight_crew",
    "check_in",
    "gate",
    "ground_handling",
    "security",
    "customer_service",
    "other",
)

# When a learner sees the keyed answers and explanations of a graded attempt (the bank's `show_answers`).
SHOW_ANSWERS: tuple[str, ...] = ("after_pass", "after_each_attempt", "never")
DEFAULT_SHOW_ANSWERS = "after_pass"

SPEC_VERSION = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content. ``field`` is a dotted path; list indexes count from 0."""

    path: str  # relative to the content root, e.g. "modules/cabin-crew/course.yaml"
    field: str  # e.g. "questions[3].correct", "modules[1]", or "" for the whole file
    message: str  # what is wrong and how to fix it
    line: int | None  # 1-based line in the file, where known

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class Source:
    key: str
    title: str


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    feedback: str = ""  # only module check questions have feedback
    line: int | None = field(default=None, compare=False)  # in the file, for the item-writing lint


@dataclass(frozen=True)
class CheckQuestion:
    """A module's ungraded "check yourself" question: one correct option, feedback on every option."""

    prompt: str
    options: tuple[Option, ...]
    correct: str
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ModuleSpec:
    slug: str  # the file name without .md
    title: str
    estimated_minutes: int
    objectives: tuple[str, ...]
    sources: tuple[Source, ...]
    check: CheckQuestion
    body: str  # the Markdown after the front matter, without leading or trailing blank lines
    path: str


@dataclass(frozen=True)
class QuestionSpec:
    """A quiz question; its type (training.content.question_types) reads ``options`` and ``correct``.

    true_false questions get the options true/false and ``correct`` ("true",) or ("false",); ordering
    questions hold their steps as options and ``correct`` in the right order."""

    id: str
    type: str  # a name in question_types.TYPES
    module: str  # slug of the module (of the course using the quiz) the question tests
    scenario: str  # "" when the question has none
    prompt: str
    options: tuple[Option, ...]
    correct: tuple[str, ...]
    explanation: str
    sources: tuple[str, ...]  # keys into QuizSpec.sources
    line: int | None = field(default=None, compare=False)  # the line of its id, for the item-writing lint


@dataclass(frozen=True)
class QuizSpec:
    """A question bank. ``sources`` keeps the file's order; ``source_titles()`` gives it as a mapping."""

    slug: str
    title: str
    pass_mark: int  # percent, 1..100
    questions_per_attempt: int
    time_limit_minutes: int
    attempts_per_24h: int
    cooldown_minutes: int  # 0 means no wait after a failed attempt
    sources: tuple[Source, ...]
    questions: tuple[QuestionSpec, ...]
    path: str
    # (module slug, questions drawn from it per attempt) in the file's order; () draws from the whole bank.
    blueprint: tuple[tuple[str, int], ...] = ()
    show_answers: str = DEFAULT_SHOW_ANSWERS  # one of SHOW_ANSWERS

    def source_titles(self) -> dict[str, str]:
        """The sources as key -> full title."""
        return {source.key: source.title for source in self.sources}


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    summary: str
    version: str
    required_for: tuple[str, ...]  # codes from JOB_FUNCTIONS
    valid_months: int
    estimated_minutes: int
    renews: str | None  # slug of the course whose certificate passing this one renews
    modules: tuple[ModuleSpec, ...]
    quiz: QuizSpec
    content_hash: str  # SHA-256 hex over course.yaml, its module files (in order) and its quiz file


@dataclass(frozen=True)
class ContentBundle:
    courses: tuple[CourseSpec, ...]  # sorted by slug

    def course(self, slug: str) -> CourseSpec | None:
        """The course with this slug, if any."""
        return next((course for course in self.courses if course.slug == slug), None)
