"""The item-writing lint: rules that keep a question bank from being passed on test-taking cues.

It runs on content that has already been read without problems (``read_content``), as part of
``load-content --check``, and gives every finding with its file and line, plus a few figures per bank
(what share of single-choice questions key the longest option, and so on) for the people who write them.
The rules and their limits are described in quizzes/README.md.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from training.content.question_types import TYPES
from training.content.spec import ContentBundle, ModuleSpec, Problem, QuestionSpec, QuizSpec

MIN_SINGLE_OPTIONS = 3
MIN_MULTIPLE_OPTIONS = 4
LENGTH_BAND = 0.35  # an option may differ from its question's median option length by 35 % ...
LENGTH_SLACK = 15  # ... or by 15 characters, whichever is more
MAX_KEYED_EXTREME = 0.30  # share of single-choice questions keying the strictly longest (or shortest) option
MAX_TRUE_FALSE = 0.20
KEYED_TRUE = (0.35, 0.65)
MIN_SCENARIOS = 0.60
SIMILAR = 0.75

CUE_WORDS = (
    *("always", "never", "only", "all", "none", "every", "everyone", "everything", "nobody", "must"),
    *("proof", "prove", "proves", "guarantee", "guaranteed", "certainly", "definitely", "completely"),
    *("entirely", "absolutely", "impossible", "automatically", "sole", "solely"),
)
_CUE = re.compile(r"\b(" + "|".join(CUE_WORDS) + r")\b", re.IGNORECASE)
_ABOVE = re.compile(
    r"\b(all|none|both|neither|any|each|either) (of )?the (above|below|options|answers|previous)\b"
    r"|\b(all|none) of these\b",
    re.IGNORECASE,
)
# The attempt page adds "Choose all that apply." to every multiple-choice question itself.
_ALL_THAT_APPLY = re.compile(r"\b(?:(?:select|choose|tick|mark|check|pick)\s+)?all\s+that\s+apply\b\.?", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class BankFigures:
    """The lint's figures for one bank, in percent (rounded) where they are shares."""

    slug: str
    path: str
    questions: int
    single: int
    keyed_longest: int  # % of single-choice questions whose keyed option is strictly the longest
    keyed_shortest: int  # % ... strictly the shortest
    true_false: int  # % of the bank
    keyed_true: int | None  # % of the true/false questions keyed true; None without any
    scenarios: int  # % of the bank with a scenario
    worst_similarity: int  # % the most alike pair of stems in the bank
    worst_pair: tuple[str, ...]  # the ids of that pair
    problems: int = 0

    def line(self) -> str:
        """One line for the console."""
        keyed_true = "-" if self.keyed_true is None else f"{self.keyed_true}%"
        pair = " / ".join(self.worst_pair) if self.worst_pair else "-"
        return (
            f"{self.slug}: {self.questions} questions ({self.single} single-choice); keyed longest "
            f"{self.keyed_longest}%, keyed shortest {self.keyed_shortest}%; true/false {self.true_false}% "
            f"(keyed true {keyed_true}); scenarios {self.scenarios}%; most similar stems {self.worst_similarity}% "
            f"({pair}); {self.problems} lint problem(s)"
        )


def lint(bundle: ContentBundle) -> tuple[list[Problem], list[BankFigures]]:
    """Every lint problem of the bundle (sorted by file and line) and the figures of each bank."""
    banks = _banks(bundle)
    problems: list[Problem] = []
    for bank in banks:
        problems.extend(_bank_problems(bank))
    problems.extend(_shared_stem_problems(_renewal_pairs(bundle)))
    problems.extend(_check_problems(_modules(bundle), banks))
    figures = [_figures(bank, sum(1 for p in problems if p.path == bank.path)) for bank in banks]
    return sorted(problems, key=lambda p: (p.path, p.line or 0)), figures


def _banks(bundle: ContentBundle) -> list[QuizSpec]:
    """Each bank once, though several courses may use it."""
    seen: dict[str, QuizSpec] = {}
    for course in bundle.courses:
        seen.setdefault(course.quiz.slug, course.quiz)
    return [seen[slug] for slug in sorted(seen)]


def _renewal_pairs(bundle: ContentBundle) -> list[tuple[QuizSpec, QuizSpec]]:
    """(refresher's bank, renewed course's bank) for each course that renews another: a refresher asks
    its own questions, not copies of the core course's."""
    pairs = []
    for course in bundle.courses:
        renewed = bundle.course(course.renews) if course.renews else None
        if renewed is not None and renewed.quiz.slug != course.quiz.slug:
            pairs.append((course.quiz, renewed.quiz))
    return pairs


def _modules(bundle: ContentBundle) -> list[ModuleSpec]:
    seen: dict[str, ModuleSpec] = {}
    for course in bundle.courses:
        for module in course.modules:
            seen.setdefault(module.path, module)
    return list(seen.values())


# --- measures ---------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower-cased, punctuation removed, whitespace collapsed."""
    return _SPACE.sub(" ", _PUNCTUATION.sub("", text.lower())).strip()


