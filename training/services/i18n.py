"""Translatable text for services, without Flask.

Services mark what people read with ``gettext`` (or ``lazy_gettext`` for module-level constants) and
``ngettext``; the words come out in the language of whoever is being served. The web layer tells this
module which language that is (``use_language_of``: the request's, see training/web/i18n.py); a
command and a test speak English unless told otherwise. A message for a named person (an email) is
written in *their* language with ``in_language(code)``, whoever triggered it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Protocol

from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import LazyProxy, NullTranslations, Translations

CATALOGS = Path(__file__).resolve().parent.parent / "translations"
SOURCE_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {  # the app's languages (the interface and the course content), each named in itself
    "en": "English",
    "sw": "Kiswahili",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "pt": "Português",
}
RIGHT_TO_LEFT = frozenset({"ar"})

_language_now: Callable[[], str] = lambda: SOURCE_LANGUAGE  # noqa: E731
_catalogs_now: Callable[[], Path] = lambda: CATALOGS  # noqa: E731


def use_language_of(source: Callable[[], str]) -> None:
    """Where the current language comes from (called once by the web layer at start-up)."""
    global _language_now
    _language_now = source


def use_catalogs_of(source: Callable[[], Path]) -> None:
    """Where the compiled catalogs are (the web layer points here at its app's, which tests may move)."""
    global _catalogs_now
    _catalogs_now = source


def catalogs() -> Path:
    try:
        return _catalogs_now()
    except RuntimeError:  # outside an app: the catalogs that ship with the code
        return CATALOGS


def current_language() -> str:
    try:
        return _language_now()
    except RuntimeError:  # outside a request (a command, a worker): the source language
        return SOURCE_LANGUAGE


def catalog(code: str) -> NullTranslations:
    """The compiled catalog of ``code``; English is the source itself."""
    return _loaded(str(catalogs()), code)


@cache
def _loaded(directory: str, code: str) -> NullTranslations:
    """Each catalog is read once per process."""
    if code == SOURCE_LANGUAGE:
        return NullTranslations()
    return Translations.load(directory, [code])


class Words:
    """gettext and ngettext in one fixed language, with ``%(name)s`` placeholders filled."""

    def __init__(self, code: str) -> None:
        self.code = code

    def gettext(self, message: str, **params: object) -> str:
        text = catalog(self.code).gettext(message)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, num: int, **params: object) -> str:
        text = catalog(self.code).ngettext(singular, plural, num)
        return text % {"num": num, **params}


def in_language(code: str | None) -> Words:
    """The words of one person's language (an unknown or empty code: the source language)."""
    return Words(code if code and known(code) else SOURCE_LANGUAGE)


def known(code: str | None) -> bool:
    """``code`` is the source language or one the catalogs translate."""
    return bool(code) and (code == SOURCE_LANGUAGE or (catalogs() / str(code)).is_dir())


def language_for(preferred: str | None, organization_default: str | None) -> str:
    """The language to write to someone in: their own choice, else their organization's default, else English."""
    return next((code for code in (preferred, organization_default) if code and known(code)), SOURCE_LANGUAGE)


class _Person(Protocol):
    preferred_language: str | None

    @property
    def organization(self) -> _Organization | None: ...


class _Organization(Protocol):
    default_language: str | None


def language_of(person: _Person) -> str:
    """The language of what is sent to ``person`` (an email), whoever triggered it."""
    organization = person.organization
    return language_for(person.preferred_language, organization.default_language if organization else None)


def gettext(message: str, **params: object) -> str:
    """``message`` in the current language."""
    return in_language(current_language()).gettext(message, **params)


def ngettext(singular: str, plural: str, num: int, **params: object) -> str:
    return in_language(current_language()).ngettext(singular, plural, num, **params)


def number(value: float, pattern: str | None = None) -> str:
    """A number as the current language writes it ("1,234" in English), optionally in a Babel ``pattern``."""
    return format_decimal(value, pattern, locale=current_language())


def moment(value: datetime, pattern: str) -> str:
    """A moment in UTC in a Babel date ``pattern`` ("d MMM y HH:mm"), month names in the current language."""
    return format_datetime(value, pattern, tzinfo=UTC, locale=current_language())


def lazy_gettext(message: str, **params: object) -> LazyProxy:
    """``message``, translated each time it is shown (for texts defined when a module is imported)."""
    return LazyProxy(gettext, message, enable_cache=False, **params)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogs and returns it untouched: for English kept as data (an export's
    cells, a stored record) and translated with ``gettext`` where it is shown."""
    return message


_ = gettext
