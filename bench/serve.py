"""Benchmark `residence serve`: from the save of one journal entry to its new text served.

Run by hand, not by the tests:

    .venv/bin/python bench/serve.py                            # 1,500 entries, 60 photos
    .venv/bin/python bench/serve.py --entries 150 --photos 10  # a quick, reduced run

It writes the generated residency of bench/render_html.py in a temporary folder, then:

- times ``residence render DIR --to html`` with a warm photo cache (a first render fills
  it and is not counted), ``--repeat`` times (3), and keeps the median;
- starts ``residence serve DIR --port 0``, opens its event stream as the page's script
  does, and edits the body of one journal entry ``--edits`` times (10), waiting a moment
  between saves: each time, from the end of the save to the moment the page, fetched after
  the "reload" event, holds the new text.

It prints each edit's time, their median and the ratio median / full render. Goal: the
median under 1 s (issue 20). The exit status is 1 when the goal is missed. The times the
preview printed for its builds are shown too (``Report made again in …``), and, on Linux,
the CPU time the preview spent per edit against the full render's (steadier than wall
times when the machine is busy).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from render_html import residence_cmd, run, write_photos, write_residency

GOAL = 1.0  # seconds, from a save to its text served
PATIENCE = 60.0  # seconds a single edit may take before the benchmark gives up


def cpu_seconds(pid: int) -> float | None:
    """Return the CPU time (user + system) a process has spent, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_preview(folder: Path, log: Path) -> tuple[subprocess.Popen[str], int]:
    """Start `residence serve` on any free port; return it and its port."""
    process = subprocess.Popen(
        [*residence_cmd(), "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=log.open("w", encoding="utf-8"),
        text=True,
        env={**os.environ, "RESIDENCE_LANG": "en"},
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    found = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/", url)
    if found is None:
        process.kill()
        print(f"residence serve did not start:\n{log.read_text()}", file=sys.stderr)
        raise SystemExit(2)
    return process, int(found.group(1))


class Events:
    """The preview's event stream, read as the page's script reads it."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PATIENCE)
        self.conn.request("GET", "/__residence/events")
        self.response = self.conn.getresponse()

    def next_build(self) -> int:
        """Wait for the next "reload" event; return its build number."""
        event = None
        while True:
            line = self.response.fp.readline().decode("utf-8").rstrip("\n")
            if not line and self.response.fp.closed:
                raise SystemExit("the event stream ended")
            if line.startswith("event: "):
                event = line[len("event: ") :]
            elif line.startswith("data: ") and event == "reload":
                return int(line[len("data: ") :])

    def close(self) -> None:
        self.conn.close()


def fetch_page(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PATIENCE)
    try:
        conn.request("GET", "/")
        return conn.getresponse().read().decode("utf-8")
    finally:
        conn.close()


def edit_and_wait(entry: Path, text: str, marker: str, events: Events, port: int) -> float:
    """Save ``entry`` with ``marker`` in its body; return the seconds until it is served."""
    changed = text.replace("body: |\n", f"body: |\n  {marker}.\n\n", 1)
    assert changed != text, "the entry has no body block"
    entry.write_text(changed, encoding="utf-8")
    saved = time.perf_counter()
    while True:
        events.next_build()
        if marker in fetch_page(port):
            return time.perf_counter() - saved
        if time.perf_counter() - saved > PATIENCE:
            raise SystemExit(f"{marker} never reached the page")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1500)
    parser.add_argument("--photos", type=int, default=60)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="residence-bench-serve-"))
    process = None
    try:
        folder = work / "residency"
        print(f"Writing {args.entries} entries and {args.photos} photos into {folder}")
        write_residency(folder, args.entries, args.photos)
        write_photos(folder, args.photos)
        render = [*residence_cmd(), "render", str(folder), "--to", "html", "--out"]
        render.append(str(work / "out"))
        print("Filling the photo cache (not counted):")
        run(render, "residence render --to html (cold)", work)
        renders = [run(render, "residence render --to html", work) for _ in range(args.repeat)]
        full = statistics.median(r[0] for r in renders)
        full_cpu = statistics.median(r[1] for r in renders)

        log = work / "serve.log"
        process, port = start_preview(folder, log)
        events = Events(port)
        events.next_build()  # the build served when the page opens
        entry = sorted((folder / "journal").glob("*.yaml"))[args.entries // 2]
        text = entry.read_text(encoding="utf-8")
        print(f"Editing {entry.relative_to(folder)} {args.edits} times:")
        times, cpus = [], []
        for n in range(args.edits):
            time.sleep(0.5)  # a writer between two saves
            before = cpu_seconds(process.pid)
            seconds = edit_and_wait(entry, text, f"Marqueur de banc {n}", events, port)
            after = cpu_seconds(process.pid)
            times.append(seconds)
            cpu = ""
            if before is not None and after is not None:
                cpus.append(after - before)
                cpu = f", {after - before:.2f} s CPU"
            print(f"  edit {n + 1}: {seconds:.3f} s from the save to the new text served{cpu}")
        events.close()
        median = statistics.median(times)
        built = re.findall(r"Report made again in ([\d.]+) s", log.read_text(encoding="utf-8"))
        print(f"\nresidence render --to html (median of {args.repeat}): {full:.2f} s wall")
        print(f"residence serve, save -> new text served: median {median:.3f} s, "
              f"min {min(times):.3f} s, max {max(times):.3f} s")  # fmt: skip
        if built:
            print(f"  the preview's own build times: {', '.join(built)} s")
        print(f"ratio serve edit / full render: {median / full:.2f}")
        if cpus:
            cpu_median = statistics.median(cpus)
            print(f"CPU: {cpu_median:.2f} s per edit (median), {full_cpu:.2f} s per full render; "
                  f"ratio {cpu_median / full_cpu:.2f}")  # fmt: skip
        verdict = "met" if median < GOAL else "MISSED"
        print(f"goal median < {GOAL:.1f} s: {verdict}")
        return 0 if median < GOAL else 1
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
