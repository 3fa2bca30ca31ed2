"""A git history whose defects are planted by risky changes and later fixed, for real SZZ labels.

`benchmarks/make_history.py` writes "fix" commits that edit random lines, so SZZ labels on it are
noise. Here every defect has a cause and a fix: a change plants a defect with probability
`risk(change)` (a known logistic function of lines added, directories and files touched, the
author's experience, AI co-authorship and how many developers touched the files before), the
defect is one or two of the lines it added, and a later commit with a fix-like subject ("fix: ...")
rewrites exactly those lines. Ordinary commits only insert lines and delete lines that carry no
defect, so `git blame` at the fix's parent names the planting commit and the real SZZ pipeline
(`netgain risk train`) can recover the labels.

With `families=True` (`--families`) the history also exercises the feature families beyond
Kamei's. About a fifth of the changes put one of their directories in a zone (`auth/` or
`payments/`, sometimes both), and about a third add one or two Python import lines
(`    from libN import name_K`), each naming, with even odds, an API family the author imported
before (familiar) or one they never did (new to them; an author with none known always takes a
new one). The risk function then adds, to the same log-odds,

    + 0.8 * zones + 0.9 * min(api_new, 2)

where `zones` is how many of the two zones the change touches and `api_new` how many of its
imported families are new to its author: exactly the quantities netgain's `zones` and `api_new`
features are defined as, so a model that uses them can gain. Familiar imports add nothing (an
author reusing a library they know is no riskier than one importing nothing). The repository gets
an untracked `netgain.toml` with `[zones.auth] paths = ["auth/**"]`, `[zones.payments] paths =
["payments/**"]` and `[risk] api_families = true`, so `netgain ingest` computes both families.
Without `families` the history is byte-for-byte the one earlier versions wrote (the family
choices draw from their own random stream and are skipped entirely).

Written with `git fast-import` (no working tree): 5,000 commits take a few seconds.
Usage: `python -m benchmarks.planted_history PATH [--commits N] [--seed N] [--families]`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_START = 1_600_000_000
_STEP = 3 * 3600  # three hours between commits: 5,000 commits span about 21 months
_AI_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>"
_VERBS = ["add", "extend", "rework", "support", "wire", "tune", "move", "split", "handle"]
_NOUNS = ["parser", "cache", "session", "index", "router", "exporter", "loader", "queue", "auth"]
_FIXES = ["off-by-one in", "null check in", "wrong default in", "race in", "crash in"]
ZONE_DIRS = ("auth", "payments")
API_POOL = tuple(f"lib{k}" for k in range(500))  # more than any author exhausts in 10k commits
NETGAIN_TOML = """# written by benchmarks/planted_history.py (families=True)
[zones.auth]
paths = ["auth/**"]

[zones.payments]
paths = ["payments/**"]

