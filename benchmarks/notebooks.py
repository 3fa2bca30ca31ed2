"""Jupyter notebooks: netgain's scan of a repository's notebooks vs what a user would otherwise
run, converting each notebook to a script (code cells joined, IPython lines commented out, as
`jupyter nbconvert --to script` does) and running Bandit on the scripts.

    .venv/bin/python benchmarks/notebooks.py REPO_DIR

Both run as child processes of this one, one after the other, on the same notebooks; wall time
and peak RSS (`ru_maxrss` of each child from `os.wait4`) are printed side by side. netgain's
locations point into the `.ipynb` (its JSON lines); Bandit's point into the converted script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB and stdout of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        return wall, usage.ru_maxrss // 1024, out.read().decode("utf-8", "replace")


def _as_script(notebook: Path) -> str:
    """The code cells as one script, IPython lines commented out (nbconvert's output)."""
    doc = json.loads(notebook.read_text(encoding="utf-8"))
    cells = doc.get("cells") or [c for w in doc.get("worksheets", []) for c in w.get("cells", [])]
    parts = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        text = source if isinstance(source, str) else "".join(source)
        lines = [
            f"# {line}" if line.lstrip().startswith(("%", "!")) else line
            for line in text.splitlines()
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def main(repo: Path) -> None:
    notebooks = sorted(p for p in repo.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    with tempfile.TemporaryDirectory(prefix="nb-bench-") as tmp:
        nb_dir, script_dir = Path(tmp, "nb"), Path(tmp, "py")
        for nb in notebooks:
            rel = nb.relative_to(repo)
            (nb_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (nb_dir / rel).write_bytes(nb.read_bytes())
        start = time.perf_counter()
        for nb in notebooks:
            target = (script_dir / nb.relative_to(repo)).with_suffix(".py")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_as_script(nb), encoding="utf-8")
        convert = time.perf_counter() - start
        ng_args = [str(VENV_BIN / "netgain"), "scan", ".", "--no-cache", "--format", "json"]
        ng_wall, ng_rss, ng_out = _run(ng_args, nb_dir)
        b_args = [str(VENV_BIN / "bandit"), "-q", "-r", ".", "-f", "json"]
        b_wall, b_rss, b_out = _run(b_args, script_dir)
    ng = json.loads(ng_out)
    bandit = json.loads(b_out)
    b_errors = len(bandit.get("errors", []))
    print(f"notebooks: {len(notebooks)} in {repo}")
    print(f"{'tool':<34}{'files':>7}{'unparsed':>10}{'findings':>10}{'wall s':>9}{'RSS MB':>8}")
    summary = ng["summary"]
    print(
        f"{'netgain scan (taint, .ipynb)':<34}{summary['files_scanned']:>7}"
        f"{summary['unparsed']:>10}{summary['findings']:>10}"
        f"{ng_wall:>9.2f}{ng_rss:>8}"
    )
    b_files = len(bandit.get("metrics", {})) - 1
    print(
        f"{'script export + bandit':<34}{b_files:>7}{b_errors:>10}{len(bandit['results']):>10}"
        f"{b_wall + convert:>9.2f}{b_rss:>8}"
    )
    print(f"netgain / (export + bandit) wall: {ng_wall / (b_wall + convert):.2f}x")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
