"""Benchmark `residence check` against a bare YAML parse of the same files.

Run by hand, not by the tests:

    .venv/bin/python bench/check.py            # 1,000 and 10,000 journal entries
    .venv/bin/python bench/check.py 500 2000   # other sizes

For each size it writes a realistic residency (entries of about 1 KB, actors, prototypes,
scenarios, methods, consent records, a few photos) in a temporary folder, then times, best
of 3, the installed console script `residence check DIR` against a bare Python process that
only reads and parses the same YAML files with yaml.CSafeLoader, and prints the ratio of
wall times, and of CPU times (steadier when the machine is busy). The goal at 10,000
entries is a ratio of at most 1.3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.3
REPEAT = 3

#: The baseline: walk the same folders, read every YAML file, parse it, keep the values.
BASELINE = """
import os, sys, yaml
root = sys.argv[1]
values = []
for top in ("residence.yaml", "actors.yaml", os.path.join("private", "consent.yaml")):
    with open(os.path.join(root, top), "rb") as handle:
        values.append(yaml.load(handle.read(), Loader=yaml.CSafeLoader))
for folder in ("journal", "prototypes", "scenarios", "methods"):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(dirpath, name), "rb") as handle:
                    values.append(yaml.load(handle.read(), Loader=yaml.CSafeLoader))
