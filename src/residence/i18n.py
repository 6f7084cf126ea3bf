"""Translations (gettext-style .po catalogues read with babel) and localised dates.

Source strings are English; ``locale/fr/LC_MESSAGES/<domain>.po`` holds the French. Each
domain is one catalogue: ``fields`` (the model descriptions, for scaffold comments and
docs), ``report`` (labels and headings of the outputs), ``methods`` (the method sheets),
``add`` (what ``residence new`` and ``residence add`` write), and the domains of the
messages the tool prints (``messages`` for the command line, ``problems`` for what
``check`` says, ``archive`` and ``catalog``), which follow the reader's language.

The messages' language is the terminal's: ``RESIDENCE_LANG``, else ``LC_ALL``,
``LC_MESSAGES`` or ``LANG`` (``fr_FR.UTF-8`` -> French), else English. The command line
sets it once (:func:`set_language`); the core asks :func:`messages` for a translator of
its domain, which reads the language when a message is made.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from residence.resources import locale_dir

LANGUAGES = ("fr", "en")


@cache
def _catalog(domain: str, language: str) -> dict[str, Any]:
    """Return {msgid: msgstr or tuple of plural forms} of one catalogue ({} if none)."""
    path = locale_dir() / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        return {}  # English: the messages are their own msgids, and babel is not imported
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    found: dict[str, Any] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        plural = isinstance(message.string, (list, tuple))
        if message.string and (not plural or all(message.string)):
            found[key] = message.string
    return found


@dataclass(frozen=True)
class Translator:
    """Translate English source strings into one language, gettext style."""

    language: str = "fr"
    domain: str = "report"

    def gettext(self, message: str, **values: Any) -> str:
        """Return the translation of ``message``, formatted with ``values`` if given."""
        found = _catalog(self.domain, self.language).get(message, message)
        if isinstance(found, (list, tuple)):
            found = found[0]
        return str(found.format(**values) if values else found)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """Return the singular or plural translation for ``n`` (``{n}`` is filled in)."""
        found = _catalog(self.domain, self.language).get(singular)
        if isinstance(found, (list, tuple)):
            from babel.core import Locale

            index = _plural_index(Locale.parse(self.language), n)
            text = found[min(index, len(found) - 1)]
        else:
            text = singular if n == 1 else plural
            if self.language == "fr" and n in (0, 1):
                text = singular
        return str(text.format(n=n, **values))

    def date(self, value: dt.date, format: str = "full") -> str:
        """Return a date in words: 'mardi 3 mars 2015' (fr), 'Tuesday, March 3, 2015' (en)."""
        return _format_date(value, format, self.language)


@lru_cache(maxsize=4096)
def _format_date(value: dt.date, format: str, language: str) -> str:
    """Format a date with babel, once per (day, pattern, language): a report of thousands of
    entries writes the same few hundred days many times."""
    from babel.dates import format_date

    if format == "full" and language == "fr":
        return format_date(value, "EEEE d MMMM y", locale="fr")
    return format_date(value, format=format, locale=language)


def _plural_index(locale: Any, n: int) -> int:
    form = locale.plural_form(n)
    order = ["one", "other"] if len(locale.plural_form.tags) <= 2 else list(locale.plural_form.tags)
    return order.index(form) if form in order else len(order) - 1


def translator(language: str, domain: str = "report") -> Translator:
    """Return the translator of a language (unknown languages fall back to English)."""
    return Translator(language if language in LANGUAGES else "en", domain)


# -- the language of the messages ---------------------------------------------------------

#: The language messages are made in; one per process (threads share it), set by the CLI.
_LANGUAGE = ["en"]


def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """Return the language of the messages: RESIDENCE_LANG, then the locale variables."""
    env = os.environ if environ is None else environ
    for name in ("RESIDENCE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:
            language = value.split("_")[0].split(".")[0].split("-")[0].lower()
            return language if language in LANGUAGES else "en"
    return "en"


def set_language(language: str) -> None:
    """Set the language of every message made from now on (fr or en)."""
    _LANGUAGE[0] = language if language in LANGUAGES else "en"


def current_language() -> str:
    """Return the language messages are made in."""
    return _LANGUAGE[0]


@dataclass(frozen=True)
class Messages:
    """The messages of one domain, in the current language: ``_(msgid, **values)``."""

    domain: str

    def __call__(self, message: str, **values: Any) -> str:
        return translator(current_language(), self.domain).gettext(message, **values)

    def plural(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """Return the singular or plural message for ``n`` (``{n}`` is filled in)."""
        return translator(current_language(), self.domain).ngettext(singular, plural, n, **values)


def messages(domain: str) -> Messages:
    """Return the translator of a domain of printed messages (``_ = messages("problems")``)."""
    return Messages(domain)
