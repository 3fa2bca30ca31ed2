"""SZZ against a developer-informed oracle: the `Fixes: <sha>` trailers of real projects.

    .venv/bin/python benchmarks/szz_oracle.py REPO... [--variants b ag ma r netgain]
                                              [--oracle-out FILE] [--json FILE] [--jobs N]
                                              [--answers FILE] [--held-out PROJECT...]

Many projects (the Linux kernel's and its tools', QEMU, Mesa, libcamera, drgn, ...) mark a fix
with `Fixes: <sha> ("subject")`, the commit that introduced the bug in the developer's own words.
For each local clone given, this script:

1. builds the oracle: every non-merge commit reachable from HEAD with a `Fixes:` line in the
   commit form (7 to 40 hex digits; issue numbers and URLs are not that form), the cited names
   resolved by git (an abbreviation git calls ambiguous, or that names no commit, is dropped), and
   a pair kept only when the cited commit is a proper ancestor of the fix (a cherry-pick citing a
   commit of another branch, or a typo, cannot be found by any blame);
2. labels each fix with the language holding most of its changed lines (by file extension), so
   heuristics that depend on the language are measured per language;
3. runs every SZZ variant through `netgain.szz.find_inducing` on the fixes with
   `trailers=False`: the default variant takes a fix's `Fixes:` trailer as its answer in
   production, and this switch is the only place any variant reads a commit message
   (tests/szz/test_oracle_blind.py), so the trailer is hidden from the evaluation. No incident
   dates are passed, so the date filter is idle;
4. prints precision, recall and F1 over (fix, inducing) pairs per project, per language,
   (with `--held-out`) for the projects the default was chosen on apart from those it was not,
   and overall, and the wall time per fix of each variant. `--answers` re-scores the answers a
   `--json` run saved instead of running SZZ again.

Published anchors on another developer-informed oracle (Rosa et al., ICSE 2021): B .50, AG .52,
MA .46, R .61 F1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from netgain.szz import VARIANTS, find_inducing  # noqa: E402
from netgain.szz.trailers import cited_names, is_ancestor, resolve_commits  # noqa: E402

LANGUAGES = {
    "Python": (".py", ".pyi"),
    "C/C++": (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh"),
    "shell": (".sh", ".bash"),
}


@dataclass(frozen=True, slots=True)
class OracleFix:
    """One fix commit and the commits its `Fixes:` trailers name (resolved, ancestors)."""

    project: str
    fix: str
    inducing: tuple[str, ...]
    language: str


@dataclass(slots=True)
class OracleStats:
    """What building a project's oracle kept and dropped, and why."""

    fixes_with_trailer: int = 0
    cited: int = 0
    unresolved: int = 0
    not_ancestor: int = 0
    merge_fix: int = 0
    kept_pairs: int = 0
    kept_fixes: int = 0


def git(repo: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        input=input,
        capture_output=True,
        check=True,
        text=True,
        errors="replace",
    ).stdout


def language_of(paths: dict[str, int]) -> str:
    """The language holding most of a fix's changed lines (`other` when none is known)."""
    by_lang: Counter[str] = Counter()
    for path, lines in paths.items():
        suffix = PurePosixPath(path).suffix.lower()
        lang = next((k for k, exts in LANGUAGES.items() if suffix in exts), "other")
        by_lang[lang] += lines
    return by_lang.most_common(1)[0][0] if by_lang else "other"


def changed_lines(repo: Path, shas: Sequence[str]) -> dict[str, dict[str, int]]:
    """Lines added plus removed per path for each commit (one `git log --no-walk --numstat`)."""
    out = git(
        repo,
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "--format=%x00%H",
        "--numstat",
        "--no-renames",
        input="".join(f"{s}\n" for s in shas),
    )
    result: dict[str, dict[str, int]] = {}
    for block in out.split("\x00")[1:]:
        sha, _, stats = block.strip().partition("\n")
        files: dict[str, int] = {}
        for line in stats.splitlines():
            added, deleted, path = [*line.split("\t", 2), "", ""][:3]
            if added.isdigit() and deleted.isdigit():
                files[path] = int(added) + int(deleted)
        result[sha] = files
    return result


def build_oracle(repo: Path, project: str) -> tuple[list[OracleFix], OracleStats]:
    """The (fix, inducing set) pairs of one clone's HEAD history, with what was dropped."""
    stats = OracleStats()
    log = git(repo, "log", "--format=%x00%H %P%x01%B", "HEAD")
    cited: dict[str, list[str]] = {}
    merges: set[str] = set()
    for record in log.split("\x00")[1:]:
        head, _, message = record.partition("\x01")
        shas = head.split()
        names = cited_names(message)
        if not names:
            continue
        stats.fixes_with_trailer += 1
        stats.cited += len(names)
        if len(shas) > 2:
            merges.add(shas[0])
            continue
        cited[shas[0]] = names
    stats.merge_fix = len(merges)
    full = resolve_commits(repo, (n for names in cited.values() for n in names))
    candidates = list(cited)
    lines = changed_lines(repo, candidates) if candidates else {}
    fixes: list[OracleFix] = []
    for fix in candidates:
        inducing: list[str] = []
        for name in cited[fix]:
            sha = full.get(name)
            if sha is None:
                stats.unresolved += 1
            elif not is_ancestor(repo, sha, fix):
                stats.not_ancestor += 1
            elif sha not in inducing:
                inducing.append(sha)
        if inducing:
            lang = language_of(lines.get(fix, {}))
            fixes.append(OracleFix(project, fix, tuple(inducing), lang))
            stats.kept_pairs += len(inducing)
    stats.kept_fixes = len(fixes)
    return fixes, stats


