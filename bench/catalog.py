"""Scale benchmark of the catalogue (run by hand): python bench/catalog.py [--residencies 200].

Generates residencies (by default 200 of 1,500 journal entries: 300,000 entries in all), a
batch of folders at a time in a temporary folder that is deleted right after (disk use stays
at one batch plus the catalogue file), and measures:

- the time to load and check each residency, one after another, as ``residence check``
  does for each;
- the time to add the batch to the catalogue as ``residence catalog add DIR…`` does
  (``add_paths``: each residency loaded and checked again, its public edition made, then
  written while the next one is read), in wall-clock time, and the CPU time it used;
- the size of the SQLite file;
- the median time of 50 searches (words common and rare, phrases, prefixes, filters).

Goals: median search under 50 ms; adding under twice the time of checking. The figures and
the ratios are printed; the exit status is 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from residence.catalog import Filters, add_paths, open_catalog
from residence.check import check_residency
from residence.load import load_residency

WORDS = (
    "accueil hall lycée élèves familles guichet agents orientation parcours usagers attente "
    "panneau comptoir atelier prototype maquette test entretien observation rencontre "
    "proviseure région département mairie commune habitants quartier centre social bus car "
    "cantine internat couloir bureau vie scolaire conseiller psychologue délégués parents "
    "service public innovation résidence designer sociologue architecte graphiste carton "
    "bois signalétique affichage chemin mur porte entrée sortie matin soir midi semaine "
    "mardi jeudi vendredi hiver printemps formulaire dossier rendez-vous file queue chaise "
    "banc table écran téléphone courrier numérique papier carte plan croquis photo récit "
    "témoignage question problème hypothèse idée essai erreur réussite abandon adoption "
    "transmission budget équipe partenaire élu technicien directeur secrétaire gardien "
    "infirmière bibliothèque documentaliste menuiserie cuisine ménage sécurité transport "
    "horaires retard pluie froid chaleur bruit lumière silence attente sourire colère fatigue "
    "confiance écoute regard geste parole dessin liste tableau schéma frise calendrier"
).split()
RARE = "kaléidoscope zigzag palimpseste hétérotopie sérendipité".split()
#: French function words: the most frequent words of any text (the tokenizer indexes them).
STOPWORDS = (
    "de la le et les des à en un une du que qui dans pour par sur pas au ne se plus avec il "
    "elle ils nous on ce est sont a ont était mais ou comme tout aux leur leurs cette ces son "
    "sa ses y été être fait faire très bien encore déjà aussi alors puis quand où"
).split()
KINDS = ("observation", "interview", "workshop", "meeting", "test", "reflection")
PROGRAMMES = ("territoires-en-residences", "la-transfo", "la-pointeuse", "other")
TERRITORIES = (
    "Saint-Aubin-les-Forges",
    "Bourg-la-Reine",
    "Île-de-France",
    "Haute-Loire",
    "Région Grand Est",
    "Val-de-Marne",
    "Pays de la Loire",
    "Métropole de Lyon",
)
QUERIES = [
    "lycée",
    "lycee",
    "accueil",
    "guichet élèves",
    '"vie scolaire"',
    "signal*",
    "kaleidoscope",
    "palimpseste",
    "comptoir carton",
    "hétérotopie OR sérendipité",
    "familles attente",
    "orientation",
    "bibliothèque",
    "psychologue",
    "menuiserie bois",
    "transmission budget",
    "rendez-vous",
    "courrier numérique",
    "infirmière",
    "zigzag",
    "écoute regard",
    "prototype adoption",
    "colère fatigue",
    "sourire",
    "cantine midi",
]


def _vocabulary(size: int = 20_000) -> tuple[list[str], list[float]]:
    """Return a vocabulary and cumulative Zipf weights (s = 1), as in real French text.

    Function words come first, then the content words of residencies (so "accueil" is in
    about one journal entry in eight), then a long tail of made-up words.
    """
    rng = random.Random(1)
    onsets = "b c d f g l m n p r s t v ch pr tr gr br".split()
    vowels = "a e i o u é è ou an on in".split()
    seen = set(STOPWORDS) | set(WORDS) | set(RARE)
    tail: list[str] = []
    while len(STOPWORDS) + len(WORDS) + len(tail) < size:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            tail.append(word)
    words = [*STOPWORDS, *WORDS, *tail]
    total = 0.0
    cumulative = []
    for rank in range(1, len(words) + 1):
        total += 1 / rank
        cumulative.append(total)
    return words, cumulative


VOCABULARY, CUMULATIVE = _vocabulary()


def sentence(rng: random.Random, n: int) -> str:
    words = rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=n)
    if rng.random() < 0.01:
        words.append(rng.choice(RARE))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def write_residency(folder: Path, index: int, entries: int, rng: random.Random) -> None:
    """Write one generated residency folder (valid, with a few warnings at most)."""
    year = 2010 + index % 16
    months = (1, 3, 5)
    weeks = "".join(
        f"  - number: {n + 1}\n    start: {year}-{m:02d}-06\n    end: {year}-{m:02d}-24\n"
        for n, m in enumerate(months)
    )
    (folder / "journal").mkdir(parents=True)
    for sub in ("prototypes", "scenarios", "methods"):
        (folder / sub).mkdir()
    (folder / "residence.yaml").write_text(
        f'format: 1\nid: residence-{index:03d}\ntitle: "Résidence {index} : '
        f'{sentence(rng, 4)}"\nprogramme: {PROGRAMMES[index % 4]}\nhost: "Région {index}"\n'
        f'site: "Lycée n°{index}"\nterritory: "{TERRITORIES[index % len(TERRITORIES)]}"\n'
        f"question: |\n  {sentence(rng, 40)}\nweeks:\n{weeks}team:\n"
        '  - id: claire\n    name: "Claire Dumas"\n    role: resident\n'
        '  - id: malik\n    name: "Malik Ouali"\n    role: agent\n'
        "keywords: [accueil, orientation]\n",
        encoding="utf-8",
    )
    (folder / "actors.yaml").write_text(
        "actors:\n"
        '  - id: region\n    name: "La Région"\n    kind: institution\n    sector: public\n'
        "    circle: core\n"
        '  - id: jeanne\n    name: "Jeanne Kerbrat"\n    kind: person\n    sector: users\n'
        "    circle: direct\n    personal: true\n"
        "relations:\n  - from: region\n    to: jeanne\n    kind: service\n",
        encoding="utf-8",
    )
    for n in range(entries):
        month = months[n % 3]
        day = 6 + (n // 3) % 19
        kind = KINDS[n % len(KINDS)]
        body = "\n  ".join(sentence(rng, rng.randint(14, 24)) for _ in range(rng.randint(5, 9)))
        extra = ""
        if n % 10 == 0:
            extra = (
                'actors: [jeanne]\nquotes:\n  - actor: jeanne\n    text: "Jeanne Kerbrat '
                f'dit : {sentence(rng, 10)}"\n'
            )
        if n % 50 == 0:
            extra += "methods: [carte-des-acteurs]\n"
        (folder / "journal" / f"{year}-{month:02d}-{day:02d}-note-{n:04d}.yaml").write_text(
            f'date: {year}-{month:02d}-{day:02d}\ntitle: "{sentence(rng, 5)}"\nkind: {kind}\n'
            f"authors: [claire]\n{extra}body: |\n  {body}\n",
            encoding="utf-8",
        )
    for n in range(5):
        (folder / "prototypes" / f"proto-{n}.yaml").write_text(
            f'id: proto-{n}\ntitle: "{sentence(rng, 4)}"\nhypothesis: "Si {sentence(rng, 8)}"\n'
            f'stage: idea\nproblem: "{sentence(rng, 20)}"\n',
            encoding="utf-8",
        )
        (folder / "scenarios" / f"scenario-{n}.yaml").write_text(
            f'id: scenario-{n}\ntitle: "{sentence(rng, 4)}"\npersona: "{sentence(rng, 6)}"\n'
            f'today: "{sentence(rng, 20)}"\ntomorrow: "{sentence(rng, 20)}"\n',
            encoding="utf-8",
        )
    (folder / "methods" / "carte-des-acteurs.yaml").write_text(
        f'id: carte-des-acteurs\ntitle: "Carte des acteurs"\nsummary: "{sentence(rng, 20)}"\n'
        f'phase: analysis\nsteps:\n  - "{sentence(rng, 8)}"\n  - "{sentence(rng, 8)}"\n',
        encoding="utf-8",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residencies", type=int, default=200)
    parser.add_argument("--entries", type=int, default=1500, help="journal entries each")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--batch", type=int, default=10, help="folders on disk at a time")
    parser.add_argument("--catalog", type=Path, help="keep the catalogue file here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="residence-bench-"))
    path = args.catalog or work / "catalog.sqlite"
    if path.exists():
        path.unlink()
    rng = random.Random(27)
    check_time = check_cpu = add_time = add_cpu = 0.0
    total_entries = 0
    try:
        with open_catalog(path) as catalog:
            for first in range(0, args.residencies, args.batch):
                batch = range(first, min(first + args.batch, args.residencies))
                folders = [work / f"r{index:03d}" for index in batch]
                for index, folder in zip(batch, folders, strict=True):
                    write_residency(folder, index, args.entries, rng)
                os.sync()  # the files written, so that the disk is quiet while timing
                for index, folder in zip(batch, folders, strict=True):
                    start, cpu = time.perf_counter(), time.process_time()
                    residency, problems = load_residency(folder)
                    problems += check_residency(residency)
                    check_time += time.perf_counter() - start
                    check_cpu += time.process_time() - cpu
                    errors = [p for p in problems if p.severity == "error"]
                    if errors:
                        print(f"generated residency {index} has errors: {errors[:3]}")
                        return 2
                    total_entries += len(residency.entries)
                del residency
                start, cpu = time.perf_counter(), time.process_time()
                outcomes = list(add_paths(catalog, folders))
                add_time += time.perf_counter() - start
                add_cpu += time.process_time() - cpu
                if any(o.added is None for o in outcomes):
                    print(f"not added: {[str(o.path) for o in outcomes if o.added is None]}")
                    return 2
                for folder in folders:
                    shutil.rmtree(folder)
                if (batch[-1] + 1) % 20 == 0 or batch[-1] + 1 == args.residencies:
                    print(
                        f"  {batch[-1] + 1} residencies: check {check_time:.1f} s, "
                        f"add {add_time:.1f} s",
                        flush=True,
                    )
            size = path.stat().st_size
            timings = []
            queries = [QUERIES[i % len(QUERIES)] for i in range(args.queries)]
            for n, query in enumerate(queries):
                filters = Filters()
                if n % 5 == 3:
                    filters = Filters(programme="la-transfo")
                elif n % 5 == 4:
                    filters = Filters(year=2015, kind="interview")
                start = time.perf_counter()
                catalog.search(query, filters, limit=20)
                timings.append(time.perf_counter() - start)
    finally:
        if args.catalog is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            for child in work.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)

    median = statistics.median(timings) * 1000
    worst = max(timings) * 1000
    ratio = add_time / check_time if check_time else float("inf")
    print(f"residencies: {args.residencies}, journal entries: {total_entries}")
    print(f"check (load + check) of all: {check_time:.1f} s")
    print(
        f"add to the catalogue of all: {add_time:.1f} s (CPU {add_cpu:.1f} s; "
        f"check CPU {check_cpu:.1f} s)"
    )
    print(f"add / check ratio: {ratio:.2f} (goal: under 2)")
    print(f"add / check CPU time ratio: {add_cpu / check_cpu:.2f} (two threads while adding)")
    print(f"catalogue file: {size / 1024 / 1024:.1f} MB")
    print(
        f"search over {len(timings)} queries: median {median:.1f} ms (goal: under 50), "
        f"slowest {worst:.1f} ms, median / goal ratio {median / 50:.2f}"
    )
    return 0 if ratio < 2 and median < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
