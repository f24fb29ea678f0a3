"""Course texts in the language a learner wants: the translation when a complete, current one was loaded
for the course version, else English. Ids, answer keys and settings always come from the English version;
only the texts are swapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa

from training.content.translations import LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE
from training.extensions import db
from training.models import CourseTranslation, CourseVersion, Module, Question

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "SOURCE_LANGUAGE",
    "CourseTexts",
    "ModuleText",
    "QuestionText",
    "available",
    "texts_for",
]

T = TypeVar("T")


class _Same(Generic[T]):
    """An attribute no language changes: read from the English object the texts are of (attribute ``of``)."""

    def __init__(self, of: str) -> None:
        self.of = of

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, texts: object, owner: type | None = None) -> T:
        if texts is None:  # read on the class: the attribute itself
            return cast(T, self)
        return cast(T, getattr(getattr(texts, self.of), self.name))


@dataclass(frozen=True)
class ModuleText:
    """A module as its page shows it: the attributes of Module, with the texts in one language."""

    module: Module
    title: str
    objectives: list[str]
    body_html: str
    check: dict[str, Any]  # {"prompt", "options": [{"id", "text", "feedback"}], "correct"}, like Module.check

    slug = _Same[str]("module")
    position = _Same[int]("module")
    estimated_minutes = _Same[int]("module")
    sources = _Same[list[dict[str, str]]]("module")  # citations stay as the source gives them


@dataclass(frozen=True)
class QuestionText:
    """A quiz question as the attempt and result pages show it: Question's attributes, texts in one language."""

    question: Question
    scenario: str
    prompt: str
    explanation: str
    option_texts: dict[str, str] = field(default_factory=dict)

    qid = _Same[str]("question")
    type = _Same[str]("question")
    module_slug = _Same[str]("question")
    correct = _Same[list[str]]("question")
    sources = _Same[list[str]]("question")

    @property
    def options(self) -> list[dict[str, str]]:
        return self.shown(self.question.options)

    def shown(self, options: list[dict[str, str]]) -> list[dict[str, str]]:
        """Options (in the order given, e.g. as an attempt shows them) with their texts in this language."""
        return [{**option, "text": self.option_texts.get(option["id"], option["text"])} for option in options]


@dataclass(frozen=True)
class CourseTexts:
    """A course version's texts in one language, and which language that is."""

    version: CourseVersion
    wanted: str  # the language asked for
    language: str  # the language given: the wanted one, or English when it has no complete, current translation
    awaiting_review: bool  # a translation is given that no native-speaking subject expert has signed off
    texts: dict[str, Any] = field(default_factory=dict)  # CourseTranslation.texts, or {} for English

    @property
    def translated(self) -> bool:
        return self.language != SOURCE_LANGUAGE

    @property
    def fell_back(self) -> bool:
        """The wanted language was not available, so English is given."""
        return self.wanted != self.language

    @property
    def title(self) -> str:
        return self.texts.get("course", {}).get("title") or self.version.title

    @property
    def summary(self) -> str:
        return self.texts.get("course", {}).get("summary") or self.version.summary

    @property
    def quiz_title(self) -> str:
        return self.texts.get("quiz", {}).get("title") or self.version.quiz_title

    def module(self, module: Module) -> ModuleText:
        mine = self.texts.get("modules", {}).get(module.slug)
        if not mine:
            return ModuleText(module, module.title, list(module.objectives), module.body_html, module.check)
        options = mine["check"]["options"]
        check = {
            **module.check,
            "prompt": mine["check"]["prompt"],
            "options": [{**o, **options.get(o["id"], {})} for o in module.check["options"]],
        }
        return ModuleText(module, mine["title"], list(mine["objectives"]), mine["body_html"], check)

    def modules(self) -> list[ModuleText]:
        return [self.module(module) for module in self.version.modules]

    def question(self, question: Question) -> QuestionText:
        mine = self.texts.get("quiz", {}).get("questions", {}).get(question.qid)
        if not mine:
            return QuestionText(question, question.scenario, question.prompt, question.explanation)
        return QuestionText(
            question,
            mine.get("scenario", question.scenario),
            mine["prompt"],
            mine["explanation"],
            dict(mine.get("options", {})),
        )


def _translation(version_id: int, language: str) -> CourseTranslation | None:
    return db.session.scalar(
        sa.select(CourseTranslation).where(
            CourseTranslation.course_version_id == version_id, CourseTranslation.language == language
        )
    )


def texts_for(version: CourseVersion, wanted: str | None) -> CourseTexts:
    """The version's texts in ``wanted`` when a complete translation made from this version's English files
    was loaded, else in English."""
    wanted = wanted if wanted in LANGUAGES else SOURCE_LANGUAGE
    if wanted != SOURCE_LANGUAGE:
        row = _translation(version.id, wanted)
        if row is not None and row.is_current:
            return CourseTexts(version, wanted, wanted, row.reviewed_by is None, row.texts)
    return CourseTexts(version, wanted, SOURCE_LANGUAGE, False)


def available(version: CourseVersion) -> list[str]:
    """The languages a learner can read this version in: English, then each complete, current translation."""
    languages = db.session.scalars(
        sa.select(CourseTranslation.language).where(
            CourseTranslation.course_version_id == version.id, CourseTranslation.state == "complete"
        )
    )
    found = set(languages)
    return [SOURCE_LANGUAGE, *(code for code in LANGUAGES if code in found)]
