"""Question banks for the quiz-engine tests, written around the small test course of content_fixture."""

from __future__ import annotations

HEAD = """\
spec: 1
slug: test-course
title: Test quiz
pass_mark: {pass_mark}
questions_per_attempt: {per_attempt}
time_limit_minutes: 10
attempts_per_24h: 50
cooldown_minutes: 0
sources:
  S1: Source one
{extra}questions:
"""

SINGLE = """\
  - id: {qid}
    type: single
    module: {module}
    scenario: SCENARIO-{qid} at the gate you notice something.
    prompt: PROMPT-{qid} what do you do?
    options:
      - {{id: a, text: KEYED-{qid} observe and report}}
      - {{id: b, text: WRONG-{qid} confront them now}}
      - {{id: c, text: WRONG-{qid} ignore it all}}
    correct: [a]
    explanation: EXPLANATION-{qid} observing and reporting is safe.
    sources: [S1]
"""


def bank(
    per_module: dict[str, int],
    per_attempt: int,
    blueprint: dict[str, int] | None = None,
    pass_mark: int = 100,
    show_answers: str | None = None,
) -> str:
    """A bank of single-choice questions: ``per_module[m]`` questions on module m (ids m-1, m-2, …).

    The keyed option is always 'a' with text KEYED-<id>; wrong ones read WRONG-<id>.
    """
    extra = ""
    if blueprint is not None:
        extra += "blueprint:\n" + "".join(f"  {module}: {count}\n" for module, count in blueprint.items())
    if show_answers is not None:
        extra += f"show_answers: {show_answers}\n"
    text = HEAD.format(pass_mark=pass_mark, per_attempt=per_attempt, extra=extra)
    for module, count in per_module.items():
        for n in range(1, count + 1):
            text += SINGLE.format(qid=f"{module}-{n}", module=module)
    return text