def stem(question: QuestionSpec) -> str:
    return normalise(f"{question.scenario} {question.prompt}")


def similarity(a: str, b: str) -> float:
    """difflib's ratio, skipping the full comparison when its cheap upper bounds are already below SIMILAR."""
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return min(matcher.quick_ratio(), SIMILAR - 0.01)
    return matcher.ratio()


def keyed_extreme(question: QuestionSpec) -> str:
    """'longest' or 'shortest' when the keyed option of a single-choice question is strictly so, else ''."""
    if question.type != "single" or len(question.options) < 2 or not question.correct:
        return ""
    lengths = {o.id: len(o.text) for o in question.options}
    keyed = lengths[question.correct[0]]
    others = [n for oid, n in lengths.items() if oid != question.correct[0]]
    if keyed > max(others):
        return "longest"
    if keyed < min(others):
        return "shortest"
    return ""


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _percent(share: float) -> int:
    return round(share * 100)


# --- one bank -------------------------------------------------------------------------------------


def _bank_problems(bank: QuizSpec) -> Iterator[Problem]:
    path = bank.path
    if not bank.blueprint:
        yield Problem(
            path,
            "blueprint",
            "a graded bank needs a blueprint (questions drawn per module) so that every attempt covers every module.",
            None,
        )
    for index, question in enumerate(bank.questions):
        yield from _question_problems(path, f"questions[{index}]", question)
    yield from _extreme_problems(bank)
    yield from _true_false_problems(bank)
    scenarios = _share(sum(1 for q in bank.questions if q.scenario), len(bank.questions))
    if bank.questions and scenarios < MIN_SCENARIOS:
        yield Problem(
            path,
            "questions",
            f"only {_percent(scenarios)}% of the questions have a scenario; write at least "
            f"{_percent(MIN_SCENARIOS)}% as a short job situation ('At the gate you notice…').",
            _first_line(bank),
        )
    yield from _duplicate_stems(path, list(enumerate(bank.questions)), list(enumerate(bank.questions)), same=True)


def _question_problems(path: str, field: str, question: QuestionSpec) -> Iterator[Problem]:
    if question.type == "single" and len(question.options) < MIN_SINGLE_OPTIONS:
        yield Problem(
            path,
            f"{field}.options",
            f"a single-choice question needs at least {MIN_SINGLE_OPTIONS} options (write 4), "
            f"found {len(question.options)}.",
            question.line,
        )
    if question.type == "multiple" and len(question.options) < MIN_MULTIPLE_OPTIONS:
        yield Problem(
            path,
            f"{field}.options",
            f"a multiple-choice question needs at least {MIN_MULTIPLE_OPTIONS} options, found {len(question.options)}.",
            question.line,
        )
    if TYPES[question.type].lint_options and question.options:
        median = statistics.median(len(o.text) for o in question.options)
        for index, option in enumerate(question.options):
            off = abs(len(option.text) - median)
            if off > LENGTH_BAND * median and off > LENGTH_SLACK:
                yield Problem(
                    path,
                    f"{field}.options[{index}]",
                    f"option '{option.id}' is {len(option.text)} characters long against a median of {median:g} "
                    f"for this question; keep every option within {_percent(LENGTH_BAND)}% "
                    f"(or {LENGTH_SLACK} characters) of the median, so length gives nothing away.",
                    option.line or question.line,
                )
        for index, option in enumerate(question.options):
            match = _ABOVE.search(option.text)
            if match:
                yield Problem(
                    path,
                    f"{field}.options[{index}]",
                    f"option '{option.id}' says '{match.group(0)}'; write every option as an answer of its own.",
                    option.line or question.line,
                )
    said = _ALL_THAT_APPLY.search(f"{question.scenario} {question.prompt}")
    if said:
        why = (
            "the page adds 'Choose all that apply.' to every multiple-choice question itself"
            if question.type == "multiple"
            else "only a multiple-choice question has more than one right answer"
        )
        yield Problem(
            path,
            f"{field}.prompt",
            f"the question says '{said.group(0)}'; {why}: leave the phrase out.",
            question.line,
        )
    if question.type == "true_false":
        words = sorted({m.group(1).lower() for m in _CUE.finditer(f"{question.scenario} {question.prompt}")})
        if words:
            yield Problem(
                path,
                field,
                f"true/false statement with the cue word(s) {', '.join(words)}, which give the answer away; "
                "reword it without absolutes.",
                question.line,
            )


def _first_line(bank: QuizSpec) -> int | None:
    return bank.questions[0].line if bank.questions else None


def _extreme_problems(bank: QuizSpec) -> Iterator[Problem]:
    singles = [q for q in bank.questions if q.type == "single"]
    for which in ("longest", "shortest"):
        cued = [q.id for q in singles if keyed_extreme(q) == which]
        share = _share(len(cued), len(singles))
        if share > MAX_KEYED_EXTREME:
            yield Problem(
                bank.path,
                "questions",
                f"{len(cued)} of {len(singles)} single-choice questions ({_percent(share)}%) key the strictly "
                f"{which} option; at most {_percent(MAX_KEYED_EXTREME)}% may. Vary which option is {which}: "
                f"{', '.join(cued)}.",
                _first_line(bank),
            )


