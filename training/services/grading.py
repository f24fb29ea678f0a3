"""Grading of quiz answers: each question type grades its own responses (training.content.question_types)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from training.content.question_types import question_type


def is_correct(kind: str, correct: Sequence[str], given: Iterable[str]) -> bool:
    """Whether a response to a question of this type is right (all or nothing)."""
    return question_type(kind).is_correct(correct, given)


def passed(correct_count: int, question_count: int, pass_mark: int) -> bool:
    """Integer arithmetic, so 12 of 15 is exactly 80 % and passes an 80 % mark."""
    return question_count > 0 and correct_count * 100 >= pass_mark * question_count


def percent(correct_count: int, question_count: int) -> int:
    return (correct_count * 100) // question_count if question_count else 0
