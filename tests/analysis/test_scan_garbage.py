"""A scan leaves no syntax trees in reference cycles.

The cyclic garbage collector is paused during a scan; anything a scan leaves in a reference
cycle is found only by the next collection, which then walks it. A module's syntax tree held by
a cycle cost a cold scan of Django about 1.5 s of collection once the scan had returned.
"""

from __future__ import annotations

import ast
import gc
from pathlib import Path

from netgain.analysis import ScanOptions, scan
from netgain.analysis.index import FunctionInfo, ModuleInfo

_MODULE = """\
import os


class Handler:
    def run(self, cmd):
        import subprocess

        def inner(x):
            return subprocess.call(x, shell=True)

        return inner(cmd)


def main():
    Handler().run(os.environ["CMD"])
"""


def test_a_scan_leaves_no_syntax_tree_for_the_cyclic_collector(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"m{i}.py").write_text(_MODULE, encoding="utf-8")
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()  # so that nothing is collected before it is inspected
    try:
        result = scan([tmp_path], root=tmp_path, options=ScanOptions())
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        leaked = [o for o in gc.garbage if isinstance(o, ast.AST | ModuleInfo | FunctionInfo)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert result.files_scanned == 3 and result.findings  # the scan did analyse the modules
    assert leaked == []
