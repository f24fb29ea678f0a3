"""The interface's catalogs: every message marked in the code is in every language's catalog,
translated, not fuzzy, and with the same placeholders as its source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from tests.helpers import TRANSLATIONS
from training.web.i18n import LANGUAGES, SOURCE_LANGUAGE

TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


def _catalog(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=code)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory, project_root: Path) -> set[str]:
    """The messages the code marks today, extracted as `make messages` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(project_root / "babel.cfg"), "-k", "lazy_gettext", "-k", "_l",
         "-k", "N_", "--no-location", "-o", str(pot), str(project_root)]
    )  # fmt: skip
    with pot.open("rb") as f:
        return {_ids(m)[0] for m in read_po(f) if m.id}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_message_is_in_the_catalog(code: str, extracted: set[str]) -> None:
    in_catalog = {_ids(m)[0] for m in _catalog(code) if m.id}
    missing = sorted(extracted - in_catalog)
    assert not missing, f"{code}: {len(missing)} messages not in the catalog (run `make messages`): {missing[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_not_fuzzy(code: str) -> None:
    problems = []
    for message in _catalog(code):
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {_ids(message)[0]!r}")
        elif not all(_strings(message)):
            problems.append(f"untranslated: {_ids(message)[0]!r}")
    assert not problems, f"{code}: {len(problems)} problems, first: {problems[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_match_the_source(code: str) -> None:
    problems = []
    for message in _catalog(code):
        if not message.id or not all(_strings(message)):
            continue
        wanted = _placeholders(_ids(message)[-1])
        for translated in _strings(message):
            found = _placeholders(translated)
            # A plural form may leave the count out ("one" in Arabic says it in words); nothing may be added.
            differs = not set(found) <= set(wanted) if message.pluralizable else found != wanted
            if differs:
                problems.append(f"{_ids(message)[0]!r}: {translated!r}")
    assert not problems, f"{code}: placeholders differ from the source in {problems[:5]}"
