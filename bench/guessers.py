"""Guessers: how often a person who never read the course passes each graded quiz on surface cues alone.

    .venv/bin/python -m bench.guessers [-n 20000] [--seed 1] [--root .]

For every bank used by a course, it draws attempts exactly as the app does (by the bank's blueprint,
if it has one, else at random from the whole bank) and answers them with each strategy below, using
only what a test-wise person can see: option length, words shared with the question, careful-sounding
words, absolute words in true/false statements. It prints the share of attempts that reach the bank's
pass mark. The aim for a well-written bank is at most 2 % for every strategy.

A strategy is deterministic for each question except where options tie (the guesser then picks one of
the tied options at random), so each question has a fixed chance of being answered right; an attempt
is simulated by drawing its questions and then each answer with that chance. Option order does not
matter to any strategy, so the app's shuffling of options is left out.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from training.content import QuestionSpec, QuizSpec, read_content
from training.content.question_types import question_type
from training.services import drawing, grading

WORD = re.compile(r"[a-z']+")
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "at",
        "is",
        "are",
        "be",
        "by",
        "as",
        "for",
        "with",
        "from",
        "that",
        "this",
        "it",
        "its",
        "what",
        "which",
        "who",
        "you",
        "your",
        "they",
        "them",
        "their",
        "he",
        "she",
        "her",
        "his",
        "him",
        "do",
        "does",
        "should",
        "would",
        "could",
        "can",
        "may",
        "will",
        "not",
        "no",
        "if",
    ]
)
# Words that make an option sound calm, careful and by the book.
CAREFUL = frozenset(
    [
        "discreetly",
        "discreet",
        "calmly",
        "calm",
        "quietly",
        "carefully",
        "careful",
        "note",
        "notes",
        "noting",
        "record",
        "records",
        "recording",
        "document",
        "documenting",
        "details",
        "report",
        "reports",
        "reporting",
        "supervisor",
        "senior",
        "procedure",
        "procedures",
        "protocol",
        "policy",
        "channel",
        "safely",
        "safe",
        "safety",
        "observe",
        "observing",
        "trained",
        "professional",
    ]
)
# Absolute words a test-wise person reads as "this statement is false".
ABSOLUTE = re.compile(
    r"\b(always|never|only|all|none|every|everyone|everything|nobody|must|proof|prove|proves|guarantee|"
    r"guaranteed|certainly|definitely|completely|entirely|absolutely|impossible|automatically|sole|solely)\b",
    re.IGNORECASE,
)

Chance = Callable[[QuestionSpec], float]  # the chance that a strategy answers the question right


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP_WORDS}


def _best(question: QuestionSpec, score: Callable[[str], float]) -> float:
    """Chance of a right single answer when picking the option with the highest score (ties at random)."""
    scores = {o.id: score(o.text) for o in question.options}
    top = max(scores.values())
    tied = [oid for oid, value in scores.items() if value == top]
    return 1 / len(tied) if question.correct[0] in tied else 0.0


def _subset(question: QuestionSpec, chosen: Iterable[str]) -> float:
    """1 when the chosen options are exactly the keyed ones (multiple choice is all-or-nothing), else 0."""
    return 1.0 if grading.is_correct(question.type, question.correct, list(chosen)) else 0.0


def _above_median(question: QuestionSpec, score: Callable[[str], float]) -> float:
    """Multiple choice: tick every option scoring above the question's median (at least the top one)."""
    scores = {o.id: score(o.text) for o in question.options}
    median = statistics.median(scores.values())
    chosen = [oid for oid, value in scores.items() if value > median] or [max(scores, key=scores.__getitem__)]
    return _subset(question, chosen)


def _ranked(question: QuestionSpec, score: Callable[[str], float]) -> float:
    """Ordering: the steps in the order of their scores, highest first (ties in a random order).

    Right only when the scores never rise along the keyed order; then each group of k tied steps is in
    the right order with a chance of 1/k!.
    """
    texts = {o.id: o.text for o in question.options}
    scores = [score(texts[step]) for step in question.correct]
    if any(later > earlier for earlier, later in itertools.pairwise(scores)):
        return 0.0
    chance = 1.0
    for value in set(scores):
        chance /= math.factorial(scores.count(value))
    return chance


# How a test-wise person turns option scores into an answer, per question type (true/false aside).
TACTICS: dict[str, Callable[[QuestionSpec, Callable[[str], float]], float]] = {
    "single": _best,
    "multiple": _above_median,
    "ordering": _ranked,
}


def _statement_cue(question: QuestionSpec) -> float:
    """True/false: an absolute word means false, anything else true."""
    guess = "false" if ABSOLUTE.search(f"{question.scenario} {question.prompt}") else "true"
    return 1.0 if question.correct == (guess,) else 0.0


def _fixed(answer: str) -> Callable[[QuestionSpec], float]:
    return lambda question: 1.0 if question.correct == (answer,) else 0.0


def _by_score(score_of: Callable[[QuestionSpec], Callable[[str], float]], statement: Chance = _statement_cue) -> Chance:
    """A strategy that ranks options by a score: the best on single choice, those above the median on
    multiple choice, the steps by score on ordering, and ``statement`` on true/false."""

    def chance(question: QuestionSpec) -> float:
        if question.type == "true_false":
            return statement(question)
        return TACTICS[question.type](question, score_of(question))

    return chance


