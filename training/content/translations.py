"""Translations of the course content: read, checked against their English source, and their state.

Beside each English source file, a translation carries a language code before its extension:

- ``modules/<course>/course.<lang>.yaml``: the course's title and summary;
- ``modules/<course>/<module>.<lang>.md``: the module's title, objectives and check question texts in its
  front matter, then the whole body translated;
- ``quizzes/<bank>.<lang>.yaml``: the bank's title and, keyed by question id, each question's texts;
- ``modules/glossary.<lang>.yaml``: the translator's glossary (``language`` and ``terms``).

Each translation (not the glossary) opens with a ``translation`` header: ``language``, ``source_sha256``
(the SHA-256 of the English file it was made from) and ``reviewed_by`` (null until a native-speaking
subject expert signs it off). A translation carries texts only: the English source alone defines ids,
answer keys, types, sources, counts and settings. A translation whose ``source_sha256`` is not the
source's current one is stale: not an error, but it is not shown to learners until brought up to date.

Translations are no part of a course's content hash: a new translation is not a new course version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.content.fields import Reader, Report, describe, did_you_mean
from training.content.parsing import LineMap
from training.content.spec import ContentBundle, CourseSpec, ModuleSpec, Problem, QuestionSpec, QuizSpec
from training.content.validate import (
    COURSE_KEYS,
    MODULE_KEYS,
    MODULES,
    QUESTION_KEYS,
    QUIZ_KEYS,
    QUIZZES,
    REPORTING_MARKER,
    _body_text,
    _parse_mapping,
    is_translation,
    read_module_file,
)
from training.services import i18n

SOURCE_LANGUAGE = i18n.SOURCE_LANGUAGE
LANGUAGE_NAMES = i18n.LANGUAGES  # the app's languages, each named in itself
LANGUAGES: tuple[str, ...] = tuple(code for code in LANGUAGE_NAMES if code != SOURCE_LANGUAGE)  # of a translation

COMPLETE, STALE, PARTIAL, MISSING = "complete", "stale", "partial", "missing"

HEADER_KEYS = ("language", "source_sha256", "reviewed_by")
COURSE_TEXT_KEYS = ("translation", "title", "summary")
MODULE_TEXT_KEYS = ("translation", "title", "objectives", "check")
QUIZ_TEXT_KEYS = ("translation", "title", "questions")
GLOSSARY_KEYS = ("language", "terms")


def _structural(keys: Iterable[str], translated: Iterable[str]) -> dict[str, str]:
    """The source's keys that a translation must not carry, each with the reason."""
    return {
        key: f"'{key}' is structural: the English source alone defines it. Remove it from the translation."
        for key in keys
        if key not in translated
    }


_EXTRA_STRUCTURAL = ("correct", "is_correct", "type", "module", "sources", "id", "estimated_minutes", "pass_mark")
COURSE_REFUSED = _structural((*COURSE_KEYS, *_EXTRA_STRUCTURAL), COURSE_TEXT_KEYS)
MODULE_REFUSED = _structural((*MODULE_KEYS, *_EXTRA_STRUCTURAL), MODULE_TEXT_KEYS)
CHECK_REFUSED = _structural(("correct", "is_correct", "id"), ())
OPTION_REFUSED = _structural(("correct", "is_correct", "id"), ())
QUIZ_REFUSED = _structural((*QUIZ_KEYS, *_EXTRA_STRUCTURAL), QUIZ_TEXT_KEYS)
QUESTION_REFUSED = _structural(
    (*QUESTION_KEYS, *_EXTRA_STRUCTURAL, "blueprint"), ("scenario", "prompt", "options", "steps", "explanation")
)


def sha256_of(data: bytes) -> str:
    """The SHA-256 a translation's ``source_sha256`` names (as ``sha256sum`` prints it)."""
    return hashlib.sha256(data).hexdigest()


# --- what was read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslationFile:
    """One translation file that passed every check. ``texts`` holds its translated texts only."""

    path: str
    language: str
    kind: str  # "course", "module" or "quiz"
    target: str  # the course, module or quiz slug it translates
    source_path: str
    source_sha256: str  # as the file says
    current: bool  # whether that is the source's sha256 now (else the translation is stale)
    reviewed_by: str | None
    texts: dict[str, Any]