[risk]
api_families = true
"""


def risk(
    la: int,
    nf: int,
    nd: int,
    experience: int,
    ai: bool,
    prior_devs: int,
    zones: int = 0,
    api_new: int = 0,
) -> float:
    """The true probability that a change plants a defect (what the model should learn).

    `zones` (zones touched) and `api_new` (imported API families new to the author) are 0 in a
    history generated without families, which leaves the function as it always was.
    """
    z = (
        -5.6
        + 0.45 * math.log1p(la)
        + 0.45 * (nd - 1)
        + 0.10 * (nf - 1)
        + (1.1 if experience < 25 else 0.0)
        + (0.9 if ai else 0.0)
        + 0.18 * min(prior_devs, 10)
        + 0.8 * zones
        + 0.9 * min(api_new, 2)
    )
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(slots=True)
class Planted:
    """What was generated: marks of planting, fix and all commits (replaced by shas at the end)."""

    inducing: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    commits: int = 0
    # with families: sha -> (zones touched, API families new to the author) of each change
    families: dict[str, tuple[int, int]] = field(default_factory=dict)
    # sha -> the change's true planting probability, with and without the family terms
    # (fix commits are absent: they never plant)
    truth: dict[str, tuple[float, float]] = field(default_factory=dict)


class _Gen:
    def __init__(self, out: IO[bytes], seed: int, files: int, families: bool = False) -> None:
        self.out = out
        self.rng = random.Random(seed)
        self.mark = 0
        self.clock = _START
        self.uid = 0
        self.dirs = [f"pkg{d}" for d in range(max(2, files // 12))]
        self.files: dict[str, list[str]] = {}
        self.devs: dict[str, set[str]] = {}
        self.buggy: dict[str, tuple[str, int]] = {}  # line -> (path, planting mark)
        self.due: list[tuple[int, str]] = []  # (commit index at which to fix, line)
        self.authors: list[str] = [f"dev{i}" for i in range(6)]
        self.experience: dict[str, int] = dict.fromkeys(self.authors, 30)
        self.planted_marks: list[int] = []
        self.fix_marks: list[int] = []
        for _ in range(files):
            self.files[f"{self.rng.choice(self.dirs)}/m{len(self.files)}.py"] = []
        self.families = families
        # A stream of its own, so that without families the base history is unchanged.
        self.frng = random.Random(f"families-{seed}")
        self.known_apis: dict[str, set[str]] = {}
        self.family_truth: dict[int, tuple[int, int]] = {}  # mark -> (zones, api_new)
        self.truth: dict[int, tuple[float, float]] = {}  # mark -> (risk, risk without families)
        if families:
            for d in ZONE_DIRS:
                for _ in range(max(2, files // 24)):
                    self.files[f"{d}/m{len(self.files)}.py"] = []

    def line(self) -> str:
        self.uid += 1
        a, b = self.rng.sample(_NOUNS, 2)
        return f"    v{self.uid} = {a}_{self.rng.randint(0, 99)}({b}, {self.uid % 7})"

    def commit(self, author: str, message: str, paths: list[str]) -> int:
        self.mark += 1
        self.clock += self.rng.randint(_STEP // 2, _STEP * 3 // 2)
        who = f"{author} <{author}@example.com> {self.clock} +0000"
        msg = message.encode()
        head = f"commit refs/heads/main\nmark :{self.mark}\nauthor {who}\ncommitter {who}\n"
        self.out.write(head.encode() + b"data %d\n" % len(msg) + msg + b"\n")
        if self.mark > 1:
            self.out.write(f"from :{self.mark - 1}\n".encode())
        for p in paths:
            body = ("def f():\n" + "\n".join(self.files[p]) + "\n").encode()
            self.out.write(f"M 100644 inline {p}\n".encode() + b"data %d\n" % len(body) + body)
            self.out.write(b"\n")
        self.out.write(b"\n")
        for p in paths:
            self.devs.setdefault(p, set()).add(author)
        return self.mark

    def pick_author(self) -> str:
        if self.rng.random() < 0.01 * (1 + len(self.authors) // 20):
            self.authors.append(f"dev{len(self.authors)}")
            self.experience[self.authors[-1]] = 0
        # Veterans commit more, but newcomers get a steady share.
        if self.rng.random() < 0.35:
            return self.rng.choice(self.authors[-4:])
        return self.rng.choice(self.authors)

    def change(self, index: int) -> None:
        author = self.pick_author()
        ai = self.rng.random() < 0.3
        nd = min(len(self.dirs), 1 + int(self.rng.expovariate(1.3)))
        dirs = self.rng.sample(self.dirs, nd)
        if self.families:
            dirs = self.zone_dirs(dirs)
        nf = min(12, nd + int(self.rng.expovariate(0.6)))
        paths: list[str] = []
        for i in range(nf):
            d = dirs[i % nd]
            pool = [p for p in self.files if p.startswith(d + "/") and p not in paths]
            if not pool or self.rng.random() < 0.05:
                p = f"{d}/m{len(self.files)}.py"
                self.files[p] = []
            else:
                p = self.rng.choice(pool)
            paths.append(p)
        la_total = max(nf, int(self.rng.lognormvariate(2.6, 1.0)))
        prior = len(set().union(*(self.devs.get(p, set()) for p in paths)))
        imports = self.imports(author) if self.families else []
        known = self.known_apis.get(author, set())
        zones = len(set(dirs) & set(ZONE_DIRS))
        api_new = len(set(imports) - known)
        kamei = (la_total + len(imports), nf, nd, self.experience[author], ai, prior)
        p_bug = risk(*kamei, zones, api_new)
        added: list[tuple[str, str]] = []
        for p in paths:
            lines = self.files[p]
            for _ in range(self.rng.randint(0, 3)):
                if lines:
                    k = self.rng.randrange(len(lines))
                    if lines[k] not in self.buggy:
                        del lines[k]
            n = max(1, la_total // nf)
            at = self.rng.randint(0, len(lines))
            new = [self.line() for _ in range(n)]
            lines[at:at] = new
            added.extend((p, x) for x in new)
        if imports:  # unique lines (uid), never a planted defect: git diff sees them as added
            self.uid += 1
            head = [f"    from {api} import name_{self.uid}_{i}" for i, api in enumerate(imports)]
            self.files[paths[0]][0:0] = head
        verb, noun = self.rng.choice(_VERBS), self.rng.choice(_NOUNS)
        message = f"{verb} {noun} ({index})" + (f"\n\n{_AI_TRAILER}" if ai else "")
        mark = self.commit(author, message, paths)
        self.truth[mark] = (p_bug, risk(*kamei))
        self.experience[author] += 1
        if self.families:
            self.known_apis.setdefault(author, set()).update(imports)
            self.family_truth[mark] = (zones, api_new)
        if self.rng.random() < p_bug:
            self.planted_marks.append(mark)
            for p, x in self.rng.sample(added, min(len(added), self.rng.randint(1, 2))):
                self.buggy[x] = (p, mark)
                self.due.append((index + self.rng.randint(3, 80), x))

    def zone_dirs(self, dirs: list[str]) -> list[str]:
        """About a fifth of changes move a directory into a zone; a third of those, both zones."""
        if self.frng.random() >= 0.22:
            return dirs
        first, other = self.frng.sample(ZONE_DIRS, 2)
        out = [first, *dirs[1:]]
        if len(out) >= 2 and self.frng.random() < 0.35:
            out[1] = other
        return out

    def imports(self, author: str) -> list[str]:
        """API families a change imports: none (65 %), else 1-2, familiar or new with even odds."""
        if self.frng.random() >= 0.35:
            return []
        known = self.known_apis.get(author, set())
        out: list[str] = []
        for _ in range(self.frng.randint(1, 2)):
            fresh = [a for a in API_POOL if a not in known and a not in out]
            if known and (not fresh or self.frng.random() < 0.5):
                api = self.frng.choice(sorted(known))
            else:
                api = self.frng.choice(fresh)
            if api not in out:
                out.append(api)
        return sorted(out)

    def fix_due(self, index: int) -> None:
        now = [x for when, x in self.due if when <= index]
        self.due = [(w, x) for w, x in self.due if w > index]
        by_mark: dict[int, list[str]] = {}
        for x in now:
            by_mark.setdefault(self.buggy[x][1], []).append(x)
        for lines in by_mark.values():
            paths = []
            for x in lines:
                path, _ = self.buggy.pop(x)
                body = self.files[path]
                body[body.index(x)] = self.line() + "  # checked"
                paths.append(path)
            author = self.rng.choice(self.authors)
            what = f"{self.rng.choice(_FIXES)} {self.rng.choice(_NOUNS)}"
            self.fix_marks.append(self.commit(author, f"fix: {what}", sorted(set(paths))))
            self.experience[author] += 1


def make_planted_history(
    repo: Path, commits: int = 5_000, seed: int = 0, files: int = 120, *, families: bool = False
) -> Planted:
    """Write the history into a new repository at `repo`; return the planting and fix commit ids.

    `families` adds zone directories and API-family imports to the history and to the risk
    function, and writes the `netgain.toml` that makes ingest compute them (module docstring).
    """
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    marks = repo / ".git" / "planted-marks"
    with subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet", f"--export-marks={marks}"],
        stdin=subprocess.PIPE,
    ) as proc:
        assert proc.stdin is not None
        gen = _Gen(proc.stdin, seed, files, families)
        index = 0
        while gen.mark < commits:
            gen.change(index)
            gen.fix_due(index)
            index += 1
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError(f"git fast-import failed with exit code {proc.returncode}")
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True)
    sha = dict(line.split() for line in marks.read_text().splitlines())
    out = Planted(commits=gen.mark)
    # Only defects already fixed are recoverable labels; unfixed plantings are left out.
    unfixed = {mark for _, mark in gen.buggy.values()}
    out.inducing = [sha[f":{m}"] for m in gen.planted_marks if m not in unfixed]
    out.fixes = [sha[f":{m}"] for m in gen.fix_marks]
    out.families = {sha[f":{m}"]: truth for m, truth in gen.family_truth.items()}
    out.truth = {sha[f":{m}"]: p for m, p in gen.truth.items()}
    if families:
        (repo / "netgain.toml").write_text(NETGAIN_TOML, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--commits", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--families", action="store_true", help="zones and API-family imports")
    args = parser.parse_args()
    p = make_planted_history(args.path, args.commits, args.seed, families=args.families)
    print(json.dumps({"commits": p.commits, "inducing": len(p.inducing), "fixes": len(p.fixes)}))


if __name__ == "__main__":
    main()