print(len(values))
"""

WORDS = (
    "accueil guichet agents usagers hall attente orientation signalétique familles élèves "
    "formulaire rendez-vous matinée permanence bureau couloir affichage service public "
    "écoute parcours démarche dossier entretien atelier prototype carton maquette test "
    "retour habitants quartier mairie annexe file d'attente horaires téléphone courrier"
).split()
KINDS = ["observation", "interview", "workshop", "meeting", "test", "reflection"]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">'
    '<rect width="40" height="30"/></svg>\n'
)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_residency(root: Path, entries: int, seed: int = 1) -> None:
    """Write a valid residency with the given number of journal entries."""
    rng = random.Random(seed)
    n_actors = max(20, entries // 40)
    n_prototypes = max(5, entries // 200)
    n_methods = 12
    n_scenarios = max(3, entries // 500)
    n_media = 40
    start = dt.date(2025, 3, 3)
    days = [start + dt.timedelta(weeks=w, days=d) for w in (0, 5, 10) for d in range(5)]
    team = ["claire", "malik", "ines", "tom"]

    (root / "media").mkdir(parents=True)
    for i in range(n_media):
        (root / "media" / f"photo-{i:03d}.svg").write_text(SVG, encoding="utf-8")

    weeks = "".join(
        f"  - number: {w + 1}\n    start: {days[w * 5]}\n    end: {days[w * 5 + 4]}\n"
        f"    focus: {_quoted(_sentence(rng, 3))}\n"
        for w in range(3)
    )
    members = "".join(
        f"  - id: {m}\n    name: {_quoted(m.title() + ' Dupont')}\n"
        f"    role: {'resident' if i < 2 else 'agent'}\n    discipline: designer\n"
        for i, m in enumerate(team)
    )
    (root / "residence.yaml").write_text(
        'format: 1\nid: bench\ntitle: "Résidence de mesure"\n'
        'programme: territoires-en-residences\nhost: "Ville de Test"\n'
        f'site: "Mairie annexe"\nquestion: |\n  {_paragraph(rng, 3)}\n'
        f"weeks:\n{weeks}team:\n{members}",
        encoding="utf-8",
    )

    actors = []
    consents = []
    for i in range(n_actors):
        personal = i % 5 == 0
        actors.append(
            f"  - id: acteur-{i}\n    name: {_quoted('Acteur ' + str(i))}\n"
            f"    kind: {'person' if personal else 'service'}\n    sector: public\n"
            f"    circle: {['core', 'direct', 'indirect'][i % 3]}\n    influence: {i % 5 + 1}\n"
            f"    interest: {(i * 3) % 5 + 1}\n    stakes:\n      - {_quoted(_sentence(rng, 6))}\n"
            f"    description: |\n      {_paragraph(rng, 2)}\n"
            + ("    personal: true\n" if personal else "")
        )
        if personal:
            consents.append(f"  - actor: acteur-{i}\n    scope: public\n    date: {days[0]}\n")
    relations = "".join(
        f"  - from: acteur-{i}\n    to: acteur-{(i + 1) % n_actors}\n    kind: cooperation\n"
        for i in range(n_actors)
    )
    (root / "actors.yaml").write_text(
        "actors:\n" + "".join(actors) + "relations:\n" + relations, encoding="utf-8"
    )
    (root / "private").mkdir()
    (root / "private" / "consent.yaml").write_text(
        "consents:\n" + "".join(consents), encoding="utf-8"
    )

    (root / "methods").mkdir()
    for i in range(n_methods):
        (root / "methods" / f"methode-{i}.yaml").write_text(
            f"id: methode-{i}\ntitle: {_quoted('Méthode ' + str(i))}\n"
            f"summary: {_quoted(_paragraph(rng, 2))}\nphase: immersion\n"
            f"steps:\n  - {_quoted(_sentence(rng, 8))}\n  - {_quoted(_sentence(rng, 8))}\n"
            f"examples: [prototype-{i % n_prototypes}]\n",
            encoding="utf-8",
        )
    (root / "prototypes").mkdir()
    for i in range(n_prototypes):
        (root / "prototypes" / f"prototype-{i}.yaml").write_text(
            f"id: prototype-{i}\ntitle: {_quoted('Prototype ' + str(i))}\n"
            f"hypothesis: {_quoted('Si ' + _sentence(rng, 8))}\nstage: live-test\n"
            f"team: [claire, malik]\nactors: [acteur-{i % n_actors}]\n"
            f"methods: [methode-{i % n_methods}]\n"
            f'tests:\n  - date: {days[6]}\n    participants: "12 usagers"\n'
            f"    observations: |\n      {_paragraph(rng, 3)}\n    decision: iterate\n"
            f"handover:\n  to: [acteur-{(i + 2) % n_actors}]\n",
            encoding="utf-8",
        )
    (root / "scenarios").mkdir()
    for i in range(n_scenarios):
        (root / "scenarios" / f"scenario-{i}.yaml").write_text(
            f"id: scenario-{i}\ntitle: {_quoted('Scénario ' + str(i))}\n"
            f"persona: {_quoted(_sentence(rng, 6))}\ntoday: {_quoted(_paragraph(rng, 2))}\n"
            f"tomorrow: {_quoted(_paragraph(rng, 2))}\nsteps:\n  - {_quoted(_sentence(rng, 5))}\n"
            f"actors: [acteur-{i % n_actors}]\nprototypes: [prototype-{i % n_prototypes}]\n",
            encoding="utf-8",
        )

    journal = root / "journal"
    journal.mkdir()
    for i in range(entries):
        day = days[i % len(days)]
        body = "\n\n".join(_paragraph(rng, 3) for _ in range(2)).replace("\n", "\n  ")
        lines = [
            f"date: {day}",
            f'time: "{9 + i % 9:02d}:{(i * 7) % 60:02d}"',
            f"title: {_quoted(_sentence(rng, 5))}",
            f"kind: {KINDS[i % len(KINDS)]}",
            f"authors: [{team[i % 4]}, {team[(i + 1) % 4]}]",
            f"place: {_quoted('Hall, ' + rng.choice(WORDS))}",
            f"actors: [acteur-{i % n_actors}, acteur-{(i * 7 + 3) % n_actors}]",
            f"prototypes: [prototype-{i % n_prototypes}]",
            f"methods: [methode-{i % n_methods}]",
            f"tags: [{rng.choice(WORDS[:10])}, {rng.choice(WORDS[10:20])}]",
            f"body: |\n  {body}",
            "quotes:",
            f"  - actor: acteur-{i % n_actors}",
            f"    text: {_quoted(_sentence(rng, 10))}",
        ]
        if i % 4 == 0:
            lines += [
                "media:",
                f"  - file: media/photo-{i % n_media:03d}.svg",
                f"    caption: {_quoted(_sentence(rng, 5))}",
                f"    alt: {_quoted(_sentence(rng, 8))}",
            ]
        (journal / f"{day}-entree-{i:05d}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _best_of(
    command: list[str], repeat: int
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a command `repeat` times; return the best wall time, the best CPU time, the run."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        cpu = _cpu_of_children()
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, _cpu_of_children() - cpu)
    assert result is not None
    return best_wall, best_cpu, result


def _residence_script() -> str:
    here = Path(sys.executable).parent / "residence"
    found = str(here) if here.exists() else shutil.which("residence")
    if not found:
        sys.exit("the console script 'residence' is not installed (pip install -e .)")
    return found


def main() -> int:
    """Run the benchmark for each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args()
    script = _residence_script()
    print(
        f"{'entries':>8} {'files':>7} {'MB':>6} {'yaml only':>10} {'check':>8} {'ratio':>6}"
        f" {'CPU: yaml':>10} {'check':>8} {'ratio':>6}"
    )
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="residence-bench-") as tmp:
        for size in args.sizes:
            root = Path(tmp) / f"r{size}"
            write_residency(root, size)
            files = list(root.rglob("*.yaml"))
            megabytes = sum(p.stat().st_size for p in files) / 1e6
            base, base_cpu, base_run = _best_of(
                [sys.executable, "-c", BASELINE, str(root)], args.repeat
            )
            if base_run.returncode != 0:
                sys.exit(f"the baseline failed:\n{base_run.stderr}")
            check, check_cpu, check_run = _best_of([script, "check", str(root)], args.repeat)
            if check_run.returncode != 0:
                sys.exit(f"residence check found errors:\n{check_run.stderr[-2000:]}")
            ratio = check / base
            worst = max(worst, ratio) if size >= 10000 else worst
            print(
                f"{size:>8} {len(files):>7} {megabytes:>6.1f} {base:>9.2f}s {check:>7.2f}s "
                f"{ratio:>5.2f}x {base_cpu:>9.2f}s {check_cpu:>7.2f}s {check_cpu / base_cpu:>5.2f}x"
            )
    if worst:
        verdict = "ok" if worst <= GOAL else "too slow"
        print(f"goal at 10,000 entries: at most {GOAL}x (wall time) — {verdict}")
        print("(on a busy machine, wall times vary; the CPU times are steadier)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