@dataclass(frozen=True)
class Glossary:
    path: str
    language: str
    terms: dict[str, str]


@dataclass(frozen=True)
class CourseLanguage:
    """One course in one language: its state and who reviewed it, for the load-content table."""

    course: str
    language: str
    state: str  # complete | stale | partial | missing
    files: tuple[TranslationFile, ...]  # the translation files present, course first, then modules, then quiz
    expected: int  # how many files a complete translation has
    reviewers: tuple[str, ...]  # the names that signed off, when every file is signed off; else ()
    signed: int  # how many of the files present are signed off

    @property
    def reviewed(self) -> str:
        """Who reviewed it, or "not reviewed"."""
        if self.state == MISSING:
            return "-"
        if self.reviewers:
            return ", ".join(self.reviewers)
        if self.signed:
            return f"not reviewed ({self.signed} of {self.expected} files signed off)"
        return "not reviewed"

    def texts(self) -> dict[str, Any]:
        """The course's translated texts: {"course": {...}, "modules": {slug: {...}}, "quiz": {...}}."""
        texts: dict[str, Any] = {"course": {}, "modules": {}, "quiz": {}}
        for item in self.files:
            if item.kind == "module":
                texts["modules"][item.target] = item.texts
            else:
                texts[item.kind] = item.texts
        return texts

    @property
    def sources(self) -> dict[str, str]:
        """Each source file's path -> the sha256 its translation was made from."""
        return {item.source_path: item.source_sha256 for item in self.files}


@dataclass
class TranslationBundle:
    files: list[TranslationFile] = field(default_factory=list)
    glossaries: list[Glossary] = field(default_factory=list)

    def of(self, kind: str, target: str, language: str) -> TranslationFile | None:
        return next(
            (f for f in self.files if (f.kind, f.target, f.language) == (kind, target, language)),
            None,
        )

    def status(self, course: CourseSpec, language: str) -> CourseLanguage:
        """The state of one course in one language."""
        wanted = [("course", course.slug), *(("module", m.slug) for m in course.modules), ("quiz", course.quiz.slug)]
        found = [self.of(kind, target, language) for kind, target in wanted]
        present = tuple(f for f in found if f is not None)
        if not present:
            state = MISSING
        elif len(present) < len(wanted):
            state = PARTIAL
        elif all(f.current for f in present):
            state = COMPLETE
        else:
            state = STALE
        signed = [f.reviewed_by for f in present if f.reviewed_by]
        reviewers = tuple(sorted(set(signed))) if present and len(signed) == len(wanted) else ()
        return CourseLanguage(course.slug, language, state, present, len(wanted), reviewers, len(signed))

    def table(self, bundle: ContentBundle) -> list[CourseLanguage]:
        """Every course in every language, by course then language."""
        return [self.status(course, language) for course in bundle.courses for language in LANGUAGES]


# --- reading -------------------------------------------------------------------------------------


