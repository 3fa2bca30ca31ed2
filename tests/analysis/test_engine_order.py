"""The engine analyses callees before their callers, so each function is analysed once where
the call graph allows it, with the same findings as before."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from netgain.analysis import EntryMode, ScanOptions
from netgain.analysis import engine as engine_module
from netgain.analysis.dataflow import AnalysisResult, Program
from netgain.analysis.index import FunctionInfo, ModuleInfo
from netgain.analysis.scanner import scan_with_stats

# callers first in the file: a source-order worklist analysed `run_all` with no summary for
# `stage_one`, then `stage_one` with none for `stage_two`, ..., and each caller again
CHAIN = """\
import os
import sys


def main():
    run_all(sys.argv[1])


def run_all(cmd):
    return stage_one(cmd + " --all")


def stage_one(cmd):
    return stage_two(cmd)


def stage_two(cmd):
    checked = cmd.strip()
    return execute(checked)


def execute(cmd):
    os.system(cmd)
    return cmd
"""


def _scan(root: Path) -> tuple[list[tuple[str, int, str]], int]:
    result, stats = scan_with_stats([root], root=root, options=ScanOptions(mode=EntryMode.WEB))
    found = [(f.location.path, f.location.line, f.rule_id) for f in result.findings]
    return found, stats.functions_analysed


def test_each_function_of_a_call_chain_is_analysed_once(tmp_path: Path) -> None:
    (tmp_path / "chain.py").write_text(CHAIN)
    found, analysed = _scan(tmp_path)
    assert found == [("chain.py", 23, "command-injection")]
    assert analysed == 5 + 2  # five functions once each, the module body twice (start, end)


def test_a_chain_deeper_than_the_demand_limit_keeps_its_flow(tmp_path: Path) -> None:
    depth = engine_module.MAX_DEMAND_DEPTH * 2 + 3
    lines = ["import os", "import sys", "", "", "def main():", "    step0(sys.argv[1])", ""]
    for i in range(depth):
        lines += ["", f"def step{i}(cmd):", f"    return step{i + 1}(cmd)", ""]
    lines += ["", f"def step{depth}(cmd):", "    os.system(cmd)", ""]
    (tmp_path / "deep.py").write_text("\n".join(lines))
    found, analysed = _scan(tmp_path)
    assert [(path, rule) for path, _, rule in found] == [("deep.py", "command-injection")]
    functions = depth + 2
    # past the limit a caller reads an empty summary, and the callers up the chain are
    # analysed again when the summary arrives: at most twice each
    assert functions + 2 < analysed <= 2 * functions + 2


def test_recursion_still_reaches_a_fixpoint(tmp_path: Path) -> None:
    (tmp_path / "rec.py").write_text(
        "import os, sys\n\n\ndef main():\n    ping(sys.argv[1], 3)\n\n\n"
        "def ping(cmd, n):\n    if n:\n        return pong(cmd, n - 1)\n    return cmd\n\n\n"
        "def pong(cmd, n):\n    os.system(ping(cmd, n))\n"
    )
    found, _ = _scan(tmp_path)
    assert found == [("rec.py", 15, "command-injection")]


def test_a_callee_out_of_stack_inside_its_callers_is_analysed_at_the_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body analysed on demand runs on top of its callers' frames: if that leaves it too
    little stack it is analysed again on its own, and not reported as too deeply nested."""
    (tmp_path / "chain.py").write_text(CHAIN)
    real = engine_module.analyze_function
    active: list[str] = []
    calls: Counter[str] = Counter()

    def cramped(program: Program, module: ModuleInfo, fn: FunctionInfo | None) -> AnalysisResult:
        name = fn.name if fn is not None else "<module>"
        calls[name] += 1
        if name == "execute" and active:
            raise RecursionError("maximum recursion depth exceeded")
        active.append(name)
        try:
            return real(program, module, fn)
        finally:
            active.pop()

    monkeypatch.setattr(engine_module, "analyze_function", cramped)
    result, _ = scan_with_stats([tmp_path], root=tmp_path, options=ScanOptions(mode=EntryMode.WEB))
    assert [(f.location.line, f.rule_id) for f in result.findings] == [(23, "command-injection")]
    assert not [u for u in result.unparsed if "nesting too deep" in u.reason]
    assert calls["execute"] == 2  # refused inside stage_two, then analysed on its own


def test_a_global_written_by_a_callee_analysed_on_demand_reaches_its_readers(
    tmp_path: Path,
) -> None:
    (tmp_path / "conf.py").write_text(
        "import os, sys\n\nCMD = 'ls'\n\n\ndef main():\n    configure()\n    os.system(CMD)\n"
        "    run()\n\n\ndef configure():\n    global CMD\n    CMD = sys.argv[1]\n\n\n"
        "def run():\n    os.system(CMD)\n"
    )
    found, _ = _scan(tmp_path)
    assert found == [("conf.py", 8, "command-injection"), ("conf.py", 18, "command-injection")]
