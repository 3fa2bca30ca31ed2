"""After-the-fact findings on real repositories: published advisories traced to their changes.

    .venv/bin/python benchmarks/findings_real.py --repo werkzeug=/tmp/af-werkzeug \
        --repo jinja=/tmp/af-jinja [--runs 3]

Clone the repositories first (`fetch` pallets/werkzeug and pallets/jinja, then `git clone` the
mirror). Each advisory below names its fix commit and the source file the fix changed. From that
the script writes the finding a report would have carried: the file, the lines the fix removed
in that file (or, for a fix that only adds lines, the line its first insertion follows), and a
date found on the day before the fix was written (advisories publish the disclosure date, which
follows the fix; the report that led to the fix came before it).

`--synthetic N` also times N random file-and-line findings per repository (a random first-parent
commit as the date found, a random Python file and 1-5 lines of it): the per-run costs (start-up,
the store, the no-op ingest) then weigh less. Times are best of `--runs`, as wall time and as CPU time of the child processes (steadier on a
shared machine). Three imports of the same findings, each into a fresh SQLite store:
  * report: ids the history never cites, no fix: blame of the lines at the date found;
  * advisory: the GHSA id with the CVE as alias: commits citing them are taken as fixes (SZZ),
    the rest falls back to blame;
  * fixed: `fixed_by` names the fix commit: SZZ from the fix for every finding.
For each it prints how many were linked and by which method, and each finding's primary cause
(sha, date, subject) for checking by hand. Speed: `netgain findings import` (parse, store, link;
history already ingested) against a plain `git blame -L` of the same lines at the same revision,
both in this process tree, best of `--runs`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
NETGAIN = str(HERE.parent / ".venv" / "bin" / "netgain")
ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


@dataclass(frozen=True)
class Advisory:
    repo: str
    ghsa: str
    cve: str
    severity: str  # as GitHub's advisory lists it, to the best of our knowledge
    cwe: str
    title: str
    fix: str  # the (non-merge) commit that fixed it
    path: str  # the source file the fix changed


ADVISORIES = (
    Advisory("werkzeug", "GHSA-xg9f-g7g7-2323", "CVE-2023-25577", "high", "CWE-770",
             "Multipart parser accepts unlimited parts", "fe899d0c", "src/werkzeug/sansio/multipart.py"),
    Advisory("werkzeug", "GHSA-px8h-6qxv-m22q", "CVE-2023-23934", "low", "CWE-20",
             "Nameless cookie bypasses __Host- prefix", "8c2b4b82", "src/werkzeug/sansio/http.py"),
    Advisory("werkzeug", "GHSA-hrfv-mqp8-q5rw", "CVE-2023-46136", "medium", "CWE-407",
             "Slow multipart parsing of large parts with few CR/LF", "b1916c0c", "src/werkzeug/sansio/multipart.py"),
    Advisory("werkzeug", "GHSA-2g68-c3qc-8985", "CVE-2024-34069", "high", "CWE-94",
             "Debugger reachable from an attacker-controlled host", "71b69dfb", "src/werkzeug/debug/__init__.py"),
    Advisory("werkzeug", "GHSA-q34m-jh98-gwm2", "CVE-2024-49767", "medium", "CWE-400",
             "max_form_memory_size not applied to large fields", "8760275a", "src/werkzeug/formparser.py"),
    Advisory("werkzeug", "GHSA-f9vj-2wh5-fj8j", "CVE-2024-49766", "medium", "CWE-22",
             "safe_join accepts UNC paths on Windows", "87cc78a2", "src/werkzeug/security.py"),
    Advisory("werkzeug", "GHSA-hgf8-39gv-g3f2", "CVE-2025-66221", "medium", "CWE-67",
             "safe_join allows Windows device names", "9bdec46f", "src/werkzeug/security.py"),
    Advisory("werkzeug", "GHSA-87hc-h4r5-73f7", "CVE-2026-21860", "medium", "CWE-67",
             "safe_join allows device names with extensions", "37797aba", "src/werkzeug/security.py"),
    Advisory("werkzeug", "GHSA-29vq-49wr-vm6x", "CVE-2026-27199", "medium", "CWE-67",
             "safe_join allows device names in multi-segment paths", "f54fe980", "src/werkzeug/security.py"),
    Advisory("jinja", "GHSA-h5c8-rqwp-cp95", "CVE-2024-22195", "medium", "CWE-79",
             "xmlattr accepts keys with spaces", "7dd3680e", "src/jinja2/filters.py"),
    Advisory("jinja", "GHSA-h75v-3vvj-5mfj", "CVE-2024-34064", "medium", "CWE-79",
             "xmlattr accepts keys with / > =", "d6550307", "src/jinja2/filters.py"),
    Advisory("jinja", "GHSA-q2x7-8rv6-6q7h", "CVE-2024-56326", "medium", "CWE-693",
             "Sandbox misses indirect calls to str.format", "91a972f5", "src/jinja2/sandbox.py"),
    Advisory("jinja", "GHSA-gmj6-6f8f-6699", "CVE-2024-56201", "medium", "CWE-150",
             "Template name formatted into generated code", "56a72464", "src/jinja2/compiler.py"),
    Advisory("jinja", "GHSA-cpwx-vrp4-4pq7", "CVE-2025-27516", "medium", "CWE-1336",
             "|attr bypasses the sandbox's attribute lookup", "065334d1", "src/jinja2/filters.py"),
    Advisory("jinja", "GHSA-g3rq-g295-4j3m", "CVE-2020-28493", "medium", "CWE-400",
             "ReDoS in urlize", "ef658dc3", "src/jinja2/utils.py"),
    Advisory("jinja", "GHSA-462w-v97r-4m45", "CVE-2019-10906", "high", "CWE-693",
             "Sandbox escape through str.format_map", "a2a6c930", "jinja2/sandbox.py"),
    Advisory("jinja", "GHSA-hj2j-77xm-mc5v", "CVE-2016-10745", "high", "CWE-134",
             "Sandbox escape through str.format", "9b53045c", "jinja2/sandbox.py"),
    Advisory("jinja", "GHSA-fqh9-2qgg-h84h", "CVE-2014-1402", "medium", "CWE-264",
             "Bytecode cache in a predictable /tmp path", "acb672b6", "jinja2/bccache.py"),
)  # fmt: skip


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True, env=ENV)
    return out.stdout.decode("utf-8", "replace")


def reported_lines(repo: Path, fix: str, path: str) -> tuple[int, int]:
    """The lines at the fix's parent the fix removed in `path` (its first hunk that removes
    any), else the line its first insertion follows."""
    first_insert: int | None = None
    for line in git(repo, "diff", "-U0", f"{fix}^", fix, "--", path).splitlines():
        if not line.startswith("@@"):
            continue
        old = line.split()[1][1:]  # -start[,count]
        start, _, count = old.partition(",")
        n = int(count) if count else 1
        if n:
            return int(start), int(start) + n - 1
        if first_insert is None:
            first_insert = max(1, int(start))
    if first_insert is None:
        raise SystemExit(f"{fix} does not change {path}")
    return first_insert, first_insert


def at_date_found(repo: Path, fix: str, path: str, found: str) -> tuple[int, int]:
    """The reported lines as they stood at the date found (what a tester saw deployed): the
    fix's lines at its parent, found by their text in the last first-parent commit on or before
    that date (a fix written on a branch may start from another revision)."""
    start, end = reported_lines(repo, fix, path)
    parent = git(repo, "show", f"{fix}^:{path}").splitlines()
    rev = git(repo, "rev-list", "-1", "--first-parent", f"--before={found}T23:59:59Z", "HEAD")
    text = git(repo, "show", f"{rev.strip()}:{path}").splitlines()
    for context in (3, 1, 0):  # the lines with their neighbours, so a blank line is not misplaced
        first = max(1, start - context)
        block = parent[first - 1 : end + context]
        if not any(line.strip() for line in block):
            continue
        places = [i for i in range(len(text) - len(block) + 1) if text[i : i + len(block)] == block]
        if len(places) == 1:
            return places[0] + 1 + (start - first), places[0] + 1 + (end - first)
    raise LookupError(f"{fix[:12]}: its lines of {path} are not in {rev.strip()[:12]}")


def write_findings(
    repos: dict[str, Path], mode: str, out: Path
) -> list[tuple[Advisory, str, int, int, str]]:
    rows = []
    with out.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["id", "title", "cwe", "severity", "file", "line", "end_line", "found_at",
             "fixed_by", "aliases", "source"]
        )  # fmt: skip
        for index, adv in enumerate(ADVISORIES):
            if adv.repo not in repos:
                continue
            repo = repos[adv.repo]
            fix = git(repo, "rev-parse", adv.fix).strip()
            written = datetime.fromisoformat(git(repo, "log", "-1", "--format=%aI", fix).strip())
            found = (written - timedelta(days=1)).date().isoformat()
            try:
                start, end = at_date_found(repo, fix, adv.path, found)
            except LookupError as exc:
                print(f"  skipped {adv.ghsa}: {exc}")
                continue
            ident = {"report": f"REPORT-{index + 1:03d}"}.get(mode, adv.ghsa)
            writer.writerow(
                [ident, adv.title, adv.cwe, adv.severity, adv.path, start, end, found,
                 fix if mode == "fixed" else "", adv.cve if mode != "report" else "", "advisory"]
            )  # fmt: skip
            rows.append((adv, ident, start, end, found))
    return rows


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far: on a shared machine
    this is steadier than wall time, which includes waiting for a core."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_findings(repo: Path, db: str, findings: Path) -> tuple[float, float, dict[str, object]]:
    start, cpu = time.perf_counter(), children_cpu()
    proc = subprocess.run(
        [NETGAIN, "findings", "import", str(findings), "-C", str(repo), "--db", db, "--json"],
        capture_output=True,
        env=ENV,
        check=False,
    )
    elapsed, used = time.perf_counter() - start, children_cpu() - cpu
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())
    return elapsed, used, json.loads(proc.stdout)


def plain_blame(repo: Path, rows: list[tuple[Advisory, str, int, int, str]]) -> tuple[float, float]:
    """What a user would otherwise run: find the revision at the date, `git blame -L` there."""
    start, cpu = time.perf_counter(), children_cpu()
    for adv, _ident, first, last, found in rows:
        rev = git(repo, "rev-list", "-1", "--first-parent", f"--before={found}T23:59:59Z", "HEAD")
        git(repo, "blame", "-w", "-M", "-C", "--porcelain", "-L", f"{first},{last}",
            rev.strip(), "--", adv.path)  # fmt: skip
    return time.perf_counter() - start, children_cpu() - cpu


def primary_causes(db_file: Path) -> dict[str, tuple[str, str, str]]:
    """finding id -> (status/method, primary cause sha or reason, fix shas)."""
    con = sqlite3.connect(db_file)
    out = {}
    for fid, ext, status, method, reason in con.execute(
        "select id, external_id, link_status, link_method, link_reason from external_findings"
    ):
        cause = con.execute(
            "select commit_sha from external_finding_links where finding_id=? and is_primary",
            (fid,),
        ).fetchone()
        fixes = [
            r[0][:8]
            for r in con.execute(
                "select commit_sha from external_finding_links where finding_id=? and role='fix'",
                (fid,),
            )
        ]
        out[ext] = (method or status, cause[0] if cause else reason, ",".join(fixes))
    return out


def synthetic_rows(repo: Path, count: int, seed: int) -> list[tuple[str, int, int, str]]:
    """`count` findings a pentest could have filed: a random first-parent commit (its committer
    time is the date found), a random Python file of its tree and 1 to 5 random lines of it."""
    rng = random.Random(seed)
    commits = git(repo, "rev-list", "--first-parent", "--format=%H %cI", "HEAD").splitlines()
    stamps = [line.split() for line in commits if not line.startswith("commit ")]
    rows: list[tuple[str, int, int, str]] = []
    while len(rows) < count:
        sha, when = rng.choice(stamps)
        files = [
            p
            for p in git(repo, "ls-tree", "-r", "--name-only", sha).split("\n")
            if p.endswith(".py")
        ]
        if not files:
            continue
        path = rng.choice(files)
        length = len(git(repo, "show", f"{sha}:{path}").splitlines())
        if length < 5:
            continue
        start = rng.randint(1, length - 4)
        rows.append((path, start, start + rng.randint(0, 4), when))
    return rows


def synthetic(repo: Path, count: int, runs: int, base: Path, ingested: Path) -> None:
    """Import + link of `count` file-and-line findings against plain `git blame` of the same."""
    rows = synthetic_rows(repo, count, seed=0)
    findings = base / "synthetic.csv"
    with findings.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "severity", "file", "line", "end_line", "found_at"])
        for k, (path, start, end, when) in enumerate(rows):
            writer.writerow([f"SYN-{k}", "synthetic", "high", path, start, end, when])
    db_file = base / "synthetic.db"
    shutil.copyfile(ingested, db_file)
    results = [import_findings(repo, f"sqlite:///{db_file}", findings) for _ in range(runs)]
    wall, cpu = min(r[0] for r in results), min(r[1] for r in results)
    link = results[-1][2]["linking"]
    assert isinstance(link, dict)
    blames = []
    for _ in range(runs):
        began, used = time.perf_counter(), children_cpu()
        for path, first, last, when in rows:
            rev = git(repo, "rev-list", "-1", "--first-parent", f"--before={when}", "HEAD")
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(repo),
                    "blame",
                    "-w",
                    "-M",
                    "-C",
                    "--porcelain",
                    "-L",
                    f"{first},{last}",
                    rev.strip(),
                    "--",
                    path,
                ],
                capture_output=True,
                env=ENV,
                check=False,
            )  # fmt: skip  (a date whose revision lacks the file fails, as in netgain)
        blames.append((time.perf_counter() - began, children_cpu() - used))
    blame_wall, blame_cpu = min(b[0] for b in blames), min(b[1] for b in blames)
    print(
        f"## synthetic: {count} findings; linked {link['linked']}, unlinked {link['unlinked']}; "
        f"import+link {wall:.2f} s wall / {cpu:.2f} s CPU, plain git blame {blame_wall:.2f} s / "
        f"{blame_cpu:.2f} s CPU (ratio {wall / blame_wall:.1f}x wall, {cpu / blame_cpu:.1f}x CPU)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repo", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--synthetic", type=int, default=0, metavar="N",
        help="also time N random file-and-line findings per repository",
    )  # fmt: skip
    args = parser.parse_args()
    repos = {name: Path(path) for name, path in (r.split("=", 1) for r in args.repo)}
    for name, repo in repos.items():
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            print(f"\n# {name}: {git(repo, 'rev-list', '--count', 'HEAD').strip()} commits")
            ingested = base / "ingested.db"
            started = time.perf_counter()
            subprocess.run(
                [NETGAIN, "ingest", str(repo), "--db", f"sqlite:///{ingested}"],
                capture_output=True, env=ENV, check=True,
            )  # fmt: skip
            ingest = time.perf_counter() - started
            if args.synthetic:
                synthetic(repo, args.synthetic, args.runs, base, ingested)
            for mode in ("report", "advisory", "fixed"):
                findings = base / f"{mode}.csv"
                rows = write_findings({name: repo}, mode, findings)
                db_file = base / f"{mode}.db"
                shutil.copyfile(ingested, db_file)  # the same ingested history for every mode
                db = f"sqlite:///{db_file}"
                runs = [import_findings(repo, db, findings) for _ in range(args.runs)]
                wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
                link = runs[-1][2]["linking"]
                assert isinstance(link, dict)
                blames = [plain_blame(repo, rows) for _ in range(args.runs)]
                blame_wall, blame_cpu = min(b[0] for b in blames), min(b[1] for b in blames)
                print(
                    f"## {mode}: {len(rows)} findings; linked {link['linked']}, "
                    f"unlinked {link['unlinked']}; import+link {wall:.2f} s wall / {cpu:.2f} s "
                    f"CPU, plain git blame {blame_wall:.2f} s / {blame_cpu:.2f} s CPU (ratio "
                    f"{wall / blame_wall:.1f}x wall, {cpu / blame_cpu:.1f}x CPU); "
                    f"ingest once {ingest:.1f} s"
                )
                causes = primary_causes(db_file)
                for adv, ident, first, last, found in rows:
                    how, cause, fixes = causes[ident]
                    said = cause
                    if len(cause) == 40:
                        said = git(repo, "log", "-1", "--format=%h %as %s", cause).strip()[:90]
                    print(
                        f"  {adv.ghsa} {adv.path}:{first}-{last} found {found} "
                        f"[{how}] fixes={fixes or '-'} -> {said}"
                    )


if __name__ == "__main__":
    main()
