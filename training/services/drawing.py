"""Drawing an attempt's questions from a bank: by the bank's blueprint, or at random from the whole bank.

Pure (no database), so the app and the guessing benchmark draw exactly the same way.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def draw(
    bank: Sequence[T],
    count: int,
    blueprint: Sequence[Sequence[Any]] | None,
    module_of: Callable[[T], str],
    rng: random.Random,
) -> list[T]:
    """The questions of one attempt.

    With a blueprint ([(module, n), …]) each module gives n questions drawn at random from its own,
    in the blueprint's order (the course's); without one, ``count`` questions from the whole bank.
    """
    if not blueprint:
        return rng.sample(list(bank), min(count, len(bank)))
    chosen: list[T] = []
    for module, wanted in blueprint:
        pool = [question for question in bank if module_of(question) == module]
        chosen.extend(rng.sample(pool, min(int(wanted), len(pool))))
    return chosen
