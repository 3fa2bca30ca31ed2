"""The steps of the real-repository benchmark: one netgain command and the plain git reading beside it.

Each step runs the installed `netgain` as a subprocess (what a user runs), with a timeout, and
classifies the outcome. The git side is the plain git command that reads the same data, so the
ratio says what netgain costs on top of git. Used by `benchmarks/realworld.py`.

Outcomes: `ok` (exit 0), `gate` (exit 1 where the command documents it: findings, a blocked or
pending change), `error` (exit 2, a documented usage or data error, with its message), `timeout`
(the step was stopped at its bound; not a crash), `wrong` (a figure that cannot be right, e.g. a
second ingest that adds commits) and `crash` (a Python traceback, an exit code the command does not
document, a signal, or a `--json` output that is not JSON).
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

NETGAIN = str(Path(sys.executable).with_name("netgain"))
# An environment free of the user's git configuration and of a store URL that would override --db.
ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "NETGAIN_"))},
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    # the benchmark's own git reads (the plain-git side: `git log --numstat` reads every blob)
    # must not fetch a partial clone's absent blobs from its promisor: that hides the shape
    "GIT_NO_LAZY_FETCH": "1",
}
LOG_FORMAT = "--format=%x00%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x00"
SHARE_BLAME = ("-M", "-C", "-C", "-C")  # what `netgain share` asks of git blame by default
TRACEBACK = "Traceback (most recent call last)"
# Version-looking tag names: v1.2, 1.2.3, release-1.2, numpy's v2.0.0rc1, pip's 24.1b1.
VERSION_TAG = re.compile(r"^(?:v|release[-_]?|version[-_]?)?\d+(?:[._]\d+)+[0-9A-Za-z.+-]*$")
AI_TRAILER = re.compile(
    r"^co-authored-by:.*\b(claude|copilot|aider|cursor|codex|devin|jules|gemini)\b", re.I | re.M
)


@dataclass
class Outcome:
    """One run of one netgain command, beside the git reading that does the same work."""

    step: str
    outcome: str = "ok"
    exit_code: int | None = None
    seconds: float = 0.0
    cpu_seconds: float | None = None  # user + system time of the netgain process (load-proof)
    git_seconds: float | None = None
    git_note: str = ""
    problems: int = 0
    detail: str = ""
    runs: int = 1
    stderr_tail: str = ""
    problem_kinds: dict[str, int] = field(default_factory=dict)
    problem_examples: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.git_seconds is None or self.git_seconds <= 0 or self.outcome == "timeout":
            return None
        return self.seconds / self.git_seconds

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


@dataclass
class Context:
    """One repository under test: its scratch copy, its fresh store and the step bounds."""

    work: Path
    db: str
    timeout: float
    out: Path
    log: list[str] = field(default_factory=list)


def git(repo: Path, *args: str, check: bool = True, timeout: float | None = None) -> str:
    """stdout of `git -C repo args` (lossy UTF-8; names and messages are hostile input)."""
    proc = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        env=ENV,
        check=check,
        timeout=timeout,
    )
    return proc.stdout.decode("utf-8", "replace")


class GitFailedError(Exception):
    """The plain git command failed (e.g. on a blob a snapshot left out): no ratio then."""


def timed_git(repo: Path, *args: str, timeout: float) -> float:
    """Wall time of a git command whose output is read and thrown away (as a reader would)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["git", "-C", str(repo), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=ENV,
        check=False,
        timeout=timeout,
    )
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailedError(
            f"git {args[0]} exit {proc.returncode}: {message[-1] if message else ''}"
        )
    return time.perf_counter() - start


def git_side(result: Outcome, measure: Callable[[], tuple[float, str]]) -> None:
    """Time the plain git reading beside a step; a git that fails or times out gives no ratio."""
    try:
        result.git_seconds, result.git_note = measure()
    except GitFailedError as exc:
        result.git_seconds, result.git_note = None, f"plain git failed: {exc}"[:300]
    except subprocess.TimeoutExpired:
        result.git_seconds, result.git_note = None, "plain git timed out"


