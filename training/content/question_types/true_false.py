"""True/false: a statement keyed ``correct: true`` or ``false``; its options are always True, then False."""

from __future__ import annotations

from training.content.fields import Reader, describe
from training.content.question_types.base import N_, AnswerFields, QuestionType
from training.content.spec import Option

TRUE_FALSE_OPTIONS = (Option("true", N_("True")), Option("false", N_("False")))  # shown in the page's language


class TrueFalse(QuestionType):
    name = "true_false"
    label = "a true/false question"
    partial = "learn/question_types/_true_false.html"
    shuffled = False  # True stays before False

    def read(self, q: Reader, answers: AnswerFields) -> tuple[tuple[Option, ...], tuple[str, ...]]:
        if "options" in q.data:
            q.problem("options", "true_false questions take no options (they are always True and False); remove them.")
        correct: tuple[str, ...] = ()
        if q.present("correct"):
            value = q.data["correct"]
            if isinstance(value, bool):
                correct = ("true",) if value else ("false",)
            else:
                q.problem(
                    "correct",
                    f"a true_false question's answer is true or false (without quotes), found {describe(value)}.",
                )
        return TRUE_FALSE_OPTIONS, correct
