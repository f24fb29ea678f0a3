"""Multiple choice: one or more keyed options, shown as checkboxes; right only when exactly those are ticked."""

from __future__ import annotations

from training.content.question_types.base import N_
from training.content.question_types.single import SingleChoice


class MultipleChoice(SingleChoice):
    name = "multiple"
    label = "a multiple-choice question"
    partial = "learn/question_types/_multiple.html"
    instruction = N_("Choose all that apply.")
    exactly_one = False

    def blind_chance(self, option_count: int) -> float:
        """Each option ticked or not with a coin: one pattern of 2^n is right."""
        return 0.5**option_count
