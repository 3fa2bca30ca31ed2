"""What each heuristic of the default SZZ variant is worth on the `Fixes:`-trailer oracle.

    .venv/bin/python benchmarks/szz_ablate.py REPO... [--oracle FILE] [--only NAME...]
                                              [--jobs N]

The default variant (`netgain`) is a bundle of choices; a choice is kept when the oracle says it
pays. This script runs the default as it is and then once per ablation, each one switching a
single choice back (to what B/AG/MA/R do, or off), all with the trailers hidden
(`trailers=False`), and prints, per ablation, F1 without the choice and the choice's effect (the
default's F1 minus that F1) overall, on Python fixes and on C/C++ fixes: heuristics that read
the code (comments, re-indented lines) are language dependent.

The oracle is the one benchmarks/szz_oracle.py builds (same rules, same code); `--oracle FILE`
reads the JSON lines its `--oracle-out` wrote instead of building it again.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "src"))

from benchmarks.szz_oracle import OracleFix, Score, build_oracle  # noqa: E402
from netgain.szz import VARIANTS, find_inducing  # noqa: E402
from netgain.szz.meta import MetaKind  # noqa: E402
from netgain.szz.variants import Variant  # noqa: E402

DEFAULT = VARIANTS["netgain"]
_META = frozenset({MetaKind.MERGE, MetaKind.MODE_ONLY, MetaKind.RENAME_ONLY})

# name -> (the choice, in words; the default with that one choice undone)
ABLATIONS: dict[str, tuple[str, Variant]] = {
    "keep-all": (
        "keep the one candidate with most blamed code lines (instead of every candidate)",
        replace(DEFAULT, keep="all"),
    ),
    "keep-recent": (
        "... instead of the most recent candidate (R-SZZ's rule)",
        replace(DEFAULT, keep="most-recent"),
    ),
    "no-adjacent": (
        "blame around the insertion when a fix only adds lines",
        replace(DEFAULT, blame_adjacent=False),
    ),
    "skip-cosmetic": (
        "blame cosmetic lines (blank, comment-only, re-indented) instead of skipping them (AG)",
        replace(DEFAULT, cosmetic_last=False, filter_cosmetic_lines=True),
    ),
    "cosmetic-as-code": (
        "... ranked after code lines (instead of counted as code)",
        replace(DEFAULT, cosmetic_last=False),
    ),
    "past-large": (
        "do not look past large commits (AG-SZZ looks past all of them)",
        replace(DEFAULT, skip=DEFAULT.skip | {MetaKind.LARGE}),
    ),
    "no-moves": (
        "follow moved and copied code (`-M -C`)",
        replace(DEFAULT, follow_moves=False),
    ),
    "no-w": ("blame with `-w`", replace(DEFAULT, ignore_whitespace=False)),
    "no-refactorings": (
        "look past formatting-only and move-only commits",
        replace(DEFAULT, skip=DEFAULT.skip - {MetaKind.FORMATTING, MetaKind.MOVE}),
    ),
    "no-meta": (
        "look past merges, mode-only and rename-only commits (MA-SZZ)",
        replace(DEFAULT, skip=DEFAULT.skip - _META),
    ),
    "no-mass-edit": (
        "look past mass edits (large commits editing every file line for line)",
        replace(DEFAULT, skip=DEFAULT.skip - {MetaKind.MASS_EDIT}),
    ),
}


def load_oracle(path: Path) -> list[OracleFix]:
    """The oracle benchmarks/szz_oracle.py wrote with `--oracle-out`."""
    fixes = []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        fixes.append(OracleFix(row["project"], row["fix"], tuple(row["inducing"]), row["language"]))
    return fixes


def answers_of(
    repos: dict[str, Path], oracle: Sequence[OracleFix], v: Variant, jobs: int | None
) -> dict[str, set[str]]:
    """The inducing commits `v` gives each fix of the oracle, trailers hidden."""
    by_project: dict[str, list[str]] = {}
    for f in oracle:
        by_project.setdefault(f.project, []).append(f.fix)
    found: dict[str, set[str]] = {}
    for project, fixes in by_project.items():
        for r in find_inducing(repos[project], fixes, v, jobs=jobs, trailers=False):
            found[r.fix] = set(r.inducing)
    return found


def f1(
    oracle: Sequence[OracleFix], found: dict[str, set[str]], keep: Callable[[OracleFix], bool]
) -> float:
    """F1 over the (fix, inducing) pairs of the fixes `keep` selects."""
    s = Score()
    for f in oracle:
        if keep(f):
            s.add(found.get(f.fix, set()), set(f.inducing))
    return s.prf()[2]


GROUPS: dict[str, Callable[[OracleFix], bool]] = {
    "all": lambda f: True,
    "Python": lambda f: f.language == "Python",
    "C/C++": lambda f: f.language == "C/C++",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("repos", type=Path, nargs="+", help="local clones (project = folder name)")
    parser.add_argument("--oracle", type=Path, help="JSON lines from szz_oracle.py --oracle-out")
    parser.add_argument("--only", nargs="+", choices=sorted(ABLATIONS), default=list(ABLATIONS))
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    repos = {p.resolve().name: p.resolve() for p in args.repos}
    if args.oracle:
        oracle = [f for f in load_oracle(args.oracle) if f.project in repos]
    else:
        oracle = [f for name, path in repos.items() for f in build_oracle(path, name)[0]]
    print(f"{len(oracle)} fixes, {sum(len(f.inducing) for f in oracle)} pairs\n")
    base = answers_of(repos, oracle, DEFAULT, args.jobs)
    ref = {g: f1(oracle, base, keep) for g, keep in GROUPS.items()}
    print(
        "default: F1 " + " / ".join(f"{g} {v:.3f}" for g, v in ref.items()) + "\n\n"
        "| heuristic | ablation | F1 without it | effect (all / Python / C/C++) |\n"
        "|---|---|---:|---:|",
        flush=True,
    )
    for name in args.only:
        words, variant = ABLATIONS[name]
        found = answers_of(repos, oracle, variant, args.jobs)
        without = {g: f1(oracle, found, keep) for g, keep in GROUPS.items()}
        effect = " / ".join(f"{ref[g] - without[g]:+.3f}" for g in GROUPS)
        print(f"| {words} | `{name}` | {without['all']:.3f} | {effect} |", flush=True)


if __name__ == "__main__":
    main()
