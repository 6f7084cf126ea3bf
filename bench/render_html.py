"""Benchmark `residence render --to html` against `pandoc -s` on the same content.

Run by hand, not by the tests:

    .venv/bin/python bench/render_html.py                             # 1,500 entries, 60 photos
    .venv/bin/python bench/render_html.py --entries 150 --photos 10   # a quick, reduced run
    .venv/bin/python bench/render_html.py --profile                   # and where the time goes
    .venv/bin/python bench/render_html.py --actors 80                 # a large actor map

It writes a generated residency (journal entries with quotes, 20 actors with relations, a
method, two prototypes, photos) in a temporary folder, and the same content as one Markdown
file. ``--actors N`` gives it N actors and 2N relations instead, made as bench/actormap.py
makes them (names of one to four words, sectors, circles, influence). Then, in one run,
taking turns:

- ``residence render DIR --to html`` with a warm photo cache (a first render fills it and is
  not counted), as a team renders again after editing a note;
- ``pandoc -s -f markdown -t html5`` on the Markdown (the system's pandoc, else the one of
  the pypandoc-binary wheel, a dependency of residence).

Each is run ``--repeat`` times (3); the best wall time and the best CPU time (user + system)
of each are printed, and the ratio residence / pandoc. Goal (issue 20): CPU ratio <= 0.8 on
1,500 entries with ``--actors 80 --relations 150``. The exit status is 1 when the goal is
missed. ``--profile`` also runs the render once under cProfile and prints
the functions that take the most time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 0.8
WORDS = (
    "accueil guichet agents usagers hall attente orientation signalétique familles élèves "
    "formulaire rendez-vous matinée permanence bureau couloir affichage service public "
    "écoute parcours démarche dossier entretien atelier prototype carton maquette test "
    "retour habitants quartier mairie annexe file d'attente horaires téléphone courrier"
).split()
KINDS = ["observation", "interview", "workshop", "meeting", "test", "reflection"]
SECTORS = ["public", "private", "civil-society", "users"]
CIRCLES = ["core", "direct", "indirect"]
ACTORS = 20
#: The codes (tags) of a coded residency.
CODES = WORDS[:30]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _q(text: str) -> str:
    """Return text as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _block(text: str, indent: str = "  ") -> list[str]:
    return [indent + line if line else "" for line in text.split("\n")]


