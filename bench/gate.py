"""Benchmark the privacy gate: `select_edition(residency, "public")` on a big residency.

Run by hand, not by the tests:

    .venv/bin/python bench/gate.py                 # 1,500 entries
    .venv/bin/python bench/gate.py --entries 300   # a quick run

It writes the residency of bench/render_html.py (1,500 journal entries with quotes, actors,
a method, prototypes), adds twelve people met (personal actors), eight of whom did not
agree to be named, and names them in a tenth of the entries in the ways a team writes
them (full name, first name, an e-mail address, a hashtag, bold in the middle of a name).
It loads the folder once, then times the public gate, best of ``--repeat`` (5), and prints
its time and its ratio to the time of loading the same folder.

To compare two versions of the tool, run this same script with each one's Python (an
editable install of each tree): the residency is the same (fixed seed).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from render_html import write_residency

PEOPLE = [
    ("Solange Vermeersch", None),
    ("Fiona Griffith", None),
    ("Gaëlle Fouquet", None),
    ("Jean-Pierre Kérouac", None),
    ("Lina Traoré", None),
    ("Mathilde Le Goff", "internal"),
    ("Yannick Ollivier", "none"),
    ("Zoé Quennec", "none"),
    ("Nadia Ferrand", "public"),
    ("Paul Bernard", "public"),
    ("Inès Haddad", "public"),
    ("Tom Garnier", "public"),
]


def add_people(root: Path, seed: int = 7) -> None:
    """Add the people met, their consent records and their names in some entries."""
    rng = random.Random(seed)
    actors = root / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    head, relations = text.split("relations:", 1)
    people = []
    for index, (name, _scope) in enumerate(PEOPLE):
        people += [
            f"  - id: personne-{index}",
            f'    name: "{name}"',
            "    kind: person",
            "    sector: users",
            "    circle: direct",
            "    personal: true",
            f'    description: "{name} vient chaque semaine."',
        ]
    actors.write_text(head + "\n".join(people) + "\nrelations:" + relations, encoding="utf-8")
    consents = ["consents:"]
    for index, (_name, scope) in enumerate(PEOPLE):
        if scope is not None:
            consents += [f"  - actor: personne-{index}", f"    scope: {scope}"]
    (root / "private").mkdir(exist_ok=True)
    (root / "private" / "consent.yaml").write_text("\n".join(consents) + "\n", encoding="utf-8")
    for path in sorted((root / "journal").glob("*.yaml"))[::10]:
        name = rng.choice(PEOPLE)[0]
        first, last = name.split(" ", 1)
        mention = rng.choice(
            [
                name,
                first,
                f"{first[0].lower()}{last.lower().replace(' ', '')}@lycee.fr",
                f"#{first}{last.replace(' ', '')}",
                f"{first[:3]}**{first[3:]}** {last}",
            ]
        )
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("body: |\n  ", f"body: |\n  Rencontre avec {mention}. ", 1),
            encoding="utf-8",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from residence.load import load_residency

    try:
        from residence.gate import select_edition
    except ImportError:  # before the gate had its own package
        from residence.edition import select_edition  # type: ignore[no-redef]

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "banc"
        root.mkdir()
        write_residency(root, args.entries, photos=0)
        add_people(root)
        loads, gates = [], []
        for _ in range(args.repeat):
            start = time.process_time()
            residency, problems = load_residency(root)
            loads.append(time.process_time() - start)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            print("\n".join(str(p) for p in errors[:5]))
            return 1
        for _ in range(args.repeat):
            start = time.process_time()
            select_edition(residency, "public")
            gates.append(time.process_time() - start)
    load, gate = min(loads), min(gates)
    print(f"entries: {args.entries}, people met: {len(PEOPLE)}")
    print(f"load   {load:.3f} s CPU (best of {args.repeat})")
    print(f"gate   {gate:.3f} s CPU (best of {args.repeat})")
    print(f"gate / load ratio: {gate / load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
