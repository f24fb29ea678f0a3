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
    scenario: {scenario}
    prompt: PROMPT-{qid} what do you do?
    options:
      - {{id: a, text: KEYED-{qid} act one}}
      - {{id: b, text: WRONG-{qid} act two}}
      - {{id: c, text: WRONG-{qid} act six}}
    correct: [a]
    explanation: EXPLANATION-{qid} observing and reporting is safe.
    sources: [S1]
"""

# Stems different enough from each other for the item-writing lint (no two alike).
SCENARIOS = (
    "At the gate you notice a man holding three passports for a group of quiet workers.",
    "During boarding a girl of about twelve travels with a woman who is not on her booking.",
    "In the cabin a passenger slips a folded napkin with writing on it to a crew member.",
    "On the ramp a cleaner sees blankets and food hidden in the hold of a parked aircraft.",
    "A catering driver is asked by an acquaintance to carry an envelope airside for cash.",
    "At check-in a recruiter pays for six tickets in cash and keeps every boarding pass.",
    "Screening staff find a bag with several identity cards in different names inside.",
    "A lounge attendant hears a teenager say he does not know the city he is flying to.",
    "On arrival a family group is met by a driver holding a sign with no names on it.",
    "A passenger tells cabin crew another traveller seems scared of her older companion.",
    "Security staff see a worker escorted to every door by a supervisor who holds his phone.",
    "An agent notices a couple whose stories about the trip do not match at the counter.",
)


def bank(
    per_module: dict[str, int],
    per_attempt: int,
    blueprint: dict[str, int] | None = None,
    pass_mark: int = 100,
    show_answers: str | None = None,
) -> str:
    """A bank of single-choice scenario questions: ``per_module[m]`` on module m (ids m-1, m-2, …).

    The keyed option is always 'a' with text KEYED-<id>; wrong ones read WRONG-<id>; all options have the
    same length. With a blueprint and at most 12 questions the bank passes the item-writing lint.
    """
    extra = ""
    if blueprint is not None:
        extra += "blueprint:\n" + "".join(f"  {module}: {count}\n" for module, count in blueprint.items())
    if show_answers is not None:
        extra += f"show_answers: {show_answers}\n"
    text = HEAD.format(pass_mark=pass_mark, per_attempt=per_attempt, extra=extra)
    number = 0
    for module, count in per_module.items():
        for n in range(1, count + 1):
            scenario = SCENARIOS[number % len(SCENARIOS)]
            text += SINGLE.format(qid=f"{module}-{n}", module=module, scenario=scenario)
            number += 1
    return text


# An ordering question ("put the steps of the reporting chain in order") added to the content fixture's bank,
# which then draws all five questions: the four of content_fixture.QUIZ and this one.
ORDERING = """\
  - id: t-order
    type: ordering
    module: m-two
    scenario: ORDER-SCENARIO a passenger in row 14 passes you a note asking for help.
    prompt: ORDER-PROMPT put the steps of the reporting chain in order.
    steps:
      - {id: tell, text: Tell the senior cabin crew member discreetly}
      - {id: note, text: Note what you saw and heard}
      - {id: captain, text: The pilot-in-command alerts the authorities}
    correct: [note, tell, captain]
    explanation: ORDER-EXPLANATION note it, tell the senior, the captain reports ahead.
    sources: [S1]
"""
ORDER_RIGHT = ["note@1", "tell@2", "captain@3"]  # the response that is right, as the page's selects send it


def with_ordering(quiz: str) -> str:
    """content_fixture.QUIZ (or a variant of it) with the ordering question, every question drawn."""
    return quiz.replace("questions_per_attempt: 4", "questions_per_attempt: 5") + ORDERING
