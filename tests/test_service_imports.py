"""Services hold the rules and know nothing of the web: no Flask, no request plumbing.

Every module in ``training/services/`` is parsed and each module it imports (at the top or inside a
function) is checked against the web side.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parent.parent / "training" / "services"

FORBIDDEN = (
    "flask",
    "flask_login",
    "werkzeug.local",
    "training.web",
    "training.views",
    "training.forms",
    "training.person_actions",
    "training.request_actor",
)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it, by its full dotted name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _is_forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


@pytest.mark.parametrize("path", sorted(SERVICES.glob("*.py")), ids=lambda p: p.stem)
def test_service_imports_nothing_from_the_web(path: Path) -> None:
    forbidden = sorted(m for m in imported_modules(path) if _is_forbidden(m))
    assert not forbidden, f"{path.name} imports {forbidden}"


def test_the_walk_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from flask_login import current_user\n    import training.views\n")
    assert {"flask_login", "training.views"} <= imported_modules(module)
    assert all(_is_forbidden(m) for m in ("flask_login.current_user", "training.views", "training.web.views"))
    assert not _is_forbidden("flasky")
