"""JavaScript / TypeScript taint corpus: netgain and Semgrep OSS on Semgrep's labelled rule tests.

    .venv/bin/python benchmarks/js_corpus.py [--cache DIR] [--mirrors DIR] [--semgrep PATH]
                                             [--codeql DIR] [--record] [--json FILE]

Two labelled sources, scored apart:

Semgrep's tests. Every JavaScript / TypeScript test file of semgrep/semgrep-rules (pinned commit) whose
rule's CWE is one of the injection classes netgain models for JS/TS (SQL 89, OS command 78,
code 94/95, path 22/73, open redirect 601). `// ruleid: RULE` marks a flaw and `// ok: RULE` a
safe look-alike on the next code line (or at the end of the line); `// todoruleid:` (Semgrep's
own misses) counts as a flaw and `// todook:` (Semgrep's own false alarms) as safe. Left out,
and listed: client-side code (`javascript/browser/`: DOM sources, not server handlers) and the
rules whose CWE tag names no data flow (`EXCLUDED_RULES`).

CodeQL's tests (`--codeql DIR`): files of github/codeql's JavaScript query tests
(`CODEQL_FILES`, each at the commit given), laid out in DIR as `CWE-NNN/NAME`; the category is
the folder's CWE. A line is a flaw when its comment starts with `$ Alert`, `$ MISSING: Alert`
(CodeQL's own misses), `NOT OK` or `BAD`, safe when it starts with `OK`, `GOOD` or
`$ SPURIOUS` / `$ TODO-SPURIOUS` (CodeQL's own false alarms); the comment is at the end of the
line or alone on the line before. These labels were written for CodeQL, not for either tool.
Reproduce the folder from a clone of github/codeql:
`git -C codeql show COMMIT:javascript/ql/test/query-tests/Security/CWE-NNN/.../NAME`.

Scoring, as benchmarks/corpus.py does for Python: a tool flags a label when it reports a
finding of the label's category on the labelled statement (all lines of a multi-line
statement; only the first line of a statement holding a function body). netgain's findings
count at their sink and at each step of their trace (Semgrep's taint rules report the source
or the string building, so its tests label those lines). Per category: TPR, FPR, Youden =
TPR - FPR; the headline averages Youden over categories with both flaws and look-alikes.

Caveat: Semgrep's tests were written with its rules; Semgrep passes most of them
by construction (its `todoruleid` / `todook` labels are where it does not). Many of its audit
rules treat any function parameter as untrusted; netgain, like CodeQL's default threat model,
starts flows at request data (route handlers' `req`, Koa's `ctx`, Next.js route arguments,
Lambda events) and counts those labels as misses.

Both tools run as child processes of this one, on the same copied files, one after the other:
`netgain scan DIR --format json --no-cache` and `semgrep scan --config RULES --json DIR`
(offline, local rules, metrics off). `make test` never needs this.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.corpus import DEFAULT_CACHE, DEFAULT_MIRRORS, Score, checkout
from benchmarks.sections import replace_section
from netgain.analysis.js.syntax import JS_SUFFIXES, parse

BIN = Path(sys.executable).parent
NETGAIN = str(BIN / "netgain")
DEFAULT_SEMGREP = Path("/tmp/semgrep-venv/bin/semgrep")
SECTION = "## JavaScript/TypeScript taint"

CATEGORIES: dict[str, tuple[int, ...]] = {
    "sql-injection": (89,),
    "command-injection": (78,),
    "code-injection": (94, 95),
    "path-traversal": (22, 73),
    "open-redirect": (601,),
}
CWE_CATEGORY = {cwe: name for name, cwes in CATEGORIES.items() for cwe in cwes}
NETGAIN_CATEGORY = {name: name for name in CATEGORIES}  # netgain's rule ids are the categories
EXCLUDED_DIRS = ("javascript/browser/",)
EXCLUDED_RULES = {
    "sequelize-tls-disabled-cert-validation": "TLS certificate checks off (CWE-295), tagged 94",
    "playwright-exposed-chrome-devtools": "a debugging port left open, tagged 94",
    "puppeteer-exposed-chrome-devtools": "a debugging port left open, tagged 94",
    "insecure-object-assign": "Object.assign of parsed JSON, tagged 601",
}
ANNOTATION = re.compile(r"//\s*(ruleid|ok|todoruleid|todook)\s*:\s*([\w.\-]+(?:\s*,\s*[\w.\-]+)*)")
FLAW_KINDS = {"ruleid": True, "todoruleid": True, "ok": False, "todook": False}
TOOLS = ("netgain", "semgrep")
# github/codeql JavaScript query tests: (folder/name here, path under Security/, commit)
CODEQL_FILES = (
    ("CWE-089/mysql.js", "CWE-089/untyped/mysql.js", "708408a45841d90d4d7b70a6aa3982b6259e4fd7"),
    ("CWE-078/child_process-test.js", "CWE-078/CommandInjection/child_process-test.js",
     "09b4250b570611824e194af42995e7acca575a91"),
    ("CWE-094/express.js", "CWE-094/CodeInjection/express.js",
     "04b28c511887675a89992697e8f204d7092ffbeb"),
    ("CWE-022/TaintedPath.js", "CWE-022/TaintedPath/TaintedPath.js",
     "0be13e45f24946a906c4a3258c21d2ffc379442e"),
    ("CWE-022/tainted-sendFile.js", "CWE-022/TaintedPath/tainted-sendFile.js",
     "2f5de5cf55195755fcca5b5db67e7445b7aefe87"),
    ("CWE-601/express.js", "CWE-601/ServerSideUrlRedirect/express.js",
     "1f1c09af020e3af71007d75d3de8c4a26c9152da"),
    ("CWE-601/koa.js", "CWE-601/ServerSideUrlRedirect/koa.js",
     "3a86b718737dca97da4a71afb4dae5d075a28656"),
)  # fmt: skip
CODEQL_MARK = re.compile(
    r"//\s*(?:(?P<safe>\$\s*(?:TODO-)?SPURIOUS|OK\b|GOOD\b)"
    r"|(?P<flaw>\$\s*(?:MISSING:\s*)?Alert|NOT OK\b|BAD\b))"
)


@dataclass(frozen=True, slots=True)
class Label:
    path: str
    line: int
    start: int
    end: int
    category: str
    flaw: bool
    rule: str


Hits = dict[tuple[str, str], list[tuple[int, int]]]  # (path, category) -> line spans


def rule_categories(yaml_path: Path) -> dict[str, str]:
    doc = yaml.safe_load(yaml_path.read_text(encoding="utf-8")) or {}
    found: dict[str, str] = {}
    for rule in doc.get("rules", []):
        rule_id = str(rule.get("id", ""))
        if rule_id in EXCLUDED_RULES:
            continue
        cwes = (rule.get("metadata") or {}).get("cwe") or []
        for cwe in [cwes] if isinstance(cwes, str) else cwes:
            number = re.match(r"\s*CWE-(\d+)", str(cwe))
            if number and int(number.group(1)) in CWE_CATEGORY:
                found[rule_id] = CWE_CATEGORY[int(number.group(1))]
                break
    return found


def statement_span(data: bytes, rel: str, line: int) -> tuple[int, int]:
    """The lines of the statement that starts on `line` (just `line` for one holding a body)."""
    tree = parse(data, rel)
    best = (line, line)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        first, last = node.start_point[0] + 1, node.end_point[0] + 1
        if last < line or first > line:
            continue
        if first == line and node.type == "if_statement":  # the condition and its branch
            branch = node.child_by_field_name("consequence")
            return (line, branch.end_point[0] + 1 if branch is not None else line)
        if first == line and node.type.endswith(("statement", "declaration")):
            has_body = any(c.type == "statement_block" for c in _descendants(node) if c is not node)
            return (line, line) if has_body else (first, last)
        stack.extend(node.named_children)
    return best


def _descendants(node: object) -> list[object]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(getattr(current, "named_children", []))
    return out


def collect(checkout_dir: Path) -> tuple[list[Label], list[Path], list[Path]]:
    """(labels, test files, rule files) of the corpus."""
    labels: list[Label] = []
    files: list[Path] = []
    rule_files: list[Path] = []
    for top in ("javascript", "typescript"):
        for yaml_path in sorted((checkout_dir / top).rglob("*.yaml")):
            rel_yaml = str(yaml_path.relative_to(checkout_dir))
            if rel_yaml.startswith(EXCLUDED_DIRS):
                continue
            rules = rule_categories(yaml_path)
            if not rules:
                continue
            rule_files.append(yaml_path)
            for test in sorted(yaml_path.parent.glob(yaml_path.stem + ".*")):
                if test.suffix not in JS_SUFFIXES:
                    continue
                files.append(test)
                labels += file_labels(checkout_dir, test, rules)
    return labels, files, rule_files


def file_labels(checkout_dir: Path, path: Path, rules: dict[str, str]) -> list[Label]:
    data = path.read_bytes()
    lines = data.decode("utf-8", "replace").splitlines()
    rel = "semgrep-rules/" + str(path.relative_to(checkout_dir))
    out: list[Label] = []
    for index, line in enumerate(lines):
        match = ANNOTATION.search(line)
        if not match:
            continue
        target = index + 1
        if line.lstrip().startswith("//"):
            target = next(
                (
                    j + 1
                    for j in range(index + 1, len(lines))
                    if lines[j].strip() and not lines[j].lstrip().startswith("//")
                ),
                0,
            )
        if not target:
            continue
        for rule_id in (r.strip() for r in match.group(2).split(",")):
            category = rules.get(rule_id)
            if category is None:
                continue
            start, end = statement_span(data, path.name, target)
            out.append(
                Label(rel, target, start, end, category, FLAW_KINDS[match.group(1)], rule_id)
            )
    return out


def codeql_labels(folder: Path) -> tuple[list[Label], list[Path]]:
    """Labels of CodeQL's test comments (see the module docstring) in the files present."""
    labels: list[Label] = []
    files: list[Path] = []
    for here, _origin, _commit in CODEQL_FILES:
        path = folder / here
        if not path.exists():
            continue
        files.append(path)
        category = CWE_CATEGORY[int(here.split("/")[0].removeprefix("CWE-"))]
        data = path.read_bytes()
        lines = data.decode("utf-8", "replace").splitlines()
        for index, line in enumerate(lines):
            comment = line.find("//")
            if comment < 0:
                continue
            match = CODEQL_MARK.match(line, comment)
            if match is None:
                continue
            target = index + 1
            if not line[:comment].strip():
                target = next(
                    (j + 1 for j in range(index + 1, len(lines))
                     if lines[j].strip() and not lines[j].lstrip().startswith("//")),
                    0,
                )  # fmt: skip
            if not target:
                continue
            start, end = statement_span(data, here, target)
            rel = f"codeql/{here}"
            labels.append(Label(rel, target, start, end, category, bool(match.group("flaw")), "-"))
    return labels, files


