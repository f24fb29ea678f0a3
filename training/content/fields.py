"""Reading the fields of one YAML mapping, reporting every problem with its dotted path and line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from training.content.parsing import LineList, LineMap
from training.content.spec import Problem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RULE = "use lower-case letters, digits and single hyphens, e.g. 'what-is-trafficking'"


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word``, if any is close."""
    matches = difflib.get_close_matches(word, [c for c in choices if isinstance(c, str)], n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ " Did you mean 'x'?" when a choice is close to ``word``, else ""."""
    match = closest(word, choices)
    return f" Did you mean '{match}'?" if match else ""


def describe(value: Any) -> str:
    """A value as an author would recognise it in their file."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) <= 40 else f"the text '{value[:37]}...'"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, float):
        return f"the decimal number {value}"
    return str(value)


def join_path(prefix: str, name: str | int) -> str:
    """``prefix.name`` or ``prefix[name]``; just ``name`` at the top level."""
    if isinstance(name, int):
        return f"{prefix}[{name}]"
    return f"{prefix}.{name}" if prefix else name


class Report:
    """Collects the problems of one file."""

    def __init__(self, problems: list[Problem], path: str):
        self.problems = problems
        self.path = path
        self.count = 0

    def add(self, field: str, message: str, line: int | None) -> None:
        self.problems.append(Problem(self.path, field, message, line))
        self.count += 1


class Reader:
    """The fields of one mapping. Checks its keys at once; each reader method reports what is wrong.

    Readers return a typed fallback ("", 0, (), None) after reporting a problem: a bundle is only
    built when no problem at all was reported, so fallbacks never escape.
    """

    def __init__(
        self,
        report: Report,
        data: LineMap,
        prefix: str,
        known: Iterable[str],
        refused: dict[str, str] | None = None,
    ):
        self.report = report
        self.data = data
        self.prefix = prefix
        known = tuple(known)
        for key, line in data.duplicates:
            self.report.add(
                join_path(prefix, str(key)),
                f"'{key}' is written twice here; only the last one would count. Keep one.",
                line,
            )
        for key in data:
            if not isinstance(key, str):
                self.report.add(prefix, f"key {describe(key)} must be a field name (text).", self.line(key))
            elif refused and key in refused:
                self.report.add(self.path(key), refused[key], self.line(key))
            elif key not in known:
                hint = did_you_mean(key, known) or f" Known keys here: {', '.join(known)}."
                self.report.add(self.path(key), f"unknown key '{key}'.{hint}", self.line(key))

    def path(self, key: str) -> str:
        return join_path(self.prefix, key)

    def line(self, key: Any) -> int:
        return self.data.key_lines.get(key, self.data.line)

    def problem(self, key: str, message: str, line: int | None = None) -> None:
        self.report.add(self.path(key), message, line if line is not None else self.line(key))

    def present(self, key: str, required: bool = True) -> bool:
        """Whether ``key`` has a value; reports a missing or empty required field."""
        if key in self.data and self.data[key] is not None:
            return True
        if required:
            if key in self.data:
                self.problem(key, f"'{key}' is empty; give it a value.")
            else:
                where = f" in {self.prefix}" if self.prefix else ""
                self.report.add(self.path(key), f"missing required field '{key}'{where}; add it.", self.data.line)
        return False

    # --- scalars ---------------------------------------------------------------------------

    def text(self, key: str, required: bool = True) -> str:
        """Non-empty text (stripped); "" when absent or wrong."""
        if not self.present(key, required):
            return ""
        value = self.data[key]
        if not isinstance(value, str):
            self.problem(key, f"must be text, found {describe(value)}. Put it in quotes if it is meant as text.")
            return ""
        if not value.strip():
            self.problem(key, f"'{key}' is empty; give it a value.")
            return ""
        return value.strip()

    def slug(self, key: str, expected: str | None = None, what: str = "") -> str:
        """A slug; when ``expected`` is given it must equal it (the folder or file name)."""
        value = self.text(key)
        if not value:
            return ""
        if not SLUG.match(value):
            self.problem(key, f"'{value}' is not a valid slug: {SLUG_RULE}.")
        elif expected is not None and value != expected:
            self.problem(key, f"'{value}' must equal the {what} name '{expected}'; make them the same.")
        return value

    def integer(self, key: str, minimum: int, maximum: int | None = None) -> int:
        """A whole number within bounds; 0 when absent or wrong."""
        if not self.present(key):
            return 0
        value = self.data[key]
        if maximum is not None:
            rule = f"a whole number from {minimum} to {maximum}"
        else:
            rule = f"a whole number of {minimum} or more" if minimum <= 0 else f"a whole number of at least {minimum}"
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"must be {rule}, found {describe(value)}.")
            return 0
        if value < minimum or (maximum is not None and value > maximum):
            self.problem(key, f"must be {rule}, found {value}.")
            return 0
        return value

    # --- containers ------------------------------------------------------------------------

    def mapping(self, key: str, required: bool = True) -> LineMap | None:
        if not self.present(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, LineMap):
            self.problem(key, f"must be a mapping (indented 'key: value' lines), found {describe(value)}.")
            return None
        return value

    def sequence(self, key: str, required: bool = True, allow_empty: bool = False) -> LineList | None:
        if not self.present(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, LineList):
            self.problem(key, f"must be a list (lines starting with '- '), found {describe(value)}.")
            return None
        if not value and not allow_empty:
            self.problem(key, f"'{key}' is an empty list; add at least one item.")
            return None
        return value

    def text_list(self, key: str, allow_empty: bool = False) -> list[tuple[int, str, int]]:
        """A list of non-empty texts as (index, text, line); items that are wrong are reported and left out."""
        items = self.sequence(key, allow_empty=allow_empty)
        if items is None:
            return []
        result = []
        for index, (item, line) in enumerate(zip(items, items.item_lines, strict=True)):
            if not isinstance(item, str) or not item.strip():
                self.report.add(
                    join_path(self.path(key), index), f"must be non-empty text, found {describe(item)}.", line
                )
            else:
                result.append((index, item.strip(), line))
        return result

    def items(self, key: str, required: bool = True) -> list[tuple[str, LineMap, int]]:
        """The mapping items of a list, each with its dotted path and line; other items are reported."""
        items = self.sequence(key, required=required)
        if items is None:
            return []
        result = []
        for index, (item, line) in enumerate(zip(items, items.item_lines, strict=True)):
            path = join_path(self.path(key), index)
            if isinstance(item, LineMap):
                result.append((path, item, line))
            else:
                self.report.add(path, f"must be a mapping of fields (e.g. 'id: a'), found {describe(item)}.", line)
        return result


ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def read_item_id(reader: Reader, kind: str, seen: dict[str, int]) -> str:
    """Read an option's or a step's ``id``: short, and unique in its question (``seen``: ids read so far -> line)."""
    item_id = reader.text("id")
    if item_id and not ITEM_ID.match(item_id):
        reader.problem("id", f"{kind} id '{item_id}' must be short, lower-case letters, digits, '-' or '_', e.g. 'a'.")
    if item_id in seen:
        reader.problem(
            "id",
            f"{kind} id '{item_id}' is used twice in this question (first on line {seen[item_id]}); "
            f"give each {kind} its own id.",
        )
    elif item_id:
        seen[item_id] = reader.line("id")
    return item_id
