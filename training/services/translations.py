"""Course texts in the language a learner wants: the translation when a complete, current one was loaded
for the course version, else English. Ids, answer keys and settings always come from the English version;
only the texts are swapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import orm

from training.content.translations import LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE
from training.extensions import db
from training.models import CourseTranslation, CourseVersion, Module, Question
from training.services import i18n

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
        return [{**option, "text": self._text_of(option)} for option in options]

    def _text_of(self, option: dict[str, str]) -> str:
        if option["id"] in self.option_texts:
            return self.option_texts[option["id"]]
        if self.question.type == "true_false":  # "True" and "False", in the interface's language
            return i18n.gettext(option["text"])
        return option["text"]


@dataclass(frozen=True)
class CourseTexts:
    """A course version's texts in one language, and which language that is."""

    version: CourseVersion
    wanted: str  # the language asked for
    language: str  # the language given: the wanted one, or English when it has no complete, current translation
    awaiting_review: bool  # a translation is given that no native-speaking subject expert has signed off
    # CourseTranslation.texts, or {} for English: shared by every request in the process, so read, never changed
    texts: dict[str, Any] = field(default_factory=dict)
    offered: tuple[str, ...] | None = None  # available(version), when texts_for read it with the texts

    def languages(self) -> list[str]:
        """The languages this version can be read in (see ``available``)."""
        return list(self.offered) if self.offered is not None else available(self.version)

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


def _translations(version_id: int) -> list[CourseTranslation]:
    """The version's stored translations, without their texts (see ``_stored_texts``)."""
    return list(
        db.session.scalars(
            sa.select(CourseTranslation)
            .options(orm.defer(CourseTranslation.texts), orm.defer(CourseTranslation.sources))
            .where(CourseTranslation.course_version_id == version_id)
        )
    )


def _offered(rows: list[CourseTranslation]) -> tuple[str, ...]:
    found = {row.language for row in rows if row.is_current}
    return (SOURCE_LANGUAGE, *(code for code in LANGUAGES if code in found))


@lru_cache(maxsize=32)
def _stored_texts(translation_id: int, loaded_at: datetime) -> dict[str, Any] | None:
    """A stored translation's texts, read and parsed once per process (a whole course in one JSON document, which
    took longer to parse than the rest of a module page). Loading changed files stamps the row with a new
    ``loaded_at``, and so reads them afresh."""
    return db.session.scalar(sa.select(CourseTranslation.texts).where(CourseTranslation.id == translation_id))


def texts_for(version: CourseVersion, wanted: str | None) -> CourseTexts:
    """The version's texts in ``wanted`` when a complete translation made from this version's English files
    was loaded, else in English."""
    wanted = wanted if wanted in LANGUAGES else SOURCE_LANGUAGE
    if wanted == SOURCE_LANGUAGE:
        return CourseTexts(version, wanted, SOURCE_LANGUAGE, False)
    rows = _translations(version.id)  # every language at once: the page's language links need them too
    offered = _offered(rows)
    row = next((row for row in rows if row.language == wanted), None)
    if row is not None and row.is_current:
        texts = _stored_texts(row.id, row.loaded_at)
        if texts is not None:  # None: removed since the line above read it
            return CourseTexts(version, wanted, wanted, row.reviewed_by is None, texts, offered)
    return CourseTexts(version, wanted, SOURCE_LANGUAGE, False, offered=offered)


def available(version: CourseVersion) -> list[str]:
    """The languages a learner can read this version in: English, then each complete, current translation."""
    return list(_offered(_translations(version.id)))
