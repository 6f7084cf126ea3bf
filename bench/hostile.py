"""Benchmark hostile text through the pipeline: time linear in the text's size (issue 18).

Run by hand, not by the tests:

    .venv/bin/python bench/hostile.py                          # every shape, 100 kB to 10 MB
    .venv/bin/python bench/hostile.py --shapes word,entities   # some shapes
    .venv/bin/python bench/hostile.py --sizes 100000,1000000   # other sizes (characters)

For each hostile shape of tests/faults/test_bounded_time.py (one long word, runs of ``*``,
``%41``, ``&amp;``, ``@``, camel case, digits and letters, no-break spaces, names glued to
digits, marks inside names…) and each size, it writes tests/projects/minimal with that text
as an entry's body (and its protected person, so that the gate's matcher reads the text),
then, in a fresh Python process, times load, check, select_edition (the gate) and
render_html, and reads the process's peak memory.

It prints, for each shape and size, the CPU time of each step and in all, the ratio to the
previous size (10 times the text should cost about 10 times the time: a ratio near 100 is
quadratic), and the peak memory; then checks the issue's bounds on the total wall time of a
single word: under 10 s for 1 MB and under 60 s for 10 MB. The exit status is 1 when a bound
is missed or a ratio reaches three times the growth of the text (30 for tenfold).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "faults")]

#: The issue's bounds on the wall time of a single-word body, by size in characters.
BOUNDS = {1_000_000: 10.0, 10_000_000: 60.0}
#: A time ratio this many times the text's growth is not linear (quadratic: the growth).
NOT_LINEAR = 3.0
STEPS = ("load", "check", "gate", "render")


def run_one(shape: str, size: int) -> dict[str, float]:
    """Time the pipeline on one hostile body, in this process; return seconds and memory."""
    import resource

    from test_bounded_time import SHAPES, hostile_residency

    from residence.check import check_residency
    from residence.gate import select_edition
    from residence.load import load_residency
    from residence.render.html import render_html

    with tempfile.TemporaryDirectory() as tmp:
        folder = hostile_residency(Path(tmp), SHAPES[shape](size))
        cpu: dict[str, float] = {}
        wall = time.perf_counter()

        def step(name: str, start: float) -> None:
            cpu[name] = time.process_time() - start

        start = time.process_time()
        residency, _problems = load_residency(folder)
        step("load", start)
        start = time.process_time()
        check_residency(residency)
        step("check", start)
        start = time.process_time()
        published = select_edition(residency, "public")
        step("gate", start)
        start = time.process_time()
        render_html(published, cache_dir=Path(tmp) / "cache")
        step("render", start)
        cpu["wall"] = time.perf_counter() - wall
    cpu["memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return cpu


def measure(shape: str, size: int) -> dict[str, float]:
    """Run one case in a fresh Python process (so that its peak memory is its own)."""
    done = subprocess.run(
        [sys.executable, __file__, "--one", shape, str(size)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def human(size: int) -> str:
    return f"{size / 1_000_000:g} MB" if size >= 1_000_000 else f"{size / 1000:g} kB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default="", help="comma-separated shape names (all)")
    parser.add_argument("--sizes", default="100000,1000000,10000000", help="in characters")
    parser.add_argument("--one", nargs=2, metavar=("SHAPE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return 0

    from test_bounded_time import SHAPES

    shapes = [s for s in args.shapes.split(",") if s] or list(SHAPES)
    unknown = sorted(set(shapes) - set(SHAPES))
    if unknown:
        parser.error(f"unknown shapes {', '.join(unknown)}; the shapes are {', '.join(SHAPES)}")
    sizes = sorted(int(s) for s in args.sizes.split(","))
    failed = False
    header = f"{'shape':<24}{'size':>8}" + "".join(f"{s:>8}" for s in STEPS)
    print(header + f"{'CPU s':>8}{'wall s':>8}{'ratio':>7}{'MB':>7}")
    for shape in shapes:
        previous: tuple[int, float] | None = None
        for size in sizes:
            got = measure(shape, size)
            total = sum(got[s] for s in STEPS)
            ratio = total / previous[1] if previous and previous[1] else None
            growth = size / previous[0] if previous else 1.0
            previous = (size, total)
            line = f"{shape:<24}{human(size):>8}" + "".join(f"{got[s]:>8.2f}" for s in STEPS)
            line += f"{total:>8.2f}{got['wall']:>8.2f}"
            line += f"{ratio:>7.1f}" if ratio is not None else f"{'':>7}"
            line += f"{got['memory_mb']:>7.0f}"
            bound = BOUNDS.get(size) if shape == "word" else None
            if bound is not None:
                verdict = "ok" if got["wall"] < bound else "MISSED"
                line += f"  (bound {bound:g} s: {verdict})"
                failed |= verdict != "ok"
            # A ratio is only read when there was enough work to measure.
            if ratio is not None and total > 1 and ratio >= NOT_LINEAR * growth:
                line += "  NOT LINEAR"
                failed = True
            print(line, flush=True)
    print("ratio: CPU time over that of the previous size (linear: the growth of the text)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