def run_netgain(
    ctx: Context, step: str, args: list[str], *, gate: bool = False, json_out: bool = True
) -> tuple[Outcome, Any]:
    """Run `netgain args` with the step's bound; classify the outcome and parse its JSON."""
    result = Outcome(step)
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        proc = subprocess.run(
            [NETGAIN, *args],
            capture_output=True,
            env=ENV,
            timeout=ctx.timeout,
            check=False,
            cwd=ctx.work,
        )
    except subprocess.TimeoutExpired:
        result.seconds = time.perf_counter() - start
        result.outcome = "timeout"
        result.detail = f"stopped after {ctx.timeout:.0f} s"
        return result, None
    result.seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result.exit_code = proc.returncode
    stderr = proc.stderr.decode("utf-8", "replace")
    result.stderr_tail = stderr[-4000:]
    allowed = {0, 1, 2} if gate else {0, 2}
    if TRACEBACK in stderr or proc.returncode not in allowed:
        result.outcome = "crash"
        lines = [line for line in stderr.splitlines() if line.strip()]
        result.detail = lines[-1][:300] if lines else f"exit {proc.returncode}"
        ctx.log.append(f"{step}: {' '.join(args)}\n{stderr}")
        return result, None
    if proc.returncode == 2:
        result.outcome = "error"
        result.detail = stderr.strip().splitlines()[-1][:300] if stderr.strip() else "exit 2"
        return result, None
    result.outcome = "gate" if proc.returncode == 1 else "ok"
    if not json_out:
        return result, None
    try:
        return result, json.loads(proc.stdout)
    except ValueError as exc:
        result.outcome = "crash"
        result.detail = f"--json output is not JSON: {exc}"
        return result, None


def note_problems(result: Outcome, doc: Any) -> None:
    """Add the problems a netgain JSON document reports (a list of {kind, message}, or scan's
    counts) to `result`: how many, how many of each kind, and one example message per kind."""
    if not isinstance(doc, dict):
        return
    value = doc.get("problems", 0)
    items = list(value) if isinstance(value, list) else []
    items += [
        {"kind": "unavailable-file", "message": p} for p in doc.get("unavailable_files") or []
    ]
    result.problems += len(items) + (0 if isinstance(value, list) else int(value or 0))
    for item in items:
        kind = str(item.get("kind", "?")) if isinstance(item, dict) else "?"
        result.problem_kinds[kind] = result.problem_kinds.get(kind, 0) + 1
        if isinstance(item, dict):
            result.problem_examples.setdefault(kind, str(item.get("message", ""))[:300])


# --------------------------------------------------------------------------------------------
# Shape


def shape(repo: Path) -> dict[str, Any]:
    """What kind of history this is: size, merges, tags, AI evidence, large files, languages."""
    commits = int(git(repo, "rev-list", "--count", "HEAD").strip())
    merges = int(git(repo, "rev-list", "--count", "--merges", "HEAD").strip())
    messages = git(repo, "log", "--format=%B%x00", "HEAD").split("\0")
    ai_commits = sum(1 for m in messages if AI_TRAILER.search(m))
    sizes: list[int] = []
    extensions: dict[str, int] = {}
    for line in git(repo, "ls-tree", "-r", "-l", "-z", "HEAD").split("\0"):
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) == 4 and parts[1] == "blob" and parts[3].isdigit():
            sizes.append(int(parts[3]))
            ext = Path(path).suffix.lower() or Path(path).name
            extensions[ext] = extensions.get(ext, 0) + 1
    top = sorted(extensions.items(), key=lambda kv: -kv[1])[:4]
    notes = git(repo, "for-each-ref", "--format=%(refname)", "refs/notes", "refs/ai").split()
    traces = git(repo, "ls-files", "--", ".agent-trace/*.jsonl", "*/.agent-trace/*.jsonl").split()
    return {
        "commits": commits,
        "merges": merges,
        "tags": len(version_tags(repo)),
        "ai_trailer_commits": ai_commits,
        "files": len(sizes),
        "files_over_1mb": sum(1 for s in sizes if s > 1 << 20),
        "largest_file_mb": round(max(sizes, default=0) / (1 << 20), 1),
        "top_extensions": [ext for ext, _ in top],
        "notes_refs": notes,
        "agent_trace_files": traces,
    }


def version_tags(repo: Path) -> list[str]:
    """Version-looking tags reachable from HEAD, oldest first (by the tagged commit's date)."""
    out = git(repo, "tag", "--merged", "HEAD", "--sort=creatordate")
    return [t for t in out.split() if VERSION_TAG.match(t)]


# --------------------------------------------------------------------------------------------
# Steps


