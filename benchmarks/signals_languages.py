"""Code signals across languages on real repositories, side by side with `git grep -E`.

    .venv/bin/python benchmarks/signals_languages.py REPO... [--sample 20] [--seed 1]

Each REPO is a git directory (a bare mirror is fine). Every JavaScript/TypeScript, Java, Go,
Ruby, PHP and C# file at HEAD is read as if all its lines were added (the worst case for one
change) and run through netgain's tree-sitter signal layer; the alternative a user would reach
for, `git grep -E` of the same families' regexes (the `history` regexes of polyglot/data, which
first-use also uses), runs over the same tree in the same process tree. Prints per language:
files, files that did not parse cleanly, files with no parser (templates), signals per family,
grep's matching lines, the time of each and their ratio; then a random sample of signals with
their source line (per language) for a hand check of precision.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from netgain.analysis.languages import classify, extensions  # noqa: E402
from netgain.analysis.polyglot.definitions import load  # noqa: E402
from netgain.analysis.polyglot.grammars import GRAMMARS, LANGUAGES  # noqa: E402
from netgain.analysis.polyglot.signals import signals_in  # noqa: E402
from netgain.analysis.signals import Signal  # noqa: E402
from netgain.git.objects import CatFileBatch  # noqa: E402

FAMILY_ORDER = ("raw_sql", "jwt", "session", "password", "crypto", "payments")


def _files(repo: Path) -> dict[str, str]:
    out = subprocess.run(
        ["git", "--git-dir", str(repo), "ls-tree", "-r", "-z", "--name-only", "HEAD"],
        check=True,
        capture_output=True,
    ).stdout
    paths = [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
    return {p: classify(p).language for p in paths if classify(p).language in LANGUAGES}


def _grep(repo: Path, language: str) -> tuple[int, float]:
    """Matching lines of all families' history regexes for `language`, and the time taken."""
    defs = load(GRAMMARS[language].name)
    specs = [f"*{ext}" for ext in extensions(language)]
    total = 0
    start = time.perf_counter()
    for family in defs.families.values():
        result = subprocess.run(
            [
                "git",
                "--git-dir",
                str(repo),
                "grep",
                "-E",
                "-c",
                family.history,
                "HEAD",
                "--",
                *specs,
            ],
            capture_output=True,
            check=False,
        )
        total += sum(int(line.rsplit(b":", 1)[1]) for line in result.stdout.splitlines() if line)
    return total, time.perf_counter() - start


def run(repo: Path, sample: list[tuple[Signal, str, str]]) -> list[dict[str, object]]:
    files = _files(repo)
    blobs: dict[str, bytes] = {}
    with CatFileBatch(repo) as batch:
        for (_name, obj), path in zip(
            batch.read_many([f"HEAD:{p}" for p in files]), list(files), strict=True
        ):
            if obj is not None and obj.type == "blob":
                blobs[path] = obj.data
    rows = []
    by_language: dict[str, list[str]] = defaultdict(list)
    for path, language in files.items():
        by_language[language].append(path)
    for language in sorted(by_language):
        counts: Counter[str] = Counter()
        failed = no_parser = 0
        start = time.perf_counter()
        for path in by_language[language]:
            data = blobs.get(path, b"")
            found, problem = signals_in(path, data, set(range(1, data.count(b"\n") + 2)))
            if problem is not None:
                if problem.line is None:
                    no_parser += 1
                else:
                    failed += 1
            counts.update(s.family for s in found)
            lines = data.decode("utf-8", "replace").splitlines()
            sample.extend((s, repo.parent.name, lines[s.line - 1].strip()[:140]) for s in found)
        ours = time.perf_counter() - start
        grep_lines, grep_time = _grep(repo, language)
        rows.append(
            {
                "repo": repo.parent.name.replace("+", "/"),
                "language": language,
                "files": len(by_language[language]),
                "failed": failed,
                "no_parser": no_parser,
                "counts": counts,
                "ours": ours,
                "grep_lines": grep_lines,
                "grep": grep_time,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--sample", type=int, default=20, help="signals per language")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sample: list[tuple[Signal, str, str]] = []
    rows = [row for repo in args.repos for row in run(repo, sample)]
    head = "| repository | language | files | parse errors | no parser | " + " | ".join(
        FAMILY_ORDER
    )
    print(head + " | signals | grep lines | netgain s | git grep s | ratio |")
    print("|" + " --- |" * (len(FAMILY_ORDER) + 10))
    for r in rows:
        counts = r["counts"]
        assert isinstance(counts, Counter)
        ours, grep = float(r["ours"]), float(r["grep"])  # type: ignore[arg-type]
        print(
            f"| {r['repo']} | {r['language']} | {r['files']} | {r['failed']} | {r['no_parser']} | "
            + " | ".join(str(counts[f]) for f in FAMILY_ORDER)
            + f" | {sum(counts.values())} | {r['grep_lines']} | {ours:.2f} | {grep:.2f} | "
            f"{ours / grep if grep else float('nan'):.1f}x |"
        )
    rng = random.Random(args.seed)
    by_language: dict[str, list[tuple[Signal, str, str]]] = defaultdict(list)
    for item in sample:
        by_language[classify(item[0].path).language].append(item)
    for language, items in sorted(by_language.items()):
        chosen = rng.sample(items, min(args.sample, len(items)))
        print(f"\n{language}: {len(chosen)} of {len(items)} signals for a hand check")
        for signal, repo, line in chosen:
            print(
                f"- {repo} {signal.path}:{signal.line} [{signal.family}] {signal.detail} :: {line}"
            )


if __name__ == "__main__":
    main()