def _true_false_problems(bank: QuizSpec) -> Iterator[Problem]:
    statements = [q for q in bank.questions if q.type == "true_false"]
    if not statements:
        return
    share = _share(len(statements), len(bank.questions))
    if share > MAX_TRUE_FALSE:
        yield Problem(
            bank.path,
            "questions",
            f"{len(statements)} of {len(bank.questions)} questions ({_percent(share)}%) are true/false; "
            f"at most {_percent(MAX_TRUE_FALSE)}% may be.",
            _first_line(bank),
        )
    keyed_true = _share(sum(1 for q in statements if q.correct == ("true",)), len(statements))
    low, high = KEYED_TRUE
    if not low <= keyed_true <= high:
        yield Problem(
            bank.path,
            "questions",
            f"{_percent(keyed_true)}% of the true/false questions are keyed true; keep it between "
            f"{_percent(low)}% and {_percent(high)}% so that always answering one way does not pay.",
            _first_line(bank),
        )


def _duplicate_stems(
    path: str,
    questions: list[tuple[int, QuestionSpec]],
    others: list[tuple[int, QuestionSpec]],
    same: bool,
    other_path: str = "",
) -> Iterator[Problem]:
    """Each question of ``questions`` whose stem is near one of ``others`` (earlier ones only when ``same``)."""
    stems = [(index, q, stem(q)) for index, q in others]
    for index, question in questions:
        mine = stem(question)
        for other_index, other, theirs in stems:
            if same and other_index >= index:
                break
            ratio = similarity(mine, theirs)
            if ratio >= SIMILAR:
                where = f"{other_path} " if other_path else ""
                yield Problem(
                    path,
                    f"questions[{index}]",
                    f"the stem of '{question.id}' is {_percent(ratio)}% like that of '{other.id}' "
                    f"({where}line {other.line}); ask something different, not the same question twice.",
                    question.line,
                )


def _shared_stem_problems(pairs: list[tuple[QuizSpec, QuizSpec]]) -> Iterator[Problem]:
    for bank, other in pairs:
        yield from _duplicate_stems(
            bank.path,
            list(enumerate(bank.questions)),
            list(enumerate(other.questions)),
            same=False,
            other_path=other.path,
        )


def _check_problems(modules: Iterable[ModuleSpec], banks: list[QuizSpec]) -> Iterator[Problem]:
    """A module's check-yourself question must not come back in a graded bank."""
    questions = [(bank, q) for bank in banks for q in bank.questions]
    for module in modules:
        check = module.check
        prompt = normalise(check.prompt)
        with_options = normalise(" ".join([check.prompt, *(o.text for o in check.options)]))
        for bank, question in questions:
            mine = stem(question)
            ratio = max(
                similarity(prompt, mine),
                similarity(with_options, normalise(" ".join([mine, *(o.text for o in question.options)]))),
            )
            if ratio >= SIMILAR:
                yield Problem(
                    module.path,
                    "check",
                    f"this module's check-yourself question is {_percent(ratio)}% like '{question.id}' in "
                    f"{bank.path} (line {question.line}); a graded bank must not reuse it.",
                    check.line,
                )


# --- figures --------------------------------------------------------------------------------------


def _figures(bank: QuizSpec, problems: int) -> BankFigures:
    """The bank's figures; ``problems`` is how many lint problems name its file."""
    singles = [q for q in bank.questions if q.type == "single"]
    statements = [q for q in bank.questions if q.type == "true_false"]
    worst, pair = 0.0, ("", "")
    stems = [(q.id, stem(q)) for q in bank.questions]
    for index, (qid, mine) in enumerate(stems):
        for other_id, theirs in stems[:index]:
            matcher = SequenceMatcher(None, mine, theirs)
            if matcher.real_quick_ratio() > worst and matcher.quick_ratio() > worst:
                ratio = matcher.ratio()
                if ratio > worst:
                    worst, pair = ratio, (other_id, qid)
    total = len(bank.questions)
    return BankFigures(
        slug=bank.slug,
        path=bank.path,
        questions=total,
        single=len(singles),
        keyed_longest=_percent(_share(sum(1 for q in singles if keyed_extreme(q) == "longest"), len(singles))),
        keyed_shortest=_percent(_share(sum(1 for q in singles if keyed_extreme(q) == "shortest"), len(singles))),
        true_false=_percent(_share(len(statements), total)),
        keyed_true=(
            _percent(_share(sum(1 for q in statements if q.correct == ("true",)), len(statements)))
            if statements
            else None
        ),
        scenarios=_percent(_share(sum(1 for q in bank.questions if q.scenario), total)),
        worst_similarity=_percent(worst),
        worst_pair=pair if worst else (),
        problems=problems,
    )
