"""Ordering: put 3 to 6 steps in the right order (the reporting chain, say); right only when every step is
in its place.

In the bank the steps are listed under ``steps`` (each an ``id`` and a ``text``, in any order) and
``correct`` lists the step ids in the right order. Each attempt shows the steps in a new random order, each
with a position select; a response holds one ``<step>@<position>`` value per step placed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import cast

from training.content.fields import Reader, describe, join_path, read_item_id
from training.content.parsing import LineList
from training.content.question_types.base import AnswerFields, QuestionType
from training.content.spec import Option

MIN_STEPS, MAX_STEPS = 3, 6


def placed(step: str, position: int) -> str:
    """The response value saying that ``step`` goes at ``position`` (counted from 1)."""
    return f"{step}@{position}"


class Ordering(QuestionType):
    name = "ordering"
    label = "an ordering question"
    partial = "learn/question_types/_ordering.html"
    review_partial = "learn/question_types/_ordering_review.html"
    keys = ("steps",)

    # --- the question bank file ---------------------------------------------------------------

    def read(self, q: Reader, answers: AnswerFields) -> tuple[tuple[Option, ...], tuple[str, ...]]:
        if "options" in q.data and "steps" not in q.data:
            q.problem("options", "an ordering question lists its 'steps', not options; rename the key to 'steps'.")
            return (), ()
        if "options" in q.data:
            q.problem("options", "an ordering question lists its 'steps', not options; remove the options.")
        steps = self._steps(q)
        return steps, self._order(q, steps)

    def _steps(self, q: Reader) -> tuple[Option, ...]:
        raw = q.data.get("steps")
        items = q.items("steps")
        if isinstance(raw, list) and raw and not MIN_STEPS <= len(raw) <= MAX_STEPS:
            q.problem("steps", f"{self.label} needs {MIN_STEPS} to {MAX_STEPS} steps, found {len(raw)}.")
        steps: list[Option] = []
        seen: dict[str, int] = {}
        for path, item, line in items:
            s = Reader(q.report, item, path, ("id", "text"))
            step_id = read_item_id(s, "step", seen)
            steps.append(Option(step_id, s.text("text"), line=line))
        return tuple(steps)

    def _order(self, q: Reader, steps: tuple[Option, ...]) -> tuple[str, ...]:
        """``correct``: every step id once, in the right order."""
        if not q.present("correct"):
            return ()
        value = q.data["correct"]
        if not isinstance(value, list):
            q.problem("correct", f"must list the step ids in the right order, e.g. [c, a, b]; found {describe(value)}.")
            return ()
        ids = [s.id for s in steps if s.id]
        order: list[str] = []
        for index, (item, line) in enumerate(zip(value, cast(LineList, value).item_lines, strict=True)):
            path = join_path(q.path("correct"), index)
            if not isinstance(item, str) or item not in ids:
                hint = f" The step ids are: {', '.join(ids)}." if ids else ""
                q.report.add(path, f"{describe(item)} is not the id of one of this question's steps.{hint}", line)
            elif item in order:
                q.report.add(path, f"'{item}' is listed twice; list each step once.", line)
            else:
                order.append(item)
        missing = [step for step in ids if step not in order]
        if missing and len(order) == len(value):
            q.problem("correct", f"leaves out {', '.join(missing)}; list every step once, in the right order.")
        return tuple(order)

    def fingerprint_key(self, correct: Sequence[str]) -> list[str]:
        return list(correct)  # the order is the answer

    # --- a drawn attempt ------------------------------------------------------------------------

    def values(self, option_ids: Sequence[str]) -> set[str]:
        return {placed(step, n) for step in option_ids for n in range(1, len(option_ids) + 1)}

    def answered(self, response: Sequence[str], option_ids: Sequence[str]) -> bool:
        """Every step has a place."""
        allowed = self.values(option_ids)
        given = {value.rsplit("@", 1)[0] for value in response if value in allowed}
        return given == set(option_ids)

    def places(self, response: Iterable[str]) -> dict[str, int]:
        """Step id -> the place the response gave it (the last one, should a form send two)."""
        found: dict[str, int] = {}
        for value in response:
            step, _, position = value.rpartition("@")
            if step and position.isdigit():
                found[step] = int(position)
        return found

    # --- grading and statistics -----------------------------------------------------------------

    def right_response(self, correct: Sequence[str]) -> list[str]:
        return sorted(placed(step, n) for n, step in enumerate(correct, start=1))

    def chosen(self, correct: Sequence[str], response: Iterable[str]) -> list[str]:
        """The steps this response put in their right place."""
        given = set(response)
        return [step for n, step in enumerate(correct, start=1) if placed(step, n) in given]

    def blind_chance(self, option_count: int) -> float:
        """One order of n! is right."""
        return 1 / math.factorial(option_count) if option_count else 0.0
