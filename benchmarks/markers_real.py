"""Commit markers on real histories: what the marker table recognises, against a wide net.

    .venv/bin/python benchmarks/markers_real.py REPO [REPO ...] [--baseline-toml FILE]
        [--examples N]

For each local clone, every commit reachable from HEAD is read once (`iter_commits`, trailers as
git parses them). A commit is a *candidate* when a deliberately over-inclusive net fires on its
identities or trailer block: an AI product name or address, a `[bot]` noreply address, or a
trailer key used for AI disclosure. The net is not a judge: candidates include human co-authors
named Claude and release bots. Printed per repository:

* candidates, and how many of them the built-in table recognises (and the baseline table, when
  `--baseline-toml` names an older `markers.toml`, e.g. `git show main:src/netgain/...`);
* recognised commits per tool and evidence field;
* unrecognised candidates by trailer key / identity, with examples to review by hand;
* the time of the table against one `git log` of the same commits (ratio, same process tree).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

from netgain.git.log import iter_commits
from netgain.git.model import Commit
from netgain.provenance.markers import (
    MarkerRule,
    _BotSpec,
    _RuleSpec,
    builtin_markers,
    detect_commit_markers,
)

_NET = re.compile(
    r"claude|anthropic|copilot|codex|openai|gemini|cursor|ampcode|devin|jules|aider|opencode"
    r"|cline|continue\[bot\]|cody|jetbrains|amazon-q|windsurf|replit|entire-|assisted-by"
    r"|generated[- ]by|\[bot\]@users\.noreply|\bgpt-?\d|\bai-assisted",
    re.IGNORECASE,
)


def _net_texts(commit: Commit) -> list[str]:
    texts = [str(commit.author), str(commit.committer)]
    texts += [f"{t.key}: {t.value}" for t in commit.trailers]
    texts += [
        line.strip() for line in commit.message.split("\n")[1:] if "generated" in line.lower()
    ]
    return texts


def _rules_from_toml(path: Path) -> list[MarkerRule]:
    data = tomllib.loads(path.read_text("utf-8"))
    rules = [_RuleSpec.model_validate(raw).to_rule(team=False) for raw in data.get("marker", [])]
    for raw in data.get("bot", []):
        rules.extend(_BotSpec.model_validate(raw).to_rules(team=False))
    return rules


def _git_log_seconds(repo: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["git", "-C", str(repo), "log", "--format=%H%x00%an <%ae>%x00%(trailers)", "HEAD"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def measure(repo: Path, baseline: list[MarkerRule] | None, examples: int) -> None:
    rules = builtin_markers()
    commits = list(iter_commits(repo, ["HEAD"], oldest_first=False))
    candidates = [c for c in commits if any(_NET.search(t) for t in _net_texts(c))]
    start = time.perf_counter()
    found = {c.sha: detect_commit_markers(c, rules) for c in commits}
    table_seconds = time.perf_counter() - start
    git_seconds = _git_log_seconds(repo)
    recognised = [c for c in candidates if found[c.sha]]
    outside = [sha for sha, ev in found.items() if ev and sha not in {c.sha for c in candidates}]
    print(f"## {repo}")
    print(f"commits {len(commits)}, candidates {len(candidates)}")
    print(f"recognised by the table: {len(recognised)} of {len(candidates)} candidates")
    print(f"recognised outside the net: {len(outside)}")
    if baseline is not None:
        base = [c for c in candidates if detect_commit_markers(c, baseline)]
        print(f"recognised by the baseline table: {len(base)} of {len(candidates)} candidates")
    by_tool: Counter[str] = Counter()
    for evidence in found.values():
        for tool in {e.tool or "human" for e in evidence}:
            by_tool[tool] += 1
    print("commits per tool:", dict(by_tool.most_common()))
    missed: Counter[str] = Counter()
    shown: dict[str, list[str]] = {}
    for commit in candidates:
        if found[commit.sha]:
            continue
        for text in _net_texts(commit):
            if _NET.search(text):
                key = text.split(":", 1)[0] if ":" in text[:40] else "identity"
                hit = _NET.search(text)
                label = f"{key} ~ {hit.group(0).lower() if hit else ''}"
                missed[label] += 1
                shown.setdefault(label, [])
                if len(shown[label]) < examples:
                    shown[label].append(f"{commit.sha[:10]} {text[:110]}")
    print("unrecognised candidates by field ~ net word:")
    for label, n in missed.most_common(25):
        print(f"  {n:6d}  {label}")
        for line in shown[label]:
            print(f"            {line}")
    ratio = table_seconds / git_seconds if git_seconds else float("nan")
    print(f"table {table_seconds:.2f}s over {len(commits)} commits; git log {git_seconds:.2f}s;")
    print(f"ratio table/git-log {ratio:.2f}")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--baseline-toml", type=Path)
    parser.add_argument("--examples", type=int, default=2)
    args = parser.parse_args(argv)
    baseline = _rules_from_toml(args.baseline_toml) if args.baseline_toml else None
    for repo in args.repos:
        measure(repo, baseline, args.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
