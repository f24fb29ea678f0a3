"""The README says what the app has: its command table matches `flask --app app --help`, and its layout
tree matches the repository's folders and files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# A path as the tree's first column writes it: a folder (ending in /), or a name with a / or an extension.
PATHLIKE = re.compile(r"^\.?[\w.-]+(?:/[\w.-]+)*/?$")
PY_FILE = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.py)\b")


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _flask_commands(runner) -> set[str]:
    result = runner.invoke(args=["--help"])
    assert result.exit_code == 0, result.output
    return {line.split()[0] for line in result.output.split("Commands:", 1)[1].splitlines() if line.strip()}


def _readme_commands() -> set[str]:
    table = _section("Other commands")
    return set(re.findall(r"^\| `flask --app app ([a-z][a-z-]*)", table, re.MULTILINE))


def test_every_command_in_the_readme_exists(runner):
    assert _readme_commands() - _flask_commands(runner) == set()


def test_every_command_is_in_the_readme(runner):
    assert _flask_commands(runner) - _readme_commands() == set()


def test_the_table_was_read():
    assert {"db", "load-content", "check-config", "backup", "restore"} <= _readme_commands()


# --- the layout tree -------------------------------------------------------------------------------------


def _tree() -> list[tuple[Path, list[str]]]:
    """Each entry of the tree: its path in the repository and its description (continuation lines included)."""
    built = _section("How it is built")
    block = built.split("```\n", 2)[1]
    entries: list[tuple[Path, list[str]]] = []
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if indent > 2:  # a description going on from the line above
            entries[-1][1].append(line.strip())
            continue
        base = ROOT / "training" if indent == 2 else ROOT
        words = line.split()
        paths = []
        while words and PATHLIKE.match(words[0]) and ("/" in words[0] or "." in words[0]):
            paths.append(words.pop(0))
        assert paths, f"a tree line without a path: {line!r}"
        for path in paths:
            entries.append((base / path, [" ".join(words)]))
    return entries


def test_the_tree_was_read():
    paths = {path.relative_to(ROOT).as_posix() for path, _ in _tree()}
    assert {"app.py", "training", "training/config.py", "training/web", "modules", "quizzes", "tests"} <= paths


def test_every_path_in_the_tree_exists():
    missing = [str(path.relative_to(ROOT)) for path, _ in _tree() if not path.exists()]
    assert missing == []


def test_every_file_a_description_names_exists():
    """`views.py`, `services/audit.py`, `conftest.py`…: in the entry's folder, in training/ or at the top."""
    missing = []
    for path, description in _tree():
        for name in PY_FILE.findall(" ".join(description)):
            places = [path / name, ROOT / "training" / name, ROOT / name]
            if not any(place.exists() for place in places):
                missing.append(f"{name} (under {path.relative_to(ROOT)})")
    assert missing == []


@pytest.mark.parametrize("top", ["training", ROOT.name])
def test_every_folder_appears_in_the_tree(top):
    """Every folder directly under training/, and every folder of the project (hidden ones aside)."""
    folder = ROOT / "training" if top == "training" else ROOT
    listed = {path for path, _ in _tree()}
    ignored = {"__pycache__", "instance", "node_modules", "build"}
    folders = [
        child
        for child in folder.iterdir()
        if child.is_dir() and child.name not in ignored and not child.name.startswith(".")
    ]
    unlisted = [
        str(child.relative_to(ROOT))
        for child in folders
        if child not in listed and not any(path.is_relative_to(child) for path in listed)
    ]
    assert unlisted == []


def test_every_command_module_is_named():
    """The tree names the areas of training/commands/, one module each."""
    description = next(" ".join(d) for path, d in _tree() if path == ROOT / "training" / "commands")
    modules = {p.stem for p in (ROOT / "training" / "commands").glob("*.py")} - {"__init__", "base"}
    named = set(re.findall(r"[a-z]+", description.split("(", 1)[1]))
    assert modules - named == set()