def write_residency(
    root: Path,
    entries: int,
    photos: int,
    seed: int = 11,
    actors: int | None = None,
    *,
    relations: int | None = None,
    quotes: int = 1,
    tagged: bool = False,
    insights: int = 0,
) -> str:
    """Write the residency into ``root``; return the same content as one Markdown document.

    ``actors``: that many actors and ``relations`` relations (twice as many by default;
    bench/actormap.py's), instead of 20 actors named "Acteur 0" to "Acteur 19" in a chain of
    cooperations. ``quotes``: quotes per entry. ``tagged``: entries and quotes carry codes
    (tags) from a set of 30. ``insights``: that many insights, each citing six entries (one of
    their quotes for most of them) — what bench/insights.py compares.
    """
    rng = random.Random(seed)
    if actors is None:
        generated = None
        count = ACTORS
    else:
        from actormap import make_actors  # bench/actormap.py: this folder is on sys.path

        generated = make_actors(actors, relations=2 * actors if relations is None else relations)
        count = actors
    names = [f"Acteur {i}" for i in range(count)]
    weeks = max(3, entries // 50)
    start = dt.date(2025, 1, 6)
    for folder in ("journal", "methods", "media", "prototypes"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    title = "Banc d'essai du rapport HTML"
    question = "Comment **mesurer** le rendu du rapport ?"
    md = [f"---\ntitle: {_q(title)}\nlang: fr\n---\n", f"## La question\n\n{question}\n"]
    config = [
        "format: 1",
        "id: banc-essai-html",
        f"title: {_q(title)}",
        "programme: territoires-en-residences",
        'host: "Région Exemple"',
        'site: "Mairie annexe"',
        "question: |",
        *_block(question),
        "language: fr",
        "license: CC-BY-SA-4.0",
        "keywords: [accueil, benchmark]",
        "weeks:",
    ]
    for number in range(weeks):
        first = start + dt.timedelta(weeks=number)
        config += [
            f"  - number: {number + 1}",
            f"    start: {first}",
            f"    end: {first + dt.timedelta(days=4)}",
        ]
    config += [
        "team:",
        "  - id: claire",
        '    name: "Claire Dumas"',
        "    role: resident",
        "  - id: malik",
        '    name: "Malik Ferhat"',
        "    role: resident",
    ]
    (root / "residence.yaml").write_text("\n".join(config) + "\n", encoding="utf-8")

    lines = ["actors:"]
    md.append("## Les acteurs\n")
    for i in range(count):
        stake = _sentence(rng, 8)
        if generated is None:
            kind, sector, circle, more = "service", rng.choice(SECTORS), rng.choice(CIRCLES), []
        else:
            made = generated["actors"][i]
            names[i] = made["name"]
            kind, sector, circle = made["kind"], made["sector"], made["circle"]
            more = [f"    influence: {made['influence']}"]
        lines += [
            f"  - id: acteur-{i}",
            f"    name: {_q(names[i])}",
            f"    kind: {kind}",
            f"    sector: {sector}",
            f"    circle: {circle}",
            *more,
            f"    stakes: [{_q(stake)}]",
        ]
        md.append(f"- **{names[i]}** : {stake}")
    lines.append("relations:")
    if generated is None:
        links = [(f"acteur-{i}", f"acteur-{i + 1}", "cooperation") for i in range(ACTORS - 1)]
    else:
        links = [(r["from"], r["to"], r["kind"]) for r in generated["relations"]]
    for source, target, kind in links:
        lines += [f"  - from: {source}", f"    to: {target}", f"    kind: {kind}"]
    (root / "actors.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    md.append("")

    steps = [_sentence(rng, 8) for _ in range(4)]
    (root / "methods" / "carnet.yaml").write_text(
        "\n".join(
            [
                "id: carnet",
                'title: "Le carnet de bord"',
                'summary: "Tenir un journal."',
                "steps:",
                *(f"  - {_q(s)}" for s in steps),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    md.append("## Méthode : le carnet de bord\n\n" + "\n".join(f"1. {s}" for s in steps) + "\n")

    for p in range(2):
        hypothesis = _sentence(rng, 20)
        (root / "prototypes" / f"proto-{p}.yaml").write_text(
            "\n".join(
                [
                    f"id: proto-{p}",
                    f'title: "Prototype {p}"',
                    f"hypothesis: {_q(hypothesis)}",
                    "stage: live-test",
                    f"created: {start}",
                    "team: [claire]",
                    "methods: [carnet]",
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        md.append(f"## Prototype {p}\n\n{hypothesis}\n")

    md.append("## Le journal\n")
    stems: list[tuple[str, int]] = []
    for n in range(entries):
        day = start + dt.timedelta(weeks=n % weeks, days=rng.randrange(5))
        heading = _sentence(rng, 5).rstrip(".")
        body = "\n\n".join(_sentence(rng, rng.randrange(25, 60)) for _ in range(3))
        said = [_sentence(rng, 12) for _ in range(quotes)]
        lines = [
            f"date: {day}",
            f'time: "{8 + n % 10:02d}:{(n * 7) % 60:02d}"',
            f"title: {_q(heading)}",
            f"kind: {KINDS[n % len(KINDS)]}",
            "authors: [claire, malik]",
            f"actors: [acteur-{n % count}]",
            "methods: [carnet]",
            "body: |",
            *_block(body),
        ]
        if tagged:
            lines.append(f"tags: [{CODES[n % len(CODES)]}, {CODES[(n * 7 + 3) % len(CODES)]}]")
        if said:
            lines.append("quotes:")
        for k, text in enumerate(said):
            lines += [f"  - actor: acteur-{(n + k) % count}", f"    text: {_q(text)}"]
            if tagged:
                lines.append(f"    tags: [{CODES[(n + k * 11) % len(CODES)]}]")
        quoted = "".join(f"> {text}\n\n" for text in said)
        md.append(f"### {heading}\n\n*{day}, {names[n % count]}*\n\n{body}\n\n{quoted}")
        if n < photos:
            lines += [
                "media:",
                f"  - file: media/photo-{n:03d}.jpg",
                f"    alt: {_q('Photo : ' + heading)}",
                '    caption: "Sur place"',
                '    credit: "Claire Dumas"',
            ]
            md.append(f"![Sur place. Photo : Claire Dumas](media/photo-{n:03d}.jpg)\n")
        (root / "journal" / f"{day}-entree-{n:05d}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
        stems.append((f"{day}-entree-{n:05d}", len(said)))
    if insights:
        md.append("## Ce que nous avons appris\n")
        (root / "insights").mkdir(exist_ok=True)
    for i in range(insights):
        title = _sentence(rng, 8).rstrip(".")
        statement = _sentence(rng, 40)
        lines = [
            f"id: piste-{i:03d}",
            f"title: {_q(title)}",
            "statement: |",
            *_block(statement),
            f"tags: [{CODES[i % len(CODES)]}, {CODES[(i * 7 + 3) % len(CODES)]}]",
            f"week: {1 + i % weeks}",
            "prototypes: [proto-0]",
            "evidence:",
        ]
        md.append(f"### {title}\n\n{statement}\n")
        for k in range(6):
            stem, said_here = stems[(i * 37 + k * 101) % len(stems)]
            lines.append(f"  - entry: {stem}")
            if said_here and k % 3:
                lines.append(f"    quote: {1 + k % said_here}")
            md.append(f"- {stem}")
        (root / "insights" / f"piste-{i:03d}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return "\n".join(md) + "\n"


def write_photos(root: Path, count: int) -> None:
    """Write ``count`` camera-sized JPEGs (2400x1800), textured so they weigh like photos."""
    from PIL import Image, ImageFilter

    rng = random.Random(3)
    base = Image.effect_noise((600, 450), 60).convert("RGB")
    for n in range(count):
        tint = Image.new("RGB", base.size, (rng.randrange(256), rng.randrange(256), 120))
        image = Image.blend(base, tint, 0.5).filter(ImageFilter.DETAIL).resize((2400, 1800))
        image.save(root / "media" / f"photo-{n:03d}.jpg", quality=88)


def run(command: list[str], label: str, cwd: Path) -> tuple[float, float]:
    """Run a command; return its (wall, CPU) seconds. Stop the benchmark if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        print(f"{label} failed ({result.returncode}):\n{result.stderr[-2000:]}", file=sys.stderr)
        raise SystemExit(2)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  {label}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    return wall, cpu


def pandoc_path() -> str | None:
    """Return pandoc: the system's, else the one the pypandoc-binary wheel ships."""
    found = shutil.which("pandoc")
    if found is None:
        try:
            import pypandoc

            found = pypandoc.get_pandoc_path()
        except (ImportError, OSError):
            return None
    return found


def residence_cmd() -> list[str]:
    script = Path(sys.executable).with_name("residence")
    return [str(script)] if script.exists() else [sys.executable, "-m", "residence"]


def profile_render(folder: Path, limit: int) -> None:
    """Render in this process under cProfile; print the costliest functions."""
    from residence.gate import select_edition
    from residence.load import load_residency
    from residence.render.html import render_html

    profiler = cProfile.Profile()
    profiler.enable()
    residency, _ = load_residency(folder)
    report = render_html(select_edition(residency, "public"))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    print(f"\nProfile of one render ({len(report.html) / 1e6:.1f} MB of HTML):\n{out.getvalue()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1500)
    parser.add_argument("--photos", type=int, default=60)
    parser.add_argument(
        "--actors", type=int, help="N actors and 2N relations (default: 20 actors in a chain)"
    )
    parser.add_argument("--relations", type=int, help="with --actors: this many relations")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one render (cProfile)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    if args.actors is not None and args.actors < 1:
        parser.error("--actors must be at least 1")
    pandoc = pandoc_path()
    if pandoc is None:
        print("pandoc is not installed: pip install pypandoc-binary", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="residence-bench-html-"))
    try:
        folder = work / "residency"
        print(f"Writing {args.entries} entries and {args.photos} photos into {folder}")
        relations = args.relations
        if args.actors is not None:
            relations = 2 * args.actors if relations is None else relations
            print(f"with {args.actors} actors and {relations} relations")
        markdown = write_residency(
            folder, args.entries, args.photos, actors=args.actors, relations=relations
        )
        write_photos(folder, args.photos)
        (work / "report.md").write_text(markdown, encoding="utf-8")
        shutil.copytree(folder / "media", work / "media")  # pandoc's page links them too
        ours = [*residence_cmd(), "render", str(folder), "--to", "html", "--out", str(work / "out")]
        theirs = [pandoc, "-s", "-f", "markdown", "-t", "html5", "-o", "pandoc.html", "report.md"]
        print("Filling the photo cache (not counted):")
        run(ours, "residence render --to html (cold)", work)
        print(f"Best of {args.repeat}, taking turns:")
        ours_runs, theirs_runs = [], []
        for _ in range(args.repeat):
            ours_runs.append(run(ours, "residence render --to html", work))
            theirs_runs.append(run(theirs, "pandoc -s", work))
        our_wall, our_cpu = min(r[0] for r in ours_runs), min(r[1] for r in ours_runs)
        pan_wall, pan_cpu = min(r[0] for r in theirs_runs), min(r[1] for r in theirs_runs)
        size = (work / "out" / "report.html").stat().st_size
        pan_size = (work / "pandoc.html").stat().st_size
        # The goal is judged on CPU time: wall time also counts what else the machine does.
        ratio = our_cpu / pan_cpu
        print(
            f"\nresidence: {our_wall:.2f} s wall, {our_cpu:.2f} s CPU, "
            f"report.html {size / 1e6:.1f} MB"
        )
        print(f"pandoc:    {pan_wall:.2f} s wall, {pan_cpu:.2f} s CPU, {pan_size / 1e6:.1f} MB")
        print(f"ratio residence / pandoc: {ratio:.2f} wall, {our_cpu / pan_cpu:.2f} CPU")
        verdict = "met" if ratio <= GOAL else "MISSED"
        print(f"goal CPU ratio <= {GOAL:.1f}: {verdict}")
        if args.profile:
            profile_render(folder, 25)
        return 0 if ratio <= GOAL else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
