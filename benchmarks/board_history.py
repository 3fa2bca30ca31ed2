"""A git history with a planted AI adoption and a planted throughput change at a known week.

Before week `adopt` every commit is human-written; from it on, each commit carries a
`Co-authored-by: Claude <noreply@anthropic.com>` trailer with probability `ai_share`, and the
number of commits per week is Poisson(`rate + jump`) instead of Poisson(`rate`). A fraction of
subjects are `feat:` (features) and the rest `fix:`/`chore:`, so features are known. The true
level change of commits per week at the adoption is `jump`; with `jump = 0` the history is flat.

Written with `git fast-import` (no working tree): a year of weekly commits takes under a second.
Usage: `python -m benchmarks.board_history PATH [--weeks N] [--adopt W] [--jump J] [--seed S]`.
"""

from __future__ import annotations

import argparse
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

START = 1_672_650_000  # Monday 2023-01-02 09:00 UTC
WEEK = 7 * 86400
TRAILER = "Co-authored-by: Claude <noreply@anthropic.com>"


@dataclass(frozen=True, slots=True)
class BoardHistory:
    commits: int
    adopt_week_start: int  # epoch seconds of the Monday the adoption week starts
    jump: float


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method (the rates here are small)."""
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def make_board_history(
    repo: Path,
    *,
    weeks: int = 40,
    adopt: int = 20,
    rate: float = 12.0,
    jump: float = 6.0,
    ai_share: float = 0.7,
    feature_share: float = 0.3,
    seed: int = 0,
) -> BoardHistory:
    """Write the history into a new repository at `repo`."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    mark = 0
    lines: dict[str, int] = {}
    with subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE
    ) as proc:
        assert proc.stdin is not None
        for week in range(weeks):
            after = week >= adopt
            count = _poisson(rng, rate + (jump if after else 0.0))
            stamps = sorted(rng.randint(0, WEEK - 3600) for _ in range(count))
            for offset in stamps:
                mark += 1
                author = f"dev{rng.randint(0, 5)}"
                when = START + week * WEEK + offset
                kind = "feat" if rng.random() < feature_share else rng.choice(("fix", "chore"))
                message = f"{kind}: change {mark}\n"
                if after and rng.random() < ai_share:
                    message += f"\n{TRAILER}\n"
                path = f"pkg{rng.randint(0, 3)}/m{rng.randint(0, 9)}.py"
                lines[path] = lines.get(path, 0) + rng.randint(3, 30)
                body = "".join(f"v{i} = {i}\n" for i in range(lines[path])).encode()
                who = f"{author} <{author}@example.com> {when} +0000"
                msg = message.encode()
                head = f"commit refs/heads/main\nmark :{mark}\nauthor {who}\ncommitter {who}\n"
                proc.stdin.write(head.encode() + b"data %d\n" % len(msg) + msg + b"\n")
                if mark > 1:
                    proc.stdin.write(f"from :{mark - 1}\n".encode())
                proc.stdin.write(f"M 100644 inline {path}\n".encode())
                proc.stdin.write(b"data %d\n" % len(body) + body + b"\n\n")
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError(f"git fast-import failed with exit code {proc.returncode}")
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True)
    return BoardHistory(mark, START + adopt * WEEK, jump)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--weeks", type=int, default=40)
    parser.add_argument("--adopt", type=int, default=20)
    parser.add_argument("--rate", type=float, default=12.0)
    parser.add_argument("--jump", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    made = make_board_history(
        args.path,
        weeks=args.weeks,
        adopt=args.adopt,
        rate=args.rate,
        jump=args.jump,
        seed=args.seed,
    )
    print(f"{made.commits} commits; adoption week starts at {made.adopt_week_start}")


if __name__ == "__main__":
    main()
