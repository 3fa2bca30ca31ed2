"""`netgain check --format markdown`: the review gate's decision as a pull-request comment.

Order matters to a reviewer: the verdict first, then the AI share, zones, new findings with their
traces, the rule tree with each rule's reason, and who must review and why. Text that comes from
the change (paths, snippets, messages) is escaped so it cannot break the comment's markup.
"""

from __future__ import annotations

from typing import Any

_ICON = {
    "approved": "✅",
    "pending": "⏳",
    "blocked": "⛔",
    "disapproved": "⛔",
    "skipped": "➖",
    "error": "❗",
}


def _esc(text: object) -> str:
    out = str(text).replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def _code(text: object) -> str:
    value = str(text).replace("\n", " ").replace("`", "'")
    return f"`{value}`"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _tree(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    if "rule" in node:
        lines.append(f"{pad}- {_ICON.get(node['status'], '')} `{node['rule']}`: {node['status']}")
        return
    kind = "all of" if "all_of" in node else "any of"
    lines.append(f"{pad}- {_ICON.get(node['status'], '')} **{kind}**: {node['status']}")
    for child in node.get("all_of", node.get("any_of", [])):
        _tree(child, depth + 1, lines)


def _integrity(doc: dict[str, Any], lines: list[str]) -> None:
    """What the change did to the gate itself: policy files, its own suppressions, stale approvals."""
    changed = doc.get("policy_files_changed") or []
    accepted = [s for s in doc.get("suppressed_in_change") or [] if not s["counts"]]
    stale = doc.get("stale_approvals") or []
    if not (changed or accepted or stale):
        return
    lines.append("### Gate integrity")
    if changed:
        where = doc["policy"].get("read_from") or "the base revision"
        lines.append(
            "- policy changed by this change: read from base "
            f"({_esc(where)}); changed: " + ", ".join(_code(p) for p in changed)
        )
    for s in accepted:
        lines.append(
            f"- suppression of `{_esc(s['rule_id'])}` at `{_esc(s['path'])}:{s['line']}` "
            f"({_esc(s['how'])}) accepted by " + ", ".join(_esc(a) for a in s["accepted_by"])
        )
    lines += [f"- {_esc(s['reason'])}" for s in stale]
    lines.append("")


def _comprehension(section: dict[str, Any] | None, lines: list[str]) -> None:
    """Who owns the understanding of a design-doc-zone change (docs/policy.md)."""
    if not section or not section["design_doc_zones"]:
        return
    lines.append("### Comprehension")
    record = section["reviewer_of_record"]
    if record is not None:
        who = f"@{_esc(record['login'])}" if record["login"] else "none yet"
        lines.append(f"- Reviewer of record: {who} ({_esc(record['reason'])})")
    checklist = section["checklist"]
    if checklist is not None and checklist["required"]:
        if checklist["satisfied"]:
            lines.append(f"- Author's checklist: all {len(checklist['items'])} item(s) ticked")
        else:
            lines.append("- Author's checklist, still to tick in the description:")
            lines += [f"  - [ ] {_esc(item)}" for item in checklist["missing"]]
    for f in section["files"]:
        if not f["ai_lines"]:
            continue
        authors = ", ".join(
            f"{_esc(a['email'])} ({a['ai_lines']} lines"
            + ("; left" if a["left"] else "")
            + f"; {a['earlier_commits_in_area']} earlier commit(s) here)"
            for a in f["ai_authors"]
        )
        risk = f" ⚠️ {', '.join(f['risk'])}" if f["risk"] else ""
        lines.append(
            f"- `{_esc(f['path'])}`: {f['ai_lines']} of {f['lines']} lines AI-written by "
            f"{authors}; touched since by {f['touched_since']}, reviewed by "
            f"{f['reviewed_since']}{risk}"
        )
    lines.append("")


def render_markdown(doc: dict[str, Any]) -> str:
    """The Markdown comment for one decision document (see netgain.policy.document)."""
    verdict = doc["verdict"]
    lines = [f"## {_ICON.get(verdict, '')} netgain review gate: **{verdict}**", ""]
    blockers = [r for r in doc["rules"] if r["status"] not in ("approved", "skipped")]
    for rule in blockers:
        lines.append(f"- **{rule['name']}** ({rule['status']}): {_esc(rule['reason'])}")
    if blockers:
        lines.append("")
    prov = doc["provenance"]
    total = prov["ai_lines"] + prov["human_lines"] + prov["unknown_lines"]
    tools = ", ".join(f"{_esc(k)} ({v})" for k, v in prov["by_tool"].items()) or "none"
    lines += [
        "### AI share",
        f"**{_pct(prov.get('measured_ai_share', prov['ai_share']))}** of {total} added lines "
        f"written by AI (ai {prov['ai_lines']} / human {prov['human_lines']} / unknown "
        f"{prov['unknown_lines']}); tools: {tools}",
        "",
    ]
    if "provenance_coverage" in prov:
        lines += [
            f"Provenance coverage: {_pct(prov['provenance_coverage'])} of the added lines carry "
            "line- or commit-level evidence; the rest is unknown, never human.",
            "",
        ]
    if prov.get("unknown_as_ai_lines"):
        lines += [
            f"Counted as AI by the gate: **{_pct(prov['ai_share'])}** "
            f"({prov['unknown_as_ai_lines']} lines without AI evidence in zones where "
            '`unknown_as = "ai"`).',
            "",
        ]
    lines.append("### Zones")
    if doc["zones"]:
        for zone in doc["zones"]:
            reasons = "; ".join(_esc(r) for r in zone["reasons"][:5])
            lines.append(f"- **{_esc(zone['zone'])}** ({zone['ai_lines']} AI lines): {reasons}")
    else:
        lines.append("No architectural checkpoint touched.")
    author = doc["facts"]["author"]
    if author["first_signals"]:
        lines.append(
            f"- First use by {_esc(author['login'] or 'the author')} in this repository: "
            + ", ".join(_esc(s) for s in author["first_signals"])
        )
    lines.append("")
    lines.append("### New security findings")
    if doc["findings"]:
        for f in doc["findings"]:
            cwe = ", ".join(f"CWE-{c}" for c in f["cwe"])
            lines.append(
                f"- **{f['severity']}** `{f['rule_id']}` ({cwe}) at `{_esc(f['path'])}:{f['line']}`: "
                f"{_esc(f['message'])}"
            )
            if f.get("suppressed_in_change") is not None:
                lines.append(
                    "  - ⚠️ finding suppressed in this change, reason given: "
                    f"{_esc(f['suppressed_in_change'])}; it counts until a gate role approves"
                )
            for step in f["trace"]:
                lines.append(f"  - `{_esc(step['path'])}:{step['line']}` {_esc(step['message'])}")
    else:
        lines.append("None on the added lines.")
    if doc["unparsed_files"]:
        lines.append(f"- {len(doc['unparsed_files'])} changed file(s) could not be parsed:")
        lines += [f"  - `{_esc(u['path'])}`: {_esc(u['reason'])}" for u in doc["unparsed_files"]]
    for_signals = doc.get("unparsed_for_signals", [])
    if for_signals:
        lines.append(f"- {len(for_signals)} changed file(s) not fully read for code signals:")
        lines += [f"  - `{_esc(u['path'])}`: {_esc(u['reason'])}" for u in for_signals]
    missing = [f for f in doc.get("files", []) if f.get("reason")]
    if missing:
        lines.append(f"- ⏳ {len(missing)} changed code file(s) not analysed:")
        lines += [
            f"  - `{_esc(f['path'])}` ({_esc(f['language'] or '?')}): {_esc(f['reason'])}"
            for f in missing
        ]
    imported = sorted({t for f in doc.get("files", []) for t in f["analysed_by"]} - {"netgain"})
    if imported:
        lines.append(f"- Imported results: {', '.join(_esc(t) for t in imported)}")
    lines.append("")
    if doc["design_documents"]:
        lines.append("### Design documents")
        for d in doc["design_documents"]:
            mark = "✅" if d["accepted"] else "❌"
            lines.append(f"- {mark} {_code(d['link'])}: {_esc(d['reason'])}")
        lines.append("")
    _comprehension(doc.get("comprehension"), lines)
    _integrity(doc, lines)
    lines.append("### Rules")
    _tree(doc["tree"], 0, lines)
    lines.append("")
    lines.append("| rule | tier | status | reason |")
    lines.append("| --- | --- | --- | --- |")
    for rule in doc["rules"]:
        lines.append(
            f"| `{rule['name']}` | {_esc(rule['tier'] or '-')} | {_ICON.get(rule['status'], '')} "
            f"{rule['status']} | {_esc(rule['reason'])} |"
        )
    lines.append("")
    if doc["tiers"]:
        lines.append("### Review tier")
        lines += [f"- {_esc(t)}" for t in doc["tiers"]]
        lines.append("")
    if doc["reviewers"]:
        lines.append("### Who must review")
        for ask in doc["reviewers"]:
            source = " or ".join(_esc(s) for s in ask["from"])
            lines.append(f"- `{ask['rule']}` needs {ask['needed']} approval(s) from {source}:")
            if not ask["suggested"]:
                lines.append("  - nobody eligible could be suggested")
            for s in ask["suggested"]:
                lines.append(f"  - @{_esc(s['login'])}: {_esc(s['why'])}")
        lines.append("")
    if doc["problems"] or doc["codeowners"]["problems"]:
        lines.append("<details><summary>Problems</summary>")
        lines.append("")
        for p in doc["codeowners"]["problems"]:
            lines.append(f"- CODEOWNERS line {p['line']}: {_esc(p['message'])}")
        for p in doc["problems"]:
            lines.append(f"- {_esc(p['kind'])}: {_esc(p['message'])}")
        lines.append("")
        lines.append("</details>")
    return "\n".join(lines).rstrip() + "\n"