def step_ingest(ctx: Context) -> Outcome:
    """`netgain ingest` against the `git log --numstat` it streams (the floor)."""
    result, doc = run_netgain(ctx, "ingest", ["ingest", str(ctx.work), "--db", ctx.db, "--json"])
    note_problems(result, doc)
    if doc:
        result.detail = f"{doc.get('commits_added', 0)} commits stored"
    log = ["log", "-z", "--numstat", "-M", LOG_FORMAT, "HEAD"]
    git_side(
        result,
        lambda: (
            timed_git(ctx.work, *log, timeout=ctx.timeout),
            "git log -z --numstat -M (netgain's format)",
        ),
    )
    absent = sorted(
        {str(p["path"]) for p in (doc or {}).get("problems", []) if p.get("kind") == "missing-blob"}
    )
    if result.git_seconds is None and absent:
        # git log dies on the first absent blob: time it over every other path instead (with
        # --full-history, so a pathspec simplifies no merge away), the nearest plain-git reading
        excluded = [f":(exclude,literal){path}" for path in absent]
        git_side(
            result,
            lambda: (
                timed_git(
                    ctx.work, *log, "--full-history", "--", ".", *excluded, timeout=ctx.timeout
                ),
                f"git log -z --numstat -M --full-history over every path but the {len(absent)} "
                "whose blob is absent (git log dies on them)",
            ),
        )
    return result


def step_ingest_again(ctx: Context) -> Outcome:
    """`netgain ingest` once more: nothing is new, so it must add nothing. Its time is the fixed
    cost every command pays (start-up, imports, opening the store, the up-to-date check), which
    dominates the ratios of small repositories."""
    result, doc = run_netgain(
        ctx, "ingest again", ["ingest", str(ctx.work), "--db", ctx.db, "--json"]
    )
    note_problems(result, doc)
    if isinstance(doc, dict):
        added = doc.get("commits_added", 0)
        result.detail = f"{added} commits added"
        if added:
            result.outcome = "wrong"
    return result


def step_provenance(ctx: Context, ingest: Outcome) -> Outcome:
    """`netgain provenance HEAD --json` (all history, from the store) against the same git log."""
    result, doc = run_netgain(
        ctx, "provenance", ["provenance", "HEAD", "-C", str(ctx.work), "--db", ctx.db, "--json"]
    )
    note_problems(result, doc)
    if doc:
        summary = doc.get("summary", {})
        added = summary.get("added", {})
        result.detail = (
            f"{summary.get('commits', 0)} commits, {summary.get('ai_commits', 0)} with AI; "
            f"ai {added.get('ai', 0)} / human {added.get('human', 0)} / "
            f"unknown {added.get('unknown', 0)} lines"
        )
    result.git_seconds = ingest.git_seconds
    result.git_note = f"as for ingest: {ingest.git_note}"
    return result


def release_ranges(repo: Path, count: int) -> list[tuple[str, str]]:
    """(previous release, release) for the newest `count` version tags: each tag against the
    newest older version tag in its history, i.e. one release's own commits. Other tags (crate
    tags such as ripgrep's `grep-0.4.1`, `nightly`) are not releases and never a base."""
    tags = version_tags(repo)
    ranges: list[tuple[str, str]] = []
    for i in range(len(tags) - 1, 0, -1):
        for base in tags[i - 1 :: -1][:20]:
            ancestor = subprocess.run(
                ["git", "-C", str(repo), "merge-base", "--is-ancestor", base, tags[i]],
                env=ENV,
                check=False,
                capture_output=True,
            )
            if ancestor.returncode == 0:
                ranges.append((base, tags[i]))
                break
        if len(ranges) == count:
            break
    return ranges


def blame_range_files(ctx: Context, base: str, head: str, sample: int) -> tuple[float, str]:
    """Sequential `git blame --porcelain -M -C -C -C base..head` of the files the range touched
    (what share needs; submodules are no files), timed on a seeded sample of at most `sample` files and scaled."""
    out = git(ctx.work, "diff", "--raw", "-z", "--no-renames", "--diff-filter=d", base, head)
    fields = out.split("\0")
    # a submodule bump (mode 160000, numpy's vendored libraries) is no file to blame
    paths = [
        path
        for meta, path in zip(fields[0::2], fields[1::2], strict=False)
        if path and "160000" not in meta.split()[1:2]
    ]
    if not paths:
        return 0.0, "no files"
    chosen = random.Random(0).sample(paths, min(sample, len(paths)))
    start = time.perf_counter()
    for path in chosen:
        blame = ["blame", "--porcelain", *SHARE_BLAME, f"{base}..{head}", "--", path]
        timed_git(ctx.work, *blame, timeout=ctx.timeout)
    seconds = (time.perf_counter() - start) * len(paths) / len(chosen)
    note = f"git blame -M -C -C -C, {len(paths)} files one after another"
    if len(chosen) < len(paths):
        note += f" (timed on {len(chosen)}, scaled)"
    return seconds, note


