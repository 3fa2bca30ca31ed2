"""The review brief as Markdown (`netgain check --brief`): what to read first, and why."""

from __future__ import annotations

from typing import Any

from netgain.policy.brief import Brief, BriefItem, asks_senior_or_owner
from netgain.report.markdown import render_markdown

TITLES = {
    "taint": "on a taint path",
    "zone": "in a sensitive zone",
    "first_use": "author's first use of an API family",
    "uncovered": "not covered by tests",
    "new_to_author": "in a file the author never touched",
    "ai_block": "large AI-written block",
}


def _where(item: BriefItem) -> str:
    span = f"{item.line}" if item.line == item.end_line else f"{item.line}-{item.end_line}"
    return f"`{item.path}:{span}`"


def render_brief(brief: Brief) -> str:
    """Markdown for a reviewer: ranked items first, then the low-attention rest by file."""
    if not brief.needed:
        return f"## Review brief\n\nNo brief needed: {brief.reason}.\n"
    out = ["## Review brief", "", f"Why: {brief.reason}.", ""]
    low = sum(brief.low_attention.values())
    out.append(
        f"Read these {brief.lines_in_brief} added line(s) first, in this order "
        f"({low} more are low attention)."
    )
    out.append("")
    if brief.not_analysed:
        out += ["### Not analysed: read these in full", ""]
        out += [f"- {entry}" for entry in brief.not_analysed]
        out.append("")
    out += ["### Read first", ""]
    for n, item in enumerate(brief.items, 1):
        out.append(f"{n}. {_where(item)} ({TITLES[item.kind]}): {item.why}")
        out.extend(f"   - {step}" for step in item.trace)
        out.extend(f"   - also: {why}" for why in item.also)
    if not brief.items:
        out.append("No added line is on a taint path, in a zone or otherwise flagged.")
    if brief.low_attention:
        out += ["", "### Low attention", ""]
        out += [f"- `{path}`: {lines} added line(s)" for path, lines in brief.low_attention.items()]
    return "\n".join(out) + "\n"


def append_brief(markdown: str, brief: str | None) -> str:
    """The decision's Markdown with the review brief folded under it (PR comment, check run): the
    verdict stays on top, and a reviewer opens the brief when the change is theirs to read."""
    if not brief:
        return markdown
    return f"{markdown.rstrip()}\n\n<details open>\n<summary>Review brief</summary>\n\n{brief}\n</details>\n"


def comment_with_brief(doc: dict[str, Any], brief: str | None) -> str:
    """The PR comment from a decision document and the `--brief-output` text (the GitHub Action):
    the brief follows the decision only when an applicable rule asks a senior or an owner, as in
    the service's sticky comment; any other change's comment is the decision alone."""
    wanted = any(asks_senior_or_owner(r.get("tier"), str(r["status"])) for r in doc["rules"])
    return append_brief(render_markdown(doc), brief if wanted else None)
