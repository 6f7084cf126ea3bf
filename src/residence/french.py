# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: RUF002, RUF003 (French examples: the typographic apostrophe is the point)
"""French grammar for generated text: the article before a body's name, contractions, agreement.

A sentence such as "Posée par {host}." needs "la Région Loire-Océane", "le Conseil
départemental du Cher", "l’Agglomération du Grand Cahors", but "Rennes Métropole" (a proper
name without a common noun takes no article). :func:`article` looks at the name's first
word: when it is one of the common nouns that head the names of French public bodies and
their partners (:data:`HEADS`, or a known acronym), the name gets that noun's article.
:func:`with_preposition` then makes the contractions a sentence needs ("du Conseil",
"au Département", "d’Orléans Métropole"), and :func:`agree` makes a past participle agree
with its subject ("la piste a été abandonnée").

Everything here is for French text only: in any other language the name is left as written.

>>> article("Conseil départemental du Cher")
'le Conseil départemental du Cher'
>>> with_preposition("de", "Conseil départemental du Cher")
'du Conseil départemental du Cher'
>>> article("Rennes Métropole")
'Rennes Métropole'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from residence.text import fold

Gender = Literal["m", "f"]

APOSTROPHE = "\u2019"  # the typographic apostrophe the French typography of the tool uses


@dataclass(frozen=True)
class Noun:
    """A common noun that heads a body's name: its gender, number, and whether it elides."""

    gender: Gender
    plural: bool = False
    elided: bool = False  # "l’" before it (a vowel or a mute h)


def _table(masculine: str, feminine: str, aspirated: str) -> dict[str, Noun]:
    """Return {folded noun: Noun}; a noun elides when it starts with a vowel or a mute h."""
    table: dict[str, Noun] = {}
    no_elision = {fold(word) for word in aspirated.split()}
    genders: tuple[tuple[str, Gender], ...] = ((masculine, "m"), (feminine, "f"))
    for words, gender in genders:
        for word in words.split():
            key = fold(word)
            vowel = key[0] in "aeiouy" or (key[0] == "h" and key not in no_elision)
            table[key] = Noun(gender, elided=vowel)
    return table


#: The common nouns that head the names of French public bodies, their services and the
#: partners of a residency, with their gender (read without case or accents).
HEADS: dict[str, Noun] = _table(
    masculine="""
        conseil département ministère service centre collège lycée hôpital office
        établissement syndicat institut musée théâtre parc pôle groupement secrétariat
        conservatoire laboratoire collectif comité gouvernement État pays territoire
        quartier espace tiers-lieu point bureau club rectorat campus foyer cabinet atelier
        studio observatoire hôtel commissariat tribunal cinéma écomusée gymnase stade
        palais port aéroport réseau relais fonds incubateur consortium programme
        haut-commissariat hall hameau
        """,
    feminine="""
        région ville mairie commune métropole agglomération agglo communauté préfecture
        sous-préfecture école université maison agence direction caisse association
        fédération fondation médiathèque bibliothèque ludothèque chambre cité délégation
        académie inspection assemblée collectivité intercommunalité résidence société
        entreprise compagnie coopérative mission cellule plateforme fabrique halle haute
        régie banque gendarmerie police piscine salle friche ferme galerie structure
        clinique crèche épicerie menuiserie recyclerie ressourcerie manufacture édition
        archives
        """,
    aspirated="hall hameau halle haute haut-commissariat",
)
#: Nouns that are always plural ("les Archives départementales").
_PLURAL_ONLY = {"archives"}

#: Acronyms that name bodies, read letter by letter or as a word, with their gender.
ACRONYMS: dict[str, Gender] = {
    **dict.fromkeys(
        """CCAS CIAS CHU CHR EHPAD CAUE PNR EPCI EPT SIVU SIVOM PETR OPH CROUS CIO CDI
        CFA IUT INSEE ONF CNRS CMP SDIS CESER CESE CNFPT ESAT IME ITEP SAMU""".split(),
        "m",
    ),
    **dict.fromkeys(
        """CAF CPAM CARSAT MSA ARS DDT DDTM DDETS DREAL DRAC DRAAF DREETS DSDEN SEM SPL
        SNCF RATP ANCT ADEME ANRU MJC MDPH PMI CCI CMA UDAF URSSAF ONU SCOP SCIC""".split(),
        "f",
    ),
}

