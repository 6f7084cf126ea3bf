"""Benchmark `residence render --to pdf`: overhead, pandoc, photos and memory, in one run.

Run by hand, not by the tests:

    .venv/bin/python bench/render_pdf.py                          # 1,500 entries, 100 photos
    .venv/bin/python bench/render_pdf.py --entries 150 --photos 10  # a quick, reduced run

It writes a generated residency in a temporary folder, then measures, each in its own
process (wall time, and peak memory from getrusage):

(a) ``residence render DIR --to pdf`` against raw WeasyPrint laying out the very page
    residence gives it (report.html with the print style sheet, same options: tagged
    PDF/UA-1, 300 dpi) — goal: our overhead under 10 %;
(b) ``pandoc --pdf-engine=weasyprint`` on the same content written as Markdown: the
    journal's weeks, days and entries with the text the report shows for each (kind and
    time, title, authors, text, actor met, method); skipped, with a message, when pandoc
    is not installed — goal: no slower;
(c) the same residency with phone-sized photos (4000x3000 JPEG): the PDF must stay under
    30 MB, and a second render (warm photo cache) may cost at most 1.2x the render without
    photos;
(d) peak memory (RSS) of every `residence render` above (raw WeasyPrint's and pandoc's are
    printed beside it) — goal: under 800 MB.

Times are CPU seconds (user + system) of each process, best of ``--repeat`` runs, the
renders compared taking turns: on a shared machine wall time says more about the neighbours
than about the renderer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OVERHEAD_GOAL = 1.10
PANDOC_GOAL = 1.0
PHOTO_GOAL = 1.2
PDF_SIZE_GOAL = 30 * 1024 * 1024
RSS_GOAL = 800 * 1024 * 1024

WORDS = (
    "accueil guichet agents usagers hall attente orientation signalétique familles élèves "
    "formulaire rendez-vous matinée permanence bureau couloir affichage service public "
    "écoute parcours démarche dossier entretien atelier prototype carton maquette test "
    "retour habitants quartier mairie annexe file d'attente horaires téléphone courrier"
).split()
KINDS = ["observation", "interview", "workshop", "meeting", "test", "reflection"]

#: Raw WeasyPrint on the page residence gives it, with the same options, and the same
#: work-arounds of pydyf's quadratic page references and of tinyhtml5's pattern cache (so
#: that (a) measures our own work, not a library cost we avoid).
RAW = """
import sys, weasyprint
from residence.render.pdf.patches import page_references_once, parser_patterns_once
page_references_once()
parser_patterns_once()
html = weasyprint.HTML(filename=sys.argv[1], media_type="print")
html.write_pdf(sys.argv[2], pdf_variant="pdf/ua-1", pdf_tags=True, dpi=300)
"""


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_residency(root: Path, entries: int, photos: int, seed: int = 7) -> list[dict[str, str]]:
    """Write a residency of ``entries`` journal entries (``photos`` of them with a photo)."""
    rng = random.Random(seed)
    weeks = max(3, entries // 50)
    start = dt.date(2025, 1, 6)
    (root / "journal").mkdir(parents=True)
    (root / "methods").mkdir()
    (root / "media").mkdir()
    week_lines = []
    for number in range(weeks):
        first = start + dt.timedelta(weeks=number)
        week_lines.append(
            f"  - number: {number + 1}\n    start: {first}\n"
            f"    end: {first + dt.timedelta(days=4)}\n"
        )
    (root / "residence.yaml").write_text(
        'format: 1\nid: banc-essai\ntitle: "Banc d\'essai du rendu PDF"\n'
        'programme: territoires-en-residences\nhost: "Région Exemple"\n'
        'site: "Mairie annexe"\nquestion: |\n  Comment **mesurer** le rendu ?\n'
        "language: fr\nlicense: CC-BY-SA-4.0\nkeywords: [accueil, benchmark]\n"
        "weeks:\n"
        + "".join(week_lines)
        + 'team:\n  - id: claire\n    name: "Claire Dumas"\n    role: resident\n'
        '  - id: malik\n    name: "Malik Ferhat"\n    role: resident\n',
        encoding="utf-8",
    )
    actors = ["actors:"]
    for i in range(20):
        actors.append(
            f'  - id: acteur-{i}\n    name: "Acteur {i}"\n    kind: service\n'
            f"    sector: {rng.choice(['public', 'private', 'civil-society', 'users'])}\n"
            f"    circle: {rng.choice(['core', 'direct', 'indirect'])}\n"
        )
    actors.append("relations:")
    for i in range(19):
        actors.append(f"  - from: acteur-{i}\n    to: acteur-{i + 1}\n    kind: cooperation\n")
    (root / "actors.yaml").write_text("\n".join(actors) + "\n", encoding="utf-8")
    (root / "methods" / "carnet.yaml").write_text(
        'id: carnet\ntitle: "Le carnet de bord"\nsummary: "Tenir un journal."\n'
        'steps: ["Écrire chaque jour."]\n',
        encoding="utf-8",
    )
    docs = []
    for n in range(entries):
        day = start + dt.timedelta(weeks=n % weeks, days=rng.randrange(5))
        title = _sentence(rng, 5).rstrip(".")
        paragraphs = [_sentence(rng, rng.randrange(25, 60)) for _ in range(3)]
        body = "\n\n".join(paragraphs)
        lines = [
            f"date: {day}",
            f'time: "{8 + n % 10:02d}:{(n * 7) % 60:02d}"',
            f"title: {_quote(title)}",
            f"kind: {KINDS[n % len(KINDS)]}",
            "authors: [claire, malik]",
            f"actors: [acteur-{n % 20}]",
            "methods: [carnet]",
            "body: |",
            *("  " + line if line else "" for line in body.split("\n")),
        ]
        if n < photos:
            lines += [
                "media:",
                f"  - file: media/photo-{n:03d}.jpg",
                f"    alt: {_quote('Photo ' + title)}",
                '    caption: "Sur place"',
                '    credit: "Claire Dumas"',
            ]
        (root / "journal" / f"{day}-entree-{n:05d}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
        docs.append(
            {
                "date": str(day),
                "time": f"{8 + n % 10:02d}:{(n * 7) % 60:02d}",
                "title": title,
                "kind": KINDS[n % len(KINDS)],
                "actor": f"Acteur {n % 20}",
                "body": body,
            }
        )
    return docs


def write_photos(root: Path, count: int) -> int:
    """Write ``count`` phone-sized JPEGs (4000x3000): smooth shapes and sensor grain, so
    that they weigh, and compress, like photos (2 to 3 MB each)."""
    from PIL import Image

    rng = random.Random(3)
    grain = Image.effect_noise((4000, 3000), 20).convert("RGB")
    total = 0
    for n in range(count):
        base = Image.effect_noise((500, 375), 40 + n % 30).convert("RGB")
        base = base.resize((4000, 3000), Image.Resampling.BICUBIC)
        tint = Image.new("RGB", base.size, (rng.randrange(256), rng.randrange(256), 120))
        image = Image.blend(Image.blend(base, tint, 0.45), grain, 0.12)
        path = root / "media" / f"photo-{n:03d}.jpg"
        image.save(path, "JPEG", quality=90)
        total += path.stat().st_size
    return total


def write_markdown(path: Path, docs: list[dict[str, str]]) -> None:
    """Write the journal as one Markdown document (for pandoc), with the same text as the
    report's journal: weeks, days, and for each entry its kind and time, title, authors,
    text, the actor met and the method (a link), in the report's order."""
    from residence.i18n import translator
    from residence.render.charts import kind_labels

    t = translator("fr")
    kinds = kind_labels(t)
    parts = ['---\ntitle: "Banc d\'essai du rendu PDF"\nlang: fr\n---\n']
    start = dt.date(2025, 1, 6)
    week = day = None
    for doc in sorted(docs, key=lambda d: (d["date"], d["time"], d["title"])):
        date = dt.date.fromisoformat(doc["date"])
        if (date - start).days // 7 != week:
            week = (date - start).days // 7
            parts.append(f"# Semaine {week + 1}\n")
        if date != day:
            day = date
            parts.append(f"## {t.date(date)}\n")
        parts.append(
            f"*{kinds[doc['kind']]}* · {doc['time']}\n\n### {doc['title']}\n\n"
            f"Par Claire Dumas et Malik Ferhat\n\n{doc['body']}\n\n"
            f"**Rencontrés :** {doc['actor']}\\\n"
            "**Méthodes :** [Le carnet de bord](#le-carnet-de-bord)\n"
        )
    parts.append("# Le carnet de bord\n\nTenir un journal.\n\n1. Écrire chaque jour.\n")
    path.write_text("\n".join(parts), encoding="utf-8")


