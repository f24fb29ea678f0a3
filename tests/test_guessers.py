"""The guessing benchmark's arithmetic, on small banks whose answers are worked out by hand."""

from __future__ import annotations

import random

import pytest

from bench import guessers
from tests.content_fixture import write_content
from tests.quiz_fixture import bank


def _bank(tmp_path, quiz=None):
    root = write_content(tmp_path, **({"quiz": quiz} if quiz else {}))
    (found,) = guessers.banks_of(root)
    return found


def test_each_strategy_on_the_fixture_bank(tmp_path):
    quiz = _bank(tmp_path)  # 4 questions, all drawn, pass mark 75 %: 3 right passes
    chances = {name: [chance(q) for q in quiz.questions] for name, chance in guessers.STRATEGIES.items()}
    # t-single: the keyed "Observe and report" is the longest; t-multi: both keyed options are 31 characters,
    # the median, so "above the median" ticks only the first longest; t-true: no absolute word, so "true"
    # (right); t-single-2: the keyed option is the longest of two.
    assert chances["longest"] == [1, 0, 1, 1]
    assert chances["shortest"] == [0, 0, 1, 0]  # t-multi: ticks only "Their nationality", the shortest
    assert chances["longest, T/F false"] == [1, 0, 0, 1]
    assert chances["random"] == [1 / 3, 1 / 8, 1 / 2, 1 / 2]
    results = {r.strategy: r for r in guessers.run([quiz], attempts=500, seed=3)}
    assert results["longest"].rate == 1.0  # 3 of 4 every time
    assert results["shortest"].rate == 0.0
    assert results["longest, T/F false"].rate == 0.0  # 2 of 4
    assert results["longest"].score == 0.75
    assert (results["longest"].asked, results["longest"].right) == (2000, 1500)


def test_ties_are_broken_at_random_and_attempts_follow_the_blueprint(tmp_path):
    # Three options of 21 characters each: "longest" picks one of the three, a 1 in 3 chance per question.
    quiz = _bank(tmp_path, bank({"m-one": 2, "m-two": 4}, 3, blueprint={"m-one": 1, "m-two": 2}, pass_mark=100))
    assert {guessers.STRATEGIES["longest"](q) for q in quiz.questions} == {1 / 3}
    result = guessers.simulate(quiz, "longest", guessers.STRATEGIES["longest"], 27_000, random.Random(5))
    # All 3 right: (1/3)^3 = 1/27, so about 1,000 of 27,000; the standard deviation is about 31.
    assert 900 <= result.passed <= 1100
    assert result.asked == 3 * 27_000
    # A third of the questions right, on average (standard deviation about 0.002).
    assert abs(result.score - 1 / 3) < 0.01


def test_the_table_and_the_command(tmp_path, capsys):
    write_content(tmp_path)
    guessers.main(["-n", "200", "--root", str(tmp_path)])
    out = capsys.readouterr().out
    assert "test-course: 4 questions, 4 per attempt drawn from the whole bank (no blueprint), pass mark 75%" in out
    row = next(line for line in out.splitlines() if line.startswith("test-course "))
    cells = [cell.strip() for cell in row.split("|")]
    assert cells[1:3] == ["100.00%", "0.00%"]  # longest, shortest


@pytest.mark.slow  # simulates guessers over every shipped bank
def test_no_cue_strategy_passes_a_shipped_bank_in_more_than_two_percent_of_attempts(project_root):
    """The shipped banks measure knowledge: answering on surface cues alone almost never passes."""
    results = guessers.run(guessers.banks_of(project_root), attempts=5_000, seed=1)
    assert {r.bank for r in results} == {
        "recognize-and-report",
        "cabin-crew",
        "check-in-and-gate",
        "ground-and-security",
        "refresher",
    }
    too_easy = {(r.bank, r.strategy): f"{r.rate:.2%}" for r in results if r.rate > 0.02}
    assert not too_easy, f"passed on cues alone: {too_easy}"
