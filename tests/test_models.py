"""The models: every field documented, unknown keys refused, types as FORMAT.md says."""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterator

import pytest
from pydantic import BaseModel, Field, ValidationError

from residence import models, vocabulary
from residence.models import (
    FILE_KINDS,
    Actor,
    Consent,
    Entry,
    Member,
    Method,
    Model,
    Prototype,
    Relation,
    Residence,
    TestSession,
    Week,
    slugify,
)
from residence.models.common import shorten


def _inner_models(annotation: object) -> Iterator[type[BaseModel]]:
    """Yield the models an annotation refers to (list[Quote], Handover | None, ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _inner_models(arg)


def reachable_models() -> list[type[BaseModel]]:
    """Return every model of a file kind and, recursively, every model nested in one."""
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = list(FILE_KINDS.values())
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            todo.extend(_inner_models(field.annotation))
    return sorted(found, key=lambda m: m.__name__)


def exported_models() -> list[type[BaseModel]]:
    """Return every model that residence.models exports."""
    return [
        value
        for value in vars(models).values()
        if isinstance(value, type) and issubclass(value, Model) and value is not Model
    ]


ALL_MODELS = sorted(set(reachable_models()) | set(exported_models()), key=lambda m: m.__name__)


def test_models_reach_every_kind() -> None:
    names = {m.__name__ for m in ALL_MODELS}
    assert {
        "Residence", "Week", "Member", "FollowUp", "Entry", "Quote", "Media", "ActorsFile",
        "Actor", "Relation", "Prototype", "TestSession", "Handover", "Scenario", "Method",
        "ConsentFile", "Consent",
    } <= names  # fmt: skip


def undocumented_fields(model: type[BaseModel]) -> list[str]:
    """Return the fields of a model that have no description (it feeds docs and scaffold)."""
    return [
        name
        for name, field in model.model_fields.items()
        if not (field.description and field.description.strip())
    ]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_models_every_field_has_a_description(model: type[BaseModel]) -> None:
    missing = undocumented_fields(model)
    assert missing == [], f"{model.__name__}: fields without description: {missing}"


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_models_have_a_docstring(model: type[BaseModel]) -> None:
    assert (model.__doc__ or "").strip()


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_models_forbid_unknown_fields(model: type[BaseModel]) -> None:
    assert issubclass(model, Model)
    assert model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_models_refuse_an_unknown_key(model: type[BaseModel]) -> None:
    with pytest.raises(ValidationError) as info:
        model.model_validate({"no_such_field": "x"})
    assert "extra_forbidden" in {e["type"] for e in info.value.errors()}


def test_models_description_check_catches_a_missing_one() -> None:
    # The description test above must fail on a model that lacks one.
    class Undocumented(Model):
        """A model with one undocumented field."""

        name: str
        blank: str = Field(description="  ")
        fine: str = Field(description="Documented.")

    assert undocumented_fields(Undocumented) == ["name", "blank"]


def test_models_file_kinds_are_the_format_files() -> None:
    assert set(FILE_KINDS) == {
        "residence", "actors", "journal", "prototype", "scenario", "method", "insight",
        "consent",
    }  # fmt: skip


# -- field types -------------------------------------------------------------------------


def _entry(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": "2025-03-04",
        "title": "Entretien",
        "kind": "interview",
        "authors": ["claire"],
        "body": "Texte.",
    }
    data.update(changes)
    return data


def test_entry_defaults() -> None:
    entry = Entry.model_validate(_entry())
    assert entry.date == dt.date(2025, 3, 4)
    assert (entry.visibility, entry.time, entry.tags, entry.quotes) == ("public", None, [], [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10:30", "10:30"), ("9:05", "09:05"), ("00:00", "00:00"), ("23:59", "23:59")],
)
def test_entry_time_accepted(value: str, expected: str) -> None:
    assert Entry.model_validate(_entry(time=value)).time == expected


@pytest.mark.parametrize(
    "value", ["24:00", "10h60", "25h", "10:60", "1030", "10:3", "\u0661\u0660:\u0663\u0660", ""]
)
def test_entry_time_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        Entry.model_validate(_entry(time=value))


@pytest.mark.parametrize(
    "value",
    [
        "2025-02-29",
        "2025-3-4",
        "4 mars 2025",
        "32/01/2025",
        "2025-03-04T10:00",
        "\u0662\u0660\u0662\u0665-\u0660\u0663-\u0660\u0664",
    ],
)
def test_entry_date_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        Entry.model_validate(_entry(date=value))


def test_entry_date_accepts_a_date_object() -> None:
    assert Entry.model_validate(_entry(date=dt.date(2025, 3, 4))).date == dt.date(2025, 3, 4)


@pytest.mark.parametrize("value", ["claire", "claire-2", "a", "2025"])
def test_slug_accepted(value: str) -> None:
    assert Entry.model_validate(_entry(authors=[value])).authors == [value]


@pytest.mark.parametrize(
    "value", ["Claire", "claire dumas", "claire--d", "-claire", "claire\n", "é"]
)
def test_slug_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        Entry.model_validate(_entry(authors=[value]))


def test_numbers_given_as_text_fields_stay_text() -> None:
    entry = Entry.model_validate(_entry(title=2025, tags=[1, 2.5]))
    assert (entry.title, entry.tags) == ("2025", ["1", "2.5"])


def test_week_dates() -> None:
    week = Week.model_validate({"number": "1", "start": "2025-03-03", "end": "2025-03-07"})
    assert (week.number, week.start, week.end) == (1, dt.date(2025, 3, 3), dt.date(2025, 3, 7))


def test_residence_format_must_be_one() -> None:
    with pytest.raises(ValidationError, match="reads format 1"):
        Residence.model_validate({"format": 2})


@pytest.mark.parametrize(
    ("scope", "guardians", "minor", "public"),
    [
        ("public", False, False, True),
        ("public", False, True, False),
        ("public", True, True, True),
        ("internal", True, True, False),
        ("internal", False, False, False),
        ("none", False, False, False),
    ],
)
def test_consent_allows_public(scope: str, guardians: bool, minor: bool, public: bool) -> None:
    consent = Consent.model_validate({"actor": "lina", "scope": scope, "guardians": guardians})
    assert consent.allows_public(minor) is public


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Le hall, carrefour des chemins", "le-hall-carrefour-des-chemins"),
        ("Œuvre d'été — à l'école", "oeuvre-d-ete-a-l-ecole"),
        ("  --  ", ""),
        ("Straße 12", "strasse-12"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_shorten_makes_one_short_line() -> None:
    assert shorten("a\nb") == "a b"
    assert shorten("x" * 100, 10) == "x" * 9 + "…"
    assert shorten(12) == "12"


_ENTRY = {
    "date": "2026-01-16",
    "title": "Visite",
    "kind": "observation",
    "authors": ["claire"],
    "body": "Le hall.",
}
_MINIMAL: dict[type[Model], dict[str, object]] = {
    Entry: _ENTRY,
    Actor: {"id": "x", "name": "X", "kind": "service", "sector": "public", "circle": "direct"},
    Relation: {"from": "a", "to": "b", "kind": "cooperation"},
    Prototype: {"id": "p", "title": "P", "hypothesis": "si… alors…", "stage": "idea"},
    TestSession: {"date": "2026-01-16", "decision": "iterate"},
    Consent: {"actor": "x", "scope": "none"},
    Member: {"id": "claire", "name": "Claire", "role": "agent"},
    Method: {"id": "m", "title": "M", "summary": "S", "steps": ["un"]},
}

# -- the way French people write ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("9h45", "09:45"),
        ("9h", "09:00"),
        ("9 h 05", "09:05"),
        ("21H30", "21:30"),
        ("9:45", "09:45"),
    ],
)
def test_entry_time_reads_french_times(written: str, stored: str) -> None:
    entry = Entry.model_validate({**_ENTRY, "time": written})
    assert entry.time == stored


def test_entry_date_reads_day_first_dates() -> None:
    assert Entry.model_validate({**_ENTRY, "date": "16/01/2026"}).date.isoformat() == "2026-01-16"
    assert Entry.model_validate({**_ENTRY, "date": "1.2.2026"}).date.isoformat() == "2026-02-01"


@pytest.mark.parametrize(
    ("model", "field", "written", "stored"),
    [
        (Entry, "kind", "entretien", "interview"),
        (Entry, "kind", "Réunion", "meeting"),
        (Entry, "kind", "REFLEXION", "reflection"),
        (Entry, "kind", "atelier", "workshop"),
        (Entry, "visibility", "équipe", "team"),
        (Actor, "sector", "société civile", "civil-society"),
        (Actor, "sector", "Usagers", "users"),
        (Actor, "circle", "cœur", "core"),
        (Actor, "circle", "coeur", "core"),
        (Actor, "kind", "élue", "elected"),
        (Relation, "kind", "financement", "funding"),
        (Prototype, "stage", "maquette", "mock-up"),
        (Prototype, "stage", "test grandeur nature", "live-test"),
        (TestSession, "decision", "adopter", "adopt"),
        (TestSession, "decision", "abandonné", "abandon"),
        (Consent, "scope", "interne", "internal"),
        (Member, "role", "résidente", "resident"),
        (Method, "phase", "prototypage", "prototyping"),
    ],
)
def test_fixed_words_read_their_french_words(
    model: type[Model], field: str, written: str, stored: str
) -> None:
    data = {**_MINIMAL[model], field: written}
    assert getattr(model.model_validate(data), field) == stored


def test_fixed_words_refuse_what_is_no_word() -> None:
    with pytest.raises(ValidationError):
        Entry.model_validate({**_ENTRY, "kind": "entretein"})
    with pytest.raises(ValidationError):
        Actor.model_validate({**_MINIMAL[Actor], "circle": "central"})


def test_every_french_word_belongs_to_its_word() -> None:
    from residence.vocabulary import FRENCH_WORDS

    for name, table in FRENCH_WORDS.items():
        literal = getattr(vocabulary, name)
        assert set(table.values()) <= set(typing.get_args(literal)), name
