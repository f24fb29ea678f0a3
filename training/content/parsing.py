"""Parsing YAML and Markdown front matter while keeping the line of every key and list item."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError


class LineMap(dict):
    """A YAML mapping that remembers its own line, each key's line and any key written twice."""

    line: int
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LineList(list):
    """A YAML sequence that remembers its own line and each item's line."""

    line: int
    item_lines: list[int]


class ParseError(Exception):
    """A file that cannot be parsed; ``line`` is 1-based where known."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


class _Loader(yaml.SafeLoader):
    """The safe loader, building LineMap and LineList with lines counted from ``first_line``."""

    def __init__(self, stream: str, first_line: int):
        super().__init__(stream)
        self.first_line = first_line
        self.last_token: yaml.Token | None = None

    def get_token(self) -> yaml.Token:
        self.last_token = super().get_token()  # the token before an error, to find where it began
        return self.last_token

    def line_of(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.first_line


def _error_line(error: yaml.MarkedYAMLError, last_token: yaml.Token | None) -> tuple[int | None, str]:
    """The 0-based line to report a YAML error on, and what to say instead of PyYAML's words, if anything.

    PyYAML marks where it noticed the problem, which can be lines after its cause: the end of the file
    for a quote never closed, the line after a line that is not 'key: value'. Text that was opened and
    not closed (a quote, a bracket, a key) is reported where it starts.
    """
    problem, context = error.problem_mark, error.context_mark
    if (
        problem is not None
        and isinstance(last_token, yaml.ScalarToken)
        and last_token.style in ("'", '"')
        and last_token.start_mark.line < last_token.end_mark.line == problem.line
    ):
        # A quote left open runs on to the next quote character, lines later; the error shows there.
        return last_token.start_mark.line, (
            "the quoted text that starts on this line runs on to line {end}: is its closing quote missing?"
        )
    opened = error.context or ""
    if context is not None and (opened.startswith("while scanning") or opened.startswith("while parsing a flow")):
        return context.line, ""
    mark = problem or context
    return (mark.line if mark else None), ""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[LineMap]:
    loader.flatten_mapping(node)
    data = LineMap()
    data.line, data.key_lines, data.duplicates = loader.line_of(node), {}, []
    yield data
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
            ) from None
        if key in data:
            data.duplicates.append((key, loader.line_of(key_node)))
        else:
            data.key_lines[key] = loader.line_of(key_node)
        data[key] = loader.construct_object(value_node, deep=True)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.line, data.item_lines = loader.line_of(node), []
    yield data
    for item in node.value:
        data.item_lines.append(loader.line_of(item))
        data.append(loader.construct_object(item, deep=True))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse one YAML document (safely); ``first_line`` is the file line the text starts on."""
    loader = None
    try:
        loader = _Loader(text, first_line)  # the reader refuses control characters here already
        return loader.get_single_data()
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + first_line
        raise ParseError(
            f"not valid YAML: the character {error.character!r} is not allowed (position {error.position}); "
            "remove it or save the file as plain UTF-8 text",
            line,
        ) from None
    except yaml.MarkedYAMLError as error:
        found, note = _error_line(error, loader.last_token if loader else None)
        detail = error.problem or "cannot be read"
        if error.context:
            detail = f"{detail} ({error.context})"
        if note and error.problem_mark is not None:
            detail = note.format(end=error.problem_mark.line + first_line)
        raise ParseError(
            f"not valid YAML: {detail}. Check the indentation, and quote text that contains ': ' or starts "
            "with a special character",
            None if found is None else found + first_line,
        ) from None
    except yaml.YAMLError as error:
        raise ParseError(f"not valid YAML: {error}", None) from None
    finally:
        if loader is not None:
            loader.dispose()


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown file split into its YAML front matter and its body."""

    yaml: str
    yaml_line: int  # the file line the YAML starts on
    body: str
    body_line: int  # the file line the body starts on


def split_front_matter(text: str) -> FrontMatter:
    """Split ``---`` front matter from the Markdown after it; raises ParseError when there is none."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise ParseError(
            "a module file must start with YAML front matter: a line '---', the fields, then another '---' "
            "line, then the module text (see modules/README.md)",
            1,
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return FrontMatter("".join(lines[1:index]), 2, "".join(lines[index + 1 :]), index + 2)
    raise ParseError("the front matter that starts on line 1 is never closed: add a line '---' after it", 1)
