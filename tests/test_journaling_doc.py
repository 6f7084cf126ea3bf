# SPDX-License-Identifier: EUPL-1.2
"""docs/journaling.fr.md shows a whole day of a team's commands, in French, with their real
output: this test runs them and compares the page's block with what they print.

After an intended change of a message, rewrite the block with ``pytest --update-golden``
and review it with ``git diff docs/``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner  # noqa: TID251

from residence.cli import app
from residence.i18n import set_language

DOC = Path(__file__).resolve().parent.parent / "docs" / "journaling.fr.md"
START = "<!-- une-journee:debut (écrit par tests/test_journaling_doc.py) -->"
END = "<!-- une-journee:fin -->"

#: The day, in order: (what the team does, the command line after `residence`).
DAY = [
    (
        "Le matin, on crée la résidence (une fois pour toutes).",
        'new hopital-nord --title "Les urgences, côté salle d\'attente" --site "Hôpital Nord" '
        '--host "Conseil départemental du Cher" --week 12/01/2026 --week 09/02/2026 '
        "--week 16/03/2026",
    ),
    (
        "On ajoute Youssef, l'agent de la collectivité, à l'équipe.",
        'add member hopital-nord --name "Youssef Amrani" --role agent',
    ),
    (
        "À 9h45, une observation dans le hall.",
        "add note hopital-nord --date 12/01/2026 --time 9h45 --kind observation "
        '--title "Le hall à l\'ouverture" --author alex '
        '--body "Trois files devant l\'accueil ; personne ne lit les panneaux."',
    ),
    (
        "Une personne rencontrée, puis son consentement (interne seulement).",
        'add actor hopital-nord --name "Solange Vermeersch" --kind usager --sector usagers '
        "--circle direct --personal",
    ),
    ("", "add consent hopital-nord --actor solange-vermeersch --scope interne --date 12/01/2026"),
    (
        "L'après-midi, un entretien, et une phrase entendue.",
        "add note hopital-nord --date 12/01/2026 --time 14h --kind entretien "
        '--title "Entretien avec une patiente" --author alex --actor solange-vermeersch '
        '--body "Elle attend depuis deux heures."',
    ),
    (
        "",
        "add quote hopital-nord --entry 2026-01-12-entretien-avec-une-patiente "
        '--actor solange-vermeersch --text "On ne sait jamais quand c\'est notre tour."',
    ),
    (
        "On code ce qu'on a entendu : « attente » sur la citation (check la signale tant "
        "qu'elle est seule), « accueil » sur l'entrée du matin.",
        "tag 2026-01-12-entretien-avec-une-patiente attente --quote 1 hopital-nord",
    ),
    ("", "tag le-hall-a-l-ouverture accueil hopital-nord"),
    (
        "Une piste se dessine, appuyée sur la citation.",
        'add insight hopital-nord --title "L\'attente ne se voit pas" '
        "--evidence 2026-01-12-entretien-avec-une-patiente#citation1 --tag attente --week 1 "
        '--statement "Les patients ne savent pas où ils en sont dans la file."',
    ),
    ("Le soir, on vérifie le dossier.", "check hopital-nord"),
    ("Et on regarde où en est la résidence.", "status hopital-nord"),
]


def _run(tmp_path: Path, line: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        shlex.split(line),
        env={"RESIDENCE_LANG": "fr", "RESIDENCE_AUTHOR": "alex", "COLUMNS": "88"},
        catch_exceptions=False,
    )
    text = result.stdout + result.stderr
    return result.exit_code, text.replace(str(tmp_path) + "/", "")


def _day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    # The day told is 12 January 2026: `status` sees that day as today.
    from residence import status

    real = status.compute_status
    monkeypatch.setattr(
        status,
        "compute_status",
        functools.partial(real, today=dt.date(2026, 1, 12)),
    )
    lines = [START, ""]
    for what, command in DAY:
        code, out = _run(tmp_path, command)
        assert code == 0, (command, out)
        if what:
            lines += [what, ""]
        lines += ["```console", f"$ residence {command}", *out.rstrip().splitlines(), "```", ""]
    return "\n".join([*lines, END])


def test_journaling_doc_shows_a_real_day_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    try:
        block = _day(tmp_path, monkeypatch)
    finally:
        set_language("en")
    page = DOC.read_text(encoding="utf-8")
    found = re.search(re.escape(START) + ".*?" + re.escape(END), page, re.S)
    if request.config.update_golden:  # type: ignore[attr-defined]
        if found:
            page = page[: found.start()] + block + page[found.end() :]
        else:
            page = page.rstrip() + "\n\n## Une journée, commande par commande\n\n" + block + "\n"
        DOC.write_text(page, encoding="utf-8")
        return
    assert found, f"{DOC.name} has no day block: run pytest --update-golden"
    assert found.group() == block, "the day in docs/journaling.fr.md drifted: --update-golden"