def read_translations(root: Path, bundle: ContentBundle) -> tuple[TranslationBundle, list[Problem]]:
    """Every translation and glossary under root, checked against the (valid) English ``bundle``.

    Returns what was read without problems, and every problem (sorted by file and line).
    """
    problems: list[Problem] = []
    result = TranslationBundle()
    courses = {course.slug: course for course in bundle.courses}
    quizzes = {course.quiz.slug: course.quiz for course in bundle.courses}
    modules_dir = root / MODULES
    if modules_dir.is_dir():
        for path in sorted(p for p in modules_dir.glob("glossary.*") if p.is_file()):
            glossary = _read_glossary(root, path, problems)
            if glossary is not None:
                result.glossaries.append(glossary)
        for course_dir in sorted(p for p in modules_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            for path in sorted(p for p in course_dir.iterdir() if p.is_file() and _candidate(p, (".md", ".yaml"))):
                course = courses.get(course_dir.name)
                item = _read_course_file(root, path, course, problems)
                if item is not None:
                    result.files.append(item)
    quizzes_dir = root / QUIZZES
    if quizzes_dir.is_dir():
        for path in sorted(p for p in quizzes_dir.iterdir() if p.is_file() and _candidate(p, (".yaml",))):
            item = _read_quiz_file(root, path, quizzes, problems)
            if item is not None:
                result.files.append(item)
    return result, sorted(problems, key=lambda p: (p.path, p.line or 0))


def _candidate(path: Path, suffixes: tuple[str, ...]) -> bool:
    return path.suffix in suffixes and is_translation(path) and not path.name.startswith(".")


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _language(report: Report, path: Path) -> tuple[str, str] | None:
    """(source name, language) from ``<name>.<language>.<ext>``, or None after reporting a bad code."""
    name, _, language = path.stem.rpartition(".")
    if language == SOURCE_LANGUAGE:
        report.add(
            "",
            f"English is the source language: its text lives in {name}{path.suffix} itself; remove this file.",
            None,
        )
        return None
    if language not in LANGUAGES:
        report.add(
            "",
            f"unknown language code '{language}'.{did_you_mean(language, LANGUAGES)} "
            f"Translations are in: {', '.join(LANGUAGES)}.",
            None,
        )
        return None
    return name, language


def _read_file(root: Path, rel: str, report: Report) -> str | None:
    try:
        data = (root / rel).read_bytes()
    except OSError as error:
        report.add("", f"cannot be read: {error.strerror or error}.", None)
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        report.add("", "is not UTF-8 text; save the file as UTF-8.", data[: error.start].count(b"\n") + 1)
        return None


def _no_source(report: Report, source: str, suggestion: str, named_like: str) -> None:
    """Report a translation whose English ``source`` does not exist."""
    report.add(
        "",
        f"there is no {source} to translate.{suggestion} A translation is named after its source: {named_like}.",
        None,
    )


def _read_mapping(root: Path, rel: str, report: Report) -> LineMap | None:
    """The YAML file ``rel`` as a mapping, or None after reporting why it cannot be one."""
    text = _read_file(root, rel, report)
    return _parse_mapping(report, text) if text is not None else None


def _source_sha256(root: Path, rel: str) -> str:
    return sha256_of((root / rel).read_bytes())


@dataclass(frozen=True)
class _Header:
    source_sha256: str
    reviewed_by: str | None


def _read_header(r: Reader, language: str) -> _Header | None:
    data = r.mapping("translation")
    if data is None:
        return None
    h = Reader(r.report, data, "translation", HEADER_KEYS)
    said = h.text("language")
    if said and said != language:
        h.problem("language", f"says '{said}' but the file name says '{language}'; make them the same.")
    sha = h.text("source_sha256").lower()
    if sha and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
        h.problem(
            "source_sha256",
            "must be the 64 hexadecimal digits that `sha256sum` prints for the English source file.",
        )
        sha = ""
    reviewed_by = h.text("reviewed_by", required=False) or None
    if "reviewed_by" not in data:
        h.present("reviewed_by")  # reported: the header names its reviewer, or null
    return _Header(sha, reviewed_by) if sha else None


def _read_course_file(
    root: Path, path: Path, course: CourseSpec | None, problems: list[Problem]
) -> TranslationFile | None:
    rel = _rel(root, path)
    report = Report(problems, rel)
    named = _language(report, path)
    if named is None or course is None:  # a folder that is no valid course is reported by the validator
        return None
    name, language = named
    if path.suffix == ".yaml":
        if name != "course":
            message = f"the only YAML translation in a course folder is course.{language}.yaml; rename or remove it."
            report.add("", message, None)
            return None
        source = f"{MODULES}/{course.slug}/course.yaml"
        data = _read_mapping(root, rel, report)
        if data is None:
            return None
        r = Reader(report, data, "", COURSE_TEXT_KEYS, COURSE_REFUSED)
        header = _read_header(r, language)
        texts = {"title": r.text("title"), "summary": r.text("summary")}
        return _finish(root, report, rel, language, "course", course.slug, source, header, texts)
    module = next((m for m in course.modules if m.slug == name), None)
    if module is None:
        slugs = [m.slug for m in course.modules]
        named_like = ", ".join(f"{s}.{language}.md" for s in slugs)
        _no_source(report, f"module '{name}' in course '{course.slug}'", did_you_mean(name, slugs), named_like)
        return None
    text = _read_file(root, rel, report)
    if text is None:
        return None
    read = _read_module(report, text, module, language)
    if read is None:
        return None
    header, module_texts = read
    return _finish(root, report, rel, language, "module", module.slug, module.path, header, module_texts)


def _finish(
    root: Path,
    report: Report,
    rel: str,
    language: str,
    kind: str,
    target: str,
    source: str,
    header: _Header | None,
    texts: dict[str, Any],
) -> TranslationFile | None:
    if report.count or header is None:
        return None
    current = header.source_sha256 == _source_sha256(root, source)
    sha, reviewer = header.source_sha256, header.reviewed_by
    return TranslationFile(rel, language, kind, target, source, sha, current, reviewer, texts)


# --- modules -------------------------------------------------------------------------------------------


def _read_module(
    report: Report, text: str, module: ModuleSpec, language: str
) -> tuple[_Header | None, dict[str, Any]] | None:
    read = read_module_file(report, text)
    if read is None:
        return None
    parts, data = read
    body = _body_text(parts.body)
    _check_marker(report, module, parts.body, parts.body_line)
    r = Reader(report, data, "", MODULE_TEXT_KEYS, MODULE_REFUSED)
    header = _read_header(r, language)
    title = r.text("title")
    objectives = [text for _, text, _ in r.text_list("objectives")]
    if isinstance(data.get("objectives"), list) and len(data["objectives"]) != len(module.objectives):
        r.problem(
            "objectives",
            f"has {len(data['objectives'])} objective(s) but the source has {len(module.objectives)}; "
            "translate each one, in the same order, and add none.",
        )
    check = _read_check(r, module)
    return header, {"title": title, "objectives": objectives, "body": body, "check": check}


def _check_marker(report: Report, module: ModuleSpec, body: str, first_line: int) -> None:
    """The reporting contacts marker stays where the source has it, alone on its line, and nowhere else."""
    lines = body.split("\n")
    kept = [n for n, line in enumerate(lines, start=first_line) if line.strip() == REPORTING_MARKER]
    mentioned = [n for n, line in enumerate(lines, start=first_line) if REPORTING_MARKER in line]
    wanted = REPORTING_MARKER in module.body
    if wanted and not kept:
        where = mentioned[0] if mentioned else first_line
        report.add(
            "body",
            f"the source has the line {REPORTING_MARKER} (where the organization's reporting contacts are shown); "
            "keep it exactly as it is, alone in its paragraph.",
            where,
        )
    elif not wanted and mentioned:
        report.add(
            "body",
            f"the source has no {REPORTING_MARKER} line; remove it from the translation.",
            mentioned[0],
        )


def _read_check(r: Reader, module: ModuleSpec) -> dict[str, Any]:
    data = r.mapping("check")
    if data is None:
        return {}
    c = Reader(r.report, data, "check", ("prompt", "options"), CHECK_REFUSED)
    prompt = c.text("prompt")
    options = c.mapping("options")
    if options is None:
        return {"prompt": prompt, "options": {}}
    source_ids = [o.id for o in module.check.options]
    o = _keyed(c, "options", options, source_ids, "option")
    translated: dict[str, dict[str, str]] = {}
    for option_id in source_ids:
        item = options.get(option_id)
        if option_id not in options:
            continue
        path = o.path(option_id)
        if not isinstance(item, LineMap):
            o.problem(option_id, f"must hold 'text' and 'feedback', found {describe(item)}.")
            continue
        f = Reader(r.report, item, path, ("text", "feedback"), OPTION_REFUSED)
        # The rule that a feedback must not open with a verdict ("Right. ...") knows English words only,
        # so it is not applied to translations; translators are asked to keep to it (see modules/README.md).
        translated[option_id] = {"text": f.text("text"), "feedback": f.text("feedback")}
    return {"prompt": prompt, "options": translated}


def _keyed(r: Reader, key: str, data: LineMap, source_ids: list[str], kind: str) -> Reader:
    """A mapping keyed by the source's ids: every id, and no other (added or renamed) one."""
    k = Reader(r.report, data, r.path(key), [i for i in data if isinstance(i, str)])
    for item in data:
        if isinstance(item, str) and item not in source_ids:
            k.problem(
                item,
                f"the source has no {kind} '{item}'.{did_you_mean(item, source_ids)} A translation keeps the "
                f"source's {kind} ids ({', '.join(source_ids)}), adds none and renames none.",
            )
    missing = [i for i in source_ids if i not in data]
    if missing:
        r.problem(key, f"leaves out the source's {kind}(s) {', '.join(missing)}; translate every one.")
    return k


# --- quizzes -------------------------------------------------------------------------------------------


def _read_quiz_file(
    root: Path, path: Path, quizzes: dict[str, QuizSpec], problems: list[Problem]
) -> TranslationFile | None:
    rel = _rel(root, path)
    report = Report(problems, rel)
    named = _language(report, path)
    if named is None:
        return None
    name, language = named
    quiz = quizzes.get(name)
    if quiz is None:
        _no_source(report, f"quiz '{name}'", did_you_mean(name, quizzes), f"quizzes/<quiz>.{language}.yaml")
        return None
    data = _read_mapping(root, rel, report)
    if data is None:
        return None
    r = Reader(report, data, "", QUIZ_TEXT_KEYS, QUIZ_REFUSED)
    header = _read_header(r, language)
    title = r.text("title")
    questions: dict[str, dict[str, Any]] = {}
    mapping = r.mapping("questions")
    if mapping is not None:
        source = {q.id: q for q in quiz.questions}
        k = _keyed(r, "questions", mapping, list(source), "question")
        for qid, question in source.items():
            if qid in mapping:
                questions[qid] = _read_question(k, qid, question)
    texts = {"title": title, "questions": questions}
    return _finish(root, report, rel, language, "quiz", quiz.slug, quiz.path, header, texts)


def _read_question(k: Reader, qid: str, question: QuestionSpec) -> dict[str, Any]:
    data = k.data[qid]
    if not isinstance(data, LineMap):
        k.problem(qid, f"must hold the question's texts (prompt, explanation ...), found {describe(data)}.")
        return {}
    lists = {"single": "options", "multiple": "options", "ordering": "steps"}.get(question.type)
    known = ("scenario", "prompt", *((lists,) if lists else ()), "explanation")
    refused = dict(QUESTION_REFUSED)
    for other in ("options", "steps"):
        if other != lists:
            why = "; the page says True and False itself" if question.type == "true_false" else ""
            refused[other] = f"the source question ({question.type}) has no '{other}'{why}. Remove it."
    q = Reader(k.report, data, k.path(qid), known, refused)
    texts: dict[str, Any] = {}
    if question.scenario:
        texts["scenario"] = q.text("scenario")
    elif "scenario" in data:
        q.problem("scenario", "the source question has no scenario; remove it.")
    texts["prompt"] = q.text("prompt")
    if lists:
        texts["options"] = {}
        items = q.mapping(lists)
        if items is not None:
            ids = [o.id for o in question.options]
            kind = "step" if lists == "steps" else "option"
            o = _keyed(q, lists, items, ids, kind)
            for option_id in ids:
                if option_id in items:
                    texts["options"][option_id] = o.text(option_id)
    texts["explanation"] = q.text("explanation")
    return texts


# --- glossaries ----------------------------------------------------------------------------------------


def _read_glossary(root: Path, path: Path, problems: list[Problem]) -> Glossary | None:
    rel = _rel(root, path)
    report = Report(problems, rel)
    if path.suffix != ".yaml" or path.stem.count(".") != 1:
        report.add("", "a glossary is named modules/glossary.<language>.yaml; rename it.", None)
        return None
    named = _language(report, path)
    if named is None:
        return None
    _, language = named
    data = _read_mapping(root, rel, report)
    if data is None:
        return None
    r = Reader(report, data, "", GLOSSARY_KEYS)
    said = r.text("language")
    if said and said != language:
        r.problem("language", f"says '{said}' but the file name says '{language}'; make them the same.")
    terms: dict[str, str] = {}
    mapping = r.mapping("terms")
    if mapping is not None:
        t = Reader(report, mapping, "terms", [k for k in mapping if isinstance(k, str)])
        for term in (k for k in mapping if isinstance(k, str)):
            terms[term] = t.text(term)
    return None if report.count else Glossary(rel, language, terms)
