"""Writing one `## section` of docs/BENCHMARKS.md, shared by the benchmarks that record figures.

Each benchmark owns one section; replacing only that section lets them be re-run independently
without losing the figures the others recorded.
"""

from __future__ import annotations

from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


def replace_section(header: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Put `body` (which starts with `header`) in place of the section `header` opens, or
    append it when the file has no such section yet."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, text in enumerate(lines) if text.rstrip() == header), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + body
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        rest = "\n" + "".join(lines[end:]) if end < len(lines) else ""
        new = "".join(lines[:start]) + body + rest
    path.write_text(new, encoding="utf-8")