def _length(_: QuestionSpec) -> Callable[[str], float]:
    return lambda text: float(len(text))


def _shortness(_: QuestionSpec) -> Callable[[str], float]:
    return lambda text: -float(len(text))


def _overlap(question: QuestionSpec) -> Callable[[str], float]:
    stem = words(f"{question.scenario} {question.prompt}")
    return lambda text: float(len(words(text) & stem))


def _careful(_: QuestionSpec) -> Callable[[str], float]:
    # Careful words first; among options equally careful, the longer (more qualified) one.
    return lambda text: len(words(text) & CAREFUL) * 1000 + len(text) / 1000


def _mixed(question: QuestionSpec) -> Callable[[str], float]:
    """Each cue's rank among the options, added up: long, careful and close to the question."""
    cues = (_length(question), _careful(question), _overlap(question))
    texts = [o.text for o in question.options]
    ranks = [{t: sorted(cue(x) for x in texts).index(cue(t)) for t in texts} for cue in cues]
    return lambda text: float(sum(rank[text] for rank in ranks))


def _random(question: QuestionSpec) -> float:
    """Blind guessing, as each question type says: one option at random, each option of a multiple-choice
    question ticked with a coin, the steps of an ordering question in a random order."""
    return question_type(question.type).blind_chance(len(question.options))


STRATEGIES: dict[str, Chance] = {
    "longest": _by_score(_length),
    "shortest": _by_score(_shortness),
    "stem words": _by_score(_overlap),
    "careful": _by_score(_careful),
    "longest, T/F true": _by_score(_length, _fixed("true")),
    "longest, T/F false": _by_score(_length, _fixed("false")),
    "mix": _by_score(_mixed),
    "random": _random,
}


@dataclass(frozen=True)
class Result:
    bank: str
    strategy: str
    attempts: int
    passed: int  # attempts that reached the pass mark
    right: int  # questions answered right, over all attempts
    asked: int  # questions asked, over all attempts

    @property
    def rate(self) -> float:
        return self.passed / self.attempts if self.attempts else 0.0

    @property
    def score(self) -> float:
        return self.right / self.asked if self.asked else 0.0


def simulate(bank: QuizSpec, name: str, chance: Chance, attempts: int, rng: random.Random) -> Result:
    """``attempts`` simulated attempts at the bank, drawn as the app draws them, answered with ``chance``."""
    chances = {question.id: chance(question) for question in bank.questions}
    passed = right_total = asked = 0
    for _ in range(attempts):
        drawn = drawing.draw(bank.questions, bank.questions_per_attempt, bank.blueprint, lambda q: q.module, rng)
        right = sum(1 for question in drawn if rng.random() < chances[question.id])
        passed += grading.passed(right, len(drawn), bank.pass_mark)
        right_total += right
        asked += len(drawn)
    return Result(bank.slug, name, attempts, passed, right_total, asked)


def run(banks: Sequence[QuizSpec], attempts: int, seed: int) -> list[Result]:
    results = []
    for bank in banks:
        for name, chance in STRATEGIES.items():
            rng = random.Random(f"{seed}:{bank.slug}:{name}")  # noqa: S311 — a simulation, not a secret
            results.append(simulate(bank, name, chance, attempts, rng))
    return results


def banks_of(root: Path) -> list[QuizSpec]:
    """The banks that courses use, once each, by slug; exits with the problems if the content is invalid."""
    bundle, problems = read_content(root)
    if bundle is None:
        raise SystemExit("the content is not valid:\n" + "\n".join(map(str, problems)))
    found = {course.quiz.slug: course.quiz for course in bundle.courses}
    return [found[slug] for slug in sorted(found)]


def table(results: Sequence[Result], figure: Callable[[Result], float] = lambda r: r.rate) -> str:
    """A figure of each result in percent (the pass rate unless told): a row per bank, a column per strategy."""
    names = list(dict.fromkeys(r.strategy for r in results))
    banks = list(dict.fromkeys(r.bank for r in results))
    by = {(r.bank, r.strategy): r for r in results}
    width = max(len(b) for b in banks)
    head = f"{'bank':<{width}} | " + " | ".join(n.rjust(max(8, len(n))) for n in names)
    lines = [head, "-" * len(head)]
    for bank in banks:
        cells = " | ".join(f"{figure(by[bank, n]) * 100:.2f}%".rjust(max(8, len(n))) for n in names)
        lines.append(f"{bank:<{width}} | {cells}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", "--attempts", type=int, default=20_000, help="attempts per bank and strategy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="content root")
    args = parser.parse_args(argv)
    banks = banks_of(args.root)
    for bank in banks:
        draw = "by blueprint" if bank.blueprint else "from the whole bank (no blueprint)"
        print(
            f"{bank.slug}: {len(bank.questions)} questions, {bank.questions_per_attempt} per attempt "
            f"drawn {draw}, pass mark {bank.pass_mark}%"
        )
    results = run(banks, args.attempts, args.seed)
    print(f"\nShare of {args.attempts:,} attempts passed, per bank and strategy:\n")
    print(table(results))
    print("\nShare of questions answered right (the average score):\n")
    print(table(results, lambda r: r.score))


if __name__ == "__main__":
    main()
