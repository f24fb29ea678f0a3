"""The bank keys `blueprint` and `show_answers` in the validator, each mistake with its file, field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content_fixture import write_content
from tests.quiz_fixture import bank
from training.content import read_content

QUIZ = "quizzes/test-course.yaml"


def problems_for(tmp_path: Path, quiz: str) -> list[tuple[str, str, int | None, str]]:
    bundle, problems = read_content(write_content(tmp_path, quiz=quiz))
    assert bundle is None
    assert problems
    return [(p.path, p.field, p.line, p.message) for p in problems]


def test_a_valid_blueprint_and_show_answers_are_read(tmp_path):
    quiz = bank({"m-one": 2, "m-two": 4}, per_attempt=3, blueprint={"m-one": 1, "m-two": 2}, show_answers="never")
    bundle, problems = read_content(write_content(tmp_path, quiz=quiz))
    assert problems == []
    spec = bundle.courses[0].quiz
    assert (spec.blueprint, spec.show_answers) == ((("m-one", 1), ("m-two", 2)), "never")


def test_without_the_keys_the_bank_draws_from_all_and_shows_answers_after_a_pass(tmp_path):
    bundle, problems = read_content(write_content(tmp_path, quiz=bank({"m-one": 2, "m-two": 2}, per_attempt=3)))
    assert problems == []
    assert (bundle.courses[0].quiz.blueprint, bundle.courses[0].quiz.show_answers) == ((), "after_pass")


# Lines: 11 "blueprint:", 12 the first module's count, 13 the second's.
@pytest.mark.parametrize(
    ("per_module", "per_attempt", "blueprint", "field", "line", "fragment"),
    [
        ({"m-one": 4, "m-two": 4}, 4, {"m-one": 1, "m-two": 2}, "blueprint", 11, "add up to 3 but questions_per"),
        ({"m-one": 4, "m-two": 4}, 1, {"m-one": 1}, "blueprint", 11, "add: m-two"),
        ({"m-one": 4, "m-two": 4}, 2, {"m-one": 0, "m-two": 2}, "blueprint.m-one", 12, "at least 1, found 0"),
        ({"m-one": 1, "m-two": 4}, 3, {"m-one": 1, "m-two": 2}, "blueprint.m-one", 12, "hold at least 2 (twice"),
        ({"m-one": 4, "m-two": 4}, 3, {"m-one": 2, "m-two": 1}, "blueprint.m-two", 13, "reporting module"),
        (
            {"m-one": 4, "m-two": 4},
            4,
            {"m-one": 1, "m-two": 2, "m-three": 1},
            "blueprint.m-three",
            14,
            "not a module of course 'test-course'",
        ),
    ],
)
def test_blueprint_mistakes(tmp_path, per_module, per_attempt, blueprint, field, line, fragment):
    found = problems_for(tmp_path, bank(per_module, per_attempt, blueprint=blueprint))
    assert {f[:3] for f in found} == {(QUIZ, field, line)}, found
    assert any(fragment in f[3] for f in found), found


def test_show_answers_must_be_a_known_value(tmp_path):
    found = problems_for(tmp_path, bank({"m-one": 2, "m-two": 2}, per_attempt=3, show_answers="after_passing"))
    assert [f[:3] for f in found] == [(QUIZ, "show_answers", 11)]
    assert "Did you mean 'after_pass'?" in found[0][3]


def test_blueprint_must_be_a_mapping(tmp_path):
    quiz = bank({"m-one": 2, "m-two": 2}, per_attempt=3).replace("questions:\n", "blueprint: [m-one]\nquestions:\n", 1)
    found = problems_for(tmp_path, quiz)
    assert [f[:3] for f in found] == [(QUIZ, "blueprint", 11)]
