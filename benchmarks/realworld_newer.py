"""The real-repository benchmark's steps for the commands that came after its first version.

`netgain report` (cold, then warm: issue 11 item 7 wants a warm report under 3 s on a
5k-commit history), `metrics --board --json`, `policy replay --since` over a short window and
`check --brief` on the last merges. Each runs the installed `netgain` as a user would, through
`run_netgain`, so a traceback, an undocumented exit code or a `--json` output that is not JSON
is a crash exactly as for the older steps. Used by `benchmarks/realworld.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.realworld_steps import (
    LOG_FORMAT,
    Context,
    Outcome,
    git,
    git_side,
    note_problems,
    run_netgain,
    timed_git,
)


def metrics_problems(result: Outcome, metrics: Any) -> None:
    """The problems a metrics document reports: its own list plus the problems its sections
    (comprehension risk, rework, scan, AI review ...) carry, so nothing a section dropped
    goes unseen in the benchmark's count."""
    if not isinstance(metrics, dict):
        return
    note_problems(result, metrics)
    for name, section in metrics.items():
        if name != "problems" and isinstance(section, dict) and "problems" in section:
            note_problems(result, {"problems": section["problems"]})


def step_report(ctx: Context) -> list[Outcome]:
    """`netgain report --json` twice: the first run reads what it must (blame for the
    comprehension-risk section, SZZ), the second is the warm report a user opens again. Both
    beside the `git log --numstat` read of the history (the report's floor)."""
    results = []
    log = ("log", "-z", "--numstat", "-M", LOG_FORMAT, "HEAD")

    def read_log() -> tuple[float, str]:
        return timed_git(ctx.work, *log, timeout=ctx.timeout), "git log -z --numstat -M"

    for label in ("report", "report warm"):
        target = ctx.out / f"{label.replace(' ', '-')}.html"
        args = ["report", "-C", str(ctx.work), "--db", ctx.db, "--output", str(target), "--json"]
        result, doc = run_netgain(ctx, label, args)
        if isinstance(doc, dict):
            metrics = doc.get("metrics")
            metrics_problems(result, metrics)
            written = Path(str(doc.get("report", "")))
            if not written.is_file() or written.stat().st_size == 0:
                result.outcome = "wrong"
                result.detail = f"report path {written} is not a written file"
            else:
                sections = sorted(k for k in (metrics or {}) if isinstance(metrics[k], dict))
                result.detail = f"{written.stat().st_size // 1024} KiB; sections " + ", ".join(
                    sections
                )
        git_side(result, read_log)
        results.append(result)
        if result.outcome in ("timeout", "crash"):
            break
    return results


def step_board(ctx: Context) -> Outcome:
    """`netgain metrics --board --json`: the board's answer (throughput against the pre-AI
    baseline) from the stored history."""
    args = ["metrics", "--board", "-C", str(ctx.work), "--db", ctx.db, "--json"]
    result, doc = run_netgain(ctx, "metrics --board", args)
    metrics_problems(result, doc)
    if isinstance(doc, dict):
        result.detail = ", ".join(f"{k}: {str(v)[:60]}" for k, v in list(doc.items())[:4])[:300]
    return result


def window_start(repo: Path, changes: int) -> str | None:
    """The committer date of the `changes`-th newest first-parent commit: a `--since` that
    covers about that many merged changes (a short replay window)."""
    dates = git(repo, "log", "--first-parent", "-n", str(changes), "--format=%cI", "HEAD")
    lines = dates.split()
    return lines[-1] if lines else None


def step_replay(ctx: Context, changes: int) -> Outcome:
    """`netgain policy replay --since DATE --json` over about `changes` recent changes."""
    since = window_start(ctx.work, changes)
    if since is None:
        return Outcome("policy replay", outcome="skipped", detail="no commits")
    args = ["policy", "replay", "-C", str(ctx.work), "--db", ctx.db, "--since", since, "--json"]
    result, doc = run_netgain(ctx, "policy replay", args)
    note_problems(result, doc)
    if isinstance(doc, dict):
        counted = doc.get("changes")
        count = len(counted) if isinstance(counted, list) else counted
        result.detail = f"since {since}: {count} changes; keys " + ", ".join(sorted(doc))[:200]
    return result


def step_brief(ctx: Context, changes: list[tuple[str, str]]) -> Outcome:
    """`netgain check --brief` on each change: a Markdown brief must come out (exit 0 or 1,
    the gate's verdict), never a traceback or nothing at all."""
    total = Outcome(f"check --brief ({len(changes)} changes)", runs=0)
    for base, head in changes:
        args = ["check", "--base", base, "--head", head, "-C", str(ctx.work), "--db", ctx.db]
        brief = ctx.out / f"brief-{head[:12]}.md"
        result, _ = run_netgain(
            ctx,
            "check --brief",
            [*args, "--no-record", "--brief-output", str(brief)],
            gate=True,
            json_out=False,
        )
        total.runs += 1
        total.seconds += result.seconds
        if result.outcome in ("ok", "gate") and (
            not brief.is_file() or not brief.read_text(encoding="utf-8").strip()
        ):
            result.outcome, result.detail = "wrong", "no brief written"
        if result.outcome not in ("ok", "gate") and total.outcome in ("ok", "gate"):
            total.outcome = result.outcome
            total.exit_code = result.exit_code
            total.stderr_tail = result.stderr_tail
            total.detail = f"{base[:9]}..{head[:9]}: {result.detail}"
        elif total.outcome == "ok" and result.outcome == "gate":
            total.outcome = "gate"
        if result.outcome == "timeout":
            break
    if total.outcome in ("ok", "gate"):
        total.detail = f"{total.runs} briefs written"
    return total


def step_newer(ctx: Context, changes: list[tuple[str, str]], window: int) -> list[Outcome]:
    """All the newer commands, in the order a user meets them."""
    return [*step_report(ctx), step_board(ctx), step_replay(ctx, window), step_brief(ctx, changes)]
