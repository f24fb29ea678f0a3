"""Single choice: one keyed option among 2 to 6, shown as radio buttons in a new order each attempt."""

from __future__ import annotations

from training.content.fields import Reader
from training.content.question_types.base import AnswerFields, QuestionType
from training.content.spec import Option


class SingleChoice(QuestionType):
    name = "single"
    label = "a single-choice question"
    partial = "learn/question_types/_single.html"
    lint_options = True
    exactly_one = True

    def read(self, q: Reader, answers: AnswerFields) -> tuple[tuple[Option, ...], tuple[str, ...]]:
        options = answers.options(q)
        return options or (), answers.correct(q, options, exactly_one=self.exactly_one, what=self.label)
