"""Reading the rule fixture corpus: files with same-line expectation annotations.

`tests/fixtures/rules/<family>/<name>.py` is a one-file fixture; a sub-folder
`tests/fixtures/rules/<family>/<case>/` is a multi-file fixture scanned as one program (for flows
across modules). Annotations, on the line they are about:

    os.system(cmd)  # expect: command-injection
    os.system(SAFE)  # ok: command-injection
    eval(x)  # todo-expect: code-injection   (a known miss, kept as a strict xfail)
    run(y)  # todo-ok: command-injection     (a known false positive, kept as a strict xfail)

A first-line comment `# netgain-test: mode=web` sets the entry mode (default: library).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FIXTURE_ROOT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "rules"
_ANNOTATION = re.compile(r"#\s*(expect|ok|todo-expect|todo-ok):\s*([A-Za-z0-9_\-, ]+)")
_MODE = re.compile(r"#\s*netgain-test:\s*mode=(\w+)")

Key = tuple[str, int, str]  # (path relative to the fixture root, line, rule id)


@dataclass(slots=True)
class Fixture:
    name: str  # e.g. "injection/sql.py" or "injection/cross_module"
    root: Path
    targets: list[Path]
    mode: str = "library"
    expect: set[Key] = field(default_factory=set)
    ok: set[Key] = field(default_factory=set)
    todo_expect: set[Key] = field(default_factory=set)
    todo_ok: set[Key] = field(default_factory=set)


def _read_annotations(fixture: Fixture, file: Path) -> None:
    rel = file.relative_to(fixture.root).as_posix()
    for lineno, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        mode = _MODE.search(line)
        if mode:
            fixture.mode = mode.group(1)
        for kind, rules in _ANNOTATION.findall(line):
            for rule in (r.strip() for r in rules.split(",")):
                if not rule:
                    continue
                key = (rel, lineno, rule)
                {
                    "expect": fixture.expect,
                    "ok": fixture.ok,
                    "todo-expect": fixture.todo_expect,
                    "todo-ok": fixture.todo_ok,
                }[kind].add(key)


def load_fixtures(root: Path = FIXTURE_ROOT) -> list[Fixture]:
    fixtures: list[Fixture] = []
    for family in sorted(p for p in root.iterdir() if p.is_dir()):
        for entry in sorted(family.iterdir()):
            if entry.is_dir() and not entry.name.startswith(("_", ".")):
                files = sorted(entry.rglob("*.py"))
                fixture = Fixture(f"{family.name}/{entry.name}", entry, [entry])
            elif entry.suffix in {".py", ".ipynb"}:  # a notebook: annotations on its JSON lines
                files = [entry]
                fixture = Fixture(f"{family.name}/{entry.name}", family, [entry])
            else:
                continue
            for file in files:
                _read_annotations(fixture, file)
            fixtures.append(fixture)
    return fixtures