def step_share(ctx: Context, base: str, tag: str, sample: int) -> Outcome:
    """`netgain share base..tag --json` against blaming the same files one by one."""
    result, doc = run_netgain(
        ctx,
        f"share {base}..{tag}",
        ["share", f"{base}..{tag}", "-C", str(ctx.work), "--db", ctx.db, "--json"],
    )
    note_problems(result, doc)
    if doc:
        share = doc.get("ai_share")
        result.detail = (
            f"{doc.get('total_lines', 0)} surviving lines, ai {doc.get('ai_lines', 0)}"
            + (f" ({share:.1%})" if isinstance(share, float) else "")
            + ("" if doc.get("complete", True) else ", INCOMPLETE")
        )
    if result.outcome != "timeout":
        git_side(result, lambda: blame_range_files(ctx, base, tag, sample))
    return result


def fix_commits(repo: Path, limit: int) -> list[str]:
    """The newest non-merge commits whose message reads as a fix, as `risk train` finds them."""
    from netgain.risk.features import is_fix_message

    out = git(repo, "log", "--no-merges", "-z", "--format=%H%x1f%B", "HEAD")
    fixes = []
    for record in out.split("\0"):
        sha, _, message = record.strip("\n").partition("\x1f")
        if sha and is_fix_message(message):
            fixes.append(sha)
            if len(fixes) == limit:
                break
    return fixes


HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", re.M)


def blame_fix_lines(ctx: Context, fixes: list[str], sample: int) -> tuple[float, str]:
    """What B-SZZ does with plain git: per fix, `git diff -U0` against its first parent, then one
    `git blame -L` of the removed lines per file at the parent; timed on a sample and scaled."""
    chosen = fixes[:sample]
    start = time.perf_counter()
    blames = 0
    for sha in chosen:
        patch = git(
            ctx.work, "diff", "-U0", "--no-color", "-M", f"{sha}^", sha, "--", check=False
        ).split("\ndiff --git ")
        for part in patch:
            old = re.search(r"^--- a/(.+)$", part, re.M)
            ranges = [
                f"{m.group(1)},+{m.group(2) or '1'}"
                for m in HUNK.finditer(part)
                if m.group(2) != "0"
            ]
            if old and ranges:
                args = [a for r in ranges for a in ("-L", r)]
                timed_git(
                    ctx.work,
                    "blame",
                    "--incremental",
                    *args,
                    f"{sha}^",
                    "--",
                    old.group(1),
                    timeout=ctx.timeout,
                )
                blames += 1
    seconds = (time.perf_counter() - start) * len(fixes) / max(len(chosen), 1)
    note = f"git diff -U0 + git blame -L per fix and file ({blames} blames"
    note += (
        f" for {len(chosen)} fixes, scaled to {len(fixes)})" if len(chosen) < len(fixes) else ")"
    )
    return seconds, note


def step_szz(ctx: Context, fixes: list[str], sample: int) -> Outcome:
    """`netgain szz --json --evidence` on the fixes against B-SZZ with plain git blame."""
    if not fixes:
        return Outcome("szz", outcome="skipped", detail="no fix commits")
    args = ["szz", *fixes, "-C", str(ctx.work), "--db", ctx.db, "--json", "--evidence"]
    result, doc = run_netgain(ctx, f"szz ({len(fixes)} fixes)", args)
    if isinstance(doc, dict):
        links = 0
        for entry in doc.values():
            if isinstance(entry, dict):
                note_problems(result, {"problems": entry.get("problems") or []})
                links += len(entry.get("candidates") or [])
        result.detail = f"{len(doc)} fixes, {links} inducing candidates"
    if result.outcome != "timeout":
        git_side(result, lambda: blame_fix_lines(ctx, fixes, sample))
    return result


