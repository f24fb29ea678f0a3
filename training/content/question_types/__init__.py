"""Quiz question types: one class per type, found through ``TYPES`` by the name a question bank uses.

Adding a type is adding one module here (a ``QuestionType`` subclass, listed below) and one template
partial under ``training/learn/templates/learn/question_types/``; quizzes/README.md shows how.
"""

from __future__ import annotations

from training.content.question_types.base import AnswerFields, QuestionType
from training.content.question_types.multiple import MultipleChoice
from training.content.question_types.ordering import Ordering
from training.content.question_types.single import SingleChoice
from training.content.question_types.true_false import TrueFalse

TYPES: dict[str, QuestionType] = {
    kind.name: kind for kind in (SingleChoice(), MultipleChoice(), TrueFalse(), Ordering())
}


def question_type(name: str) -> QuestionType:
    """The type a question names; a KeyError for a name no bank could have passed the validator with."""
    return TYPES[name]


__all__ = ["TYPES", "AnswerFields", "QuestionType", "question_type"]