@dataclass(slots=True)
class Score:
    tp: int = 0
    reported: int = 0
    truth: int = 0

    def add(self, found: set[str], truth: set[str]) -> None:
        self.tp += len(found & truth)
        self.reported += len(found)
        self.truth += len(truth)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.reported if self.reported else 0.0
        r = self.tp / self.truth if self.truth else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_variants(
    repos: dict[str, Path], oracle: list[OracleFix], variants: Sequence[str], jobs: int | None
) -> tuple[dict[str, dict[str, set[str]]], dict[str, float]]:
    """Each variant's inducing commits per fix, and its wall time in seconds over all projects."""
    answers: dict[str, dict[str, set[str]]] = {v: {} for v in variants}
    seconds: dict[str, float] = dict.fromkeys(variants, 0.0)
    by_project: dict[str, list[str]] = defaultdict(list)
    for f in oracle:
        by_project[f.project].append(f.fix)
    for project, fixes in by_project.items():
        for v in variants:
            start = time.perf_counter()
            results = find_inducing(repos[project], fixes, v, jobs=jobs, trailers=False)
            seconds[v] += time.perf_counter() - start
            answers[v].update((r.fix, set(r.inducing)) for r in results)
            print(f"  {project}: {v} {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return answers, seconds


def table(
    oracle: list[OracleFix],
    answers: dict[str, dict[str, set[str]]],
    group: str,
    held_out: frozenset[str] = frozenset(),
) -> list[str]:
    """Markdown rows of P / R / F1 per group (`project`, `language`, `set` or `overall`) and
    variant; `set` splits the projects named by `held_out` from the others."""
    if group == "overall":
        keys = ["all"]
    elif group == "set":
        keys = ["tuning", "held out"]
    else:
        keys = sorted({getattr(f, group) for f in oracle})
    rows = []
    for key in keys:
        if group == "overall":
            part = list(oracle)
        elif group == "set":
            part = [f for f in oracle if (f.project in held_out) == (key == "held out")]
        else:
            part = [f for f in oracle if getattr(f, group) == key]
        pairs = sum(len(f.inducing) for f in part)
        cells = []
        for found in answers.values():
            s = Score()
            for f in part:
                s.add(found.get(f.fix, set()), set(f.inducing))
            p, r, f1 = s.prf()
            cells.append(f"{p:.2f} / {r:.2f} / **{f1:.2f}**")
        rows.append(f"| {key} | {len(part)} | {pairs} | " + " | ".join(cells) + " |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("repos", type=Path, nargs="+", help="local clones (project = folder name)")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--oracle-out", type=Path, help="write the oracle (JSON lines) here")
    parser.add_argument("--json", type=Path, help="write every variant's answers here")
    parser.add_argument(
        "--answers", type=Path, help="score the answers a --json run wrote instead of running SZZ"
    )
    parser.add_argument(
        "--held-out",
        nargs="+",
        default=[],
        metavar="PROJECT",
        help="projects not looked at while choosing the default: also scored apart",
    )
    args = parser.parse_args()
    repos = {p.resolve().name: p.resolve() for p in args.repos}
    oracle: list[OracleFix] = []
    print(
        "| project | fixes with a `Fixes:` sha | cited | unresolved | not an ancestor "
        "| merge fixes | fixes kept | pairs kept |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, path in repos.items():
        fixes, st = build_oracle(path, name)
        oracle.extend(fixes)
        print(
            f"| {name} | {st.fixes_with_trailer} | {st.cited} | {st.unresolved} "
            f"| {st.not_ancestor} | {st.merge_fix} | {st.kept_fixes} | {st.kept_pairs} |",
            flush=True,
        )
    langs = Counter(f.language for f in oracle)
    print(
        f"\n{len(oracle)} fixes, {sum(len(f.inducing) for f in oracle)} pairs; languages: "
        + ", ".join(f"{k} {v}" for k, v in langs.most_common())
    )
    if args.oracle_out:
        with args.oracle_out.open("w") as out:
            for f in oracle:
                out.write(json.dumps(asdict(f)) + "\n")
    if args.answers:
        saved = json.loads(args.answers.read_text())
        answers = {v: {fix: set(s) for fix, s in saved[v].items()} for v in args.variants}
        seconds: dict[str, float] = {}
    else:
        answers, seconds = run_variants(repos, oracle, args.variants, args.jobs)
    head = " | ".join(VARIANTS[v].title for v in args.variants)
    held_out = frozenset(args.held_out)
    groups = ["project", "language", *(["set"] if held_out else []), "overall"]
    for group in groups:
        print(f"\nP / R / F1 per {group}\n\n| {group} | fixes | pairs | {head} |")
        print("|---|---:|---:|" + "---|" * len(args.variants))
        print("\n".join(table(oracle, answers, group, held_out)))
    if seconds:
        print("\n| variant | seconds | ms per fix |\n|---|---:|---:|")
        for v in args.variants:
            ms = 1000 * seconds[v] / len(oracle)
            print(f"| {VARIANTS[v].title} | {seconds[v]:.1f} | {ms:.1f} |")
    if args.json:
        dump = {v: {fix: sorted(s) for fix, s in a.items()} for v, a in answers.items()}
        args.json.write_text(json.dumps(dump))


if __name__ == "__main__":
    main()
