"""Benchmark what insights and codes cost `residence check` and `render --to html`.

Run by hand, not by the tests:

    .venv/bin/python bench/insights.py                    # 1,500 entries, 50 insights
    .venv/bin/python bench/insights.py --entries 300 --insights 10 --repeat 2   # quick

It writes three residencies of the same entries and quotes (two per entry: 3,000 quotes for
1,500 entries), made by bench/render_html.py's generator: "plain", no tag; "tagged", every
entry and every quote tagged with codes from a set of 30; "coded", the same tags and
``--insights`` insights citing six entries each (most of them one of their quotes). Then,
taking turns, it times ``residence check`` and ``residence render --to html`` on each, and
prints the best CPU time of each and the ratios. Goal (issue 21): coded / tagged <= 1.10 for
both — the residency with its insights against the same residency without them. The ratio
coded / plain (what the tags cost as well) is printed for information. The exit status is 1
when the goal is missed.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from render_html import residence_cmd, write_residency

GOAL = 1.10


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str]) -> tuple[float, float]:
    """Run a command; return its (wall, CPU) seconds. Stop the benchmark if it fails."""
    before, start = _cpu(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - start, _cpu() - before
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[1:3])} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1500)
    parser.add_argument("--insights", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    residence = residence_cmd()
    with tempfile.TemporaryDirectory(prefix="residence-bench-insights-") as tmp:
        work = Path(tmp)
        roots = {name: work / name for name in ("plain", "tagged", "coded")}
        write_residency(roots["plain"], args.entries, 0, quotes=2)
        write_residency(roots["tagged"], args.entries, 0, quotes=2, tagged=True)
        write_residency(
            roots["coded"], args.entries, 0, quotes=2, tagged=True, insights=args.insights
        )
        print(
            f"{args.entries} entries, {2 * args.entries} quotes; coded: every entry and quote "
            f"tagged, {args.insights} insights"
        )
        commands = {
            "check": lambda root: [*residence, "check", str(root)],
            "render --to html": lambda root: [
                *residence,
                "render",
                str(root),
                "--to",
                "html",
                "--out",
                str(root / "_out"),
            ],
        }
        worst = 0.0
        for label, command in commands.items():
            best = dict.fromkeys(roots, float("inf"))
            for root in roots.values():
                run(command(root))  # warm the file cache
            for _ in range(args.repeat):
                for name, root in roots.items():
                    best[name] = min(best[name], run(command(root))[1])
            ratio = best["coded"] / best["tagged"]
            worst = max(worst, ratio)
            print(
                f"  {label:<18} plain {best['plain']:.2f}, tagged {best['tagged']:.2f}, "
                f"coded {best['coded']:.2f} s CPU; coded / tagged {ratio:.2f}, "
                f"coded / plain {best['coded'] / best['plain']:.2f}"
            )
        verdict = "met" if worst <= GOAL else "MISSED"
        print(f"goal: ratios <= {GOAL:.2f}: {verdict}")
        return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
