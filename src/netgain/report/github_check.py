"""`netgain check --format github`: a GitHub check-run payload for the review gate.

The body is what `POST /repos/{owner}/{repo}/check-runs` accepts. GitHub takes at most 50
annotations per request, so annotations come in batches: the first one in `output.annotations`, the
rest in `annotation_batches` for follow-up `PATCH` calls with the same output title and summary.
"""

from __future__ import annotations

from typing import Any

from netgain.report.markdown import render_markdown

BATCH = 50
MAX_SUMMARY = 65_535  # GitHub's limit on output.summary
_LEVEL = {
    "critical": "failure",
    "high": "failure",
    "medium": "warning",
    "low": "notice",
    "note": "notice",
}


def conclusion_for(verdict: str) -> str:
    """approved -> success; pending approvals -> action_required; anything failing -> failure."""
    return {"approved": "success", "pending": "action_required"}.get(verdict, "failure")


def build_annotations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for f in doc["findings"]:
        cwe = ", ".join(f"CWE-{c}" for c in f["cwe"])
        message = f["message"]
        if f["trace"]:
            message += "\nTrace: " + " -> ".join(f"{s['path']}:{s['line']}" for s in f["trace"])
        out.append(
            {
                "path": f["path"],
                "start_line": f["line"],
                "end_line": f["line"],
                "annotation_level": _LEVEL.get(f["severity"], "warning"),
                "title": f"{f['rule_id']} ({f['severity']}{', ' + cwe if cwe else ''})",
                "message": message[:64_000],
            }
        )
    for zone in doc["zones"]:
        for signal in doc["signals"]:
            if any(signal["path"] in r and signal["family"] in r for r in zone["reasons"]):
                out.append(
                    {
                        "path": signal["path"],
                        "start_line": signal["line"],
                        "end_line": signal["line"],
                        "annotation_level": "notice",
                        "title": f"zone {zone['zone']}: {signal['family']}",
                        "message": f"{signal['detail']} puts this change in zone {zone['zone']}",
                    }
                )
    return out


def check_run(
    doc: dict[str, Any], *, name: str = "netgain review gate", brief: str | None = None
) -> dict[str, Any]:
    """The check-run body plus `annotation_batches` (lists of at most 50 annotations); a review
    brief, when the gate asks a senior or an owner, follows the decision in the summary."""
    from netgain.report.brief import append_brief

    notes = build_annotations(doc)
    batches = [notes[i : i + BATCH] for i in range(0, len(notes), BATCH)] or [[]]
    summary = append_brief(render_markdown(doc), brief)
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 40] + "\n\n(truncated: see the JSON output)\n"
    prov = doc["provenance"]
    share = prov.get("measured_ai_share", prov["ai_share"])
    title = f"{doc['verdict']}: AI share {share:.0%}, " + (f"{len(doc['findings'])} new finding(s)")
    return {
        "name": name,
        "head_sha": doc["head"],
        "status": "completed",
        "conclusion": conclusion_for(doc["verdict"]),
        "output": {"title": title, "summary": summary, "annotations": batches[0]},
        "annotation_batches": batches[1:],
    }
