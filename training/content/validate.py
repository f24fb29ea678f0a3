"""Read the course content under a root folder and report every problem in it at once.

Layout: ``modules/<course>/course.yaml`` and ``modules/<course>/<module>.md`` (YAML front matter, then
Markdown), and ``quizzes/<quiz>.yaml``. README.md files at the root of either folder are ignored, and
so are files in a course folder other than course.yaml and *.md. Files with a language code before their
extension (``<module>.fr.md``, ``<quiz>.fr.yaml``) are translations: training.content.translations reads
them, and they are no part of a course's content (nor of its hash).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from training.content.fields import SLUG, SLUG_RULE, Reader, Report, describe, did_you_mean, join_path, read_item_id
from training.content.parsing import FrontMatter, LineList, LineMap, ParseError, load_yaml, split_front_matter
from training.content.question_types import TYPES
from training.content.spec import (
    DEFAULT_SHOW_ANSWERS,
    JOB_FUNCTIONS,
    SHOW_ANSWERS,
    SPEC_VERSION,
    CheckQuestion,
    ContentBundle,
    CourseSpec,
    ModuleSpec,
    Option,
    Problem,
    QuestionSpec,
    QuizSpec,
    Source,
)

MODULES = "modules"
QUIZZES = "quizzes"
MIN_OPTIONS, MAX_OPTIONS = 2, 6

COURSE_KEYS = (
    "spec",
    "slug",
    "title",
    "summary",
    "version",
    "required_for",
    "valid_months",
    "estimated_minutes",
    "renews",
    "modules",
    "quiz",
)
MODULE_KEYS = ("title", "estimated_minutes", "objectives", "sources", "check")
CHECK_KEYS = ("prompt", "options", "correct")
QUIZ_KEYS = (
    "spec",
    "slug",
    "title",
    "pass_mark",
    "questions_per_attempt",
    "time_limit_minutes",
    "attempts_per_24h",
    "cooldown_minutes",
    "sources",
    "questions",
    "blueprint",
    "show_answers",
)
QUESTION_KEYS = ("id", "type", "module", "scenario", "prompt", "options", "correct", "explanation", "sources")

_LEAK = (
    "it would reach the learner's page before they answer. Put the reasoning in the question's "
    "'explanation', which is shown after submission."
)
QUESTION_REFUSED = {
    key: f"quiz questions have no '{key}': {_LEAK}" for key in ("hint", "hints", "feedback", "answer", "tip")
}
QUIZ_OPTION_REFUSED = {
    key: f"options of quiz questions have only 'id' and 'text'; '{key}' is refused because {_LEAK}"
    for key in ("feedback", "hint", "correct", "is_correct", "explanation")
}

# The line a course's reporting module carries where the organization's reporting contacts are shown.
REPORTING_MARKER = "[[reporting-contacts]]"

# The module page puts "Right." or "Not quite." before a check option's feedback: feedback that opens
# with its own verdict reads "Right. Right." or "Not quite. Not so."
_LEADING_VERDICT = re.compile(
    r"^(right|correct|yes|no|not quite|not so|wrong|incorrect)(\s*[.,;:!?\u2026\u2013\u2014]|\s+-)\s*",
    re.IGNORECASE,
)
_SOURCE_KEY = re.compile(r"^\S{1,32}$")
_TOP_HEADING = re.compile(r"^#(?:\s|$)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def is_translation(path: Path) -> bool:
    """Whether a content file is a translation (``<name>.<language>.<ext>``): its name has a second dot.
    Slugs never hold a dot, so no module or quiz file is mistaken for one."""
    return "." in path.stem


def read_content(root: Path) -> tuple[ContentBundle | None, list[Problem]]:
    """Read modules/ and quizzes/ under root. Returns (bundle, []) when valid, (None, problems) otherwise.

    Every problem is reported, sorted by file and line, not just the first.
    """
    problems: list[Problem] = []
    files: dict[str, bytes] = {}
    courses = _read_courses(root, problems, files)
    quizzes = _read_quizzes(root, problems, files)
    _cross_check(courses, quizzes, problems)
    if problems:
        return None, sorted(problems, key=lambda p: (p.path, p.line or 0))
    built = tuple(_build_course(course, quizzes, files) for course in courses)
    return ContentBundle(tuple(c for c in built if c is not None)), []


def content_hash(files: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 hex over each (relative path, exact bytes), in the order given."""
    digest = hashlib.sha256()
    for path, data in files:
        digest.update(f"{path}\n{len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


# --- what was read, before the cross-file checks ---------------------------------------------


@dataclass
class _CourseHead:
    """The fields of a course.yaml, with the lines of the references the cross-checks need."""

    path: str
    slug: str = ""
    title: str = ""
    summary: str = ""
    version: str = ""
    required_for: tuple[str, ...] = ()
    valid_months: int = 0
    estimated_minutes: int = 0
    renews: str | None = None
    renews_line: int | None = None
    modules: list[tuple[int, str, int]] = field(default_factory=list)  # (index, name, line)
    quiz: str = ""
    quiz_line: int | None = None


@dataclass
class _Course:
    folder: str
    has_course_file: bool
    head: _CourseHead | None  # None when course.yaml is missing or unreadable
    modules: dict[str, ModuleSpec | None]  # every *.md file in the folder, by name; None when unreadable


@dataclass
class _Quiz:
    spec: QuizSpec
    ids: list[tuple[str, str, int]]  # (question id, field, line)
    module_refs: list[tuple[str, str, int]]  # (module, field, line)
    blueprint_lines: dict[str, int] = field(default_factory=dict)  # module -> line of its draw count
    blueprint_line: int | None = None


# --- files -----------------------------------------------------------------------------------


def _read_text(root: Path, rel: str, problems: list[Problem], files: dict[str, bytes]) -> str | None:
    try:
        data = (root / rel).read_bytes()
    except OSError as error:
        problems.append(Problem(rel, "", f"cannot be read: {error.strerror or error}.", None))
        return None
    files[rel] = data
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(Problem(rel, "", "is not UTF-8 text; save the file as UTF-8.", line))
        return None


def _parse_mapping(report: Report, text: str, first_line: int = 1, what: str = "the file") -> LineMap | None:
    """The YAML text as a mapping, or None after reporting why it is not one."""
    try:
        data = load_yaml(text, first_line)
    except ParseError as error:
        report.add("", error.message, error.line)
        return None
    if data is None:
        report.add("", f"{what} is empty; it must hold 'key: value' fields.", first_line)
        return None
    if not isinstance(data, LineMap):
        report.add("", f"{what} must be a mapping of 'key: value' fields, found {describe(data)}.", first_line)
        return None
    return data


def _spec_version(r: Reader) -> None:
    if r.present("spec") and (isinstance(r.data["spec"], bool) or r.data["spec"] != SPEC_VERSION):
        r.problem(
            "spec", f"must be {SPEC_VERSION} (the only format version there is), found {describe(r.data['spec'])}."
        )


# --- courses and modules -----------------------------------------------------------------------


def _read_courses(root: Path, problems: list[Problem], files: dict[str, bytes]) -> list[_Course]:
    folder = root / MODULES
    if not folder.is_dir():
        problems.append(Problem(MODULES, "", f"there is no {MODULES}/ folder in the content root.", None))
        return []
    courses = []
    for course_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        courses.append(_read_course(root, course_dir.name, problems, files))
    if not courses:
        problems.append(Problem(MODULES, "", "there are no course folders; add modules/<course-slug>/.", None))
    return courses


def _read_course(root: Path, name: str, problems: list[Problem], files: dict[str, bytes]) -> _Course:
    folder = f"{MODULES}/{name}"
    course_path = f"{folder}/course.yaml"
    head = None
    has_course_file = (root / course_path).is_file()
    if not has_course_file:
        problems.append(
            Problem(folder, "", "this course folder has no course.yaml; add one or remove the folder.", None)
        )
    else:
        text = _read_text(root, course_path, problems, files)
        report = Report(problems, course_path)
        data = _parse_mapping(report, text) if text is not None else None
        head = _read_course_head(report, data, name) if data is not None else None
    modules: dict[str, ModuleSpec | None] = {}
    for module in sorted(p.stem for p in (root / folder).glob("*.md") if p.is_file() and not is_translation(p)):
        rel = f"{folder}/{module}.md"
        text = _read_text(root, rel, problems, files)
        modules[module] = _read_module(Report(problems, rel), text, module) if text is not None else None
    return _Course(name, has_course_file, head, modules)


def _read_course_head(report: Report, data: LineMap, folder: str) -> _CourseHead:
    r = Reader(report, data, "", COURSE_KEYS)
    head = _CourseHead(report.path)
    _spec_version(r)
    head.slug = r.slug("slug", expected=folder, what="course folder")
    head.title = r.text("title")
    head.summary = r.text("summary")
    head.version = r.text("version")
    codes: dict[str, int] = {}
    for index, code, line in r.text_list("required_for", allow_empty=True):
        path = join_path("required_for", index)
        if code not in JOB_FUNCTIONS:
            report.add(
                path,
                f"unknown job function '{code}'.{did_you_mean(code, JOB_FUNCTIONS)} "
                f"Use one of: {', '.join(JOB_FUNCTIONS)}.",
                line,
            )
        elif code in codes:
            report.add(path, f"'{code}' is listed twice (first on line {codes[code]}); keep one.", line)
        else:
            codes[code] = line
    head.required_for = tuple(codes)
    head.valid_months = r.integer("valid_months", 1)
    head.estimated_minutes = r.integer("estimated_minutes", 1)
    renews = r.text("renews", required=False)
    if renews:
        head.renews, head.renews_line = renews, r.line("renews")
        if renews == folder:
            r.problem("renews", "a course cannot renew itself; name another course's slug or use null.")
    seen: dict[str, int] = {}
    for index, name, line in r.text_list("modules"):
        path = join_path("modules", index)
        if not SLUG.match(name):
            report.add(path, f"module name '{name}' is not a valid slug: {SLUG_RULE}.", line)
        if name in seen:
            report.add(
                path, f"module '{name}' is listed twice (first on line {seen[name]}); list each module once.", line
            )
            continue
        seen[name] = line
        head.modules.append((index, name, line))
    head.quiz = r.slug("quiz")
    head.quiz_line = r.line("quiz")
    return head


def _body_text(body: str) -> str:
    """The body without leading and trailing blank lines."""
    lines = body.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _check_body(report: Report, body: str, first_line: int) -> None:
    if not body.strip():
        report.add(
            "body",
            "the module has no text after its front matter; write the module in Markdown below it.",
            first_line - 1,
        )
        return
    fenced = False
    for number, line in enumerate(body.split("\n"), start=first_line):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _TOP_HEADING.match(line):
            report.add(
                "body",
                "top-level '# ' headings are not allowed (the page shows the module title); start at '##'.",
                number,
            )


def read_module_file(report: Report, text: str) -> tuple[FrontMatter, LineMap] | None:
    """A module file split into its front matter (parsed) and its Markdown body (checked); None when either
    cannot be read, the problems reported. Used for the English modules and their translations alike."""
    try:
        parts = split_front_matter(text)
    except ParseError as error:
        report.add("", error.message, error.line)
        return None
    _check_body(report, parts.body, parts.body_line)
    data = _parse_mapping(report, parts.yaml, parts.yaml_line, what="the front matter")
    return None if data is None else (parts, data)


def _read_module(report: Report, text: str, name: str) -> ModuleSpec | None:
    read = read_module_file(report, text)
    if read is None:
        return None
    parts, data = read
    r = Reader(report, data, "", MODULE_KEYS)
    title = r.text("title")
    minutes = r.integer("estimated_minutes", 1)
    objectives = tuple(text for _, text, _ in r.text_list("objectives"))
    sources = _module_sources(r)
    check = _read_check(r)
    return ModuleSpec(name, title, minutes, objectives, sources, check, _body_text(parts.body), report.path)


def _module_sources(r: Reader) -> tuple[Source, ...]:
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for path, item, _ in r.items("sources"):
        s = Reader(r.report, item, path, ("key", "title"))
        key, title = _source_key(s, "key"), s.text("title")
        if key in seen:
            s.problem("key", f"source key '{key}' is listed twice (first on line {seen[key]}); keep one.")
        elif key:
            seen[key] = s.line("key")
        sources.append(Source(key, title))
    return tuple(sources)


def _source_key(r: Reader, key: str) -> str:
    value = r.text(key)
    if value and not _SOURCE_KEY.match(value):
        r.problem(key, f"source key '{value}' must be one short word without spaces, e.g. 'S12'.")
    return value


def _read_check(r: Reader) -> CheckQuestion:
    data = r.mapping("check")
    if data is None:
        return CheckQuestion("", (), "")
    c = Reader(r.report, data, "check", CHECK_KEYS)
    prompt = c.text("prompt")
    options = _read_options(c, for_quiz=False)
    correct = _correct_ids(c, options, exactly_one=True, what="a check question")
    return CheckQuestion(prompt, options or (), correct[0] if len(correct) == 1 else "", c.line("prompt"))


# --- options and answers (module checks and quiz questions) -----------------------------------------


def _read_options(r: Reader, for_quiz: bool) -> tuple[Option, ...] | None:
    """The options; None when there is no usable list (so answers cannot be checked against it)."""
    raw = r.data.get("options")
    items = r.items("options")
    if not isinstance(raw, list) or not raw:
        return None
    if not MIN_OPTIONS <= len(raw) <= MAX_OPTIONS:
        r.problem("options", f"needs {MIN_OPTIONS} to {MAX_OPTIONS} options, found {len(raw)}.")
    known = ("id", "text") if for_quiz else ("id", "text", "feedback")
    options: list[Option] = []
    seen: dict[str, int] = {}
    for path, item, line in items:
        o = Reader(r.report, item, path, known, QUIZ_OPTION_REFUSED if for_quiz else None)
        option_id = read_item_id(o, "option", seen)
        feedback = "" if for_quiz else o.text("feedback")
        _refuse_leading_verdict(o, feedback)
        options.append(Option(option_id, o.text("text"), feedback, line))
    return tuple(options)


def _refuse_leading_verdict(o: Reader, feedback: str) -> None:
    """A check option's feedback explains; the page itself says whether the answer was right."""
    verdict = _LEADING_VERDICT.match(feedback)
    if verdict is None:
        return
    rest = feedback[verdict.end() :]
    if rest:
        shown = rest[:1].upper() + (rest[1:60] + "…" if len(rest) > 60 else rest[1:])
        hint = f" Start with what follows: '{shown}'."
    else:
        hint = " Say why instead."
    o.problem(
        "feedback",
        f"feedback begins with the verdict '{verdict.group(0).strip()}': the page already shows 'Right.' or "
        f"'Not quite.' before it.{hint}",
    )


def _correct_ids(r: Reader, options: tuple[Option, ...] | None, exactly_one: bool, what: str) -> tuple[str, ...]:
    """The correct option ids; ``correct: b`` and ``correct: [b]`` both work."""
    if not r.present("correct"):
        return ()
    value = r.data["correct"]
    if isinstance(value, str):
        entries = [(r.path("correct"), value, r.line("correct"))]
    elif isinstance(value, list):
        entries = [
            (join_path(r.path("correct"), i), v, line)
            for i, (v, line) in enumerate(zip(value, cast(LineList, value).item_lines, strict=True))
        ]
    else:
        r.problem("correct", f"must be an option id or a list of option ids, e.g. [b]; found {describe(value)}.")
        return ()
    option_ids = [o.id for o in options or () if o.id]
    result: list[str] = []
    for path, item, line in entries:
        if not isinstance(item, str) or not item:
            r.report.add(path, f"must be an option id (text), found {describe(item)}.", line)
        elif item in result:
            r.report.add(path, f"'{item}' is listed twice; list each correct option once.", line)
        elif options is not None and item not in option_ids:
            hint = f" The option ids are: {', '.join(option_ids)}." if option_ids else ""
            r.report.add(path, f"'{item}' is not the id of one of this question's options.{hint}", line)
        else:
            result.append(item)
    count = len(entries)
    if exactly_one and count != 1:
        extra = " Use type 'multiple' when more than one option is right." if what.startswith("a single") else ""
        r.problem("correct", f"{what} needs exactly one correct option, found {count}.{extra}")
    elif count == 0:
        r.problem("correct", f"{what} needs at least one correct option.")
    return tuple(result)


# --- quizzes -----------------------------------------------------------------------------------


def _read_quizzes(root: Path, problems: list[Problem], files: dict[str, bytes]) -> dict[str, _Quiz | None]:
    folder = root / QUIZZES
    if not folder.is_dir():
        problems.append(Problem(QUIZZES, "", f"there is no {QUIZZES}/ folder in the content root.", None))
        return {}
    quizzes: dict[str, _Quiz | None] = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        rel = f"{QUIZZES}/{path.name}"
        if path.suffix == ".yml":
            problems.append(Problem(rel, "", f"quiz files end in .yaml; rename it to {path.stem}.yaml.", None))
        if path.suffix != ".yaml" or is_translation(path):
            continue
        text = _read_text(root, rel, problems, files)
        report = Report(problems, rel)
        data = _parse_mapping(report, text) if text is not None else None
        quizzes[path.stem] = _read_quiz(report, data, path.stem) if data is not None else None
    return quizzes


def _read_quiz(report: Report, data: LineMap, stem: str) -> _Quiz:
    r = Reader(report, data, "", QUIZ_KEYS)
    _spec_version(r)
    slug = r.slug("slug", expected=stem, what="quiz file")
    title = r.text("title")
    pass_mark = r.integer("pass_mark", 1, 100)
    per_attempt = r.integer("questions_per_attempt", 1)
    time_limit = r.integer("time_limit_minutes", 1)
    attempts = r.integer("attempts_per_24h", 1)
    cooldown = r.integer("cooldown_minutes", 0)
    sources = _quiz_sources(r)
    source_keys = {s.key for s in sources} if isinstance(data.get("sources"), dict) else None
    questions: list[QuestionSpec] = []
    ids: list[tuple[str, str, int]] = []
    module_refs: list[tuple[str, str, int]] = []
    seen: dict[str, int] = {}
    for path, item, _ in r.items("questions"):
        question, q = _read_question(report, item, path, source_keys)
        questions.append(question)
        if question.id in seen:
            q.problem(
                "id", f"question id '{question.id}' is used twice in this quiz (first on line {seen[question.id]})."
            )
        elif question.id:
            seen[question.id] = q.line("id")
            ids.append((question.id, q.path("id"), q.line("id")))
        if question.module:
            module_refs.append((question.module, q.path("module"), q.line("module")))
    bank = len(data["questions"]) if isinstance(data.get("questions"), list) else 0
    if bank and per_attempt > bank:
        r.problem(
            "questions_per_attempt",
            f"draws {per_attempt} questions per attempt but the bank has only {bank}; add questions or draw fewer.",
        )
    blueprint, blueprint_lines = _read_blueprint(r, per_attempt, questions)
    show_answers = DEFAULT_SHOW_ANSWERS
    if r.present("show_answers", required=False):
        show_answers = r.text("show_answers")
        if show_answers and show_answers not in SHOW_ANSWERS:
            r.problem(
                "show_answers",
                f"unknown value '{show_answers}'.{did_you_mean(show_answers, SHOW_ANSWERS)} "
                f"Use one of: {', '.join(SHOW_ANSWERS)} (the default is {DEFAULT_SHOW_ANSWERS}).",
            )
    spec = QuizSpec(
        slug,
        title,
        pass_mark,
        per_attempt,
        time_limit,
        attempts,
        cooldown,
        sources,
        tuple(questions),
        report.path,
        blueprint,
        show_answers,
    )
    return _Quiz(spec, ids, module_refs, blueprint_lines, r.line("blueprint") if blueprint_lines else None)


def _read_blueprint(
    r: Reader, per_attempt: int, questions: list[QuestionSpec]
) -> tuple[tuple[tuple[str, int], ...], dict[str, int]]:
    """The optional draw per module: each count at least 1, summing to questions_per_attempt, and the bank
    holding at least twice each count, so that attempts vary. The modules are checked against the course later."""
    data = r.mapping("blueprint", required=False)
    if data is None:
        return (), {}
    b = Reader(r.report, data, "blueprint", [k for k in data if isinstance(k, str)])
    entries: list[tuple[str, int]] = []
    lines: dict[str, int] = {}
    for module in (k for k in data if isinstance(k, str)):
        if not SLUG.match(module):
            b.problem(module, f"module name '{module}' is not a valid slug: {SLUG_RULE}.")
            continue
        lines[module] = b.line(module)
        count = b.integer(module, 1)
        if not count:
            continue
        entries.append((module, count))
        held = sum(1 for q in questions if q.module == module)
        if held < 2 * count:
            b.problem(
                module,
                f"draws {count} question(s) from '{module}' per attempt but the bank holds {held} on it; "
                f"hold at least {2 * count} (twice the draw) so that attempts vary, or draw fewer.",
            )
    total = sum(count for _, count in entries)
    if entries and len(entries) == len(data) and per_attempt and total != per_attempt:
        r.problem(
            "blueprint",
            f"the counts add up to {total} but questions_per_attempt is {per_attempt}; make them equal.",
        )
    return tuple(entries), lines


def _quiz_sources(r: Reader) -> tuple[Source, ...]:
    data = r.mapping("sources")
    if data is None:
        return ()
    keys = [k for k in data if isinstance(k, str)]
    s = Reader(r.report, data, "sources", keys)
    sources = []
    for key in keys:
        if not _SOURCE_KEY.match(key):
            s.problem(key, f"source key '{key}' must be one short word without spaces, e.g. 'S12'.")
        sources.append(Source(key, s.text(key)))
    return tuple(sources)


class _QuizAnswers:
    """The option and answer readers a question type uses (shared with module checks)."""

    def options(self, r: Reader) -> tuple[Option, ...] | None:
        return _read_options(r, for_quiz=True)

    def correct(self, r: Reader, options: tuple[Option, ...] | None, exactly_one: bool, what: str) -> tuple[str, ...]:
        return _correct_ids(r, options, exactly_one, what)


_QUIZ_ANSWERS = _QuizAnswers()


def _read_question(
    report: Report, data: LineMap, path: str, source_keys: set[str] | None
) -> tuple[QuestionSpec, Reader]:
    named = data.get("type")
    kind_of = TYPES.get(named) if isinstance(named, str) else None
    q = Reader(report, data, path, QUESTION_KEYS + (kind_of.keys if kind_of else ()), QUESTION_REFUSED)
    question_id = q.text("id")
    if question_id and not SLUG.match(question_id):
        q.problem(
            "id",
            f"question id '{question_id}' is not valid: use lower-case letters, digits and hyphens, e.g. 'rr-012'.",
        )
    kind = q.text("type")
    if kind and kind not in TYPES:
        q.problem("type", f"unknown type '{kind}'.{did_you_mean(kind, TYPES)} Use one of: {', '.join(TYPES)}.")
    module = q.slug("module")
    scenario = q.text("scenario", required=False)
    prompt = q.text("prompt")
    explanation = q.text("explanation")
    cited: list[str] = []
    for index, key, line in q.text_list("sources"):
        field_path = join_path(q.path("sources"), index)
        if key in cited:
            report.add(field_path, f"source '{key}' is cited twice; cite it once.", line)
            continue
        cited.append(key)
        if source_keys is not None and key not in source_keys:
            report.add(
                field_path,
                f"source '{key}' is not in this quiz's sources.{did_you_mean(key, source_keys)} "
                "Add it to the 'sources' map at the top of the file or cite another.",
                line,
            )
    options: tuple[Option, ...] = ()
    correct: tuple[str, ...] = ()
    if kind in TYPES:
        options, correct = TYPES[kind].read(q, _QUIZ_ANSWERS)
    spec = QuestionSpec(
        question_id, kind, module, scenario, prompt, options, correct, explanation, tuple(cited), q.line("id")
    )
    return spec, q


# --- across files ------------------------------------------------------------------------------


def _cross_check(courses: list[_Course], quizzes: dict[str, _Quiz | None], problems: list[Problem]) -> None:
    existing = [c.folder for c in courses if c.has_course_file]
    used: dict[str, list[_CourseHead]] = {}
    for course in courses:
        if course.head is not None:
            _check_course_references(course, course.head, existing, quizzes, problems)
            if course.head.quiz in quizzes:
                used.setdefault(course.head.quiz, []).append(course.head)
    # A course.yaml that could not be read may name any quiz: only then is "no course uses it" unknowable.
    users_known = all(c.head is not None and c.head.quiz for c in courses)
    first_use: dict[str, tuple[str, int]] = {}
    for name, quiz in quizzes.items():
        if quiz is None:
            continue
        if name not in used and users_known:
            problems.append(
                Problem(
                    quiz.spec.path,
                    "",
                    "no course uses this quiz; name it as 'quiz' in a course.yaml or remove the file.",
                    None,
                )
            )
        for head in used.get(name, []):
            modules = [module for _, module, _ in head.modules]
            _check_blueprint(quiz, head, courses, problems)
            for module, field_path, line in quiz.module_refs:
                if module not in modules:
                    message = (
                        f"'{module}' is not a module of course '{head.slug or name}', which uses this quiz."
                        f"{did_you_mean(module, modules)} Its modules are: {', '.join(modules) or 'none'}."
                    )
                    problems.append(Problem(quiz.spec.path, field_path, message, line))
        for question_id, field_path, line in quiz.ids:
            if question_id not in first_use:
                first_use[question_id] = (quiz.spec.path, line)
                continue
            other, other_line = first_use[question_id]
            message = (
                f"question id '{question_id}' is already used in {other} (line {other_line}); "
                "ids must be unique across all quizzes."
            )
            problems.append(Problem(quiz.spec.path, field_path, message, line))


def _check_blueprint(quiz: _Quiz, head: _CourseHead, courses: list[_Course], problems: list[Problem]) -> None:
    """A blueprint lists every module of each course using the quiz, and no other; the reporting module
    (the one showing the organization's reporting contacts) draws at least two questions."""
    if not quiz.blueprint_lines:
        return
    path, course = quiz.spec.path, head.slug or quiz.spec.slug
    modules = [module for _, module, _ in head.modules]
    drawn = dict(quiz.spec.blueprint)
    for module, line in quiz.blueprint_lines.items():
        if module not in modules:
            message = (
                f"'{module}' is not a module of course '{course}', which uses this quiz."
                f"{did_you_mean(module, modules)} Its modules are: {', '.join(modules) or 'none'}."
            )
            problems.append(Problem(path, f"blueprint.{module}", message, line))
    missing = [module for module in modules if module not in quiz.blueprint_lines]
    if missing:
        message = (
            f"every module of course '{course}' needs a draw count so that each attempt covers it; "
            f"add: {', '.join(missing)}."
        )
        problems.append(Problem(path, "blueprint", message, quiz.blueprint_line))
    folder = next((c for c in courses if c.head is head), None)
    for module in modules:
        spec = folder.modules.get(module) if folder else None
        if spec is not None and REPORTING_MARKER in spec.body and 0 < drawn.get(module, 0) < 2:
            message = (
                f"'{module}' is the course's reporting module (it shows the reporting contacts); "
                "draw at least 2 questions from it."
            )
            problems.append(Problem(path, f"blueprint.{module}", message, quiz.blueprint_lines[module]))


def _check_course_references(
    course: _Course, head: _CourseHead, existing: list[str], quizzes: dict[str, _Quiz | None], problems: list[Problem]
) -> None:
    """The module files, quiz and renewed course that a course.yaml names must exist; its folder holds no others."""
    folder = f"{MODULES}/{course.folder}"
    for index, name, line in head.modules:
        if name not in course.modules:
            message = (
                f"there is no file {folder}/{name}.md.{did_you_mean(name, course.modules)} Add it or fix the name."
            )
            problems.append(Problem(head.path, join_path("modules", index), message, line))
    listed = {name for _, name, _ in head.modules}
    for name in course.modules:
        if name not in listed:
            message = (
                "this module is not listed in the course's course.yaml 'modules'; list it there or remove the file."
            )
            problems.append(Problem(f"{folder}/{name}.md", "", message, None))
    if head.quiz and head.quiz not in quizzes:
        hint = did_you_mean(head.quiz, quizzes)
        message = f"there is no quiz file {QUIZZES}/{head.quiz}.yaml.{hint} Add it or fix the name."
        problems.append(Problem(head.path, "quiz", message, head.quiz_line))
    if head.renews and head.renews != course.folder and head.renews not in existing:
        message = (
            f"there is no course '{head.renews}' to renew.{did_you_mean(head.renews, existing)} "
            "Use an existing course's slug, or null."
        )
        problems.append(Problem(head.path, "renews", message, head.renews_line))


def _build_course(course: _Course, quizzes: dict[str, _Quiz | None], files: dict[str, bytes]) -> CourseSpec | None:
    """The finished course; only called when no problem was found, so every part is present."""
    head, quiz = course.head, quizzes.get(course.head.quiz) if course.head else None
    if head is None or quiz is None:
        return None
    found = tuple(course.modules[name] for _, name, _ in head.modules)
    modules = tuple(module for module in found if module is not None)
    if len(modules) != len(found):
        return None
    hashed = [head.path, *(m.path for m in modules), quiz.spec.path]
    return CourseSpec(
        slug=head.slug,
        title=head.title,
        summary=head.summary,
        version=head.version,
        required_for=head.required_for,
        valid_months=head.valid_months,
        estimated_minutes=head.estimated_minutes,
        renews=head.renews,
        modules=modules,
        quiz=quiz.spec,
        content_hash=content_hash((path, files[path]) for path in hashed),
    )
