"""Grading of quiz answers: a small registry of one grading rule per question type."""

from __future__ import annotations

from collections.abc import Callable, Iterable

Grader = Callable[[Iterable[str], Iterable[str]], bool]


def _exact(correct: Iterable[str], given: Iterable[str]) -> bool:
    """Right only when the chosen options are exactly the correct ones (a partial answer scores zero)."""
    return set(given) == set(correct) and bool(set(correct))


GRADERS: dict[str, Grader] = {
    "single": _exact,
    "true_false": _exact,
    "multiple": _exact,
}


def is_correct(question_type: str, correct: Iterable[str], given: Iterable[str]) -> bool:
    return GRADERS[question_type](correct, given)


def passed(correct_count: int, question_count: int, pass_mark: int) -> bool:
    """Integer arithmetic, so 12 of 15 is exactly 80 % and passes an 80 % mark."""
    return question_count > 0 and correct_count * 100 >= pass_mark * question_count


def percent(correct_count: int, question_count: int) -> int:
    return (correct_count * 100) // question_count if question_count else 0
