"""What every question type owns: reading its fields, showing its options, grading a response, statistics.

A response is the list of values a learner's form sends for a question (``q-<id>`` fields); it is stored
as given (only the values the question allows, sorted) in the attempt's answers.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import ClassVar, Protocol

from training.content.fields import Reader
from training.content.spec import Option


def N_(message: str) -> str:
    """Marks ``message`` for the interface's catalogs and returns it as it is: the pages translate it where
    they show it (an instruction, the True and False of a true/false question)."""
    return message


class AnswerFields(Protocol):
    """The readers of option lists and keyed answers that quiz questions share with module checks."""

    def options(self, r: Reader) -> tuple[Option, ...] | None:
        """The question's options; None when there is no usable list."""
        ...

    def correct(self, r: Reader, options: tuple[Option, ...] | None, exactly_one: bool, what: str) -> tuple[str, ...]:
        """The keyed option ids, each checked against the options."""
        ...


class QuestionType:
    """One kind of quiz question. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]  # the `type:` in a question bank, stored with each question
    label: ClassVar[str]  # "a single-choice question", for the validator's messages
    partial: ClassVar[str]  # the attempt page's form widget for one question
    instruction: ClassVar[str] = ""  # said under the prompt on the attempt page, e.g. "Choose all that apply." (N_)
    review_partial: ClassVar[str] = "learn/question_types/_choices_review.html"  # the result page's answer list
    keys: ClassVar[tuple[str, ...]] = ()  # fields of its own, beyond those every question has
    shuffled: ClassVar[bool] = True  # whether each attempt shows the options in a new random order
    lint_options: ClassVar[bool] = False  # whether the item-writing lint's option rules apply

    # --- the question bank file ---------------------------------------------------------------

    def read(self, q: Reader, answers: AnswerFields) -> tuple[tuple[Option, ...], tuple[str, ...]]:
        """The question's options and keyed answer from its fields, reporting every problem on ``q``."""
        raise NotImplementedError

    def fingerprint_key(self, correct: Sequence[str]) -> list[str]:
        """The keyed answer as the question's fingerprint takes it (order does not count by default)."""
        return sorted(correct)

    # --- a drawn attempt ------------------------------------------------------------------------

    def present(self, option_ids: Sequence[str], rng: random.Random) -> list[str]:
        """The option ids in the order this attempt shows them."""
        shown = list(option_ids)
        if self.shuffled:
            rng.shuffle(shown)
        return shown

    def values(self, option_ids: Sequence[str]) -> set[str]:
        """Every value a response may hold; anything else a form sends is dropped."""
        return set(option_ids)

    def answered(self, response: Sequence[str], option_ids: Sequence[str]) -> bool:
        """Whether the learner gave an answer (else the page asks before grading)."""
        return any(value in self.values(option_ids) for value in response)

    # --- grading and statistics -----------------------------------------------------------------

    def right_response(self, correct: Sequence[str]) -> list[str]:
        """The response that is graded right."""
        return sorted(correct)

    def is_correct(self, correct: Sequence[str], response: Iterable[str]) -> bool:
        """All or nothing: right only when the response is exactly the right one."""
        return bool(correct) and set(response) == set(self.right_response(correct))

    def chosen(self, correct: Sequence[str], response: Iterable[str]) -> list[str]:
        """The option ids that item statistics count as chosen by this response."""
        return list(response)

    def blind_chance(self, option_count: int) -> float:
        """The chance that a blind guess (no cue at all) is right."""
        return 1 / option_count if option_count else 0.0