def step_risk(ctx: Context) -> list[Outcome]:
    """`netgain risk train` then `risk evaluate` (no plain-git equivalent: model fitting)."""
    train, doc = run_netgain(
        ctx, "risk train", ["risk", "train", "-C", str(ctx.work), "--db", ctx.db, "--json"]
    )
    note_problems(train, doc)
    if isinstance(doc, dict):
        model = doc.get("model") or {}
        train.detail = (
            f"{doc.get('fixes', 0)} fixes, {doc.get('positives', 0)} inducing; "
            + (doc.get("notice") or f"{model.get('name')} on {model.get('commits')} commits")
        )[:300]
    if train.outcome == "timeout":
        return [train]
    evaluate, doc = run_netgain(
        ctx, "risk evaluate", ["risk", "evaluate", "-C", str(ctx.work), "--db", ctx.db, "--json"]
    )
    note_problems(evaluate, doc)
    if isinstance(doc, dict) and "model" in doc:
        model, baseline, split = doc["model"], doc.get("baseline", {}), doc.get("split", {})
        evaluate.detail = (
            f"{model.get('name')} AUC {model.get('auc', 0):.3f} vs LApredict "
            f"{baseline.get('auc', 0):.3f}, Popt {model.get('popt', 0):.3f} vs "
            f"{baseline.get('popt', 0):.3f}; test {split.get('test')} commits "
            f"({split.get('positives')} defect-inducing)"
        )
    return [train, evaluate]


def step_scan(ctx: Context) -> Outcome:
    """`netgain scan` of the checked-out tree (JSON to a file; exit 1 means findings)."""
    report = ctx.out / "scan.json"
    args = ["scan", str(ctx.work), "--format", "json", "--output", str(report)]
    result, _ = run_netgain(ctx, "scan", args, gate=True, json_out=False)
    if result.outcome in ("ok", "gate") and report.exists():
        try:
            doc = json.loads(report.read_text(encoding="utf-8"))
        except ValueError as exc:
            result.outcome = "crash"
            result.detail = f"--format json output is not JSON: {exc}"
            return result
        summary = doc.get("summary", {})
        result.problems = int(summary.get("problems", 0)) + int(summary.get("unparsed", 0))
        result.detail = (
            f"{summary.get('files_scanned', 0)} files, {summary.get('findings', 0)} findings, "
            f"{summary.get('unparsed', 0)} unparsed"
        )
    return result


def recent_changes(repo: Path, count: int) -> list[tuple[str, str]]:
    """(base, head) of the last `count` changes on the first-parent line: a merge M gives
    (M^1, M^2), a squash or direct commit C gives (C^1, C). Root commits are left out."""
    out = git(repo, "rev-list", "--first-parent", "--parents", "-n", str(count), "HEAD")
    changes = []
    for line in out.splitlines():
        shas = line.split()
        if len(shas) >= 3:
            changes.append((shas[1], shas[2]))
        elif len(shas) == 2:
            changes.append((shas[1], shas[0]))
    return changes


def step_check(ctx: Context, changes: list[tuple[str, str]]) -> Outcome:
    """`netgain check` on each change against what it reads with git: the diff, the range's log
    and the blame of the touched files that attributes the added lines (as `share` does)."""
    total = Outcome(f"check ({len(changes)} changes)", runs=0, git_seconds=0.0)
    verdicts: dict[str, int] = {}
    git_failure = ""
    worst = "ok"
    order = ["ok", "gate", "error", "timeout", "wrong", "crash"]
    for base, head in changes:
        args = ["check", "--base", base, "--head", head, "-C", str(ctx.work), "--db", ctx.db]
        result, doc = run_netgain(
            ctx, "check", [*args, "--format", "json", "--no-record"], gate=True
        )
        total.runs += 1
        total.seconds += result.seconds
        note_problems(total, doc)
        if order.index(result.outcome) > order.index(worst):
            worst = result.outcome
            total.exit_code = result.exit_code
            total.stderr_tail = result.stderr_tail
            total.detail = f"{base[:9]}..{head[:9]}: {result.detail}"
        if isinstance(doc, dict):
            verdicts[str(doc.get("verdict"))] = verdicts.get(str(doc.get("verdict")), 0) + 1
        one = Outcome("git")
        git_side(one, partial(read_change, ctx, base, head))
        if one.git_seconds is None or total.git_seconds is None:
            total.git_seconds, git_failure = None, git_failure or one.git_note
        else:
            total.git_seconds += one.git_seconds
        if result.outcome == "timeout":
            break
    total.outcome = worst
    if worst in ("ok", "gate"):
        total.detail = ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items()))
    total.git_note = git_failure or (
        "per change: git diff -M, git log --numstat, git blame -M -C -C -C of each touched file"
    )
    return total


def read_change(ctx: Context, base: str, head: str) -> tuple[float, str]:
    """What the gate reads with git for one change: its diff, its log and the blame of the
    touched files that attributes the added lines."""
    seconds = timed_git(ctx.work, "diff", "-M", base, head, timeout=ctx.timeout)
    seconds += timed_git(ctx.work, "log", "--numstat", f"{base}..{head}", timeout=ctx.timeout)
    return seconds + blame_range_files(ctx, base, head, sample=10**6)[0], ""
