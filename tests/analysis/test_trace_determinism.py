"""The trace a finding shows (and so its fingerprint) is chosen by a stated rule, never by the
iteration order of a set: a scan gives the same report under any PYTHONHASHSEED.

The fixture holds the shapes that used to flip between hash seeds in a scan of Django: two
sources on different branches reaching one sink through a helper's return, several parameters
of a public constructor reaching sinks through `self` with traces of equal length, SQL text
built from several parameters, and path sinks reached from several parameters.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from netgain.analysis.findings import Confidence
from netgain.analysis.summaries import RawFinding, better_finding
from netgain.analysis.values import Label, Step, merge_labels, preferred_trace

NETGAIN = str(Path(sys.executable).parent / "netgain")

FIXTURE = """\
import os
import re
import subprocess
import sys


def child_arguments(watch):
    if watch:
        args = [sys.executable, sys.argv[1]]
    else:
        args = [sys.executable, sys.argv[2]]
    return args


def restart(watch):
    return subprocess.run(child_arguments(watch), shell=True)


class Chooser:
    def __init__(self, path, match, recursive, allow_files, allow_folders):
        self.path = path
        self.match = match
        self.recursive = recursive
        self.allow_files = allow_files
        self.allow_folders = allow_folders
        self.pick()

    def pick(self):
        pattern = re.compile(self.match + self.path + str(self.allow_folders))
        for entry in os.scandir(self.path + self.allow_files + self.allow_folders + self.recursive):
            pattern.search(entry.name)


def call_procedure(name, args, kparams, cursor):
    name = name.strip()
    if args:
        for item in args:
            name = name + item
    if kparams:
        for key in kparams:
            name = name + key
    stmt = "CALL " + name + "(" + ",".join(args) + ")"
    cursor.execute(stmt)


def write_files(target, name, prefix, suffix):
    top = os.path.join(target, name)
    other = os.path.join(prefix, suffix)
    joined = top if len(name) > 3 else other
    os.makedirs(joined)
    with open(os.path.join(prefix, name, suffix, target)) as handle:
        return handle.read()
"""


def _scan(tree: Path, seed: str, out: Path) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [NETGAIN, "scan", "pkg", "--mode", "library", "--no-cache", "--format", "json"]
    subprocess.run(
        [*command, "--output", str(out)],
        cwd=tree,
        env=env,
        capture_output=True,
        check=False,
    )
    findings: list[dict[str, object]] = json.loads(out.read_text())["findings"]
    return sorted(findings, key=lambda f: json.dumps(f, sort_keys=True))


def test_findings_and_fingerprints_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "__init__.py").write_text("")
    (tree / "pkg" / "tools.py").write_text(FIXTURE)
    first = _scan(tree, "1", tmp_path / "one.json")
    second = _scan(tree, "2", tmp_path / "two.json")
    assert len(first) == 6, first
    assert first == second
    # the rule, on the two-branch source: the earlier of two equally long traces
    (command,) = [f for f in first if f["rule"] == "command-injection"]
    trace = command["trace"]
    assert isinstance(trace, list)
    assert trace[0]["line"] == 9


def _step(line: int, message: str = "m") -> Step:
    return Step("a.py", line, 1, message)


def test_the_shorter_trace_is_preferred_then_the_earlier_one() -> None:
    short, long_ = (_step(5), _step(9)), (_step(1), _step(2), _step(9))
    assert preferred_trace(short, long_)
    assert not preferred_trace(long_, short)
    early, late = (_step(3), _step(9)), (_step(4), _step(9))
    assert preferred_trace(early, late)
    assert not preferred_trace(late, early)
    assert not preferred_trace(early, early)
    assert preferred_trace((_step(3, "a"),), (_step(3, "b"),))


def test_merging_labels_keeps_the_same_label_whatever_the_order() -> None:
    source = _step(1, "source")
    one = Label("user", Confidence.HIGH, (source, _step(4)))
    other = Label("user", Confidence.HIGH, (source, _step(3)))
    assert merge_labels(frozenset({one}), frozenset({other})) == frozenset({other})
    assert merge_labels(frozenset({other}), frozenset({one})) == frozenset({other})
    many = [Label("user", Confidence.HIGH, (_step(line),)) for line in range(20, 8, -1)]
    forward = merge_labels(*(frozenset({lb}) for lb in many))
    backward = merge_labels(*(frozenset({lb}) for lb in reversed(many)))
    assert forward == backward
    assert sorted(lb.trace[0].line for lb in forward) == list(range(9, 17))


def test_a_surer_finding_wins_over_a_shorter_trace() -> None:
    sink = _step(9, "sink")
    sure = RawFinding("xss", sink, (_step(1), _step(2), sink), Confidence.HIGH, "user")
    short = RawFinding("xss", sink, (_step(1), sink), Confidence.LOW, "user")
    assert better_finding(sure, short)
    assert not better_finding(short, sure)
    later = RawFinding("xss", sink, (_step(3), _step(4), sink), Confidence.HIGH, "user")
    assert better_finding(sure, later) and not better_finding(later, sure)