def run(command: list[str], label: str) -> tuple[float, int]:
    """Run a command; return (CPU seconds, peak RSS in bytes) of that very process.

    CPU time (user + system) is the figure compared: on a shared machine the wall time
    depends on what else runs; the CPU time a render needs does much less. os.wait4 gives
    the resources of this one child (RUSAGE_CHILDREN would give the largest child so far).
    """
    # pandoc runs the `weasyprint` command: the one installed next to this Python.
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace")[-2000:]
            print(f"{label} failed ({process.returncode}):\n{message}", file=sys.stderr)
            raise SystemExit(1)
    cpu = usage.ru_utime + usage.ru_stime
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    print(
        f"  {label}: {cpu:.1f} s CPU ({wall:.1f} s wall), peak RSS {rss / 1024 / 1024:.0f} MB",
        flush=True,
    )
    return cpu, rss


def best(command: list[str], label: str, repeat: int) -> tuple[float, int]:
    """Return the best CPU time of ``repeat`` runs, and the peak RSS."""
    runs = [run(command, label) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def residence_cmd() -> list[str]:
    script = Path(sys.executable).with_name("residence")
    return [str(script)] if script.exists() else [sys.executable, "-m", "residence"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1500)
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each render (best kept)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1735689600")
    tmp = Path(tempfile.mkdtemp(prefix="residence-bench-pdf-"))
    print(f"Residency of {args.entries} entries, {args.photos} photos, in {tmp}", flush=True)
    try:
        plain = tmp / "plain"
        docs = write_residency(plain, args.entries, 0)
        photos = tmp / "photos"
        if args.photos:
            write_residency(photos, args.entries, args.photos)
            weight = write_photos(photos, args.photos)
            print(f"  wrote {args.photos} photos, {weight / 1024 / 1024:.0f} MB", flush=True)
        ours = residence_cmd()

        print(
            "(a) residence render --to pdf against raw WeasyPrint, and (b) against "
            "pandoc --pdf-engine=weasyprint on the same content",
            flush=True,
        )
        run(
            [*ours, "render", str(plain), "--to", "pdf", "--out", str(tmp / "warm")],
            "warm-up (font cache)",
        )
        page = _page_as_given(plain, tmp / "raw")
        raw = [sys.executable, "-c", RAW, str(page), str(tmp / "raw.pdf")]
        mine = [*ours, "render", str(plain), "--to", "pdf", "--out", str(tmp / "out")]
        pandoc = shutil.which("pandoc")
        compared = {"ours": mine, "raw": raw}
        if pandoc is None:
            print("  (b) skipped: pandoc is not installed (apt-get install pandoc)")
        else:
            markdown = tmp / "journal.md"
            write_markdown(markdown, docs)
            compared["pandoc"] = [
                pandoc,
                str(markdown),
                "-o",
                str(tmp / "pandoc.pdf"),
                "--pdf-engine=weasyprint",
            ]
        labels = {
            "ours": "residence render --to pdf",
            "raw": "raw WeasyPrint, same page",
            "pandoc": "pandoc --pdf-engine=weasyprint",
        }
        cpu: dict[str, float] = {}
        rss: dict[str, int] = {}
        rounds: list[dict[str, float]] = []
        # Taking turns, so that a busy moment of the machine hits every side alike.
        for _ in range(args.repeat):
            rounds.append({})
            for key, command in compared.items():
                seconds, peak = run(command, labels[key])
                rounds[-1][key] = seconds
                cpu[key] = min(cpu.get(key, float("inf")), seconds)
                rss[key] = max(rss.get(key, 0), peak)
        t_ours, rss_ours, rss_raw = cpu["ours"], rss["ours"], rss["raw"]
        overhead = t_ours / cpu["raw"]
        t_pandoc, rss_pandoc = cpu.get("pandoc"), rss.get("pandoc", 0)

        t_warm, rss_photos, rss_cold, size = 0.0, 0, 0, 0
        if args.photos:
            print(f"(c) {args.photos} photos of 4000x3000", flush=True)
            _, rss_cold = run(
                [*ours, "render", str(photos), "--to", "pdf", "--out", str(tmp / "ph1")],
                "first render (cold photo cache)",
            )
            t_warm, rss_photos = best(
                [*ours, "render", str(photos), "--to", "pdf", "--out", str(tmp / "ph2")],
                "second render (warm photo cache)",
                args.repeat,
            )
            size = (tmp / "ph2" / "report.pdf").stat().st_size
        else:
            print("(c) skipped: --photos 0")

        print("\nResults")
        pages = _pages(tmp / "out" / "report.pdf")
        print(f"  pages: {pages}")
        _verdict("(a) overhead vs raw WeasyPrint", overhead, OVERHEAD_GOAL)
        _spread("raw", rounds)
        if t_pandoc is not None:
            _verdict("(b) residence vs pandoc", t_ours / t_pandoc, PANDOC_GOAL)
            _spread("pandoc", rounds)
        if args.photos:
            _verdict("(c) warm render with photos vs without", t_warm / t_ours, PHOTO_GOAL)
            print(
                f"  (c) PDF with photos: {size / 1024 / 1024:.1f} MB "
                f"({'ok' if size < PDF_SIZE_GOAL else 'OVER'} < 30 MB)"
            )
        # (d) is the memory of residence's own renders (with and without photos, cold and
        # warm); raw WeasyPrint's and pandoc's are printed beside it, for comparison.
        peak = max(rss_ours, rss_photos, rss_cold)
        others = f"raw WeasyPrint {rss_raw / 1024 / 1024:.0f} MB"
        if t_pandoc is not None:
            others += f", pandoc {rss_pandoc / 1024 / 1024:.0f} MB"
        print(
            f"  (d) peak RSS of residence render: {peak / 1024 / 1024:.0f} MB "
            f"({'ok' if peak < RSS_GOAL else 'OVER'} < 800 MB; {others})"
        )
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _page_as_given(folder: Path, out: Path) -> Path:
    """Write the exact page residence lays out (print style sheet, chart styles) with assets."""
    from residence.gate import select_edition
    from residence.load import load_residency
    from residence.render.html import render_html, write_report
    from residence.render.pdf import PRINT_HREF, paper_page, print_page, print_stylesheet

    residency, _ = load_residency(folder)
    published = select_edition(residency, "public")
    report = render_html(published)
    write_report(report, out)
    shutil.copyfile(print_stylesheet(), out / PRINT_HREF)
    page = paper_page(print_page(report))
    path = out / "bench.html"
    path.write_text(page, encoding="utf-8")
    return path


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def _spread(other: str, rounds: list[dict[str, float]]) -> None:
    """Print the ratio of each round (residence's run over the other's, back to back): how
    much the machine's speed moved during the bench. The verdict is on the best times."""
    ratios = [r["ours"] / r[other] for r in rounds]
    shown = ", ".join(f"{ratio:.2f}" for ratio in ratios)
    print(f"      each round: {shown} (median {statistics.median(ratios):.2f})")


def _verdict(label: str, ratio: float, goal: float) -> None:
    state = "ok" if ratio <= goal else "OVER"
    print(f"  {label}: ratio {ratio:.2f} ({state}, goal <= {goal:.2f})")


if __name__ == "__main__":
    main()
