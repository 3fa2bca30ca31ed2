"""Generate a realistic, reproducible git history quickly with `git fast-import`.

Used by the ingest benchmarks and by tests that need "a lot of history": a 50k-commit repository is
written in seconds because no working tree, index or per-commit process is involved.

The history contains what real ones do: edits that add and remove lines, new, deleted and renamed
files, binary files, paths with spaces and non-ASCII characters, feature branches merged back with
merge commits, a share of commits carrying AI trailers (`Co-Authored-By: Claude ...`) and a few
git-ai authorship notes under `refs/notes/ai`. Dates are fixed, so the same seed gives the same
commit ids.

Usage as a script: `python benchmarks/make_history.py PATH [--commits N] [--files N] [--seed N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_AUTHORS = [
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Linus Torvalds", "linus@example.com"),
    ("Margaret Hamilton", "margaret@example.com"),
    ("José Müller", "jose@example.com"),
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
]
_AI_TRAILERS = [
    "Co-Authored-By: Claude <noreply@anthropic.com>",
    "Co-authored-by: Copilot <copilot@github.com>",
    "Co-authored-by: Cursor Agent <cursoragent@cursor.com>",
]
_WORDS = [
    *("request", "user", "token", "value", "item", "result", "config", "path", "data"),
    *("session", "query", "index", "cache", "handler", "record", "field", "parse", "load"),
    *("save", "check", "update", "render", "build"),
]
_START = 1_700_000_000
_STEP = 613  # seconds between commits


@dataclass
class _Branch:
    """The file state of one line of development."""

    files: dict[str, list[str]] = field(default_factory=dict)
    binaries: dict[str, bytes] = field(default_factory=dict)


class _Writer:
    """Writes the fast-import stream; keeps marks and the clock."""

    def __init__(self, out: IO[bytes], rng: random.Random) -> None:
        self.out = out
        self.rng = rng
        self.mark = 0
        self.clock = _START

    def data(self, payload: bytes) -> None:
        self.out.write(b"data %d\n" % len(payload))
        self.out.write(payload)
        self.out.write(b"\n")

    def commit(
        self,
        ref: str,
        message: str,
        parents: list[int],
        changes: list[bytes],
        author: tuple[str, str] | None = None,
    ) -> int:
        self.mark += 1
        self.clock += _STEP
        name, email = author or self.rng.choice(_AUTHORS)
        when = f"{self.clock} +0000"
        head = [f"commit {ref}", f"mark :{self.mark}", f"author {name} <{email}> {when}"]
        head.append(f"committer {name} <{email}> {when}")
        self.out.write(("\n".join(head) + "\n").encode())
        self.data(message.encode())
        if parents:
            self.out.write(f"from :{parents[0]}\n".encode())
            for p in parents[1:]:
                self.out.write(f"merge :{p}\n".encode())
        for change in changes:
            self.out.write(change)
        self.out.write(b"\n")
        return self.mark


def _line(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(2, 7))
    return "    " + " = ".join(("_".join(words[:2]), ".".join(words[2:]) or "None"))


def _modify(path: str, content: bytes) -> bytes:
    return (
        b"M 100644 inline " + _quote(path) + b"\n" + b"data %d\n" % len(content) + content + b"\n"
    )


def _quote(path: str) -> bytes:
    raw = path.encode()
    if b" " in raw or b'"' in raw or not raw.isascii():
        return b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
    return raw


def _edit(rng: random.Random, lines: list[str]) -> None:
    for _ in range(rng.randint(1, 3)):
        pos = rng.randint(0, len(lines))
        del lines[pos : pos + rng.randint(0, 4)]
        lines[pos:pos] = [_line(rng) for _ in range(rng.randint(0, 9))]


def _new_path(rng: random.Random, n: int) -> str:
    folder = rng.choice(["src/app", "src/api", "src/db", "lib", "docs", "tests", "src/auth"])
    if n % 97 == 0:
        return f"{folder}/module {n}.py"
    if n % 89 == 0:
        return f"{folder}/résumé_{n}.md"
    return f"{folder}/mod_{n}.py"


def _message(rng: random.Random, i: int) -> str:
    subject = f"{rng.choice(['Fix', 'Add', 'Refactor', 'Update', 'Remove'])} {rng.choice(_WORDS)} handling ({i})"
    body = (
        ""
        if rng.random() < 0.4
        else "\n\nExplain why the " + " ".join(rng.choices(_WORDS, k=12)) + "."
    )
    trailers = []
    if rng.random() < 0.3:
        trailers.append(rng.choice(_AI_TRAILERS) if rng.random() < 0.3 else _AI_TRAILERS[0])
    if rng.random() < 0.2:
        trailers.append("Signed-off-by: Ada Lovelace <ada@example.com>")
    tail = "\n\n" + "\n".join(trailers) if trailers else ""
    return subject + body + tail + "\n"


def _note(rng: random.Random, path: str, lines: int) -> bytes:
    sid = f"{rng.getrandbits(56):014x}"
    tid = f"{rng.getrandbits(56):014x}"
    end = max(1, min(lines, rng.randint(1, 20)))
    meta = {
        "schema_version": "authorship/3.0.0",
        "base_commit_sha": "",
        "prompts": {},
        "sessions": {
            f"s_{sid}": {"agent_id": {"tool": "claude", "id": tid, "model": "claude-opus-4-5"}}
        },
    }
    quoted = f'"{path}"' if " " in path else path
    return f"{quoted}\n  s_{sid}::t_{tid} 1-{end}\n---\n{json.dumps(meta, indent=2)}\n".encode()


def make_history(
    path: Path | str,
    commits: int = 50_000,
    files: int = 400,
    seed: int = 0,
    *,
    notes: int = 25,
    merge_every: int = 40,
) -> Path:
    """Create a repository at `path` with about `commits` commits (merges included).

    Args:
        path: Folder to create (must not exist or be empty).
        commits: Number of commits to write on the main line and feature branches.
        files: Number of text files created up front (more appear and disappear later).
        seed: Random seed; the same seed gives byte-identical history.
        notes: How many commits get a git-ai note under `refs/notes/ai`.
        merge_every: A feature branch is forked roughly every this many commits.

    Returns:
        The repository path.
    """
    repo = Path(path)
    repo.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env, capture_output=True
    )
    rng = random.Random(seed)
    with subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
        env=env,
    ) as proc:
        assert proc.stdin is not None
        _write_history(
            _Writer(proc.stdin, rng), rng, commits, files, notes=notes, merge_every=merge_every
        )
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError(f"git fast-import failed with exit code {proc.returncode}")
    return repo


def _write_history(
    w: _Writer, rng: random.Random, commits: int, files: int, *, notes: int, merge_every: int
) -> None:
    main = _Branch()
    changes: list[bytes] = []
    for n in range(files):
        p = _new_path(rng, n)
        main.files[p] = [_line(rng) for _ in range(rng.randint(20, 120))]
        changes.append(_modify(p, _content(main.files[p])))
    head = w.commit("refs/heads/main", "Initial import\n", [], changes)
    made = 1
    next_name = files
    noted: list[tuple[int, str, int]] = []
    side: tuple[_Branch, int, set[str], int] | None = None  # state, head mark, reserved, left
    while made < commits:
        if side is None and rng.random() < 1 / merge_every and len(main.files) > 10:
            reserved = set(rng.sample(sorted(main.files), k=min(3, len(main.files))))
            state = _Branch({p: list(main.files[p]) for p in reserved})
            side = (state, head, reserved, rng.randint(2, 8))
        if side is not None and rng.random() < 0.5:
            state, shead, reserved, left = side
            p = rng.choice(sorted(state.files))
            _edit(rng, state.files[p])
            shead = w.commit(
                "refs/heads/feature",
                _message(rng, made),
                [shead],
                [_modify(p, _content(state.files[p]))],
            )
            made += 1
            side = (state, shead, reserved, left - 1)
            if left - 1 == 0:
                merged = [_modify(q, _content(state.files[q])) for q in sorted(state.files)]
                for q in state.files:
                    main.files[q] = state.files[q]
                head = w.commit(
                    "refs/heads/main", "Merge branch 'feature'\n", [head, shead], merged
                )
                made += 1
                side = None
            continue
        reserved = side[2] if side is not None else set()
        changes, next_name, touched = _main_change(rng, main, reserved, next_name)
        head = w.commit("refs/heads/main", _message(rng, made), [head], changes)
        made += 1
        if touched and len(noted) < notes and rng.random() < 0.01:
            noted.append((head, touched, len(main.files.get(touched, []))))
    if noted:
        w.commit(
            "refs/notes/ai",
            "Notes added by 'git notes add'\n",
            [],
            [
                b"N inline :%d\n" % mark + b"data %d\n" % len(b) + b + b"\n"
                for mark, b in _notes(rng, noted)
            ],
            author=("git-ai", "git-ai@example.com"),
        )
    w.out.write(b"done\n")


def _notes(rng: random.Random, noted: list[tuple[int, str, int]]) -> list[tuple[int, bytes]]:
    return [(mark, _note(rng, p, lines)) for mark, p, lines in noted]


def _content(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _main_change(
    rng: random.Random, main: _Branch, reserved: set[str], next_name: int
) -> tuple[list[bytes], int, str]:
    """One commit's worth of changes on the main line; returns (commands, next name, a touched path)."""
    roll = rng.random()
    candidates = [p for p in main.files if p not in reserved]
    if roll < 0.04 or len(candidates) < 5:
        p = _new_path(rng, next_name)
        main.files[p] = [_line(rng) for _ in range(rng.randint(5, 80))]
        return [_modify(p, _content(main.files[p]))], next_name + 1, p
    if roll < 0.05:
        p = rng.choice(candidates)
        del main.files[p]
        return [b"D " + _quote(p) + b"\n"], next_name, ""
    if roll < 0.07:
        old = rng.choice(candidates)
        new = _new_path(rng, next_name)
        main.files[new] = main.files.pop(old)
        changes = [b"R " + _quote(old) + b" " + _quote(new) + b"\n"]
        if rng.random() < 0.5:
            _edit(rng, main.files[new])
            changes.append(_modify(new, _content(main.files[new])))
        return changes, next_name + 1, new
    if roll < 0.09:
        p = f"assets/image_{rng.randint(0, 30)}.png"
        blob = b"\x89PNG\r\n\x1a\n\x00" + rng.randbytes(rng.randint(50, 400))
        main.binaries[p] = blob
        return (
            [b"M 100644 inline " + p.encode() + b"\n" + b"data %d\n" % len(blob) + blob + b"\n"],
            next_name,
            "",
        )
    changes = []
    touched = ""
    for p in rng.sample(candidates, k=min(len(candidates), rng.choice([1, 1, 1, 2, 2, 3, 5]))):
        _edit(rng, main.files[p])
        changes.append(_modify(p, _content(main.files[p])))
        touched = p
    return changes, next_name, touched


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    repo = make_history(args.path, commits=args.commits, files=args.files, seed=args.seed)
    print(repo)


if __name__ == "__main__":
    main()