#: Articles a name may already start with ("La Poste", "Le Mans Métropole", "l’Atelier").
_ARTICLES = ("le ", "la ", "les ", "l'", "l\u2019")


def _first_word(name: str) -> str:
    return name.split(maxsplit=1)[0] if name.split() else ""


def _starts_with_article(name: str) -> bool:
    return name.lower().startswith(_ARTICLES)


def head_noun(name: str) -> Noun | None:
    """Return the common noun that heads a body's name, or None for a proper name.

    >>> head_noun("Archives départementales du Cher")
    Noun(gender='f', plural=True, elided=True)
    """
    word = _first_word(name).rstrip(",.;:")
    if not word:
        return None
    if len(word) > 1 and word.isupper() and word.isalpha():
        gender = ACRONYMS.get(word)
        if gender is None:
            return None
        return Noun(gender, elided=word[0] in "AEIOU")
    key = fold(word)
    if fold(name).startswith("pays de la loire"):  # a region whose name is plural
        return Noun("m", plural=True)
    if key in _PLURAL_ONLY:
        return Noun(HEADS[key].gender, plural=True, elided=HEADS[key].elided)
    if key in HEADS:
        return HEADS[key]
    if key[-1:] in ("s", "x") and key[:-1] in HEADS:  # "Services techniques", "Bureaux"
        found = HEADS[key[:-1]]
        return Noun(found.gender, plural=True, elided=found.elided)
    return None


def gender_of(name: str) -> Gender | None:
    """Return the grammatical gender of a body's name, or None when the name does not say."""
    noun = head_noun(name)
    return noun.gender if noun else None


def article(name: str, language: str = "fr") -> str:
    """Return a body's name as a French sentence names it: with its definite article.

    "Région Loire-Océane" becomes "la Région Loire-Océane", "Hôpital de Vierzon"
    "l’Hôpital de Vierzon", "Services techniques" "les Services techniques". A name that
    already starts with an article, a proper name ("Rennes Métropole") and a person's name
    are left as written, as is every name in a language other than French.
    """
    name = name.strip()
    if language != "fr" or not name or _starts_with_article(name):
        return name
    noun = head_noun(name)
    if noun is None:
        return name
    if noun.plural:
        return f"les {name}"
    if noun.elided:
        return f"l{APOSTROPHE}{name}"
    return f"{'le' if noun.gender == 'm' else 'la'} {name}"


def contract(preposition: str, phrase: str) -> str:
    """Return a preposition before a noun phrase, contracted as French writes it.

    "de" + "le …" is "du …", "de" + "les …" "des …", "à" + "le …" "au …", "à" + "les …"
    "aux …" (also before a proper name's own article: "du Mans"); "de" elides before a
    vowel ("d’Orléans Métropole"). Other prepositions ("par", "pour") are written as is.
    """
    phrase = phrase.strip()
    first, _, rest = phrase.partition(" ")
    if rest and preposition in ("de", "à"):
        contracted = {
            ("de", "le"): "du",
            ("de", "les"): "des",
            ("à", "le"): "au",
            ("à", "les"): "aux",
        }.get((preposition, first.lower()))
        if contracted:
            return f"{contracted} {rest}"
    if preposition == "de" and phrase[:1] and fold(phrase[:1]) in ("a", "e", "i", "o", "u"):
        return f"d{APOSTROPHE}{phrase}"
    return f"{preposition} {phrase}"


def with_preposition(preposition: str, name: str) -> str:
    """Return "de", "à", "par"… before a body's name with its article, contracted.

    >>> with_preposition("à", "Département du Cher")
    'au Département du Cher'
    >>> with_preposition("de", "Agglomération de Bourges")
    'de l’Agglomération de Bourges'
    """
    return contract(preposition, article(name))


def agree(participle: str, gender: Gender = "m", plural: bool = False) -> str:
    """Return a French past participle that agrees with its subject.

    "adopté" becomes "adoptée" for a feminine subject ("la piste a été adoptée") and
    "adoptés" for a plural one; what is not a participle ("à itérer") is left as is.
    """
    word = participle
    if not word or word.startswith(("à ", "À ")) or " " in word.strip():
        return participle
    if gender == "f" and not word.endswith("e"):
        word += "e"
    if plural and not word.endswith(("s", "x")):
        word += "s"
    return word
