"""Writing one `## section` of docs/BENCHMARKS.md, shared by the benchmarks that record figures.

Each benchmark owns one section; replacing only that section lets them be re-run independently
without losing the figures the others recorded. A section may also hold hand-written `###`
subsections next to the generated ones (before/after comparisons, notes of one branch's work):
a benchmark that names the subsections it generates replaces only those and its opening text,
and keeps every other subsection, in its order, after the new text.
"""

from __future__ import annotations

from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


def replace_section(
    header: str,
    body: str,
    path: Path = BENCHMARKS_MD,
    *,
    generated: tuple[str, ...] | None = None,
) -> None:
    """Put `body` (which starts with `header`) in place of the section `header` opens, or
    append it when the file has no such section yet.

    With `generated` (the title prefixes of the `###` subsections `body` holds, such as
    `"### Speed"`), the old section's other `###` subsections are written hand-made text and
    are kept after `body`; without it the whole section is replaced."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, text in enumerate(lines) if text.rstrip() == header), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + body
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        kept = _kept_subsections(lines[start + 1 : end], generated) if generated else ""
        section = body if not kept else body.rstrip("\n") + "\n\n" + kept
        rest = "\n" + "".join(lines[end:]) if end < len(lines) else ""
        new = "".join(lines[:start]) + section + rest
    path.write_text(new, encoding="utf-8")


def _kept_subsections(lines: list[str], generated: tuple[str, ...]) -> str:
    """The `###` subsections of a section's lines whose titles are not generated, joined."""
    kept: list[str] = []
    keeping = False
    for line in lines:
        if line.startswith("### "):
            keeping = not line.startswith(generated)
        if keeping:
            kept.append(line)
    return "".join(kept).strip("\n") + "\n" if kept else ""
