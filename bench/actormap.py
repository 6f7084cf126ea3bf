"""Benchmark the actor map's layout (`layout_actor_map`) on generated residencies.

Run by hand, not by the tests:

    .venv/bin/python bench/actormap.py                      # 20, 80 and 160 actors
    .venv/bin/python bench/actormap.py --actors 80 --repeat 10
    .venv/bin/python bench/actormap.py --actors 160 --profile

For each size it builds a residency in memory (seeded, so every run lays out the same
map): actors in random sectors and circles, fewer in the core, with names of one to four
words (some long, some hyphenated), influence 1 to 5, and ``--relations`` (150) relations
between random pairs. It times ``layout_actor_map`` best of ``--repeat`` (5) and prints the
time and its ratio to the goal (issue 20: 0.15 s at 80 actors, 0.5 s at 160). The exit
status is 1 when a goal is missed. ``--profile`` runs one layout of each size under
cProfile and prints the functions that take the most time.

The times are CPU seconds of this process (``time.process_time``): the wall time on an idle
machine, and still meaningful on a busy one. bench/render_html.py's ``--actors`` writes the
actors of :func:`make_actors` into its residency.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any

#: Seconds allowed for one layout, by number of actors (issue 20).
GOALS = {80: 0.15, 160: 0.5}
SECTORS = ("public", "private", "civil-society", "users")
CIRCLES = ("core", "direct", "indirect")
CIRCLE_WEIGHTS = (2, 4, 4)  # fewer actors in the core, as on a real map
KINDS = ("institution", "service", "elected", "agent", "association", "company", "user")
RELATION_KINDS = ("cooperation", "tension", "funding", "authority", "information", "service")
HEADS = (
    "Mairie Direction Service Association Collectif Maison Centre Conseil Mission Agence "
    "Bailleur Lycée Collège Syndicat Comité Fédération Boulangerie Pharmacie Cabinet Office "
    "Préfecture Département Région Caisse Union Réseau Atelier Régie Foyer Club"
).split()
WORDS = (
    "des habitants du quartier locale régionale de l'emploi jeunesse solidarité culturelle "
    "sociale municipal technique Saint-Aubin-les-Forges Loire-Océane écoles parents élèves "
    "commerçants transports numérique santé logement accueil sport familles aînés "
    "intercommunale départementale territoriale d'insertion professionnelle Jean-Moulin"
).split()


def make_actors(count: int, relations: int = 150, seed: int = 20) -> dict[str, list[Any]]:
    """Return ``count`` actors and ``relations`` relations as actors.yaml would hold them."""
    rng = random.Random(seed)
    actors: list[dict[str, Any]] = []
    for index in range(count):
        words = [rng.choice(HEADS), *(rng.choice(WORDS) for _ in range(rng.randrange(4)))]
        actors.append(
            {
                "id": f"acteur-{index}",
                "name": " ".join(words),
                "kind": rng.choice(KINDS),
                "sector": rng.choice(SECTORS),
                "circle": rng.choices(CIRCLES, CIRCLE_WEIGHTS)[0],
                "influence": rng.randrange(1, 6),
            }
        )
    links: list[dict[str, Any]] = []
    pairs: set[tuple[int, int]] = set()
    while count > 1 and len(links) < min(relations, count * (count - 1)):
        a, b = rng.randrange(count), rng.randrange(count)
        if a == b or (a, b) in pairs:
            continue
        pairs.add((a, b))
        links.append(
            {"from": f"acteur-{a}", "to": f"acteur-{b}", "kind": rng.choice(RELATION_KINDS)}
        )
    return {"actors": actors, "relations": links}


def published(count: int, relations: int = 150, seed: int = 20) -> Any:
    """Return a public edition holding the generated actors and relations."""
    from residence.gate import select_edition
    from residence.models.actors import ActorsFile
    from residence.models.residency import Residency

    data = ActorsFile.model_validate(make_actors(count, relations, seed))
    residency = Residency(root=Path("."), actors=data.actors, relations=data.relations)
    return select_edition(residency, "public")


def best_of(count: int, relations: int, repeat: int) -> float:
    """Return the best CPU time of ``repeat`` layouts of a generated map of ``count`` actors."""
    from residence.i18n import translator
    from residence.render.actormap import layout_actor_map, metrics

    residency, t = published(count, relations), translator("fr", "report")
    times = []
    for _ in range(repeat):
        metrics.text_width.cache_clear()  # as in a new process: `residence render` is one
        start = time.process_time()
        layout_actor_map(residency, t)
        times.append(time.process_time() - start)
    return min(times)


def profile(count: int, relations: int, limit: int = 25) -> None:
    """Lay out one map under cProfile; print the costliest functions."""
    from residence.i18n import translator
    from residence.render.actormap import layout_actor_map, metrics

    residency, t = published(count, relations), translator("fr", "report")
    metrics.text_width.cache_clear()
    profiler = cProfile.Profile()
    profiler.enable()
    layout_actor_map(residency, t)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    print(f"\nProfile of one layout of {count} actors:\n{out.getvalue()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actors", type=int, nargs="+", default=[20, 80, 160])
    parser.add_argument("--relations", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile one layout (cProfile)")
    args = parser.parse_args()
    missed = False
    for count in args.actors:
        seconds = best_of(count, args.relations, args.repeat)
        line = f"{count:4d} actors: {seconds:.3f} s CPU (best of {args.repeat})"
        goal = GOALS.get(count)
        if goal is not None:
            ratio = seconds / goal
            missed |= ratio > 1
            line += f", {ratio:.2f} of the goal ({goal} s): {'met' if ratio <= 1 else 'MISSED'}"
        print(line, flush=True)
        if args.profile:
            profile(count, args.relations)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