def run_netgain(
    work: Path, hits: Hits, target: str = "corpus", found: Counter[str] | None = None
) -> float:
    out = work / "netgain.json"
    start = time.perf_counter()
    subprocess.run(
        [NETGAIN, "scan", target, "--format", "json", "--output", str(out), "--no-cache"],
        cwd=work,
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    report = json.loads(out.read_text(encoding="utf-8"))
    for finding in report["findings"]:
        category = NETGAIN_CATEGORY.get(finding["rule"])
        if category is None:
            continue
        path = finding["location"]["path"].removeprefix(f"{target}/")
        if found is not None:
            found[category] += 1
        location = finding["location"]
        hits[(path, category)].append(
            (location["line"], location.get("end_line") or location["line"])
        )
        for step in finding.get("trace") or []:
            if step["path"].removeprefix(f"{target}/") == path:
                hits[(path, category)].append((step["line"],) * 2)
    return seconds


def run_semgrep(
    work: Path,
    semgrep: Path,
    rule_files: list[Path],
    hits: Hits,
    target: str = "corpus",
    found: Counter[str] | None = None,
) -> float:
    categories: dict[str, str] = {}
    for yaml_path in rule_files:
        categories.update(rule_categories(yaml_path))
    configs = [arg for p in rule_files for arg in ("--config", str(p))]
    out = work / "semgrep.json"
    start = time.perf_counter()
    subprocess.run(
        [
            str(semgrep), "scan", "--metrics=off", "--disable-version-check", "--no-git-ignore",
            *configs, "--json", "--output", str(out), target,
        ],
        cwd=work,
        capture_output=True,
        check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    report = json.loads(out.read_text(encoding="utf-8"))
    for result in report.get("results", []):
        category = categories.get(str(result["check_id"]).rsplit(".", 1)[-1])
        if category is None:
            continue
        path = str(result["path"]).removeprefix(f"{target}/")
        if found is not None:
            found[category] += 1
        hits[(path, category)].append((result["start"]["line"], result["end"]["line"]))
    return seconds


def score(labels: list[Label], hits: dict[str, Hits]) -> dict[str, Score]:
    table: dict[str, Score] = defaultdict(Score)
    seen: dict[tuple[str, int, str], bool] = {}
    for label in labels:  # one label per (file, line, category); a flaw wins over a look-alike
        key = (label.path, label.line, label.category)
        seen[key] = seen.get(key, False) or label.flaw
    spans = {(lb.path, lb.line, lb.category): (lb.start, lb.end) for lb in labels}
    for (path, line, category), flaw in sorted(seen.items()):
        start, end = spans[(path, line, category)]
        row = table[category]
        row.flaws += flaw
        row.safe += not flaw
        for tool, tool_hits in hits.items():
            found = any(a <= end and b >= start for a, b in tool_hits.get((path, category), []))
            if found and flaw:
                row.tp[tool] += 1
            elif found:
                row.fp[tool] += 1
    return dict(sorted(table.items()))


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def render(table: dict[str, Score], tools: list[str]) -> str:
    header = "| category | flaws | look-alikes | " + " | ".join(
        f"{t} TPR | {t} FPR | {t} Youden" for t in tools
    )
    lines = [header + " |", "|" + " --- |" * (3 + 3 * len(tools))]
    for name, row in table.items():
        cells = [name, str(row.flaws), str(row.safe)]
        for tool in tools:
            cells += [_rate(row.tpr(tool)), _rate(row.fpr(tool)), _rate(row.youden(tool))]
        lines.append("| " + " | ".join(cells) + " |")
    scored = [r for r in table.values() if r.flaws and r.safe]
    cells = ["**mean Youden**", str(sum(r.flaws for r in table.values())),
             str(sum(r.safe for r in table.values()))]  # fmt: skip
    for tool in tools:
        mean = sum(r.youden(tool) or 0.0 for r in scored) / len(scored) if scored else None
        tp = sum(r.tp[tool] for r in table.values())
        fp = sum(r.fp[tool] for r in table.values())
        flaws = sum(r.flaws for r in table.values())
        safe = sum(r.safe for r in table.values())
        tpr = _rate(tp / flaws if flaws else None)
        fpr = _rate(fp / safe if safe else None)
        cells += [f"{tpr} pooled", f"{fpr} pooled", f"**{_rate(mean)}**"]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_rule(labels: list[Label], hits: dict[str, Hits], tools: list[str]) -> str:
    """Flaws found per Semgrep rule, to show where the tools differ."""
    found: dict[str, list[int]] = defaultdict(lambda: [0] * (1 + 2 * len(tools)))
    for label in labels:
        row = found[f"{label.rule} ({label.category})"]
        if not label.flaw:
            continue
        row[0] += 1
        for i, tool in enumerate(tools):
            spans = hits[tool].get((label.path, label.category), [])
            row[1 + i] += any(a <= label.end and b >= label.start for a, b in spans)
    lines = ["| Semgrep rule (category) | flaws | " + " | ".join(tools) + " |",
             "| --- | --- |" + " --- |" * len(tools)]  # fmt: skip
    for name, row in sorted(found.items()):
        if row[0]:
            lines.append(
                f"| {name} | {row[0]} | "
                + " | ".join(str(v) for v in row[1 : 1 + len(tools)])
                + " |"
            )
    return "\n".join(lines)


def apps(paths: list[Path], tools: list[str], semgrep: Path, rule_files: list[Path]) -> str:
    """Findings per category and wall time of each tool on whole applications (unlabelled:
    what a user would see, and how long it takes)."""
    rows = ["| application (commit) | tool | " + " | ".join(CATEGORIES) + " | seconds |",
            "| --- | --- |" + " --- |" * (len(CATEGORIES) + 1)]  # fmt: skip
    for path in paths:
        commit = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--short=10", "HEAD"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
        for tool in tools:
            found: Counter[str] = Counter()
            if tool == "netgain":
                seconds = run_netgain(path.parent, defaultdict(list), path.name, found)
            else:
                seconds = run_semgrep(
                    path.parent, semgrep, rule_files, defaultdict(list), path.name, found
                )
            counts = " | ".join(str(found[c]) for c in CATEGORIES)
            rows.append(f"| {path.name} ({commit}) | {tool} | {counts} | {seconds:.1f} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--semgrep", type=Path, default=DEFAULT_SEMGREP)
    parser.add_argument("--codeql", type=Path, help="folder of CodeQL test files (CODEQL_FILES)")
    parser.add_argument(
        "--app", type=Path, action="append", default=[],
        help="also scan this application checkout with both tools (findings and time)",
    )  # fmt: skip
    parser.add_argument("--record", action="store_true", help="write docs/BENCHMARKS.md")
    parser.add_argument("--json", type=Path, help="write the scores as JSON here")
    args = parser.parse_args()
    checkout_dir = checkout("semgrep-rules", args.cache, args.mirrors)
    labels, files, rule_files = collect(checkout_dir)
    copies = {f"semgrep-rules/{p.relative_to(checkout_dir)}": p for p in files}
    codeql: list[Label] = []
    if args.codeql is not None:
        codeql, codeql_files = codeql_labels(args.codeql)
        copies |= {f"codeql/{p.relative_to(args.codeql)}": p for p in codeql_files}
    tools = ["netgain"] + (["semgrep"] if args.semgrep.exists() else [])
    hits: dict[str, Hits] = {tool: defaultdict(list) for tool in tools}
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="netgain-js-corpus-") as tmp:
        work = Path(tmp)
        for rel, path in copies.items():
            target = work / "corpus" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        timings["netgain"] = run_netgain(work, hits["netgain"])
        if "semgrep" in tools:
            timings["semgrep"] = run_semgrep(work, args.semgrep, rule_files, hits["semgrep"])
    sections = [("Semgrep's rule tests", labels)] + (
        [("CodeQL's query tests", codeql)] if codeql else []
    )
    out: list[str] = [
        f"{len(copies)} files, {len(rule_files)} Semgrep rule files, "
        f"{len(labels) + len(codeql)} labels; wall time on all of them (child processes, one "
        "after the other): " + ", ".join(f"{t} {timings[t]:.1f} s" for t in tools) + "."
    ]
    scores: dict[str, dict[str, dict[str, object]]] = {}
    for title, part in sections:
        table = score(part, hits)
        out += [f"\n### {title}\n", render(table, tools)]
        scores[title] = {k: {"flaws": v.flaws, "safe": v.safe, "tp": v.tp, "fp": v.fp}
                         for k, v in table.items()}  # fmt: skip
    if args.app:
        out += ["\n### Applications\n", apps(args.app, tools, args.semgrep, rule_files)]
    out += ["\n### Flaws found per Semgrep rule\n", per_rule(labels, hits, tools)]
    text = "\n".join(out)
    print(text)
    if "semgrep" not in tools:
        print(f"\nSemgrep not found at {args.semgrep}: install it with "
              "`python3 -m venv /tmp/semgrep-venv && /tmp/semgrep-venv/bin/pip install semgrep`")  # fmt: skip
    if args.json is not None:
        args.json.write_text(json.dumps(scores, indent=2), encoding="utf-8")
    if args.record:
        record(text)
    return 0


NOTES = """\
Reading the figures:

- Semgrep's tests were written with its rules, so Semgrep passes them by construction (its
  `todoruleid` / `todook` labels are the exceptions). Most of netgain's misses there are audit
  rules that treat any function parameter as untrusted (`detect-child-process`,
  `detect-non-literal-fs-filename`, `path-join-resolve-traversal`, `sequelize-raw-query`,
  `node-mysql-sqli`, `shelljs-exec-injection`), rules that flag a constant (`spawn-shell-true`),
  a vm context holding client data (`express-vm-injection`, `vm2-context-injection`) and APIs
  netgain does not model (Deno, `require` of a variable, bluebird, thenify).
- CodeQL's labels were written for neither tool. Semgrep runs the registry rules of the same
  classes. netgain misses there: a shell chosen through a variable, argument arrays built
  element by element, `node -e`, node-pty, WebSocket messages, `send(req, path)`, and
  `path.basename(p)` (CodeQL counts it as still tainted, netgain as a path sanitizer); its false
  alarms: `res.sendFile("data/" + p)` (Express's `send` rejects `..` without a root) and the
  last segment of a split path.
- Applications are unlabelled: counts of findings, to show noise and reach. netgain finds
  DVNA's documented SQL injection, command injection and open redirect and NodeGoat's three
  `eval`s and open redirect; it misses DVNA's `mathjs.eval` (not modelled) and Juice Shop's
  server-side template injection (a username read back from the database: second-order flows
  are not followed). 11 of netgain's 13 Juice Shop SQL findings are in its
  `data/static/codefixes/` snippet files (reported as not fully parsed). Express's 5 are
  four redirects to the `Referer` header in its examples and `res.location(req.query.q)` in a
  test. The two RealWorld apps (Prisma,
  TypeORM) have none.
- Wall times are of whole runs as child processes on a shared 2-core machine; compare the
  ratio, not the seconds.
"""


def record(text: str) -> None:
    body = (
        f"{SECTION}\n\n"
        "`.venv/bin/python benchmarks/js_corpus.py --codeql DIR --record` (Semgrep OSS "
        f"{_semgrep_version()} from `/tmp/semgrep-venv`, offline with the local rules). Corpora: "
        "semgrep/semgrep-rules@157ae47 (JavaScript/TypeScript rule tests of the injection "
        "classes) and seven github/codeql JavaScript query-test files (`CODEQL_FILES`); what "
        "is left out and how lines are matched is in the script's docstring. Applications: "
        "`--app` checkouts of juice-shop/juice-shop, OWASP/NodeGoat, appsecco/dvna, "
        "expressjs/express, gothinkster/node-express-realworld-example-app and "
        "lujakob/nestjs-realworld-example-app at the commits shown.\n\n"
        f"{text}\n\n{NOTES}"
    )
    replace_section(SECTION, body)


def _semgrep_version() -> str:
    try:
        done = subprocess.run(
            [str(DEFAULT_SEMGREP), "--version"], capture_output=True, text=True, check=False
        )
    except OSError:
        return "?"
    return done.stdout.strip() or "?"


if __name__ == "__main__":
    raise SystemExit(main())
