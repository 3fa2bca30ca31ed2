"""File familiarity from a replay's window against git's own path-limited log, change by change.

    python benchmarks/familiarity_window.py REPO N

For each of the N most recent first-parent changes of REPO, the paths a replay asks about (the
changed files, the folders of added files, the earlier names of renamed files) are given to
`git log base -- paths` (`familiarity.path_log`) and to `WindowHistory.path_log`; prints how
many answers are equal (the same commits, in the same order, with the same paths) and the CPU
seconds of each side (git's child processes included).
"""

from __future__ import annotations

import argparse
import resource
from pathlib import Path, PurePosixPath

from netgain import git
from netgain.git.partial import diff_between_available
from netgain.policy.familiarity import path_log
from netgain.policy.window_history import WindowHistory


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def specs_of(repo: Path, window: WindowHistory, base: str, head: str) -> list[str]:
    """What `gather` asks file familiarity about for `base..head`, old names included."""
    diffs, _ = diff_between_available(repo, base, head, "familiarity", deleted=True)
    diffs = [d for d in diffs if not d.is_submodule]
    existing = [d.old_path or d.path for d in diffs if d.status != "A"]
    added = {str(PurePosixPath(d.path).parent) + "/" for d in diffs if d.status == "A"}
    earlier = window.earlier_names(base, existing) or {}
    old = {name for names in earlier.values() for name, _ in names} - set(existing)
    return [*existing, *sorted(added - {"./"}), *sorted(old)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("n", type=int)
    args = parser.parse_args()
    repo: Path = args.repo
    head = git.rev_parse(repo, "HEAD")
    if head is None:
        raise SystemExit(f"{repo}: no commits")
    window = WindowHistory.read(repo, head)
    mainline = git.run_git(repo, "rev-list", "--first-parent", head).decode().split()
    pairs = list(zip(mainline[1 : args.n + 1], mainline[: args.n], strict=True))
    cases = [(base, specs_of(repo, window, base, tip)) for base, tip in pairs]
    cases = [(base, specs) for base, specs in cases if specs]  # familiarity asks nothing then
    git_cpu = window_cpu = 0.0
    equal = 0
    for base, specs in cases:
        began = cpu()
        by_git = path_log(repo, base, specs)
        git_cpu += cpu() - began
        began = cpu()
        by_window = window.path_log(base, specs)
        window_cpu += cpu() - began
        equal += by_git == by_window
    print(
        f"{len(cases)} of {len(pairs)} changes ask about paths; equal answers: {equal}; "
        f"git {git_cpu:.2f} s CPU ({1000 * git_cpu / max(1, len(cases)):.0f} ms a change), "
        f"window {window_cpu:.2f} s ({1000 * window_cpu / max(1, len(cases)):.0f} ms a change)"
    )


if __name__ == "__main__":
    main()
